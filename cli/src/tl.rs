//! `confia tl verify` and `confia tl show`: trusted lists (ETSI TS 119 612).

use std::fmt::Write as _;
use std::path::PathBuf;

use confia::policy::Policy;
use confia::tl::model::{DigitalIdentity, TrustedList};
use confia::tl::{ListReport, Mode, verify_list};
use confia::validation::Verdict;

use crate::common::Format;
use crate::{Failure, exit, load};

/// Largest list read (the EU LOTL is about 400 KB; the largest national lists a few MB).
const MAX_LIST_SIZE: u64 = 64 * 1024 * 1024;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Verify a trusted list's signature against its pinned signer certificate(s).
    Verify(VerifyArgs),
    /// Print a readable summary of a list: scheme, pointers, providers, services, statuses.
    Show(ShowArgs),
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The list (XML).
    file: PathBuf,
    /// A certificate pinned as the list's signer (PEM or DER). Repeatable.
    #[arg(long = "signer", value_name = "CERT", required = true)]
    signers: Vec<PathBuf>,
    /// Validation time, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339", value_parser = load::time_arg)]
    at: Option<time::OffsetDateTime>,
    /// Read lists that deviate from TS 119 612, recording each deviation as a warning.
    #[arg(long)]
    lenient: bool,
    /// Validation policy file (TOML; see docs/policy.md). Default: the built-in policy.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// The list (XML).
    file: PathBuf,
    /// Read lists that deviate from TS 119 612 (the default for `show`: it only reads).
    #[arg(long, default_value_t = true)]
    lenient: bool,
}

pub fn run(c: Command) -> Result<u8, Failure> {
    match c {
        Command::Verify(a) => verify(a),
        Command::Show(a) => show(a),
    }
}

fn mode(lenient: bool) -> Mode {
    if lenient { Mode::Lenient } else { Mode::Strict }
}

fn verify(a: VerifyArgs) -> Result<u8, Failure> {
    let input = load::read_limited(&a.file, MAX_LIST_SIZE)?;
    let mut signers = Vec::new();
    for s in &a.signers {
        signers.extend(load::certificates(s)?);
    }
    let policy = match &a.policy {
        Some(p) => load::policy(p)?,
        None => Policy::default(),
    };
    let at = a.at.unwrap_or_else(time::OffsetDateTime::now_utc);
    let (_, report) = verify_list(&input, &signers, at, mode(a.lenient), policy)
        .map_err(|e| Failure::unreadable(format!("{}: {e}", a.file.display())))?;
    match a.format {
        Format::Json => {
            println!("{}", serde_json::to_string_pretty(&report).map_err(|e| Failure::unreadable(e.to_string()))?)
        }
        Format::Text => print!("{}", render(&report)),
    }
    Ok(match report.verdict {
        Verdict::Passed => exit::PASSED,
        Verdict::Failed(_) => exit::FAILED,
        Verdict::Indeterminate(_) => exit::INDETERMINATE,
    })
}

fn render(r: &ListReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "[{} #{}] {}", r.territory, r.sequence, r.verdict);
    let _ = writeln!(out, "  type:        {}", r.list_type);
    let _ = writeln!(out, "  issued:      {}", r.issue_date);
    if let Some(n) = r.next_update {
        let _ = writeln!(out, "  next update: {n}");
    }
    let _ = writeln!(out, "  sha256:      {}", r.sha256);
    let _ = writeln!(out, "  services:    {}   pointers: {}", r.services, r.pointers);
    if let Some(s) = &r.signature {
        if let Some(c) = &s.signer {
            let _ = writeln!(out, "  signer:      {}", c.subject);
        }
        for m in &s.messages {
            let _ = writeln!(out, "  {:?} {}: {}", m.level, m.code, m.text);
        }
    }
    for m in &r.warnings {
        let _ = writeln!(out, "  {:?} {}: {}", m.level, m.code, m.text);
    }
    out
}

fn show(a: ShowArgs) -> Result<u8, Failure> {
    let input = load::read_limited(&a.file, MAX_LIST_SIZE)?;
    let list = confia::tl::parse::parse(&input, mode(a.lenient))
        .map_err(|e| Failure::unreadable(format!("{}: {e}", a.file.display())))?;
    print!("{}", summary(&list));
    Ok(exit::PASSED)
}

fn summary(l: &TrustedList) -> String {
    let mut out = String::new();
    let name = |v: &[confia::tl::model::LangText]| {
        v.iter().find(|n| n.lang.as_deref() == Some("en")).or(v.first()).map(|n| n.text.clone()).unwrap_or_default()
    };
    let _ =
        writeln!(out, "{} trusted list #{} (version {}), {}", l.territory, l.sequence, l.version, name(&l.operator));
    let _ = writeln!(out, "type: {}", l.list_type);
    let _ = writeln!(
        out,
        "issued {}, next update {}",
        l.issue_date,
        l.next_update.map(|d| d.to_string()).unwrap_or("none (closed)".into())
    );
    for p in &l.pointers {
        let _ = writeln!(
            out,
            "pointer: {} {} ({}; {} pinned signer(s); {} extension(s) kept)",
            p.territory.as_deref().unwrap_or("?"),
            p.location,
            p.mime_type.as_deref().unwrap_or("?"),
            p.signers.len(),
            p.other_information.len()
        );
    }
    for p in &l.providers {
        let _ = writeln!(out, "provider: {}", name(&p.names));
        for s in &p.services {
            let certs = s.identities.iter().filter(|i| matches!(i, DigitalIdentity::Certificate { .. })).count();
            let _ = writeln!(
                out,
                "  {} | {:?} since {} | {} | {} certificate(s), {} qualification(s), {} history entr(y/ies)",
                s.service_type.rsplit("/Svctype/").next().unwrap_or(&s.service_type),
                s.status,
                s.status_start.date(),
                name(&s.names),
                certs,
                s.extensions.qualifications.len(),
                s.history.len()
            );
        }
    }
    for d in &l.deviations {
        let _ = writeln!(out, "deviation: {}: {}", d.at, d.text);
    }
    out
}
