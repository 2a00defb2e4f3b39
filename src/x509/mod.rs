//! X.509 certificates and certification paths (RFC 5280).

mod anchors;
mod certificate;
mod distribution_point;
mod general_name;
mod name;
mod name_constraints;
pub mod path;
mod policy_tree;
mod validate;

pub use anchors::AnchorSet;
pub use certificate::{
    BasicConstraints, Certificate, CertificateError, KeyUsage, MAX_CERTIFICATE_SIZE, PolicyConstraints,
};
pub use distribution_point::{DistributionPoint, ReasonSet};
pub(crate) use distribution_point::{point_names, relative_name, relative_rdn_der};
pub use general_name::{GeneralName, NameKind};
pub use name::Name;
pub use name_constraints::NameConstraints;
pub use path::{CertPath, PathError, PathOptions, build_path, check_end_entity, check_leaf, check_signer_key_usage};
pub use policy_tree::MAX_POLICY_NODES;
pub use validate::PolicyInputs;

use time::OffsetDateTime;

/// Converts an x509-parser time into an `OffsetDateTime` (UTC).
pub(crate) fn to_datetime(t: x509_parser::time::ASN1Time) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t.timestamp()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
