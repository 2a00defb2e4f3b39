//! `confia xml c14n` reproduces the Santuario canonicalization outputs byte for byte, and
//! refuses what a hardened parser must refuse.

mod common;

use std::path::{Path, PathBuf};

use common::{code, confia, stderr};

fn santuario() -> Option<PathBuf> {
    let root = std::env::var_os("CONFIA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    let dir = root.join("santuario/c14n");
    dir.is_dir().then_some(dir)
}

#[test]
fn c14n_reproduces_santuario() {
    let Some(dir) = santuario() else {
        println!("skipped: corpus not found (set CONFIA_CORPUS)");
        return;
    };
    let cases: &[(&str, &[&str], &str)] = &[
        ("in/31_input.xml", &["--allow-dtd"], "in/31_c14n.xml"),
        ("in/31_input.xml", &["--allow-dtd", "--with-comments"], "in/31_c14n-comments.xml"),
        ("in/34_input.xml", &["--allow-dtd"], "in/34_c14n.xml"),
        ("in/34_input.xml", &["--allow-dtd", "--method", "inc11"], "in/34_c14n.xml"),
        ("in/36_input.xml", &["--allow-dtd"], "in/36_c14n.xml"),
        (
            "inExcl/example2_2_1.xml",
            &["--with-comments", "--element", "{http://example.net}elem2"],
            "inExcl/example2_2_1_c14nized.xml",
        ),
        (
            "inExcl/example2_2_1.xml",
            &["--with-comments", "--method", "exc", "--element", "{http://example.net}elem2"],
            "inExcl/example2_2_c14nized_exclusive.xml",
        ),
        (
            "inExcl/example2_4.xml",
            &["--with-comments", "--method", "exc", "--element", "{http://example.net}elem2"],
            "inExcl/example2_4_c14nized.xml",
        ),
    ];
    for (input, flags, expected) in cases {
        let mut args = vec!["xml".to_string(), "c14n".into(), dir.join(input).display().to_string()];
        args.extend(flags.iter().map(|f| f.to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = confia(&refs);
        assert_eq!(code(&o), 0, "{input} {flags:?}: {}", stderr(&o));
        assert!(o.stdout == std::fs::read(dir.join(expected)).unwrap(), "{input} {flags:?} differs from {expected}");
    }
    // The DTD is refused unless allowed; the external entity always.
    let o = confia(&["xml", "c14n", &dir.join("in/34_input.xml").display().to_string()]);
    assert_eq!(code(&o), 4);
    assert!(stderr(&o).contains("DOCTYPE"), "{}", stderr(&o));
    let o = confia(&["xml", "c14n", "--allow-dtd", &dir.join("in/35_input.xml").display().to_string()]);
    assert_eq!(code(&o), 4);
    assert!(stderr(&o).contains("external entity"), "{}", stderr(&o));
}

fn xmlsec() -> Option<PathBuf> {
    santuario().map(|d| d.join("../../xmlsec/tests")).filter(|d| d.is_dir())
}

fn verify_json(args: &[String]) -> (i32, serde_json::Value) {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = confia(&refs);
    let j = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
    (code(&o), j)
}

#[test]
fn bare_keys_and_hmac_verify_but_never_pass() {
    let Some(x) = xmlsec() else {
        println!("skipped: corpus not found (set CONFIA_CORPUS)");
        return;
    };
    let p = |rel: &str| x.join(rel).display().to_string();
    let ec = p("aleksey-xmldsig-01/enveloped-sha256-ecdsa-sha256.xml");
    let (c, j) = verify_json(&["verify".into(), ec.clone(), "--format".into(), "json".into()]);
    assert_eq!(j["signatures"][0]["signature_intact"], false, "without the key nothing verifies");
    assert_ne!(c, 0);
    let args = [
        "verify".into(),
        ec,
        "--public-key".into(),
        p("keys/ec/ec-prime256v1-pubkey.pem"),
        "--format".into(),
        "json".into(),
    ];
    let (c, j) = verify_json(&args);
    let s = &j["signatures"][0];
    assert_eq!((s["signature_intact"].clone(), s["data_intact"].clone()), (true.into(), true.into()), "{j}");
    assert_eq!(s["sub_indication"], "NO_SIGNING_CERTIFICATE_FOUND");
    assert_eq!(c, 3);
    let hmac = p("xmldsig11-interop-2012/signature-enveloping-hmac-sha256.xml");
    let key = p("xmldsig11-interop-2012/keys/hmackey.bin");
    let (c, j) = verify_json(&["verify".into(), hmac, "--hmac-key".into(), key, "--format".into(), "json".into()]);
    assert_eq!(j["signatures"][0]["signature_intact"], true, "{j}");
    assert_eq!(c, 3, "an HMAC signature has no certificate: never TOTAL_PASSED");
}

#[test]
fn xml_only_flags_are_refused_for_cms() {
    let v = |rel: &str| Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors").join(rel).display().to_string();
    let o = confia(&["verify", &v("samples/attached-rsa.p7m"), "--hmac-key", &v("samples/content.txt")]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

#[test]
fn exclusive_prefix_list_applies_to_the_whole_document() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.xml");
    std::fs::write(&f, "<doc xmlns:a=\"urn:a\" xmlns:b=\"urn:b\"><item>x</item></doc>").unwrap();
    let path = f.to_str().unwrap();
    let o = confia(&["xml", "c14n", "--method", "exc", "--inclusive-prefix", "a", path]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "<doc xmlns:a=\"urn:a\"><item>x</item></doc>");
    let o = confia(&["xml", "c14n", "--method", "exc", path]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "<doc><item>x</item></doc>");
}
