//! A short, deterministic smoke run of the fuzz targets' entry points on mutated samples
//! (the real fuzzing is `cargo fuzz`, see the README). Panics fail the test.

use std::path::Path;
use std::sync::Arc;

use confia::trust::TrustAnchors;
use confia::validation::{ValidationConfig, Validator};

/// xorshift64*: a fixed sequence, so failures are reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/samples");
    let mut v: Vec<Vec<u8>> = ["attached-rsa.p7m", "ber-attached-rsa.p7m", "counter-signed.p7m", "detached-ec.p7s"]
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap())
        .collect();
    v.push(std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/pki/intermediate.pem")).unwrap());
    v
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut d = seed.to_vec();
    for _ in 0..(1 + rng.next() % 8) {
        if d.is_empty() {
            break;
        }
        let i = (rng.next() as usize) % d.len();
        match rng.next() % 5 {
            0 => d[i] ^= 1 << (rng.next() % 8),
            1 => d[i] = [0x00, 0x80, 0xff, 0x30, 0x24, 0x84][(rng.next() % 6) as usize],
            2 => d.truncate(i),
            3 => d.insert(i, rng.next() as u8),
            _ => {
                let n = 1 + (rng.next() as usize % 16).min(d.len() - i);
                d.drain(i..i + n.min(d.len() - i));
            }
        }
    }
    d
}

#[test]
fn mutated_signatures_never_panic() {
    let validator =
        Validator::new(ValidationConfig::new(time::OffsetDateTime::UNIX_EPOCH, Arc::new(TrustAnchors::new())));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let seeds = seeds();
    let mut intact_passes = 0;
    for i in 0..3000 {
        let s = &seeds[i % seeds.len()];
        let d = mutate(&mut rng, s);
        let _ = confia::cms::SignedData::from_ber(&d);
        if let Ok(r) = validator.validate_cms(&d, None) {
            // Nothing is trusted here, so nothing may pass.
            assert!(r.signatures.iter().all(|s| s.verdict != confia::validation::Verdict::Passed));
            intact_passes += 1;
        }
        let _ = confia::x509::Certificate::from_pem_or_der(&d);
        let _ = confia::revocation::Crl::from_der(&d);
    }
    assert!(intact_passes > 0, "some mutations must still parse");
}

#[test]
fn mutated_crls_and_certificate_paths_never_panic() {
    use confia::revocation::Crl;
    use confia::x509::{Certificate, PathOptions, build_path};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/pki");
    let crl_der = |f: &str| Crl::from_pem_or_der(&std::fs::read(dir.join(f)).unwrap()).unwrap()[0].der().to_vec();
    let cert_der =
        |f: &str| Certificate::from_pem_or_der(&std::fs::read(dir.join(f)).unwrap()).unwrap()[0].der().to_vec();
    let crls = [crl_der("intermediate.crl"), crl_der("root.crl")];
    let (root, inter, leaf) = (cert_der("root.pem"), cert_der("intermediate.pem"), cert_der("signer-ec.pem"));
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let mut parsed = 0;
    for i in 0..2000 {
        let d = mutate(&mut rng, &crls[i % 2]);
        if let Ok(c) = Crl::from_der(&d) {
            let _ = c.entry(c.issuer(), &[0x10, 0x03]);
            parsed += 1;
        }
        // A mutated CA as anchor or intermediate, and a mutated leaf.
        let (a, m, l) = match i % 3 {
            0 => (mutate(&mut rng, &root), inter.clone(), leaf.clone()),
            1 => (root.clone(), mutate(&mut rng, &inter), leaf.clone()),
            _ => (root.clone(), inter.clone(), mutate(&mut rng, &leaf)),
        };
        if let (Ok(a), Ok(m), Ok(l)) = (Certificate::from_der(&a), Certificate::from_der(&m), Certificate::from_der(&l))
        {
            let anchors: confia::x509::AnchorSet = [Arc::new(a)].into_iter().collect();
            let intermediates = [Arc::new(m)];
            let opts = PathOptions {
                anchors: &anchors,
                intermediates: &intermediates,
                time: time::macros::datetime!(2030-01-01 0:00 UTC),
                policy: Default::default(),
            };
            let _ = build_path(&Arc::new(l), &opts);
        }
    }
    assert!(parsed > 0, "some mutated CRLs must still parse");
}

#[test]
fn mutated_xml_never_panics() {
    use confia::xml::c14n::{Method, canonicalize_document};
    use confia::xml::{Document, ParseOptions};
    let seed = br#"<?xml version="1.0"?><!DOCTYPE r [<!ATTLIST e a CDATA "d"><!ENTITY x "v&#38;">]><r xmlns="urn:r" xmlns:p="urn:p"><!--c--><e p:b=" 1 &x; ">t&amp;<![CDATA[<c>]]><?pi d?></e><p:f xmlns=""/></r>"#;
    let mut rng = Rng(0x0005_eed0_fa11);
    let mut parsed = 0;
    for _ in 0..3000 {
        let d = mutate(&mut rng, seed);
        for allow_dtd in [false, true] {
            if let Ok(doc) = Document::parse(&d, &ParseOptions { allow_dtd }) {
                parsed += 1;
                for m in [Method::Inclusive, Method::Inclusive11, Method::Exclusive] {
                    let _ = canonicalize_document(&doc, m, true);
                }
            }
        }
    }
    assert!(parsed > 0, "some mutated documents must still parse");
}

#[test]
fn mutated_xml_signatures_never_panic_or_pass() {
    let corpus = std::env::var_os("CONFIA_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let seeds: Vec<Vec<u8>> =
        ["Signature-X-BE_ECON-3.xml", "xmldsig-only.xml", "xsw/XSW-enveloped-fake-signedProperties.xml"]
            .iter()
            .filter_map(|f| std::fs::read(corpus.join("dss/dss-xades/validation").join(f)).ok())
            .collect();
    if seeds.is_empty() {
        println!("skipped: corpus not found");
        return;
    }
    // Nothing is trusted: whatever the mutation, nothing may pass.
    let validator =
        Validator::new(ValidationConfig::new(time::OffsetDateTime::UNIX_EPOCH, Arc::new(TrustAnchors::new())));
    let mut rng = Rng(0x000b_ad5e_ed0f_0000);
    for i in 0..600 {
        let d = mutate(&mut rng, &seeds[i % seeds.len()]);
        if let Ok(r) = validator.validate_xml(&d, Default::default()) {
            assert!(r.signatures.iter().all(|s| s.verdict != confia::validation::Verdict::Passed));
        }
    }
}

#[test]
fn mutated_xpath_expressions_never_panic() {
    use confia::xml::{Document, ParseOptions, xpath};
    let doc = Document::parse(
        br#"<r xmlns:e="urn:e"><e:x Id="1"><t a="1"/></e:x><t><t b=""/></t><p sid="a"/></r>"#,
        &ParseOptions::default(),
    )
    .unwrap();
    let seeds: [&[u8]; 4] = [
        b"//e:x[@Id='1']/t | /r/t[not(@b) or @a=\"1\"]",
        b"/descendant::*[name()='e:x' and local-name()!='y']",
        b"/r/*[(@sid='a' or @Id) and not(@zz)]//t",
        b"/ | //node() | self::node()/child::e:*",
    ];
    let mut rng = Rng(0x0000_0e4b_a7f1);
    let mut evaluated = 0;
    for i in 0..4000 {
        let d = mutate(&mut rng, seeds[i % seeds.len()]);
        if let Ok(expr) = std::str::from_utf8(&d)
            && xpath::select(&doc, doc.root(), expr).is_ok()
        {
            evaluated += 1;
        }
    }
    assert!(evaluated > 0, "some mutated expressions must still evaluate");
}

#[test]
fn mutated_xades_of_our_own_never_panic_or_pass() {
    use confia::crypto::SoftwareSigner;
    use confia::x509::Certificate;
    use confia::xades::sign::{Packaging, SignOptions, counter_sign, sign};
    let pki = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/pki");
    let cert =
        Arc::new(Certificate::from_pem_or_der(&std::fs::read(pki.join("signer-ec.pem")).unwrap()).unwrap().remove(0));
    let signer = SoftwareSigner::from_pem_or_der(&std::fs::read(pki.join("signer-ec.key")).unwrap(), cert).unwrap();
    let opts = SignOptions::new(Packaging::Enveloped, time::macros::datetime!(2026-12-01 10:00 UTC), "text/xml");
    let signed = sign(b"<a xmlns:p='urn:p'><p:b Id='x'>t</p:b></a>", &signer, &opts).unwrap();
    let seed = counter_sign(&signed, None, &signer, &opts).unwrap();
    let validator =
        Validator::new(ValidationConfig::new(time::OffsetDateTime::UNIX_EPOCH, Arc::new(TrustAnchors::new())));
    let mut rng = Rng(0x00c0_ffee_0bad);
    for _ in 0..400 {
        let d = mutate(&mut rng, &seed);
        if let Ok(r) = validator.validate_xml(&d, Default::default()) {
            assert!(r.signatures.iter().all(|s| s.verdict != confia::validation::Verdict::Passed));
        }
    }
}
