//! X.509 certificates and certification paths (RFC 5280).

mod certificate;
mod name;
pub mod path;

pub use certificate::{BasicConstraints, Certificate, CertificateError, KeyUsage, MAX_CERTIFICATE_SIZE};
pub use name::Name;
pub use path::{CertPath, PathError, PathOptions, build_path, check_end_entity};

use time::OffsetDateTime;

/// Converts an x509-parser time into an `OffsetDateTime` (UTC).
pub(crate) fn to_datetime(t: x509_parser::time::ASN1Time) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t.timestamp()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
