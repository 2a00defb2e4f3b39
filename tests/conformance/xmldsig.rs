//! Kind `xmldsig`: the xmlsec interoperability vectors (`xmlsec/xmlsec-cases.json`), compared on
//! the XMLDSig core result (the SignatureValue verifies with a key from KeyInfo or the case's
//! out-of-band keys, and every Reference digest matches). The keys, HMAC key and URL maps come
//! from the case's xmlsec1 parameters. Where xmlsec1 verifies the signing certificate, confia's
//! RFC 5280 path validation judges the same anchors, intermediates, CRLs and time.
//!
//! Cases confia refuses on purpose count as expected rejections (with the reason); cases about
//! algorithms outside confia's scope or whose inputs the corpus copy lacks are not applicable.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use confia::crypto::PublicKey;
use confia::revocation::{Crl, CrlSet};
use confia::trust::TrustAnchors;
use confia::validation::{IndeterminateSub, RevocationChecking, ValidationConfig, Validator, Verdict};
use confia::x509::Certificate;
use confia::xml::dsig::{KeySource, VerifyInputs, find_signatures, verify};
use confia::xml::{Document, NodeKind, ParseOptions};
use serde_json::Value;
use time::OffsetDateTime;

use super::corpus::{Corpus, Outcome, Scoreboard};

pub fn run(corpus: &Corpus, board: &mut Scoreboard) {
    let Ok(text) = std::fs::read_to_string(corpus.path("xmlsec/xmlsec-cases.json")) else {
        println!("xmldsig: skipped, xmlsec-cases.json not found");
        return;
    };
    let cases: Vec<Value> = serde_json::from_str(&text).expect("xmlsec cases");
    for (i, case) in cases.iter().enumerate() {
        let xml = case["xml"].as_str().unwrap_or("?");
        let name = format!("{xml} #{i}");
        let outcome = match check(corpus, case) {
            (Outcome::Fail(why), missing) => classify(why, &missing),
            (o, _) => o,
        };
        board.record("xmldsig", &name, outcome);
    }
}

/// Resolves a path from xmlsec's test scripts against the corpus copy.
fn locate(corpus: &Corpus, suite_dir: &Path, p: &str) -> Option<PathBuf> {
    let root = corpus.path("xmlsec");
    [root.join(p), suite_dir.join(p), root.join("tests").join(p)].into_iter().find(|c| c.is_file())
}

/// Algorithms confia does not implement by design: national (GOST), experimental post-quantum
/// URIs xmlsec added in 2025 ahead of any XMLDSig specification, Ed448 and the Ed25519
/// context/prehash variants, and RIPEMD-160 (absent from ETSI TS 119 312).
const OUT_OF_SCOPE: [&str; 7] =
    ["gostr3410", "#ml-dsa", "#slh-dsa", "eddsa-ed448", "eddsa-ed25519ctx", "eddsa-ed25519ph", "ripemd160"];

/// Algorithms and constructs refused on purpose even where xmlsec accepts them.
const REFUSED: [(&str, &str); 4] = [
    ("md5", "MD5 is refused (broken collision resistance; RFC 6151)"),
    ("REC-xslt-19991116", "XSLT transforms are refused (arbitrary computation over the signed data)"),
    ("DTDs are refused", "documents with a DTD are refused by default (entity expansion, external fetches)"),
    ("HMACOutputLength", "truncated HMAC outputs are refused (XMLDSig 1.1 6.3.1, CVE-2009-0217)"),
];

/// Turns a failure into an expected rejection or a case outside this kind, when it is one.
fn classify(why: String, missing: &[String]) -> Outcome {
    if let Some(alg) = OUT_OF_SCOPE.iter().find(|a| why.contains(*a)) {
        return Outcome::NotApplicable(format!("algorithm outside confia's scope ({alg})"));
    }
    if let Some((_, reason)) = REFUSED.iter().find(|(needle, _)| why.contains(needle)) {
        return Outcome::Rejected((*reason).to_string());
    }
    if !missing.is_empty() {
        return Outcome::NotApplicable(format!("inputs missing from the corpus copy: {}", missing.join(", ")));
    }
    Outcome::Fail(why)
}

/// The outcome, and the case's input files that the corpus copy lacks.
fn check(corpus: &Corpus, case: &Value) -> (Outcome, Vec<String>) {
    let mut missing = Vec::new();
    let outcome = check_case(corpus, case, &mut missing);
    (outcome, missing)
}

fn check_case(corpus: &Corpus, case: &Value, missing: &mut Vec<String>) -> Outcome {
    let xml = case["xml"].as_str().unwrap_or("");
    let path = corpus.path(xml);
    let suite_dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let evidence = case["evidence"].as_str().unwrap_or("");
    let params: Vec<&str> = evidence
        .split("verify params:")
        .nth(1)
        .and_then(|p| p.split(';').next())
        .map(|p| p.split_whitespace().collect())
        .unwrap_or_default();
    let mut inputs = VerifyInputs::default();
    let mut trust = Trust::default();

    let mut hmac: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < params.len() {
        let p = params[i];
        let arg = params.get(i + 1).copied().unwrap_or("");
        let mut file = || {
            let found = locate(corpus, &suite_dir, arg);
            if found.is_none() {
                missing.push(arg.to_string());
            }
            found
        };
        if p.starts_with("--pubkey-pem") || p.starts_with("--pubkey-cert-pem") {
            if let Some(f) = file() {
                let data = std::fs::read(&f).unwrap_or_default();
                match Certificate::from_pem_or_der(&data) {
                    Ok(certs) if !certs.is_empty() => inputs.certificates.extend(certs.into_iter().map(Arc::new)),
                    _ => inputs.public_keys.extend(pem_public_key(&data)),
                }
            }
            i += 2;
        } else if p == "--trusted-pem" || p == "--untrusted-pem" {
            if let Some(certs) = file().and_then(|f| Certificate::from_pem_or_der(&std::fs::read(f).ok()?).ok()) {
                let certs: Vec<Arc<Certificate>> = certs.into_iter().map(Arc::new).collect();
                if p == "--trusted-pem" {
                    trust.anchors.extend(certs.iter().cloned());
                } else {
                    trust.untrusted.extend(certs.iter().cloned());
                }
                inputs.certificates.extend(certs);
            }
            i += 2;
        } else if p == "--crl-pem" {
            if let Some(crls) = file().and_then(|f| Crl::from_pem_or_der(&std::fs::read(f).ok()?).ok()) {
                trust.crls.extend(crls.into_iter().map(Arc::new));
            }
            i += 2;
        } else if p == "--verification-gmt-time" {
            // xmlsec's form: 2026-05-01+00:00:00
            let t = arg.replacen('+', "T", 1) + "Z";
            trust.time = OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339).ok();
            i += 2;
        } else if p == "--verify-keys" {
            trust.verify_keys = true;
            i += 1;
        } else if p == "--verify-crls" {
            trust.verify_crls = true;
            i += 1;
        } else if p == "--insecure" {
            trust.insecure = true;
            i += 1;
        } else if p == "--hmackey" {
            hmac = file().and_then(|f| std::fs::read(f).ok());
            i += 2;
        } else if let Some(url) = p.strip_prefix("--url-map:") {
            if let Some(data) = file().and_then(|f| std::fs::read(f).ok()) {
                inputs.detached.insert(url.to_string(), data);
            }
            i += 2;
        } else if matches!(p, "--enabled-key-data" | "--enabled-reference-uris")
            || p == "--enabled-retrieval-method-uris"
        {
            i += 2;
        } else {
            i += 1;
        }
    }
    let hmac_key = hmac;
    inputs.hmac_key = hmac_key.as_deref();
    let data = match std::fs::read(&path) {
        Ok(d) => d,
        Err(e) => return Outcome::Fail(format!("unreadable: {e}")),
    };
    let expected_valid = case["expected"] == "valid";
    let doc = match Document::parse(&data, &ParseOptions::default()) {
        Ok(d) => d,
        Err(e) if !expected_valid => {
            let _ = e;
            return Outcome::Pass;
        }
        Err(e) => return Outcome::Fail(format!("not parsed: {e}")),
    };
    // External references the corpus copy does not carry (xmlsec resolves them next to the file).
    for u in external_reference_uris(&doc) {
        if !inputs.detached.contains_key(&u) && !suite_dir.join(&u).is_file() && !u.contains("://") {
            missing.push(u);
        }
    }
    let sigs = find_signatures(&doc);
    let Some(&sig) = sigs.first() else {
        return if expected_valid { Outcome::Fail("no Signature element".into()) } else { Outcome::Pass };
    };
    let result = match verify(&doc, sig, &inputs) {
        Ok(r) => r,
        Err(e) if !expected_valid => {
            let _ = e;
            return Outcome::Pass;
        }
        Err(e) => return Outcome::Fail(format!("not verified: {e}")),
    };
    // xmlsec1 trusts a key from a certificate only through a path to a --trusted-pem anchor
    // (and, with --verify-keys, a supplied certificate key as well): judge that with confia's
    // RFC 5280 path validation and CRLs, at the case's verification time.
    let mut valid = result.crypto_valid();
    if valid
        && let Some(KeySource::Certificate(cert)) = &result.key
        && !trust.insecure
        && (!trust.anchors.is_empty() || trust.verify_keys)
        && let Err(why) = trust.judge(cert, &result.certificates)
    {
        if expected_valid {
            return Outcome::Fail(format!("expected valid, the signing certificate is not trusted: {why}"));
        }
        valid = false;
    }
    if valid == expected_valid {
        return Outcome::Pass;
    }
    if !expected_valid && matches!(result.key, Some(KeySource::KeyValue)) && xml_contains(&doc, "RetrievalMethod") {
        return Outcome::NotApplicable(
            "xmlsec1's key-data switches keep it from following RetrievalMethod to a bare key value (XMLDSig 4.5.3 \
             allows it; the same document passes with RSA key data enabled)"
                .into(),
        );
    }
    let refs: Vec<String> = result.references.iter().map(|r| format!("{:?}", r.intact)).collect();
    Outcome::Fail(format!(
        "expected {}, signature {:?}, references [{}]",
        case["expected"].as_str().unwrap_or("?"),
        result.signature_intact,
        refs.join(", ")
    ))
}

/// xmlsec1's certificate trust inputs for one case.
#[derive(Default)]
struct Trust {
    anchors: Vec<Arc<Certificate>>,
    untrusted: Vec<Arc<Certificate>>,
    crls: Vec<Arc<Crl>>,
    time: Option<OffsetDateTime>,
    verify_keys: bool,
    /// xmlsec1 `--verify-crls`: a supplied CRL past its nextUpdate makes verification fail.
    verify_crls: bool,
    /// xmlsec1 `--insecure`: certificates are not verified at all.
    insecure: bool,
}

impl Trust {
    /// Whether `cert` has a valid path to an anchor at the case's time and, when CRLs are
    /// given, is not revoked. Algorithm strength is not judged (xmlsec1 does not either).
    fn judge(&self, cert: &Arc<Certificate>, carried: &[Arc<Certificate>]) -> Result<(), String> {
        let mut anchors = TrustAnchors::new();
        for a in &self.anchors {
            anchors.add(a.clone());
        }
        let time = self.time.unwrap_or_else(OffsetDateTime::now_utc);
        if self.verify_crls
            && let Some(stale) = self.crls.iter().find(|c| c.next_update().is_some_and(|n| n < time))
        {
            return Err(format!("CRL of {} is past its nextUpdate", stale.issuer()));
        }
        let mut config = ValidationConfig::new(time, Arc::new(anchors));
        config.certificates = self.untrusted.iter().chain(carried).cloned().collect();
        let mut crls = CrlSet::new();
        for c in &self.crls {
            crls.add(c.clone());
        }
        config.revocation = Arc::new(crls);
        // Like xmlsec1: the CRLs at hand are consulted, a certificate without one is not refused.
        config.revocation_checking = RevocationChecking::Disabled;
        let report = Validator::new(config).validate_certificate(cert.clone());
        match report.verdict {
            Verdict::Passed
            | Verdict::Indeterminate(
                IndeterminateSub::CryptoConstraintsFailure | IndeterminateSub::CryptoConstraintsFailureNoPoe,
            ) => Ok(()),
            v => Err(format!("{v:?}")),
        }
    }
}

fn xml_contains(doc: &Document, local_name: &str) -> bool {
    doc.descendants(doc.root())
        .into_iter()
        .any(|n| matches!(&doc.node(n).kind, NodeKind::Element { local, .. } if local == local_name))
}

/// URIs of References that point outside the document.
fn external_reference_uris(doc: &Document) -> Vec<String> {
    doc.descendants(doc.root())
        .into_iter()
        .filter(|&n| matches!(&doc.node(n).kind, NodeKind::Element { local, .. } if local == "Reference"))
        .filter_map(|n| match &doc.node(n).kind {
            NodeKind::Element { attributes, .. } => {
                attributes.iter().find(|a| a.local == "URI").map(|a| a.value.clone())
            }
            _ => None,
        })
        .filter(|u| !u.is_empty() && !u.starts_with('#'))
        .collect()
}

/// A PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
fn pem_public_key(data: &[u8]) -> Option<PublicKey> {
    let text = std::str::from_utf8(data).ok()?;
    let start = text.find("-----BEGIN PUBLIC KEY-----")? + "-----BEGIN PUBLIC KEY-----".len();
    let end = text.find("-----END PUBLIC KEY-----")?;
    let b64: String = text[start..end].chars().filter(|c| !c.is_whitespace()).collect();
    use base64::Engine;
    let der = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    PublicKey::from_spki_der(&der).ok()
}
