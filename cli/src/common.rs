//! Arguments shared by `verify` and `cert verify`: where trust, extra certificates and CRLs
//! come from, the validation time, and whether revocation is required.

use std::path::PathBuf;
use std::sync::Arc;

use clap::ValueEnum;
use confia::revocation::CrlSet;
use confia::trust::TrustAnchors;
use confia::validation::{RevocationChecking, ValidationConfig};

use crate::{Failure, load};

/// Output format of the report.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// JSON (stable keys).
    Json,
}

#[derive(clap::Args)]
pub struct ValidationArgs {
    /// A trusted certificate (PEM or DER) or a directory of them. Repeatable.
    #[arg(long = "trust-anchor", value_name = "FILE|DIR")]
    pub trust_anchors: Vec<PathBuf>,
    /// An extra certificate that may complete the path (PEM or DER). Repeatable.
    #[arg(long = "cert", value_name = "FILE")]
    pub certs: Vec<PathBuf>,
    /// A CRL (PEM or DER) used for revocation checking. Repeatable.
    #[arg(long = "crl", value_name = "FILE")]
    pub crls: Vec<PathBuf>,
    /// Validation time, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339", value_parser = load::time_arg)]
    pub at: Option<time::OffsetDateTime>,
    /// Do not require revocation information (the report says revocation was not checked).
    #[arg(long)]
    pub no_revocation_check: bool,
    /// Validation policy file (TOML; see docs/policy.md). Default: the built-in policy.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

impl ValidationArgs {
    /// The library configuration these arguments describe.
    pub fn config(&self) -> Result<ValidationConfig, Failure> {
        let mut anchors = TrustAnchors::new();
        for p in &self.trust_anchors {
            load::certificates_from_file_or_dir(p)?.into_iter().for_each(|c| anchors.add(c));
        }
        let mut certificates = Vec::new();
        for p in &self.certs {
            certificates.extend(load::certificates(p)?);
        }
        let mut crls = CrlSet::new();
        for p in &self.crls {
            load::crls(p)?.into_iter().for_each(|c| crls.add(c));
        }
        let time = self.at.unwrap_or_else(time::OffsetDateTime::now_utc);
        let mut config = ValidationConfig::new(time, Arc::new(anchors));
        if let Some(p) = &self.policy {
            config.policy = load::policy(p)?;
        }
        config.certificates = certificates;
        config.revocation = Arc::new(crls);
        if self.no_revocation_check {
            config.revocation_checking = RevocationChecking::Disabled;
        }
        Ok(config)
    }
}
