//! XAdES B-B signing and counter-signing through the library, validated by the library:
//! every packaging passes, counter-signatures are bound to the value they counter-sign, and
//! moving or breaking either side is caught.

use std::sync::Arc;

use confia::crypto::SoftwareSigner;
use confia::report::Report;
use confia::revocation::{Crl, CrlSet};
use confia::trust::TrustAnchors;
use confia::validation::{FailedSub, IndeterminateSub, ValidationConfig, Validator, Verdict, XmlInputs};
use confia::x509::Certificate;
use confia::xades::sign::{Packaging, SignError, SignOptions, counter_sign, sign};

const PKI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors/pki/");

fn cert(name: &str) -> Arc<Certificate> {
    Arc::new(Certificate::from_pem_or_der(&std::fs::read(format!("{PKI}{name}")).unwrap()).unwrap().remove(0))
}

fn signer(who: &str) -> SoftwareSigner {
    let key = std::fs::read(format!("{PKI}signer-{who}.key")).unwrap();
    SoftwareSigner::from_pem_or_der(&key, cert(&format!("signer-{who}.pem"))).unwrap()
}

fn opts(packaging: Packaging) -> SignOptions {
    let mut o = SignOptions::new(packaging, time::macros::datetime!(2026-12-01 10:00 UTC), "text/xml");
    o.chain = vec![cert("intermediate.pem")];
    o
}

fn validate(doc: &[u8]) -> Report {
    let mut anchors = TrustAnchors::new();
    anchors.add(cert("root.pem"));
    let mut config = ValidationConfig::new(time::macros::datetime!(2026-12-02 10:00 UTC), Arc::new(anchors));
    let mut crls = CrlSet::new();
    for f in ["root.crl", "intermediate.crl"] {
        for c in Crl::from_pem_or_der(&std::fs::read(format!("{PKI}{f}")).unwrap()).unwrap() {
            crls.add(Arc::new(c));
        }
    }
    config.revocation = Arc::new(crls);
    Validator::new(config).validate_xml(doc, XmlInputs::default()).unwrap()
}

const DOC: &[u8] =
    b"<?xml version=\"1.0\"?>\n<pedido xmlns=\"urn:ejemplo\"><linea n=\"1\">ma\xc3\xadz</linea></pedido>\n";

#[test]
fn counter_signatures_are_validated_and_bound() {
    let signed = sign(DOC, &signer("rsa"), &opts(Packaging::Enveloped)).unwrap();
    let once = counter_sign(&signed, None, &signer("ec"), &opts(Packaging::Enveloped)).unwrap();
    // A second counter-signature joins the first in the same UnsignedSignatureProperties.
    let twice = counter_sign(&once, None, &signer("rsa"), &opts(Packaging::Enveloped)).unwrap();
    let report = validate(&twice);
    let s = &report.signatures[0];
    assert_eq!(s.verdict, Verdict::Passed, "{:?}", s.messages);
    assert_eq!(s.counter_signatures.len(), 2);
    for c in &s.counter_signatures {
        assert_eq!(c.verdict, Verdict::Passed, "{}: {:?}", c.id, c.messages);
        assert_eq!(c.format, "XAdES-BASELINE-B");
    }
    assert_eq!(s.counter_signatures[0].id, "S1-C1");
    assert!(s.counter_signatures[0].signer.as_ref().unwrap().subject.contains("Signer EC"));
    // Only the signature was extended: the document around it is unchanged.
    let text = String::from_utf8(twice.clone()).unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\"?>\n<pedido xmlns=\"urn:ejemplo\"><linea n=\"1\">maíz</linea>"));

    // Breaking the counter-signed value breaks both the signature and its counter-signatures.
    let at = text.find("-value\">").unwrap() + "-value\">".len();
    let mut broken = text.clone().into_bytes();
    broken[at + 5] = if broken[at + 5] == b'A' { b'B' } else { b'A' };
    let report = validate(&broken);
    let s = &report.signatures[0];
    assert_eq!(s.verdict, Verdict::Failed(FailedSub::SigCryptoFailure));
    assert!(s.counter_signatures.iter().all(|c| c.verdict == Verdict::Failed(FailedSub::HashFailure)));
}

#[test]
fn a_counter_signature_moved_to_another_signature_is_not_bound() {
    let a = sign(DOC, &signer("rsa"), &opts(Packaging::Enveloped)).unwrap();
    let a = String::from_utf8(counter_sign(&a, None, &signer("ec"), &opts(Packaging::Enveloped)).unwrap()).unwrap();
    let mut other = opts(Packaging::Enveloped);
    other.signing_time = time::macros::datetime!(2026-12-01 11:00 UTC);
    let b = String::from_utf8(sign(DOC, &signer("rsa"), &other).unwrap()).unwrap();
    // Graft A's UnsignedProperties into B's QualifyingProperties.
    let start = a.find("<xades:UnsignedProperties").unwrap();
    let end = a.find("</xades:UnsignedProperties>").unwrap() + "</xades:UnsignedProperties>".len();
    let at = b.find("</xades:QualifyingProperties>").unwrap();
    let grafted = format!("{}{}{}", &b[..at], &a[start..end], &b[at..]);
    let report = validate(grafted.as_bytes());
    let s = &report.signatures[0];
    assert_eq!(s.verdict, Verdict::Passed, "the master itself is untouched: {:?}", s.messages);
    let c = &s.counter_signatures[0];
    assert_eq!(c.verdict, Verdict::Indeterminate(IndeterminateSub::SignedDataNotFound), "{:?}", c.messages);
    assert_eq!(c.data_intact, Some(false));
}

#[test]
fn byte_order_marks_and_ascii_declarations_are_kept() {
    let bom = [&[0xef, 0xbb, 0xbf][..], DOC].concat();
    for packaging in [Packaging::Enveloped, Packaging::Enveloping] {
        let out = sign(&bom, &signer("rsa"), &opts(packaging.clone())).unwrap();
        assert_eq!(validate(&out).signatures[0].verdict, Verdict::Passed, "{packaging:?}");
    }
    let ascii = b"<?xml version=\"1.0\" encoding=\"US-ASCII\"?><a>plain</a>";
    let out = sign(ascii, &signer("ec"), &opts(Packaging::Enveloped)).unwrap();
    assert!(out.starts_with(b"<?xml version=\"1.0\" encoding=\"US-ASCII\"?><a>plain<ds:Signature"));
    assert_eq!(validate(&out).signatures[0].verdict, Verdict::Passed);
}

#[test]
fn unreadable_signature_elements_are_reported_not_fatal() {
    let junk = b"<a><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">junk</ds:Signature></a>";
    let out = sign(junk, &signer("rsa"), &opts(Packaging::Enveloped)).unwrap();
    let report = validate(&out);
    assert_eq!(report.signatures.len(), 2);
    assert_eq!(report.signatures[0].verdict, Verdict::Failed(FailedSub::FormatFailure));
    assert_eq!(report.signatures[1].verdict, Verdict::Passed);
}

#[test]
fn every_packaging_validates_and_reports_its_properties() {
    for packaging in [Packaging::Enveloped, Packaging::Enveloping, Packaging::Detached { uri: "pedido.xml".into() }] {
        for who in ["rsa", "ec"] {
            let out = sign(DOC, &signer(who), &opts(packaging.clone())).unwrap();
            let report = validate_with(&out, matches!(packaging, Packaging::Detached { .. }));
            let s = &report.signatures[0];
            assert_eq!(s.verdict, Verdict::Passed, "{packaging:?} {who}: {:?}", s.messages);
            assert_eq!(s.properties.xades_version.as_deref(), Some("1.3.2"));
            assert_eq!(s.properties.data_object_formats[0].mime_type.as_deref(), Some("text/xml"));
            assert!(!s.messages.iter().any(|m| m.code == "DATA_OBJECT_FORMAT_UNMATCHED"));
        }
    }
}

fn validate_with(doc: &[u8], detached: bool) -> Report {
    if !detached {
        return validate(doc);
    }
    let mut anchors = TrustAnchors::new();
    anchors.add(cert("root.pem"));
    let mut config = ValidationConfig::new(time::macros::datetime!(2026-12-02 10:00 UTC), Arc::new(anchors));
    config.revocation_checking = confia::validation::RevocationChecking::Disabled;
    let mut inputs = XmlInputs::default();
    inputs.detached.insert("pedido.xml".into(), DOC.to_vec());
    Validator::new(config).validate_xml(doc, inputs).unwrap()
}

#[test]
fn what_cannot_be_signed_is_refused_with_a_reason() {
    let o = opts(Packaging::Enveloped);
    assert!(matches!(sign(b"not xml", &signer("rsa"), &o), Err(SignError::Document(_))));
    assert!(matches!(sign(b"<!DOCTYPE a []><a/>", &signer("rsa"), &o), Err(SignError::Document(_))));
    let latin1 = b"<?xml version='1.0' encoding='ISO-8859-1'?><a>ma\xeddz</a>";
    assert!(matches!(sign(latin1, &signer("rsa"), &o), Err(SignError::NotUtf8(_))));
    let mut sha1 = opts(Packaging::Enveloped);
    sha1.digest = confia::crypto::DigestAlgorithm::Sha1;
    assert!(matches!(sign(DOC, &signer("rsa"), &sha1), Err(SignError::DigestNotAllowed(_))));
    // Not XML 1.0 characters, even if UTF-8.
    assert!(matches!(sign(b"<a>\x01</a>", &signer("rsa"), &o), Err(SignError::Document(_))));
    // Outside the certificate's validity (2026-01-01 .. 2046-01-01).
    let mut late = opts(Packaging::Enveloped);
    late.signing_time = time::macros::datetime!(2050-01-01 0:00 UTC);
    assert!(matches!(sign(DOC, &signer("rsa"), &late), Err(SignError::CertificateNotValid(_))));
    // A second enveloped signature would break the first: refused, counter-signing is offered.
    let signed = sign(DOC, &signer("rsa"), &o).unwrap();
    let mut again = opts(Packaging::Enveloped);
    again.signing_time = time::macros::datetime!(2026-12-01 12:00 UTC);
    assert!(matches!(sign(&signed, &signer("ec"), &again), Err(SignError::WouldBreak(_))));
    // A plain XMLDSig signature (no QualifyingProperties) cannot be counter-signed the XAdES way.
    let plain = b"<a><ds:Signature xmlns:ds='http://www.w3.org/2000/09/xmldsig#' Id='s'><ds:SignatureValue Id='v'>AA==</ds:SignatureValue></ds:Signature></a>";
    assert!(matches!(counter_sign(plain, None, &signer("rsa"), &o), Err(SignError::Target(_))));
    assert!(matches!(counter_sign(plain, Some("nope"), &signer("rsa"), &o), Err(SignError::Target(_))));
}
