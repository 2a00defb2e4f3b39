//! Kind `crl`: the DSS CRL-parser cases. Each CRL is read and checked against the issuer
//! certificate the manifest names (name match, cRLSign, signature), and against the wrong
//! issuer where the manifest says it must fail.

use confia::revocation::Crl;
use confia::x509::Certificate;

use super::corpus::{Case, Corpus, Outcome, Scoreboard};

/// (CRL, issuer it must verify with or `None`, issuer it must fail with or `None`).
const CASES: &[(&str, Option<&str>, Option<&str>)] = &[
    ("dss/dss-crl-parser/belgium2.crl", Some("dss/dss-crl-parser/belgiumrs2.crt"), None),
    ("dss/dss-crl-parser/CA-5358AA45-Full.crl", Some("dss/dss-crl-parser/CA-Justice-ECDSA-261217.cer"), None),
    (
        "dss/dss-crl-parser/EE-GovCA2018.crl",
        Some("dss/dss-crl-parser/EE-GovCA2018.pem.crt"),
        Some("dss/dss-crl-parser/citizen_ca.cer"),
    ),
    ("dss/dss-crl-parser/LTGRCA.crl", None, Some("dss/dss-crl-parser/citizen_ca.cer")),
    ("dss/dss-crl-parser/hgcaclass2.crl", None, Some("dss/anchors/RENIEC_Class_II_High_Grade_CA.pem")),
];

pub fn run(corpus: &Corpus, board: &mut Scoreboard) {
    for case in corpus.cases.iter().filter(|c| c.kind == "crl" && c.expected != "n/a") {
        board.record("crl", &case.path, check(corpus, case));
    }
}

fn check(corpus: &Corpus, case: &Case) -> Outcome {
    let Some((_, good, bad)) = CASES.iter().find(|(p, ..)| *p == case.path) else {
        return Outcome::Fail(format!("no issuer mapping for this case ({})", case.expected));
    };
    let crl = match std::fs::read(corpus.path(&case.path))
        .map_err(|e| e.to_string())
        .and_then(|d| Crl::from_pem_or_der(&d).map_err(|e| e.to_string())?.pop().ok_or_else(|| "no CRL".to_string()))
    {
        Ok(c) => c,
        Err(e) => return Outcome::Fail(format!("CRL not read: {e}")),
    };
    let issuer = |p: &str| -> Result<Certificate, String> {
        let d = std::fs::read(corpus.path(p)).map_err(|e| e.to_string())?;
        Certificate::from_pem_or_der(&d).map_err(|e| e.to_string())?.pop().ok_or_else(|| "no certificate".into())
    };
    let mut problems = Vec::new();
    if let Some(g) = good {
        match issuer(g).map(|c| crl.check_issued_by(&c)) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => problems.push(format!("rejected with its issuer {g}: {e}")),
            Err(e) => problems.push(format!("{g}: {e}")),
        }
    }
    if let Some(b) = bad {
        match issuer(b).map(|c| crl.check_issued_by(&c)) {
            Ok(Err(_)) => {}
            Ok(Ok(())) => problems.push(format!("accepted with the wrong issuer {b}")),
            Err(e) => problems.push(format!("{b}: {e}")),
        }
    }
    if problems.is_empty() { Outcome::Pass } else { Outcome::Fail(problems.join("; ")) }
}
