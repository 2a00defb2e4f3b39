//! `confia tl verify` and `confia tl show`: trusted lists (ETSI TS 119 612).

use std::fmt::Write as _;
use std::path::PathBuf;

use confia::policy::Policy;
use confia::report::rfc3339;
use confia::tl::model::{DigitalIdentity, LangText, TrustedList};
use confia::tl::{ListReport, ListTime, Mode, verify_list};
use confia::validation::Verdict;

use crate::common::Format;
use crate::{Failure, exit, load};

/// Largest list read (the EU LOTL is about 400 KB; the largest national lists a few MB).
const MAX_LIST_SIZE: u64 = 64 * 1024 * 1024;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Verify a trusted list's signature against its pinned signer certificate(s).
    Verify(VerifyArgs),
    /// Print a readable summary of a list: scheme, pointers, providers, services, statuses
    /// (read leniently; the signature is not verified).
    Show(ShowArgs),
    /// Fetch a list of lists and every list it points to over HTTPS into a cache directory,
    /// verifying each against its pinned signers (conditional requests, anti-rollback).
    Fetch(FetchArgs),
}

#[derive(clap::Args)]
pub struct FetchArgs {
    /// The list of lists to start from.
    #[arg(long, value_name = "URL", default_value = "https://ec.europa.eu/tools/lotl/eu-lotl.xml")]
    lotl_url: String,
    /// A certificate pinned as signer of the list of lists (from the Official Journal for the
    /// EU LOTL). Repeatable.
    #[arg(long = "lotl-signer", value_name = "CERT", required = true)]
    lotl_signers: Vec<PathBuf>,
    /// The cache directory (created if missing).
    #[arg(long, value_name = "DIR")]
    cache: PathBuf,
    /// Read lists that deviate from TS 119 612, recording each deviation.
    #[arg(long)]
    lenient: bool,
    /// Seconds allowed per download.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout: u64,
    /// Attempts per list (transient failures are retried).
    #[arg(long, default_value_t = 3)]
    attempts: u32,
    /// Allow plain HTTP to 127.0.0.1/localhost (testing against a local server only).
    #[arg(long, hide = true)]
    allow_loopback_http: bool,
    /// Summary format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The list (XML).
    file: PathBuf,
    /// A certificate pinned as the list's signer (PEM or DER). Repeatable.
    #[arg(long = "signer", value_name = "CERT", required = true)]
    signers: Vec<PathBuf>,
    /// For a list of lists whose keys changed: a pivot list, oldest first; the first verifies
    /// with a --signer, each next one with the keys the previous pins, and the keys the newest
    /// pins may sign the list. Repeatable.
    #[arg(long = "pivot", value_name = "FILE")]
    pivots: Vec<PathBuf>,
    /// The time the list is to be used at, RFC 3339 (default: now): a next update before it is
    /// reported and the policy decides. The signature is checked at the list's issue time.
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
    /// The list (XML). It is read leniently (every deviation from TS 119 612 is listed at the
    /// end) and its signature is not verified: `confia tl verify` does that.
    file: PathBuf,
}

pub fn run(c: Command) -> Result<u8, Failure> {
    match c {
        Command::Verify(a) => verify(a),
        Command::Show(a) => show(a),
        Command::Fetch(a) => fetch(a),
    }
}

fn fetch(a: FetchArgs) -> Result<u8, Failure> {
    use confia::tl::HttpFetcher;
    use confia::tl::fetch::{Cache, Outcome, RefreshOptions, refresh};
    let mut signers = Vec::new();
    for s in &a.lotl_signers {
        signers.extend(load::certificates(s)?);
    }
    let timeout = std::time::Duration::from_secs(a.timeout.max(1));
    let fetcher =
        if a.allow_loopback_http { HttpFetcher::allow_loopback_http(timeout) } else { HttpFetcher::new(timeout) }
            .map_err(|e| Failure { code: exit::FAILED, message: e.to_string() })?;
    let mut cache = Cache::open(&a.cache).map_err(|e| Failure::unreadable(e.to_string()))?;
    let options =
        RefreshOptions { mode: mode(a.lenient), policy: Policy::default(), attempts: a.attempts, parallel: 4 };
    // Progress: one line per list on stderr as it completes.
    let progress = |o: &confia::tl::fetch::ListOutcome| {
        let what = match &o.outcome {
            Outcome::Updated { sequence } => format!("updated to #{sequence}"),
            Outcome::NotModified { sequence } => format!("not modified (#{sequence})"),
            Outcome::Rejected { reason } => format!("REJECTED: {reason}"),
            Outcome::Failed { reason } => format!("FAILED: {reason}"),
        };
        // A publisher that lets its list go past its next update is flagged; the validation
        // policy decides what that means when the list is used.
        let stale = match o.next_update {
            Some(n) if n < time::OffsetDateTime::now_utc() => format!(" (STALE: next update was due {})", rfc3339(n)),
            _ => String::new(),
        };
        eprintln!("{:>4} {} {what}{stale}", o.territory, o.url);
    };
    let outcomes = refresh(&a.lotl_url, &signers, &fetcher, &mut cache, &options, &progress);
    if a.format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&outcomes).map_err(|e| Failure::unreadable(e.to_string()))?);
    } else {
        let ok = outcomes
            .iter()
            .filter(|o| matches!(o.outcome, Outcome::Updated { .. } | Outcome::NotModified { .. }))
            .count();
        println!("{ok} of {} lists current in {}", outcomes.len(), a.cache.display());
    }
    let lotl_ok =
        outcomes.first().is_some_and(|o| matches!(o.outcome, Outcome::Updated { .. } | Outcome::NotModified { .. }));
    let all_ok = outcomes.iter().all(|o| matches!(o.outcome, Outcome::Updated { .. } | Outcome::NotModified { .. }));
    Ok(if !lotl_ok {
        exit::FAILED
    } else if all_ok {
        exit::PASSED
    } else {
        exit::INDETERMINATE
    })
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
    let (signers, pivots) = crate::common::pivoted(&a.pivots, signers, mode(a.lenient), &policy)?;
    let (list, report) = verify_list(input, &signers, ListTime::UsedAt(at), mode(a.lenient), policy)
        .map_err(|e| Failure::unreadable(format!("{}: {e}", a.file.display())))?;
    crate::common::after_pivots(pivots.as_ref(), &list, &a.file, false)?;
    let pivots = pivots.map(|f| f.pivots).unwrap_or_default();
    match a.format {
        Format::Json => {
            let mut j = serde_json::to_value(&report).map_err(|e| Failure::unreadable(e.to_string()))?;
            if !pivots.is_empty() {
                let mut chain = Vec::new();
                for (_, r) in &pivots {
                    // {territory, sequence, sha256, indication, sub_indication}
                    let mut p = serde_json::to_value(r.verdict).map_err(|e| Failure::unreadable(e.to_string()))?;
                    p["territory"] = r.territory.clone().into();
                    p["sequence"] = r.sequence.into();
                    p["sha256"] = r.sha256.clone().into();
                    chain.push(p);
                }
                j["pivots"] = serde_json::Value::Array(chain);
            }
            println!("{}", serde_json::to_string_pretty(&j).map_err(|e| Failure::unreadable(e.to_string()))?)
        }
        Format::Text => {
            print!("{}", render(&report));
            for (_, r) in &pivots {
                println!("  pivot:       {} #{} {} (sha256 {})", r.territory, r.sequence, r.verdict, r.sha256);
            }
        }
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
    let _ = writeln!(out, "  issued:      {}", rfc3339(r.issue_date));
    if let Some(n) = r.next_update {
        let _ = writeln!(out, "  next update: {}", rfc3339(n));
    }
    let _ = writeln!(out, "  sha256:      {}", r.sha256);
    let _ = writeln!(out, "  services:    {}   pointers: {}", r.services, r.pointers);
    if let Some(c) = r.signature.as_ref().and_then(|s| s.signer.as_ref()) {
        let _ = writeln!(out, "  signer:      {}", c.subject);
    }
    // The list's own findings, then its signature's (the JSON keeps them apart: `warnings` and
    // `signature.messages`).
    let signature = r.signature.iter().flat_map(|s| s.messages.iter());
    for m in r.warnings.iter().chain(signature) {
        let _ = writeln!(out, "  {} {}: {}", m.level.label(), m.code, m.text);
    }
    out
}

fn show(a: ShowArgs) -> Result<u8, Failure> {
    let input = load::read_limited(&a.file, MAX_LIST_SIZE)?;
    let list = confia::tl::parse::parse(input, Mode::Lenient)
        .map_err(|e| Failure::unreadable(format!("{}: {e}", a.file.display())))?;
    print!("{}", summary(&list));
    Ok(exit::PASSED)
}

fn summary(l: &TrustedList) -> String {
    let mut out = String::new();
    let name = |v: &[LangText]| LangText::preferred(v).to_string();
    let _ =
        writeln!(out, "{} trusted list #{} (version {}), {}", l.territory, l.sequence, l.version, name(&l.operator));
    let _ = writeln!(out, "type: {}", l.list_type);
    let _ = writeln!(
        out,
        "issued {}, next update {}",
        rfc3339(l.issue_date),
        l.next_update.map(rfc3339).unwrap_or("none (closed)".into())
    );
    let _ = writeln!(out, "signature: not verified here (confia tl verify checks it against a pinned signer)");
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
                "  {} | {:?} since {} | {} | certificates: {}, qualifications: {}, history entries: {}",
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
