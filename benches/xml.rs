//! Speed of XML work: parsing, canonicalization (MB/s) and XAdES B-B signing and verification
//! of a 1 MB enveloped document.
//!
//! `cargo bench --bench xml`. Figures go in closing notes; tests never assert timings.

use std::path::Path;
use std::sync::Arc;

use confia::crypto::SoftwareSigner;
use confia::revocation::{Crl, CrlSet};
use confia::trust::TrustAnchors;
use confia::validation::{ValidationConfig, Validator, Verdict, XmlInputs};
use confia::x509::Certificate;
use confia::xades::sign::{Packaging, SignOptions, sign};
use confia::xml::c14n::{Method, canonicalize_document};
use confia::xml::{Document, ParseOptions};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use time::macros::datetime;

fn vector(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors").join(rel)).expect("test vector")
}

fn cert(rel: &str) -> Arc<Certificate> {
    Arc::new(Certificate::from_pem_or_der(&vector(rel)).unwrap().remove(0))
}

/// A ~1 MB invoice-like document: namespaces, attributes, text with escapes, comments.
fn document() -> Vec<u8> {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<f:factura xmlns:f=\"urn:ejemplo:factura\" \
         xmlns:c=\"urn:ejemplo:comun\" version=\"2.1\">\n",
    );
    let mut i = 0;
    while s.len() < 1024 * 1024 {
        s.push_str(&format!(
            "  <f:linea c:n=\"{i}\" moneda=\"UYU\"><c:descripcion>Artículo {i} &amp; servicio</c:descripcion>\
             <f:cantidad>{}</f:cantidad><f:precio>{}.50</f:precio><!-- l{i} --></f:linea>\n",
            i % 7 + 1,
            i * 3 % 1000
        ));
        i += 1;
    }
    s.push_str("</f:factura>\n");
    s.into_bytes()
}

fn signer() -> SoftwareSigner {
    SoftwareSigner::from_pem_or_der(&vector("pki/signer-rsa.key"), cert("pki/signer-rsa.pem")).unwrap()
}

fn validator() -> Validator {
    let mut anchors = TrustAnchors::new();
    anchors.add(cert("pki/root.pem"));
    let mut crls = CrlSet::new();
    for f in ["pki/root.crl", "pki/intermediate.crl"] {
        crls.add(Arc::new(Crl::from_pem_or_der(&vector(f)).unwrap().remove(0)));
    }
    let mut config = ValidationConfig::new(datetime!(2026-12-02 0:00 UTC), Arc::new(anchors));
    config.revocation = Arc::new(crls);
    Validator::new(config)
}

fn parse_and_c14n(c: &mut Criterion) {
    let input = document();
    let doc = Document::parse(&input, &ParseOptions::default()).unwrap();
    let mut g = c.benchmark_group("xml_1mb");
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.bench_function("parse", |b| b.iter(|| Document::parse(&input, &ParseOptions::default()).unwrap()));
    for (name, method) in [("c14n_inclusive", Method::Inclusive), ("c14n_exclusive", Method::Exclusive)] {
        g.bench_function(name, |b| b.iter(|| canonicalize_document(&doc, method, false).unwrap()));
    }
    g.finish();
}

fn xades(c: &mut Criterion) {
    let input = document();
    let signer = signer();
    let mut opts = SignOptions::new(Packaging::Enveloped, datetime!(2026-12-01 10:00 UTC), "text/xml");
    opts.chain = vec![cert("pki/intermediate.pem")];
    let signed = sign(&input, &signer, &opts).unwrap();
    let v = validator();
    let r = v.validate_xml(&signed, XmlInputs::default()).unwrap();
    assert_eq!(r.signatures[0].verdict, Verdict::Passed, "{:?}", r.signatures[0].messages);
    let mut g = c.benchmark_group("xades_bb_1mb_enveloped");
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.sample_size(20);
    g.bench_function("verify", |b| b.iter(|| v.validate_xml(&signed, XmlInputs::default()).unwrap()));
    g.bench_function("sign", |b| b.iter(|| sign(&input, &signer, &opts).unwrap()));
    g.finish();
}

criterion_group!(benches, parse_and_c14n, xades);
criterion_main!(benches);
