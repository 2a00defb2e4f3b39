//! Kinds `cades` (DSS CAdES/CMS files) and `rfc4134`.
//!
//! The manifest's crypto verdicts (`crypto_valid` / `crypto_invalid`) are compared with
//! `signature_intact && data_intact == Some(true)` of every top-level signature; indications,
//! formats and counter-signature assertions are compared where the manifest states them.

use std::sync::Arc;

use confia::report::SignatureReport;
use confia::trust::TrustAnchors;
use confia::validation::{ValidationConfig, Validator};
use confia::x509::Certificate;
use time::macros::datetime;

use super::corpus::{Case, Corpus, Outcome, Scoreboard};

/// Detached contents named by the corpus README (caveat 4).
const DETACHED: &[(&str, &str)] = &[(
    "dss/dss-cades/validation/dss-1892/detached_with_counter_sig.p7m",
    "dss/dss-cades/validation/dss-1892/signed_content.bin",
)];

pub fn run(corpus: &Corpus, board: &mut Scoreboard) {
    for case in corpus.cases.iter().filter(|c| c.kind == "cades" && c.expected != "n/a") {
        let kind = if case.path.starts_with("rfc4134/") { "rfc4134" } else { "cades" };
        board.record(kind, &case.path, check(corpus, case));
    }
}

fn check(corpus: &Corpus, case: &Case) -> Outcome {
    let data = match std::fs::read(corpus.path(&case.path)) {
        Ok(d) => d,
        Err(e) => return Outcome::Fail(format!("unreadable: {e}")),
    };
    let mut anchors = TrustAnchors::new();
    let mut time = datetime!(2026-01-01 0:00 UTC);
    if case.expected.starts_with("TOTAL_PASSED(trust anchor = signCert.cer") {
        // Corpus caveat 3: the expired signer certificate is supplied as signer and anchor,
        // so the validation happens while it was valid.
        let pem = std::fs::read(corpus.path("dss/dss-cades/validation/signCert.cer")).expect("signCert.cer");
        anchors.add(Arc::new(Certificate::from_pem_or_der(&pem).expect("anchor").remove(0)));
        time = datetime!(2020-01-01 0:00 UTC);
    }
    let validator = Validator::new(ValidationConfig::new(time, Arc::new(anchors)));
    let mut content = DETACHED
        .iter()
        .find(|(sig, _)| *sig == case.path)
        .map(|(_, c)| std::fs::File::open(corpus.path(c)).expect("detached content"));
    let report = match validator.validate_cms(&data, content.as_mut().map(|f| f as &mut dyn std::io::Read)) {
        Ok(r) => r,
        Err(e) => return Outcome::Fail(format!("not read: {e}")),
    };
    let sigs = &report.signatures;
    let mut problems = Vec::new();
    for assertion in case.expected.split(';') {
        if let Some(p) = assert_one(assertion.trim(), sigs) {
            problems.push(p);
        }
    }
    if problems.is_empty() { Outcome::Pass } else { Outcome::Fail(problems.join("; ")) }
}

/// DSS format names and the names confia reports for them. DSS's TS 101 733 names (CAdES_BES,
/// CAdES_T, CAdES_A) cover the baseline levels too: a baseline B-B signature is also a BES.
fn format_names(dss: &str) -> Vec<&'static str> {
    match dss.split('(').next().unwrap_or(dss) {
        "CAdES_BES" | "CAdES_EPES" => vec!["CAdES-BES", "CAdES-BASELINE-B"],
        "CAdES_T" => vec!["CAdES-T", "CAdES-BASELINE-T"],
        "CAdES_A" => vec!["CAdES-A", "CAdES-BASELINE-LTA"],
        "CAdES_BASELINE_B" => vec!["CAdES-BASELINE-B"],
        "CAdES_BASELINE_T" => vec!["CAdES-BASELINE-T"],
        "CAdES_BASELINE_LT" => vec!["CAdES-BASELINE-LT"],
        "CAdES_BASELINE_LTA" => vec!["CAdES-BASELINE-LTA"],
        _ => vec![],
    }
}

fn crypto_ok(s: &SignatureReport) -> bool {
    s.signature_intact && s.data_intact == Some(true)
}

/// Checks one `;`-separated assertion; `None` when it holds or is not about B-level results.
fn assert_one(a: &str, sigs: &[SignatureReport]) -> Option<String> {
    let all_crypto = sigs.iter().all(crypto_ok);
    let summary = || {
        sigs.iter()
            .map(|s| format!("{} sig={} data={:?} {}", s.id, s.signature_intact, s.data_intact, s.verdict))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if a.starts_with("crypto_valid") || a.starts_with("valid(crypto") {
        return (!all_crypto).then(|| format!("expected crypto_valid, got {}", summary()));
    }
    if a.starts_with("crypto_invalid") {
        return all_crypto.then(|| format!("expected crypto_invalid, got {}", summary()));
    }
    if let Some(rest) = a.strip_prefix("INDETERMINATE/").or(a.strip_prefix("TOTAL_FAILED/")) {
        let want_ind = if a.starts_with("INDETERMINATE") { "INDETERMINATE" } else { "TOTAL_FAILED" };
        let want_sub = rest.split('(').next().unwrap_or(rest);
        let ok = sigs.iter().any(|s| {
            s.verdict.indication().to_string() == want_ind && s.verdict.sub_indication().as_deref() == Some(want_sub)
        });
        return (!ok).then(|| format!("expected {want_ind}/{want_sub}, got {}", summary()));
    }
    if a.starts_with("TOTAL_PASSED") {
        let ok = sigs.iter().all(|s| s.verdict == confia::validation::Verdict::Passed);
        return (!ok).then(|| format!("expected TOTAL_PASSED, got {}", summary()));
    }
    if let Some(f) = a.strip_prefix("format=").or(a.strip_prefix("master=")) {
        let accepted = format_names(f);
        let ok = sigs.iter().any(|s| accepted.contains(&s.format.as_str()));
        return (!ok)
            .then(|| format!("expected format {f}, got {:?}", sigs.iter().map(|s| &s.format).collect::<Vec<_>>()));
    }
    if let Some(f) = a.strip_prefix("counter_signature=") {
        let accepted = format_names(f);
        let ok = sigs.iter().flat_map(|s| &s.counter_signatures).any(|c| accepted.contains(&c.format.as_str()));
        return (!ok).then(|| format!("expected a counter-signature in format {f}"));
    }
    if a == "counter_signature_verifies" || a == "counter_signature_present" {
        let cs: Vec<&SignatureReport> = sigs.iter().flat_map(|s| s.counter_signatures.iter()).collect();
        let ok = !cs.is_empty() && (a == "counter_signature_present" || cs.iter().all(|c| crypto_ok(c)));
        return (!ok).then(|| format!("{a} does not hold ({} counter-signatures)", cs.len()));
    }
    // Time-stamp and archive assertions (T_valid, A_invalid, ...) belong to later levels.
    None
}
