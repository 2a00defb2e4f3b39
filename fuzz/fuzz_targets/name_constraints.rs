//! Name constraints, certificate policies and path processing over two fuzzed certificates
//! (the first byte splits the input: a CA used as trust anchor, and a certificate it may have
//! issued) must never panic.
#![no_main]

use std::sync::Arc;

use confia::x509::{AnchorSet, Certificate, PathOptions, PolicyInputs, build_path};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else { return };
    let at = (usize::from(split) * rest.len() / 256).min(rest.len());
    let (ca, leaf) = rest.split_at(at);
    let (Ok(ca), Ok(leaf)) = (Certificate::from_der(ca), Certificate::from_der(leaf)) else { return };
    let anchors: AnchorSet = [Arc::new(ca)].into_iter().collect();
    let opts = PathOptions {
        anchors: &anchors,
        intermediates: &[],
        time: time::OffsetDateTime::UNIX_EPOCH,
        policy: PolicyInputs { initial_explicit_policy: split & 1 == 1, ..Default::default() },
    };
    let _ = build_path(&Arc::new(leaf), &opts);
});
