//! Speed of reading and verifying trusted lists: the EU LOTL and every list of the corpus
//! (`../shared/corpus/dss`, or `CONFIA_CORPUS`). Skipped with a message when the corpus is absent.
//!
//! `cargo bench --bench tl`. Figures go in closing notes; tests never assert timings.

use std::path::PathBuf;
use std::sync::Arc;

use confia::policy::Policy;
use confia::tl::{ListTime, Mode, verify_list};
use confia::x509::Certificate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn corpus() -> Option<PathBuf> {
    let root = std::env::var_os("CONFIA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")));
    root.join("dss/dss-tsl-validation").is_dir().then_some(root)
}

fn lists(c: &mut Criterion) {
    let Some(root) = corpus() else {
        println!("tl bench skipped: corpus not found (set CONFIA_CORPUS)");
        return;
    };
    let dir = root.join("dss/dss-tsl-validation/lotlCache");
    let files: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| std::fs::read(e.ok()?.path()).ok())
        .chain(
            ["peru-lotl.xml", "tsl-pe.xml", "tl-ecdsa-brainpool.xml"]
                .iter()
                .filter_map(|f| std::fs::read(root.join("dss/dss-tsl-validation").join(f)).ok()),
        )
        .collect();
    let total: usize = files.iter().map(Vec::len).sum();
    let lotl = std::fs::read(dir.join("eu-lotl_original.xml")).unwrap();
    let signer = Arc::new(
        Certificate::from_pem_or_der(&std::fs::read(root.join("dss/anchors/Patrick_Kremer_Signature_.pem")).unwrap())
            .unwrap()
            .remove(0),
    );

    let mut g = c.benchmark_group("trusted_lists");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(lotl.len() as u64));
    g.bench_function("eu_lotl_parse_and_verify", |b| {
        b.iter(|| {
            verify_list(&lotl, std::slice::from_ref(&signer), ListTime::Issued, Mode::Lenient, Policy::default())
                .unwrap()
        })
    });
    g.throughput(Throughput::Bytes(total as u64));
    // Every list read and its signature checked (with the LOTL signer pinned: the others come
    // out untrusted, but the whole XMLDSig/XAdES verification runs).
    g.bench_function("all_corpus_lists_parse_and_verify", |b| {
        b.iter(|| {
            for f in &files {
                let _ =
                    verify_list(f, std::slice::from_ref(&signer), ListTime::Issued, Mode::Lenient, Policy::default());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, lists);
criterion_main!(benches);
