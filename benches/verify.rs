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

criterion_group!(benches, cades_verify, detached_hashing);
criterion_main!(benches);
