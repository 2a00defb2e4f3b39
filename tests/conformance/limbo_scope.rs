// Which x509-limbo cases apply to signature certificates: shared by the library harness
// (`tests/conformance/limbo.rs`) and the CLI test (`cli/tests/limbo.rs`) through `include!`.

/// Id prefixes that are TLS- or WebPKI-specific (hostname / SAN matching, EKU, CA/B Forum profile).
pub const NOT_APPLICABLE: &[&str] = &[
    "webpki::san::",
    "webpki::eku::",
    "rfc5280::eku::",
    "webpki::aki::",
    "webpki::nc::",
    "webpki::forbidden-",
    "webpki::ee-basicconstraints-ca",
    "webpki::malformed-aia",
];

/// Features that name inputs confia does not take.
pub const UNSUPPORTED_FEATURES: &[&str] = &["max-chain-depth"];
