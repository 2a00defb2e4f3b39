//! Path building over the project's test PKI.

use std::path::Path;
use std::sync::Arc;

use confia::x509::{AnchorSet, Certificate, PathError, PathOptions, build_path};
use time::macros::datetime;

fn cert(name: &str) -> Arc<Certificate> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/pki").join(name);
    Arc::new(Certificate::from_pem_or_der(&std::fs::read(p).unwrap()).unwrap().remove(0))
}

#[test]
fn a_failing_candidate_issuer_does_not_hide_the_valid_one() {
    let (root, inter, impostor, leaf) =
        (cert("root.pem"), cert("intermediate.pem"), cert("impostor-intermediate.pem"), cert("signer-rsa.pem"));
    assert_eq!(impostor.subject(), inter.subject());
    assert_eq!(impostor.subject_key_id(), inter.subject_key_id());
    let anchors: AnchorSet = [root.clone()].into_iter().collect();
    let intermediates = [impostor.clone(), inter.clone()];
    let opts = PathOptions {
        anchors: &anchors,
        intermediates: &intermediates,
        time: datetime!(2026-12-01 0:00 UTC),
        policy: Default::default(),
    };
    let path = build_path(&leaf, &opts).expect("path through the real intermediate");
    let names: Vec<_> = path.certs.iter().map(|c| c.sha256_hex()).collect();
    assert_eq!(names, vec![leaf.sha256_hex(), inter.sha256_hex(), root.sha256_hex()]);
}

#[test]
fn only_the_impostor_means_no_path() {
    let (root, impostor, leaf) = (cert("root.pem"), cert("impostor-intermediate.pem"), cert("signer-rsa.pem"));
    let anchors: AnchorSet = [root].into_iter().collect();
    let intermediates = [impostor];
    let opts = PathOptions {
        anchors: &anchors,
        intermediates: &intermediates,
        time: datetime!(2026-12-01 0:00 UTC),
        policy: Default::default(),
    };
    match build_path(&leaf, &opts) {
        Err(PathError::NoPath(why)) => assert!(why.contains("does not verify"), "{why}"),
        other => panic!("expected NoPath, got {other:?}"),
    }
}

#[test]
fn an_end_entity_cannot_act_as_ca() {
    // signer-ec's key did not sign signer-rsa, and signer-ec is no CA either: no path.
    let (root, ec, leaf) = (cert("root.pem"), cert("signer-ec.pem"), cert("signer-rsa.pem"));
    let anchors: AnchorSet = [root].into_iter().collect();
    let intermediates = [ec];
    let opts = PathOptions {
        anchors: &anchors,
        intermediates: &intermediates,
        time: datetime!(2026-12-01 0:00 UTC),
        policy: Default::default(),
    };
    assert!(build_path(&leaf, &opts).is_err());
}

#[test]
fn an_expired_intermediate_is_reported() {
    let (root, inter, leaf) = (cert("root.pem"), cert("intermediate.pem"), cert("signer-rsa.pem"));
    let anchors: AnchorSet = [root].into_iter().collect();
    let intermediates = [inter];
    let opts = PathOptions {
        anchors: &anchors,
        intermediates: &intermediates,
        time: datetime!(2048-01-01 0:00 UTC),
        policy: Default::default(),
    };
    assert!(matches!(build_path(&leaf, &opts), Err(PathError::Expired { end_entity: false, .. })));
}
