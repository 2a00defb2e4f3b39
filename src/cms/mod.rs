//! CMS SignedData (RFC 5652) read from DER or BER, keeping the signed bytes as received.

mod attributes;
mod signed_data;

pub use attributes::{Attribute, Attributes, EssCertId, SigningCertificateRef, octet_string_value, parse_time};
pub use signed_data::{EncapsulatedContent, SignedData, SignerIdentifier, SignerInfo};

use thiserror::Error;

use crate::asn1::Asn1Error;

/// Largest signature file read, including attached content.
pub const MAX_INPUT_SIZE: usize = 512 * 1024 * 1024;
/// Most SignerInfos in one SignedData (or one attribute's counter-signatures).
pub const MAX_SIGNERS: usize = 256;
/// Most certificates or CRLs carried in one SignedData.
pub const MAX_CERTIFICATES: usize = 4096;
/// Most attributes in one signed or unsigned attribute set.
pub const MAX_ATTRIBUTES: usize = 512;
/// Deepest nesting of counter-signatures followed.
pub const MAX_COUNTER_SIGNATURE_DEPTH: usize = 8;

/// Why the input is not a readable CMS SignedData.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CmsError {
    /// BER/DER structure error.
    #[error("malformed CMS structure: {0}")]
    Asn1(#[from] Asn1Error),
    /// A ContentInfo that does not carry SignedData.
    #[error("not a CMS SignedData (content type {0})")]
    NotSignedData(String),
    /// Input larger than [`MAX_INPUT_SIZE`].
    #[error("input larger than {MAX_INPUT_SIZE} bytes")]
    TooLarge,
    /// A bound on element counts or nesting was exceeded.
    #[error("too many {0} (limit {1})")]
    TooMany(&'static str, usize),
    /// A structurally valid value that RFC 5652 does not allow.
    #[error("invalid CMS: {0}")]
    Invalid(String),
}
