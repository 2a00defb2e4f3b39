//! NIST PKITS run through the binary, as the acceptance criterion states it: each case of
//! `pkits/pkits-cases.json` as `confia cert verify` with the anchor `TrustAnchorRootCertificate.crt`,
//! `TrustAnchorRootCRL.crl`, the case's certificates and CRLs, `--at 2022-05-01T00:00:00Z` and its
//! policy inputs as flags. Exit 0 must match "valid", 1 a path or revocation error, 3 missing or
//! stale revocation information. At least 95% must match. Skipped when the corpus is absent.

mod common;

use std::path::{Path, PathBuf};

use common::{code, confia};

fn corpus_root() -> PathBuf {
    std::env::var_os("CONFIA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"))
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

#[test]
fn pkits_through_cert_verify() {
    let dir = corpus_root().join("pkits");
    let Ok(text) = std::fs::read_to_string(dir.join("pkits-cases.json")) else {
        println!("skipped: PKITS not found under {} (set CONFIA_CORPUS)", dir.display());
        return;
    };
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let certs = dir.join("certs");
    let crls = dir.join("crls");
    let (mut matched, mut mismatches) = (0, Vec::new());
    for case in &cases {
        let mut args: Vec<String> = vec!["cert".into(), "verify".into()];
        args.push(certs.join(case["cert"].as_str().unwrap()).display().to_string());
        args.extend(["--trust-anchor".into(), certs.join("TrustAnchorRootCertificate.crt").display().to_string()]);
        args.extend(["--crl".into(), crls.join("TrustAnchorRootCRL.crl").display().to_string()]);
        args.extend(["--at".into(), "2022-05-01T00:00:00Z".into()]);
        for f in strings(&case["other_certs"]).iter().chain(strings(&case["path_intermediates"]).iter()) {
            args.extend(["--cert".into(), certs.join(f).display().to_string()]);
        }
        for f in strings(&case["crls"]) {
            args.extend(["--crl".into(), crls.join(f).display().to_string()]);
        }
        let p = &case["params"];
        for o in strings(&p["user_initial_policy_set"]) {
            args.extend(["--initial-policy".into(), o]);
        }
        for (key, flag) in [
            ("initial_explicit_policy", "--explicit-policy"),
            ("initial_policy_mapping_inhibit", "--inhibit-policy-mapping"),
            ("initial_any_policy_inhibit", "--inhibit-any-policy"),
        ] {
            if p[key].as_bool() == Some(true) {
                args.push(flag.into());
            }
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let got = code(&confia(&refs));
        let want = match case["error"]["class"].as_str() {
            None => 0,
            Some("PathValidationError" | "RevokedError") => 1,
            Some(_) => 3,
        };
        if got == want {
            matched += 1;
        } else {
            mismatches.push(format!("{} {}: exit {got}, expected {want}", case["id"], case["name"]));
        }
    }
    let total = cases.len();
    println!("pkits via cert verify: {matched}/{total} matched");
    for m in &mismatches {
        println!("  {m}");
    }
    assert!(matched * 100 >= total * 95, "only {matched}/{total} PKITS cases matched:\n{}", mismatches.join("\n"));
}
