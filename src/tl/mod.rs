//! Trusted lists (ETSI TS 119 612): reading lists and lists of lists into a typed model, and
//! verifying a list's signature against the certificates pinned for it.
//!
//! A list is trusted only when its enveloped signature covers the whole list and verifies with
//! a pinned signer certificate (from the pointer of the list of lists that points to it, or
//! supplied by the operator for a list of lists). A pinned signer is a trust anchor: no
//! revocation data is required for it. Reading is strict or lenient ([`Mode`]): lenient mode
//! reads lists that deviate from the specification (common outside the EU) and records every
//! deviation; strict mode refuses them. Nothing is dropped silently: extensions this reader
//! does not interpret are kept as written.
//!
//! ```
//! use confia::tl::{Mode, parse};
//! let xml = br#"<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#"><SchemeInformation>
//!   <TSLVersionIdentifier>5</TSLVersionIdentifier><TSLSequenceNumber>3</TSLSequenceNumber>
//!   <TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</TSLType>
//!   <SchemeOperatorName><Name xml:lang="en">Operator</Name></SchemeOperatorName>
//!   <SchemeTerritory>UY</SchemeTerritory><ListIssueDateTime>2026-01-01T00:00:00Z</ListIssueDateTime>
//!   <NextUpdate><dateTime>2026-07-01T00:00:00Z</dateTime></NextUpdate></SchemeInformation>
//!   </TrustServiceStatusList>"#;
//! let list = parse::parse(xml, Mode::Strict)?;
//! assert_eq!((list.territory.as_str(), list.sequence), ("UY", 3));
//! # Ok::<(), confia::tl::TlError>(())
//! ```

pub mod fetch;
#[cfg(feature = "online")]
mod http;
pub mod model;
pub mod parse;
pub mod pivot;
mod trust;
mod verify;

#[cfg(feature = "online")]
pub use http::HttpFetcher;
pub use model::TrustedList;
pub use trust::ListTrust;
pub use verify::{ListReport, ListTime, verify_list};

use thiserror::Error;

/// How deviations from TS 119 612 are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Refuse the list at the first deviation.
    Strict,
    /// Read what can be read and record every deviation.
    Lenient,
}

/// Why a list cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TlError {
    /// The document is not usable XML.
    #[error(transparent)]
    Xml(#[from] crate::xml::XmlError),
    /// The document is not a trusted list.
    #[error("not a trusted list: {0}")]
    NotAList(String),
    /// A required element is missing.
    #[error("missing {0}")]
    Missing(String),
    /// An element's value cannot be read.
    #[error("malformed {0}")]
    Malformed(String),
    /// Strict mode: the list deviates from the specification.
    #[error("not compliant at {}: {} (read it in lenient mode to accept this with a warning)", .0.at, .0.text)]
    NotCompliant(model::Deviation),
}
