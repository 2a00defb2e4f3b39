//! Kind `xades`: the DSS XAdES / XMLDSig files, compared on their crypto verdict
//! (`crypto_valid` / `crypto_invalid` of the top-level signatures) with the XMLDSig core.
//! XAdES-level checks (signing certificate, SignedProperties, counter-signatures, levels) are
//! not compared yet; `error(...)` cases must be refused; SIGNED_DATA_NOT_FOUND cases must not be
//! crypto-valid.

use std::collections::HashMap;

use confia::xml::dsig::{DSIG_NS, VerifyInputs, find_signatures, verify};
use confia::xml::{Document, NodeKind, ParseOptions};

use super::corpus::{Case, Corpus, Outcome, Scoreboard};

/// Detached contents named by the corpus README (caveat 4).
const DETACHED: &[(&str, &[&str])] = &[
    ("dss/dss-xades/validation/xades-tampered-manifest.xml", &["sample.png", "sample.txt", "sample.xml"]),
    ("dss/dss-xades/validation/dss2011/xades-detached.xml", &["sample.xml"]),
    ("dss/dss-xades/validation/xades-unknown-digest-algo.xml", &["sample.xml"]),
];

pub fn run(corpus: &Corpus, board: &mut Scoreboard) {
    for case in corpus.cases.iter().filter(|c| c.kind == "xades" && c.expected != "n/a") {
        let e = &case.expected;
        let applicable = e.starts_with("crypto_")
            || e.starts_with("error(")
            || e.starts_with("INDETERMINATE/SIGNED_DATA_NOT_FOUND")
            || e.starts_with("TOTAL_FAILED");
        if applicable {
            board.record("xades", &case.path, check(corpus, case));
        }
    }
}

fn check(corpus: &Corpus, case: &Case) -> Outcome {
    let data = match std::fs::read(corpus.path(&case.path)) {
        Ok(d) => d,
        Err(e) => return Outcome::Fail(e.to_string()),
    };
    let e = case.expected.as_str();
    let doc = match Document::parse(&data, &ParseOptions::default()) {
        Ok(d) => d,
        Err(err) if e.starts_with("error(") => {
            let _ = err;
            return Outcome::Pass;
        }
        Err(err) => return Outcome::Fail(format!("not parsed: {err}")),
    };
    let mut inputs = VerifyInputs { detached: HashMap::new(), ..Default::default() };
    if let Some((_, files)) = DETACHED.iter().find(|(p, _)| *p == case.path) {
        for f in *files {
            if let Ok(d) = std::fs::read(corpus.path(&format!("dss/dss-xades/{f}"))) {
                inputs.detached.insert((*f).to_string(), d);
            }
        }
    }
    // Top-level signatures: not nested inside another signature (counter-signatures are).
    let sigs: Vec<_> = find_signatures(&doc)
        .into_iter()
        .filter(|&s| {
            let mut cur = doc.node(s).parent;
            while let Some(p) = cur {
                if matches!(&doc.node(p).kind, NodeKind::Element { local, namespace: Some(ns), .. } if local == "Signature" && ns == DSIG_NS) {
                    return false;
                }
                cur = doc.node(p).parent;
            }
            true
        })
        .collect();
    let results: Vec<_> = sigs.iter().map(|&s| verify(&doc, s, &inputs)).collect();
    // Valid: the XMLDSig core holds, the signed properties are the signature's own, and the
    // signed data was found (Manifest entries as DSS weighs them).
    let all_valid = !results.is_empty()
        && results.iter().all(|r| {
            r.as_ref().is_ok_and(|r| {
                r.crypto_valid()
                    && confia::xades::check_signed_properties_binding(&doc, r).is_ok()
                    && r.signed_data_found()
            })
        });
    let summary = || {
        results
            .iter()
            .map(|r| match r {
                Ok(r) => format!(
                    "sig {:?} refs {:?}",
                    r.signature_intact,
                    r.references.iter().map(|x| &x.intact).collect::<Vec<_>>()
                ),
                Err(e) => e.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let want_valid = if e.starts_with("crypto_valid") {
        true
    } else if e.starts_with("crypto_invalid")
        || e.starts_with("error(")
        || e.starts_with("INDETERMINATE/SIGNED_DATA_NOT_FOUND")
    {
        false
    } else if e.starts_with("TOTAL_FAILED") {
        // A failed signature may still have intact references; only the value must fail.
        let value_ok = results.iter().all(|r| r.as_ref().is_ok_and(|r| r.signature_intact == Ok(true)));
        return if value_ok && all_valid {
            Outcome::Fail(format!("expected {e}, got {}", summary()))
        } else {
            Outcome::Pass
        };
    } else {
        return Outcome::Pass;
    };
    if all_valid == want_valid { Outcome::Pass } else { Outcome::Fail(format!("expected {e}, got {}", summary())) }
}
