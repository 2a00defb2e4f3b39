//! The one report model: every output (text, JSON, later ETSI XML, HTML, FFI) renders it.

mod text;

pub use text::{render_certificate_text, render_text};

use serde::Serialize;
use time::OffsetDateTime;

use crate::revocation::RevocationResult;
use crate::validation::{Indication, Verdict};

/// A time as reports write it: RFC 3339 (`2026-06-01T12:00:00Z`).
///
/// ```
/// assert_eq!(confia::report::rfc3339(time::macros::datetime!(2026-06-01 12:00 UTC)), "2026-06-01T12:00:00Z");
/// ```
pub fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// The result of validating one document.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The time at which the signatures were validated.
    #[serde(with = "time::serde::rfc3339")]
    pub validation_time: OffsetDateTime,
    /// The validation policy that was applied.
    pub policy: PolicyRef,
    /// Whether revocation was required (`true`) or explicitly disabled.
    pub revocation_checked: bool,
    /// The trusted lists used, when trust came from lists.
    pub trust_snapshot: Option<crate::trust::TrustSnapshot>,
    /// One entry per signature (SignerInfo) in the order found.
    pub signatures: Vec<SignatureReport>,
}

/// Identifies the validation policy, so that a validation can be replayed.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyRef {
    /// The policy's name.
    pub name: String,
    /// SHA-256 of the policy's canonical form.
    pub sha256: String,
}

/// The result for one signature.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    /// Position-based identifier: `S1`, `S2`, ... and `S1-C1` for counter-signatures.
    pub id: String,
    /// Detected format, e.g. `CAdES-BASELINE-B` or `CMS`.
    pub format: String,
    /// Indication and sub-indication (flattened to `indication`, `sub_indication`).
    #[serde(flatten)]
    pub verdict: Verdict,
    /// The signature value verifies with the signer's key.
    pub signature_intact: bool,
    /// The message digest matches the signed data; `None` when the signed data is absent.
    pub data_intact: Option<bool>,
    /// The signer certificate, when identified.
    pub signer: Option<CertificateRef>,
    /// SHA-256 of each certificate from the signer to the trust anchor.
    pub chain: Vec<String>,
    /// The claimed signing time (signing-time attribute).
    #[serde(with = "time::serde::rfc3339::option")]
    pub signing_time: Option<OffsetDateTime>,
    /// The digest algorithm of the signature.
    pub digest_algorithm: Option<String>,
    /// The signature algorithm.
    pub signature_algorithm: Option<String>,
    /// Revocation status of each certificate of the chain but the anchor.
    pub revocation: Vec<RevocationResult>,
    /// Findings, in the order the checks ran.
    pub messages: Vec<Message>,
    /// Signed properties the signer claims (reported as claimed, not verified against
    /// external sources).
    pub properties: SignedProperties,
    /// Counter-signatures of this signature, same shape.
    pub counter_signatures: Vec<SignatureReport>,
}

/// Signed qualifying properties as the signature states them (XAdES SignedProperties;
/// CAdES signed attributes as they are read).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SignedProperties {
    /// The XAdES version of the QualifyingProperties namespace (`1.3.2`, `1.4.1`, `1.2.2`,
    /// `1.1.1`); `None` for other formats.
    pub xades_version: Option<String>,
    /// DataObjectFormat: what each signed data object is.
    pub data_object_formats: Vec<DataObjectFormat>,
    /// The signature policy the signer names; reported, not enforced.
    pub signature_policy: Option<SignaturePolicy>,
    /// Claimed signer roles (ClaimedRole texts).
    pub claimed_roles: Vec<String>,
    /// Commitment type identifiers (URIs or `urn:oid:` identifiers).
    pub commitment_types: Vec<String>,
}

/// One XAdES DataObjectFormat.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct DataObjectFormat {
    /// The `#Id` of the ds:Reference it describes.
    pub object_reference: String,
    /// MimeType.
    pub mime_type: Option<String>,
    /// Encoding URI.
    pub encoding: Option<String>,
    /// Description.
    pub description: Option<String>,
}

/// A SignaturePolicyIdentifier.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignaturePolicy {
    /// SignaturePolicyImplied: the policy follows from the context.
    Implied,
    /// An explicit policy.
    Explicit {
        /// Its identifier (URI or `urn:oid:`).
        identifier: String,
        /// Its description, if given.
        description: Option<String>,
        /// The digest algorithm and base64 value of the policy document, if given.
        digest: Option<String>,
        /// SPURI qualifiers: where the policy document may be found.
        uris: Vec<String>,
    },
}

impl SignatureReport {
    /// A report for signature `id` in `format` before any check has run: nothing intact yet,
    /// verdict to be decided by the checks.
    pub fn new(id: String, format: String) -> Self {
        SignatureReport {
            id,
            format,
            verdict: Verdict::Passed,
            signature_intact: false,
            data_intact: None,
            signer: None,
            chain: Vec::new(),
            signing_time: None,
            digest_algorithm: None,
            signature_algorithm: None,
            revocation: Vec::new(),
            messages: Vec::new(),
            properties: SignedProperties::default(),
            counter_signatures: Vec::new(),
        }
    }
}

/// A certificate as shown in reports.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CertificateRef {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
    /// SHA-256 of the DER encoding, hex.
    pub sha256: String,
}

impl CertificateRef {
    /// The reference for a certificate.
    pub fn of(c: &crate::x509::Certificate) -> Self {
        CertificateRef {
            subject: c.subject().to_string(),
            issuer: c.issuer().to_string(),
            serial: c.serial_hex(),
            sha256: c.sha256_hex(),
        }
    }
}

/// Severity of a [`Message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Level {
    /// A check failed.
    Error,
    /// Something a reviewer should know that did not decide the result on its own.
    Warning,
    /// Context.
    Info,
}

impl Level {
    /// The label text reports use, padded to one width: `ERROR`, `WARN `, `INFO `.
    pub fn label(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warning => "WARN ",
            Level::Info => "INFO ",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Message {
    /// Severity.
    pub level: Level,
    /// A stable identifier, e.g. `HASH_MISMATCH`.
    pub code: &'static str,
    /// Human-readable explanation.
    pub text: String,
}

impl Report {
    /// The worst indication across all signatures and their counter-signatures, or `None`
    /// when the report holds no signature.
    pub fn worst_indication(&self) -> Option<Indication> {
        fn walk(s: &SignatureReport, worst: &mut Indication) {
            let i = s.verdict.indication();
            // TOTAL_FAILED outranks INDETERMINATE, which outranks TOTAL_PASSED.
            let rank = |i: Indication| match i {
                Indication::TotalPassed => 0,
                Indication::Indeterminate => 1,
                Indication::TotalFailed => 2,
            };
            if rank(i) > rank(*worst) {
                *worst = i;
            }
            s.counter_signatures.iter().for_each(|c| walk(c, worst));
        }
        let mut worst = Indication::TotalPassed;
        if self.signatures.is_empty() {
            return None;
        }
        self.signatures.iter().for_each(|s| walk(s, &mut worst));
        Some(worst)
    }

    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

/// The result of validating one certificate on its own (`confia cert verify`): the same
/// vocabulary as a signature's X.509 validation.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateReport {
    /// The time at which the certificate was validated.
    #[serde(with = "time::serde::rfc3339")]
    pub validation_time: OffsetDateTime,
    /// The validation policy that was applied.
    pub policy: PolicyRef,
    /// Whether revocation was required (`true`) or explicitly disabled.
    pub revocation_checked: bool,
    /// The certificate validated.
    pub certificate: CertificateRef,
    /// Indication and sub-indication (flattened to `indication`, `sub_indication`).
    #[serde(flatten)]
    pub verdict: Verdict,
    /// SHA-256 of each certificate of the path, the certificate first, the anchor last.
    pub path: Vec<String>,
    /// The valid certificate policies (RFC 5280 6.1.6 user-constrained policy set), dotted.
    pub policies: Vec<String>,
    /// Revocation status of each certificate of the path but the anchor.
    pub revocation: Vec<RevocationResult>,
    /// Findings, in the order the checks ran.
    pub messages: Vec<Message>,
}

impl CertificateReport {
    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}
