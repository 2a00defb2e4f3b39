//! Kind `limbo`: C2SP x509-limbo path-validation cases (`limbo/limbo-public.json`), run as
//! `confia cert verify --no-revocation-check` would run them: `trusted_certs` as anchors,
//! `untrusted_intermediates` as extra certificates, `peer_certificate` as the certificate.
//!
//! Cases about TLS server identity (SAN/hostname matching, EKU) and the WebPKI profile's own
//! rules are not applicable to signature certificates and are skipped by id prefix; so are
//! cases that need an input confia does not take (a maximum chain depth).

use std::sync::Arc;

use confia::trust::TrustAnchors;
use confia::validation::{RevocationChecking, ValidationConfig, Validator, Verdict};
use confia::x509::Certificate;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;

use super::corpus::{Corpus, Outcome, Scoreboard};

include!("limbo_scope.rs");

/// When a case gives no validation time: inside every limbo certificate's validity.
const DEFAULT_TIME: OffsetDateTime = datetime!(2024-01-01 0:00 UTC);

pub fn run(corpus: &Corpus, board: &mut Scoreboard) {
    let Ok(text) = std::fs::read_to_string(corpus.path("limbo/limbo-public.json")) else {
        println!("limbo: skipped, limbo-public.json not found");
        return;
    };
    let doc: Value = serde_json::from_str(&text).expect("limbo JSON");
    let mut skipped = 0;
    for case in doc["testcases"].as_array().into_iter().flatten() {
        let id = case["id"].as_str().unwrap_or("?");
        let features: Vec<&str> = case["features"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        if NOT_APPLICABLE.iter().any(|p| id.starts_with(p)) || features.iter().any(|f| UNSUPPORTED_FEATURES.contains(f))
        {
            skipped += 1;
            continue;
        }
        board.record("limbo", id, check(case));
    }
    println!("limbo: {skipped} cases not applicable (prefixes {NOT_APPLICABLE:?}, features {UNSUPPORTED_FEATURES:?})");
}

fn pem(v: &Value) -> Result<Arc<Certificate>, String> {
    let s = v.as_str().ok_or("not a string")?;
    Certificate::from_pem_or_der(s.as_bytes()).map_err(|e| e.to_string())?.pop().map(Arc::new).ok_or("empty".into())
}

fn check(case: &Value) -> Outcome {
    let verdict = (|| -> Result<(Verdict, String), String> {
        let mut anchors = TrustAnchors::new();
        for c in case["trusted_certs"].as_array().into_iter().flatten() {
            anchors.add(pem(c)?);
        }
        let mut others = Vec::new();
        for c in case["untrusted_intermediates"].as_array().into_iter().flatten() {
            others.push(pem(c)?);
        }
        let leaf = pem(&case["peer_certificate"])?;
        let time = match case["validation_time"].as_str() {
            Some(t) => OffsetDateTime::parse(t, &Rfc3339).map_err(|e| e.to_string())?,
            None => DEFAULT_TIME,
        };
        let mut config = ValidationConfig::new(time, Arc::new(anchors));
        config.certificates = others;
        config.revocation_checking = RevocationChecking::Disabled;
        let report = Validator::new(config).validate_certificate(leaf);
        let why = report.messages.iter().find(|m| m.code != "REVOCATION_NOT_CHECKED").map(|m| m.text.clone());
        Ok((report.verdict, why.unwrap_or_default()))
    })();
    let expected_success = case["expected_result"] == "SUCCESS";
    match verdict {
        // A certificate that cannot even be read is a rejection.
        Err(e) if !expected_success => {
            let _ = e;
            Outcome::Pass
        }
        Err(e) => Outcome::Fail(format!("expected SUCCESS, input rejected: {e}")),
        Ok((v, why)) => {
            if (v == Verdict::Passed) == expected_success {
                Outcome::Pass
            } else {
                Outcome::Fail(format!("expected {}, got {v} {why}", case["expected_result"].as_str().unwrap_or("?")))
            }
        }
    }
}
