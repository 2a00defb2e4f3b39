//! Signature-wrapping and hostile-XML cases of the corpus must never come out of the XMLDSig
//! core as cryptographically valid for the element they claim to sign. Skipped (with a printed
//! reason) when the corpus is absent.

use std::path::PathBuf;

use confia::xml::dsig::{VerifyInputs, find_signatures, verify};
use confia::xml::{Document, ParseOptions};

fn corpus() -> Option<PathBuf> {
    let root = std::env::var_os("CONFIA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")));
    root.join("MANIFEST.tsv").is_file().then_some(root)
}

#[test]
fn wrapped_tampered_and_dtd_documents_are_never_crypto_valid() {
    let Some(root) = corpus() else {
        println!("skipped: corpus not found (set CONFIA_CORPUS)");
        return;
    };
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv")).unwrap();
    let mut checked = 0;
    for line in manifest.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (path, kind, expected) = (f[0], f[4], f[5]);
        let hostile = path.contains("/xsw/") || path.contains("dtd-injection") || expected.starts_with("TOTAL_FAILED");
        if kind != "xades" || !hostile {
            continue;
        }
        checked += 1;
        let data = std::fs::read(root.join(path)).unwrap();
        let Ok(doc) = Document::parse(&data, &ParseOptions::default()) else { continue };
        for sig in find_signatures(&doc) {
            let Ok(r) = verify(&doc, sig, &VerifyInputs::default()) else { continue };
            // The XMLDSig core may verify the signature over what it really signed; the
            // XAdES binding of SignedProperties and the signed-data rule (Manifest entries) then
            // catch a wrapped copy.
            let bound = confia::xades::check_signed_properties_binding(&doc, &r);
            assert!(
                !(r.crypto_valid() && bound.is_ok() && r.signed_data_found()),
                "{path}: a hostile document comes out valid"
            );
        }
    }
    println!("hostile XML cases checked: {checked}");
    assert!(checked >= 5, "only {checked} hostile cases found");
}
