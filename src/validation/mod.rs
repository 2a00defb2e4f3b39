//! The ETSI EN 319 102-1 validation process for CAdES/CMS signatures.
//!
//! Building blocks, in DSS's vocabulary: FC (format checking), ISC (identification of the
//! signing certificate), CV (cryptographic verification), XCV (X.509 certificate validation
//! with revocation) and SAV (signature acceptance: cryptographic constraints of the policy).

mod certificate;
mod indication;
mod process;
pub(crate) use process::apply_level;
mod xml;

pub use indication::{FailedSub, IndeterminateSub, Indication, Verdict};
pub use process::{RevocationChecking, ValidationConfig, ValidationError, Validator};
pub use xml::XmlInputs;
