//! `confia verify`

use std::path::PathBuf;
use std::sync::Arc;

use clap::ValueEnum;
use confia::report::render_text;
use confia::revocation::CrlSet;
use confia::trust::TrustAnchors;
use confia::validation::{Indication, RevocationChecking, ValidationConfig, ValidationError, Validator};

use crate::{Failure, exit, load};

/// Output format of the report.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// JSON (stable keys).
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// The signature file (CMS/CAdES, DER, BER or PEM).
    file: PathBuf,
    /// The signed content, for a detached signature (read as a stream).
    #[arg(long, value_name = "FILE")]
    content: Option<PathBuf>,
    /// A trusted certificate (PEM or DER) or a directory of them. Repeatable.
    #[arg(long = "trust-anchor", value_name = "FILE|DIR")]
    trust_anchors: Vec<PathBuf>,
    /// An extra certificate that may complete the path (PEM or DER). Repeatable.
    #[arg(long = "cert", value_name = "FILE")]
    certs: Vec<PathBuf>,
    /// A CRL (PEM or DER) used for revocation checking. Repeatable.
    #[arg(long = "crl", value_name = "FILE")]
    crls: Vec<PathBuf>,
    /// Validation time, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339", value_parser = load::time_arg)]
    at: Option<time::OffsetDateTime>,
    /// Do not require revocation information (the report says revocation was not checked).
    #[arg(long)]
    no_revocation_check: bool,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

pub fn run(a: Args) -> Result<u8, Failure> {
    let mut anchors = TrustAnchors::new();
    for p in &a.trust_anchors {
        load::certificates_from_file_or_dir(p)?.into_iter().for_each(|c| anchors.add(c));
    }
    let mut certificates = Vec::new();
    for p in &a.certs {
        certificates.extend(load::certificates(p)?);
    }
    let mut crls = CrlSet::new();
    for p in &a.crls {
        load::crls(p)?.into_iter().for_each(|c| crls.add(c));
    }
    let time = a.at.unwrap_or_else(time::OffsetDateTime::now_utc);
    let mut config = ValidationConfig::new(time, Arc::new(anchors));
    config.certificates = certificates;
    config.revocation = Arc::new(crls);
    if a.no_revocation_check {
        config.revocation_checking = RevocationChecking::Disabled;
    }
    let input = load::read_limited(&a.file, confia::cms::MAX_INPUT_SIZE as u64)?;
    let mut content = match &a.content {
        Some(p) => Some(std::fs::File::open(p).map_err(|e| Failure::unreadable(format!("{}: {e}", p.display())))?),
        None => None,
    };
    let validator = Validator::new(config);
    let report =
        validator.validate_cms(&input, content.as_mut().map(|f| f as &mut dyn std::io::Read)).map_err(|e| match e {
            ValidationError::UnexpectedDetachedContent => Failure::usage(e),
            e => Failure::unreadable(format!("{}: {e}", a.file.display())),
        })?;
    match a.format {
        Format::Text => print!("{}", render_text(&report)),
        Format::Json => println!("{}", report.to_json()),
    }
    Ok(match report.worst_indication() {
        Some(Indication::TotalPassed) => exit::PASSED,
        Some(Indication::TotalFailed) => exit::FAILED,
        Some(Indication::Indeterminate) => exit::INDETERMINATE,
        None => exit::UNREADABLE,
    })
}
