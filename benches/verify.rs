//! Speed of CAdES B-B verification and of hashing detached content.
//!
//! `cargo bench --bench verify`. Figures go in closing notes; tests never assert timings.

use std::path::Path;
use std::sync::Arc;

use confia::crypto::{DigestAlgorithm, Hasher};
use confia::revocation::{Crl, CrlSet};
use confia::trust::TrustAnchors;
use confia::validation::{ValidationConfig, Validator};
use confia::x509::Certificate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use time::macros::datetime;

fn vector(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors").join(rel)).expect("test vector")
}

fn validator() -> Validator {
    let mut anchors = TrustAnchors::new();
    anchors.add(Arc::new(Certificate::from_pem_or_der(&vector("pki/root.pem")).unwrap().remove(0)));
    let mut crls = CrlSet::new();
    for f in ["pki/root.crl", "pki/intermediate.crl"] {
        crls.add(Arc::new(Crl::from_pem_or_der(&vector(f)).unwrap().remove(0)));
    }
    let mut config = ValidationConfig::new(datetime!(2026-12-01 0:00 UTC), Arc::new(anchors));
    config.revocation = Arc::new(crls);
    Validator::new(config)
}

fn cades_verify(c: &mut Criterion) {
    let v = validator();
    let mut g = c.benchmark_group("cades_bb_verify");
    for (name, file) in
        [("rsa_3_cert_chain", "samples/attached-rsa.p7m"), ("ec_3_cert_chain", "samples/attached-ec.p7m")]
    {
        let sig = vector(file);
        let r = v.validate_cms(&sig, None).unwrap();
        assert_eq!(r.signatures[0].verdict, confia::validation::Verdict::Passed);
        g.bench_function(name, |b| b.iter(|| v.validate_cms(&sig, None).unwrap()));
    }
    g.finish();
}

fn detached_hashing(c: &mut Criterion) {
    const SIZE: usize = 64 * 1024 * 1024;
    let data = vec![0x5au8; SIZE];
    let mut g = c.benchmark_group("detached_content");
    g.throughput(Throughput::Bytes(SIZE as u64));
    g.sample_size(10);
    for d in [DigestAlgorithm::Sha256, DigestAlgorithm::Sha512] {
        g.bench_function(format!("hash_{}", d.name()), |b| {
            b.iter(|| {
                let mut h = Hasher::new(d);
                data.chunks(256 * 1024).for_each(|c| h.update(c));
                h.finalize()
            })
        });
    }
    let v = validator();
    let sig = vector("samples/detached-ec.p7s");
    g.bench_function("validate_detached_sha256", |b| b.iter(|| v.validate_cms(&sig, Some(&mut &data[..])).unwrap()));
    g.finish();
}

fn path_validation(c: &mut Criterion) {
    let cert = |f: &str| Arc::new(Certificate::from_pem_or_der(&vector(f)).unwrap().remove(0));
    let mut anchors = TrustAnchors::new();
    anchors.add(cert("pki/root.pem"));
    let mut crls = CrlSet::new();
    for f in ["pki/root.crl", "pki/intermediate.crl"] {
        crls.add(Arc::new(Crl::from_pem_or_der(&vector(f)).unwrap().remove(0)));
    }
    let mut config = ValidationConfig::new(datetime!(2026-12-01 0:00 UTC), Arc::new(anchors));
    config.certificates = vec![cert("pki/intermediate.pem")];
    config.revocation = Arc::new(crls);
    let v = Validator::new(config);
    let leaf = cert("pki/signer-rsa.pem");
    assert_eq!(v.validate_certificate(leaf.clone()).verdict, confia::validation::Verdict::Passed);
    c.bench_function("cert_verify/3_cert_chain_with_crls", |b| b.iter(|| v.validate_certificate(leaf.clone())));
}

/// A DER CRL with `n` entries (serials 0x100000.., keyCompromise), signed with a fixed P-256 key.
fn big_crl(n: usize) -> Vec<u8> {
    use confia::asn1::{der, oid};
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    let key = p256::ecdsa::SigningKey::from_slice(&DigestAlgorithm::Sha256.digest(b"bench crl key")).unwrap();
    let when = datetime!(2024-01-01 0:00 UTC);
    let reason =
        der::sequence(&[&der::sequence(&[&der::oid(&oid::CRL_REASON), &der::octet_string(&der::tlv(0x0a, &[1]))])]);
    let date = der::time(when);
    let mut list = Vec::with_capacity(n * 40);
    for i in 0..n {
        list.extend(der::sequence(&[&der::small_integer(0x100000 + i as u64), &date, &reason]));
    }
    let issuer = der::sequence(&[&der::set_of(&[&der::sequence(&[
        &der::oid(&confia::asn1::Oid::from_arcs(&[2, 5, 4, 3])),
        &der::utf8_string("Bench CRL CA"),
    ])])]);
    let alg = der::algorithm(&oid::ECDSA_WITH_SHA256, None);
    let tbs = der::sequence(&[
        &der::small_integer(1),
        &alg,
        &issuer,
        &der::time(datetime!(2026-01-01 0:00 UTC)),
        &der::time(datetime!(2036-01-01 0:00 UTC)),
        &der::tlv(0x30, &list),
    ]);
    let sig: p256::ecdsa::Signature = key.sign_prehash(&DigestAlgorithm::Sha256.digest(&tbs)).unwrap();
    der::sequence(&[&tbs, &alg, &der::bit_string(sig.to_der().as_bytes())])
}

fn large_crl(c: &mut Criterion) {
    let der = big_crl(100_000);
    let crl = Crl::from_der(&der).unwrap();
    assert_eq!(crl.len(), 100_000);
    let mut g = c.benchmark_group("crl_100k_entries");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(der.len() as u64));
    g.bench_function("parse", |b| b.iter(|| Crl::from_der(&der).unwrap()));
    g.finish();
    let issuer = crl.issuer().clone();
    c.bench_function("crl_100k_entries/lookup", |b| b.iter(|| crl.entry(&issuer, &[0x10, 0x00, 0x05])));
}

criterion_group!(benches, cades_verify, detached_hashing, path_validation, large_crl);
criterion_main!(benches);
