//! `confia cert verify`

use std::path::PathBuf;

use confia::asn1::Oid;
use confia::report::render_certificate_text;
use confia::validation::{IndeterminateSub, Validator, Verdict};
use confia::x509::PolicyInputs;

use crate::common::{Format, ValidationArgs};
use crate::{Failure, exit, load};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Validate a certificate: RFC 5280 path to a trust anchor, policies, name constraints,
    /// revocation.
    Verify(VerifyArgs),
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The certificate (PEM or DER; the first one of a PEM bundle).
    cert_file: PathBuf,
    #[command(flatten)]
    validation: ValidationArgs,
    /// An acceptable certificate policy (user-initial-policy-set, RFC 5280 6.1.1 (c)).
    /// Repeatable; none means any policy.
    #[arg(long = "initial-policy", value_name = "OID")]
    initial_policies: Vec<String>,
    /// Require a valid policy for the path (initial-explicit-policy).
    #[arg(long)]
    explicit_policy: bool,
    /// Do not allow policy mapping (initial-policy-mapping-inhibit).
    #[arg(long)]
    inhibit_policy_mapping: bool,
    /// Do not let anyPolicy match (initial-any-policy-inhibit).
    #[arg(long)]
    inhibit_any_policy: bool,
}

pub fn run(c: Command) -> Result<u8, Failure> {
    let Command::Verify(a) = c;
    let mut config = a.validation.config()?;
    let mut policies = Vec::new();
    for s in &a.initial_policies {
        policies.push(Oid::parse(s).ok_or_else(|| Failure::usage(format!("--initial-policy {s}: not an OID")))?);
    }
    config.path_policy = PolicyInputs {
        user_initial_policy_set: policies,
        initial_explicit_policy: a.explicit_policy,
        initial_policy_mapping_inhibit: a.inhibit_policy_mapping,
        initial_any_policy_inhibit: a.inhibit_any_policy,
    };
    let cert = load::certificates(&a.cert_file)?.remove(0);
    let report = Validator::new(config).validate_certificate(cert);
    match a.validation.format {
        Format::Text => print!("{}", render_certificate_text(&report)),
        Format::Json => println!("{}", report.to_json()),
    }
    Ok(match report.verdict {
        Verdict::Passed => exit::PASSED,
        // Cannot decide: no usable revocation information (or a suspension that may lift).
        Verdict::Indeterminate(IndeterminateSub::TryLater) => exit::INDETERMINATE,
        _ => exit::FAILED,
    })
}
