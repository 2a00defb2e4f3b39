//! `confia verify --format json` on every CAdES/CMS case of the third-party corpus: the JSON
//! `signature_intact` / `data_intact` of every top-level signature must agree with the
//! manifest's crypto verdict. This is the CLI-level twin of the library conformance harness
//! (`tests/conformance`): it proves the binary, its argument handling and its JSON carry the
//! same verdicts. Skipped, with a printed reason, when the corpus folder is absent.

mod common;

use std::path::{Path, PathBuf};

use common::{confia, stderr, stdout};

/// Detached contents named by the corpus README (caveat 4).
const DETACHED: &[(&str, &str)] = &[(
    "dss/dss-cades/validation/dss-1892/detached_with_counter_sig.p7m",
    "dss/dss-cades/validation/dss-1892/signed_content.bin",
)];

/// Corpus README caveat 5: DSS calls this crypto_invalid, OpenSSL 3.0 (and confia) verify it.
const DISPUTED: &[&str] = &["dss/dss-cades/validation/Signature-C-DE_CRY-4.p7m"];

fn corpus_root() -> PathBuf {
    std::env::var_os("CONFIA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"))
}

/// The manifest's rows of one kind as (path, expected), or `None` (with the skip reason
/// printed) when the corpus is absent.
fn manifest_cases(root: &Path, kind: &str) -> Option<Vec<(String, String)>> {
    let Ok(manifest) = std::fs::read_to_string(root.join("MANIFEST.tsv")) else {
        println!("skipped: corpus not found at {} (set CONFIA_CORPUS)", root.display());
        return None;
    };
    Some(
        manifest
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .filter(|f| f.len() >= 6 && f[4] == kind)
            .map(|f| (f[0].to_string(), f[5].to_string()))
            .collect(),
    )
}

#[test]
fn cli_json_crypto_verdicts_match_the_manifest() {
    let root = corpus_root();
    let Some(cases) = manifest_cases(&root, "cades") else { return };
    let (mut checked, mut mismatches) = (0, Vec::new());
    for (path, expected) in &cases {
        let (path, expected) = (path.as_str(), expected.as_str());
        if DISPUTED.contains(&path) {
            continue;
        }
        let want = if expected.contains("crypto_invalid") {
            false
        } else if expected.contains("crypto_valid") || expected.starts_with("valid(crypto") {
            true
        } else {
            continue;
        };
        let file = root.join(path);
        let mut args = vec!["verify".to_string(), file.display().to_string(), "--format".into(), "json".into()];
        if let Some((_, c)) = DETACHED.iter().find(|(s, _)| *s == path) {
            args.extend(["--content".into(), root.join(c).display().to_string()]);
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = confia(&refs);
        let json: serde_json::Value = match serde_json::from_slice(&o.stdout) {
            Ok(j) => j,
            Err(e) => {
                mismatches.push(format!("{path}: no JSON ({e}): {} {}", stdout(&o), stderr(&o)));
                continue;
            }
        };
        let sigs = json["signatures"].as_array().cloned().unwrap_or_default();
        let got = !sigs.is_empty()
            && sigs.iter().all(|s| s["signature_intact"] == true && s["data_intact"] == serde_json::Value::Bool(true));
        checked += 1;
        if got != want {
            mismatches.push(format!("{path}: manifest says crypto_valid={want}, JSON says {sigs:?}"));
        }
    }
    println!("cli corpus: {checked} CAdES crypto verdicts checked, {} mismatches", mismatches.len());
    assert!(checked >= 20, "only {checked} CAdES cases found in the manifest");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// Detached contents of XAdES cases (corpus README caveat 4).
const XADES_DETACHED: &[(&str, &str)] = &[
    ("dss/dss-xades/validation/dss2011/xades-detached.xml", "dss/dss-xades/sample.xml"),
    ("dss/dss-xades/validation/xades-unknown-digest-algo.xml", "dss/dss-xades/sample.xml"),
];

#[test]
fn cli_xades_verdicts_match_the_manifest() {
    let root = corpus_root();
    let Some(cases) = manifest_cases(&root, "xades") else { return };
    let (mut checked, mut mismatches) = (0, Vec::new());
    for (path, expected) in &cases {
        let (path, expected) = (path.as_str(), expected.as_str());
        let mut args =
            vec!["verify".to_string(), root.join(path).display().to_string(), "--format".into(), "json".into()];
        if let Some((_, c)) = XADES_DETACHED.iter().find(|(s, _)| *s == path) {
            args.extend(["--content".into(), root.join(c).display().to_string()]);
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = confia(&refs);
        let json: Option<serde_json::Value> = serde_json::from_slice(&o.stdout).ok();
        let sigs = json.as_ref().and_then(|j| j["signatures"].as_array().cloned()).unwrap_or_default();
        let intact = |s: &serde_json::Value| s["signature_intact"] == true && s["data_intact"] == true;
        let crypto = !sigs.is_empty() && sigs.iter().all(intact);
        let counters: Vec<&serde_json::Value> =
            sigs.iter().flat_map(|s| s["counter_signatures"].as_array().into_iter().flatten()).collect();
        // `master:<verdict>;counter_signature:<verdict>` or `counter_signature:<verdict>`
        let verdict_of = |label: &str| {
            expected.split(';').find_map(|p| p.strip_prefix(label)).map(|v| v.starts_with("crypto_valid"))
        };
        let ok = if let Some(counter_valid) = verdict_of("counter_signature:") {
            let master_ok = verdict_of("master:").is_none_or(|want| want == crypto);
            master_ok && !counters.is_empty() && counters.iter().all(|c| intact(c) == counter_valid)
        } else if expected.starts_with("error(") {
            // DSS throws; confia refuses the input (exit 4) or reports a non-passing,
            // non-intact signature (an unsupported algorithm is INDETERMINATE, never valid).
            o.status.code() == Some(4) || (o.status.code() == Some(3) && !crypto)
        } else if let Some(want) = expected.strip_prefix("INDETERMINATE/").or(expected.strip_prefix("TOTAL_FAILED/")) {
            let want = want.split(['(', ';']).next().unwrap_or(want);
            sigs.iter().any(|s| s["sub_indication"] == want)
        } else if expected.starts_with("crypto_valid") {
            crypto
        } else if expected.starts_with("crypto_invalid") {
            !crypto
        } else {
            continue;
        };
        checked += 1;
        if !ok {
            mismatches.push(format!("{path}: manifest {expected}; confia {:?} {}", o.status.code(), stderr(&o)));
        }
    }
    println!("cli xades: {checked} cases checked, {} mismatches", mismatches.len());
    assert!(checked >= 30, "only {checked} XAdES cases checked");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
