//! `confia sign`, and interoperability with OpenSSL in both directions (run when `openssl`
//! is installed; CI installs it).

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn sign(args: &[&str]) -> std::process::Output {
    let mut a = vec!["sign"];
    a.extend_from_slice(args);
    confia(&a)
}

fn openssl_verify(sig: &Path, content: Option<&Path>) -> bool {
    let mut cmd = Command::new("openssl");
    cmd.args(["cms", "-verify", "-binary", "-inform", "DER", "-in"]).arg(sig);
    cmd.args(["-CAfile", &v("pki/root.pem"), "-out", "/dev/null"]);
    if let Some(c) = content {
        cmd.arg("-content").arg(c);
    }
    let o = cmd.output().expect("openssl");
    if !o.status.success() {
        eprintln!("openssl: {}", String::from_utf8_lossy(&o.stderr));
    }
    o.status.success()
}

#[test]
fn sign_then_verify_with_confia_and_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let content = v("samples/content.txt");
    for (who, digest) in [("rsa", "sha256"), ("ec", "sha256"), ("rsa", "sha512"), ("ec", "sha384")] {
        for detached in [false, true] {
            let out = dir.path().join(format!("{who}-{digest}-{detached}.p7m"));
            let key = v(&format!("pki/signer-{who}.key"));
            let cert = v(&format!("pki/signer-{who}.pem"));
            let mut args = vec!["--key", &key, "--cert", &cert, "--digest", digest, "-o", out.to_str().unwrap()];
            let chain = v("pki/intermediate.pem");
            args.extend(["--chain", &chain]);
            if detached {
                args.push("--detached");
            }
            args.push(&content);
            let o = sign(&args);
            assert_eq!(code(&o), 0, "{}", stderr(&o));
            let mut vargs = trust_and_crls();
            if detached {
                vargs.extend(["--content".into(), content.clone()]);
            }
            let (c, j) = verify_json(out.to_str().unwrap(), &vargs);
            assert_eq!(c, 0, "{who} {digest} detached={detached}: {j}");
            assert_eq!(j["signatures"][0]["format"], "CAdES-BASELINE-B");
            if has_tool("openssl") {
                assert!(
                    openssl_verify(&out, detached.then_some(Path::new(&content))),
                    "openssl rejects {}",
                    out.display()
                );
            }
        }
    }
}

#[test]
fn sign_never_overwrites_and_leaves_nothing_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("doc.txt");
    std::fs::write(&input, b"data").unwrap();
    let key = v("pki/signer-ec.key");
    let cert = v("pki/signer-ec.pem");
    // output == input
    let o = sign(&["--key", &key, "--cert", &cert, "-o", input.to_str().unwrap(), input.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert_eq!(std::fs::read(&input).unwrap(), b"data");
    // existing output without --force
    let out = dir.path().join("out.p7m");
    std::fs::write(&out, b"keep me").unwrap();
    let o = sign(&["--key", &key, "--cert", &cert, "-o", out.to_str().unwrap(), input.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    // a key that does not match the certificate: error, no output file
    let out2 = dir.path().join("out2.p7m");
    let wrong_cert = v("pki/signer-rsa.pem");
    let o = sign(&["--key", &key, "--cert", &wrong_cert, "-o", out2.to_str().unwrap(), input.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "a usage error, as --help says");
    assert!(stderr(&o).contains("does not match"), "{}", stderr(&o));
    assert!(!out2.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 2, "only doc.txt and out.p7m remain");
    // --force replaces
    let o = sign(&["--key", &key, "--cert", &cert, "--force", "-o", out.to_str().unwrap(), input.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_ne!(std::fs::read(&out).unwrap(), b"keep me");
}

#[test]
fn pkcs12_made_by_openssl_signs() {
    if !has_tool("openssl") {
        eprintln!("skipped: openssl not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p12 = dir.path().join("signer.p12");
    let pw = dir.path().join("pw.txt");
    std::fs::write(&pw, "s3cret\n").unwrap();
    let st = Command::new("openssl")
        .args(["pkcs12", "-export", "-inkey", &v("pki/signer-rsa.key"), "-in", &v("pki/signer-rsa.pem")])
        .args(["-certfile", &v("pki/intermediate.pem"), "-passout", "pass:s3cret", "-out"])
        .arg(&p12)
        .status()
        .unwrap();
    assert!(st.success());
    let out = dir.path().join("sig.p7m");
    let content = v("samples/content.txt");
    let o = sign(&[
        "--key",
        p12.to_str().unwrap(),
        "--password-file",
        pw.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        &content,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let (c, j) = verify_json(out.to_str().unwrap(), &trust_and_crls());
    assert_eq!(c, 0, "{j}");
    // a wrong password is a clear error
    std::fs::write(&pw, "wrong\n").unwrap();
    let out = dir.path().join("sig2.p7m");
    let o = sign(&[
        "--key",
        p12.to_str().unwrap(),
        "--password-file",
        pw.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        &content,
    ]);
    assert_eq!(code(&o), 4);
    assert!(!out.exists());
}

#[test]
fn openssl_cades_signatures_verify() {
    if !has_tool("openssl") {
        eprintln!("skipped: openssl not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let content = v("samples/content.txt");
    for who in ["rsa", "ec"] {
        for detached in [false, true] {
            let out = dir.path().join(format!("openssl-{who}-{detached}.p7m"));
            let mut cmd = Command::new("openssl");
            cmd.args(["cms", "-sign", "-binary", "-cades", "-outform", "DER"]);
            cmd.args(["-signer", &v(&format!("pki/signer-{who}.pem")), "-inkey", &v(&format!("pki/signer-{who}.key"))]);
            cmd.args(["-certfile", &v("pki/intermediate.pem"), "-in", &content, "-out"]).arg(&out);
            if !detached {
                cmd.arg("-nodetach");
            }
            let o = cmd.output().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let mut args = trust_and_crls();
            if detached {
                args.extend(["--content".into(), content.clone()]);
            }
            let (c, j) = verify_json(out.to_str().unwrap(), &args);
            assert_eq!(c, 0, "{who} detached={detached}: {j}");
            let s = &j["signatures"][0];
            assert_eq!(s["signature_intact"], true);
            assert_eq!(s["data_intact"], true);
            // OpenSSL's -cades adds signing-certificate-v2 and signing-time
            assert_eq!(s["format"], "CAdES-BASELINE-B");
        }
    }
}

#[test]
fn force_never_replaces_something_that_is_not_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("a-directory");
    std::fs::create_dir(&sub).unwrap();
    let o = sign(&[
        "--key",
        &v("pki/signer-ec.key"),
        "--cert",
        &v("pki/signer-ec.pem"),
        "--force",
        "-o",
        &sub.display().to_string(),
        &v("samples/content.txt"),
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(sub.is_dir());
}
