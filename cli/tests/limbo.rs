//! x509-limbo through the binary, as the acceptance criterion states it: each applicable case
//! as `confia cert verify --no-revocation-check` with its trusted certificates as anchors, its
//! untrusted intermediates as `--cert`, at its validation time. Exit 0 must match SUCCESS, any
//! other verdict FAILURE; at least 90% must match. The not-applicable prefixes are those of the
//! library harness (`tests/conformance/limbo.rs`, listed in docs/conformance.md).

mod common;

use std::path::{Path, PathBuf};

use common::{code, confia};

include!("../../tests/conformance/limbo_scope.rs");

fn corpus_root() -> PathBuf {
    std::env::var_os("CONFIA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"))
}

#[test]
fn limbo_through_cert_verify() {
    let Ok(text) = std::fs::read_to_string(corpus_root().join("limbo/limbo-public.json")) else {
        println!("skipped: limbo not found (set CONFIA_CORPUS)");
        return;
    };
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut applicable, mut matched, mut mismatches) = (0, 0, Vec::new());
    for (n, case) in doc["testcases"].as_array().unwrap().iter().enumerate() {
        let id = case["id"].as_str().unwrap();
        let features: Vec<&str> =
            case["features"].as_array().into_iter().flatten().filter_map(|f| f.as_str()).collect();
        if NOT_APPLICABLE.iter().any(|p| id.starts_with(p)) || features.iter().any(|f| UNSUPPORTED_FEATURES.contains(f))
        {
            continue;
        }
        applicable += 1;
        let write = |name: String, pem: &serde_json::Value| {
            let p = dir.path().join(name);
            std::fs::write(&p, pem.as_str().unwrap()).unwrap();
            p.display().to_string()
        };
        let mut args =
            vec!["cert".to_string(), "verify".into(), write(format!("{n}-leaf.pem"), &case["peer_certificate"])];
        for (i, c) in case["trusted_certs"].as_array().unwrap().iter().enumerate() {
            args.extend(["--trust-anchor".into(), write(format!("{n}-anchor{i}.pem"), c)]);
        }
        for (i, c) in case["untrusted_intermediates"].as_array().unwrap().iter().enumerate() {
            args.extend(["--cert".into(), write(format!("{n}-inter{i}.pem"), c)]);
        }
        let at = case["validation_time"].as_str().unwrap_or("2024-01-01T00:00:00Z").to_string();
        args.extend(["--at".into(), at, "--no-revocation-check".into()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let got = code(&confia(&refs));
        let success = case["expected_result"] == "SUCCESS";
        if (got == 0) == success {
            matched += 1;
        } else {
            mismatches.push(format!("{id}: exit {got}, expected {}", case["expected_result"]));
        }
    }
    println!("limbo via cert verify: {matched}/{applicable} applicable cases matched");
    for m in &mismatches {
        println!("  {m}");
    }
    assert!(applicable > 50, "only {applicable} applicable cases");
    assert!(matched * 100 >= applicable * 90, "{}", mismatches.join("\n"));
}
