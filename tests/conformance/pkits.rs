//! Kind `pkits`: NIST PKITS path-validation cases (`pkits/pkits-cases.json`), each run as
//! `confia cert verify` would run it: anchor `TrustAnchorRootCertificate.crt` with
//! `TrustAnchorRootCRL.crl`, the case's certificates and CRLs, its policy inputs, at
//! 2022-05-01T00:00:00Z.
//!
//! Expected outcomes map onto confia's verdicts: no error = TOTAL_PASSED; `RevokedError` =
//! INDETERMINATE with REVOKED_NO_POE / REVOKED_CA_NO_POE; `InsufficientRevinfoError` and
//! `StaleRevinfoError` = INDETERMINATE / TRY_LATER (cannot decide); `PathValidationError` = any
//! other non-passing verdict (the path is invalid).

use std::sync::Arc;

use confia::asn1::Oid;
use confia::revocation::{Crl, CrlSet};
use confia::trust::TrustAnchors;
use confia::validation::{IndeterminateSub, ValidationConfig, Validator, Verdict};
use confia::x509::{Certificate, PolicyInputs};
use serde_json::Value;
use time::macros::datetime;

use super::corpus::{Corpus, Outcome, Scoreboard};

pub fn run(corpus: &Corpus, board: &mut Scoreboard) {
    let dir = corpus.path("pkits");
    let Ok(text) = std::fs::read_to_string(dir.join("pkits-cases.json")) else {
        println!("pkits: skipped, pkits-cases.json not found");
        return;
    };
    let cases: Vec<Value> = serde_json::from_str(&text).expect("pkits-cases.json is JSON");
    for case in &cases {
        let name = format!("{} {}", case["id"].as_str().unwrap_or("?"), case["name"].as_str().unwrap_or("?"));
        board.record("pkits", &name, check(&dir, case));
    }
}

fn cert(dir: &std::path::Path, f: &str) -> Result<Arc<Certificate>, String> {
    let data = std::fs::read(dir.join("certs").join(f)).map_err(|e| format!("{f}: {e}"))?;
    Certificate::from_pem_or_der(&data).map_err(|e| format!("{f}: {e}"))?.pop().map(Arc::new).ok_or(f.to_string())
}

fn crl(dir: &std::path::Path, f: &str) -> Result<Arc<Crl>, String> {
    let data = std::fs::read(dir.join("crls").join(f)).map_err(|e| format!("{f}: {e}"))?;
    Crl::from_pem_or_der(&data).map_err(|e| format!("{f}: {e}"))?.pop().map(Arc::new).ok_or(f.to_string())
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

/// The verdict confia gives the case, or why the inputs could not be loaded.
fn verdict(dir: &std::path::Path, case: &Value) -> Result<(Verdict, String), String> {
    let mut anchors = TrustAnchors::new();
    anchors.add(cert(dir, "TrustAnchorRootCertificate.crt")?);
    let mut crls = CrlSet::new();
    crls.add(crl(dir, "TrustAnchorRootCRL.crl")?);
    for f in strings(&case["crls"]) {
        match crl(dir, &f) {
            Ok(c) => crls.add(c),
            // An unreadable CRL is no revocation information; the verdict will say so.
            Err(e) => eprintln!("pkits: {e}"),
        }
    }
    let mut others = Vec::new();
    for f in strings(&case["other_certs"]).iter().chain(strings(&case["path_intermediates"]).iter()) {
        others.push(cert(dir, f)?);
    }
    let leaf = cert(dir, case["cert"].as_str().ok_or("no cert")?)?;
    let mut config = ValidationConfig::new(datetime!(2022-05-01 0:00 UTC), Arc::new(anchors));
    config.certificates = others;
    config.revocation = Arc::new(crls);
    let p = &case["params"];
    config.path_policy = PolicyInputs {
        user_initial_policy_set: strings(&p["user_initial_policy_set"]).iter().filter_map(|s| Oid::parse(s)).collect(),
        initial_explicit_policy: p["initial_explicit_policy"].as_bool().unwrap_or(false),
        initial_policy_mapping_inhibit: p["initial_policy_mapping_inhibit"].as_bool().unwrap_or(false),
        initial_any_policy_inhibit: p["initial_any_policy_inhibit"].as_bool().unwrap_or(false),
    };
    let report = Validator::new(config).validate_certificate(leaf);
    let first_error = report.messages.iter().find(|m| m.code != "TRUST_ANCHOR").map(|m| m.text.clone());
    Ok((report.verdict, first_error.unwrap_or_default()))
}

fn check(dir: &std::path::Path, case: &Value) -> Outcome {
    let (v, why) = match verdict(dir, case) {
        Ok(v) => v,
        Err(e) => return Outcome::Fail(format!("inputs not loaded: {e}")),
    };
    let expected = case["error"]["class"].as_str().unwrap_or("none");
    let ok = match (expected, v) {
        ("none", Verdict::Passed) => true,
        ("RevokedError", Verdict::Indeterminate(IndeterminateSub::RevokedNoPoe | IndeterminateSub::RevokedCaNoPoe)) => {
            true
        }
        ("InsufficientRevinfoError" | "StaleRevinfoError", Verdict::Indeterminate(IndeterminateSub::TryLater)) => true,
        ("PathValidationError", Verdict::Indeterminate(s)) => {
            !matches!(s, IndeterminateSub::TryLater | IndeterminateSub::RevokedNoPoe | IndeterminateSub::RevokedCaNoPoe)
        }
        ("PathValidationError", Verdict::Failed(_)) => true,
        _ => false,
    };
    if ok { Outcome::Pass } else { Outcome::Fail(format!("expected {expected}, got {v}: {why}")) }
}
