//! `confia verify` on the project's own samples: verdicts, exit codes, JSON keys.

mod common;

use common::*;

#[test]
fn main_job_passes_with_anchor_and_crls() {
    let mut args = vec!["verify".to_string(), v("samples/attached-rsa.p7m")];
    args.extend(trust_and_crls());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = confia(&refs);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("TOTAL_PASSED"));
}

#[test]
fn without_crls_revocation_is_unknown_and_exit_is_3() {
    let (c, j) = verify_json(&v("samples/attached-rsa.p7m"), &["--trust-anchor".into(), v("pki/root.pem")]);
    assert_eq!(c, 3);
    let s = &j["signatures"][0];
    assert_eq!(s["indication"], "INDETERMINATE");
    assert_eq!(s["sub_indication"], "TRY_LATER");
    assert_eq!(s["signature_intact"], true);
}

#[test]
fn no_revocation_check_is_explicit_in_the_report() {
    let (c, j) = verify_json(
        &v("samples/attached-rsa.p7m"),
        &["--trust-anchor".into(), v("pki/root.pem"), "--no-revocation-check".into()],
    );
    assert_eq!(c, 0);
    assert_eq!(j["revocation_checked"], false);
    let s = &j["signatures"][0];
    assert!(s["messages"].as_array().unwrap().iter().any(|m| m["code"] == "REVOCATION_NOT_CHECKED"));
    assert!(s["revocation"].as_array().unwrap().iter().all(|r| r["status"] == "NOT_CHECKED"));
}

#[test]
fn a_flipped_content_byte_is_hash_failure() {
    let data = std::fs::read(v("samples/attached-rsa.p7m")).unwrap();
    let content = std::fs::read(v("samples/content.txt")).unwrap();
    let at = data.windows(content.len()).position(|w| w == content).expect("content inside");
    let mut tampered = data.clone();
    tampered[at + 5] ^= 0x01;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tampered.p7m");
    std::fs::write(&p, &tampered).unwrap();
    let (c, j) = verify_json(p.to_str().unwrap(), &trust_and_crls());
    assert_eq!(c, 1);
    let s = &j["signatures"][0];
    assert_eq!(s["indication"], "TOTAL_FAILED");
    assert_eq!(s["sub_indication"], "HASH_FAILURE");
    assert_eq!(s["data_intact"], false);
    assert_eq!(s["signature_intact"], true);
}

#[test]
fn a_flipped_signature_byte_is_sig_crypto_failure() {
    let mut data = std::fs::read(v("samples/attached-ec.p7m")).unwrap();
    let n = data.len();
    data[n - 10] ^= 0x01; // inside the ECDSA signature value, the last element
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tampered.p7m");
    std::fs::write(&p, &data).unwrap();
    let (c, j) = verify_json(p.to_str().unwrap(), &trust_and_crls());
    assert_eq!(c, 1, "{j}");
    assert_eq!(j["signatures"][0]["sub_indication"], "SIG_CRYPTO_FAILURE");
    assert_eq!(j["signatures"][0]["signature_intact"], false);
}

#[test]
fn the_revoked_signer_never_passes() {
    let (c, j) = verify_json(&v("samples/revoked-signer.p7m"), &trust_and_crls());
    assert_eq!(c, 3);
    let s = &j["signatures"][0];
    assert_eq!(s["indication"], "INDETERMINATE");
    assert_eq!(s["sub_indication"], "REVOKED_NO_POE");
    let rev = &s["revocation"][0];
    assert_eq!(rev["status"], "REVOKED");
    assert_eq!(rev["revocation_date"], "2026-03-01T00:00:00Z");
    assert_eq!(rev["reason"], "keyCompromise");
}

#[test]
fn a_random_file_is_unreadable_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("random.bin");
    std::fs::write(&p, (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect::<Vec<_>>()).unwrap();
    let o = confia(&["verify", p.to_str().unwrap()]);
    assert_eq!(code(&o), 4);
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.starts_with("confia: error:"), "{err}");
    assert!(stdout(&o).is_empty());
}

#[test]
fn missing_file_and_bad_arguments() {
    assert_eq!(code(&confia(&["verify", "/nonexistent/x.p7m"])), 4);
    assert_eq!(code(&confia(&["verify", &v("samples/attached-rsa.p7m"), "--at", "yesterday"])), 2);
    assert_eq!(code(&confia(&["verify"])), 2);
    assert_eq!(code(&confia(&["verify", &v("samples/attached-rsa.p7m"), "--format", "xml"])), 2);
}

#[test]
fn json_keys_are_the_stable_interface() {
    let (_, j) = verify_json(&v("samples/counter-signed.p7m"), &trust_and_crls());
    assert!(j["validation_time"].is_string());
    let s = &j["signatures"][0];
    for k in [
        "id",
        "format",
        "indication",
        "sub_indication",
        "signature_intact",
        "data_intact",
        "signer",
        "chain",
        "messages",
        "counter_signatures",
    ] {
        assert!(s.get(k).is_some(), "missing key {k}");
    }
    for k in ["subject", "issuer", "serial", "sha256"] {
        assert!(s["signer"].get(k).is_some(), "missing signer key {k}");
    }
    assert_eq!(s["chain"].as_array().unwrap().len(), 3);
    assert_eq!(s["format"], "CAdES-BASELINE-B");
    let cs = &s["counter_signatures"][0];
    assert_eq!(cs["indication"], "TOTAL_PASSED", "{cs}");
    assert_eq!(cs["id"], "S1-C1");
    assert!(cs["signer"]["subject"].as_str().unwrap().contains("Signer EC"));
    let m = &s["messages"][0];
    assert!(m.get("level").is_some() && m.get("code").is_some() && m.get("text").is_some());
}

#[test]
fn detached_needs_its_content() {
    let (c, j) = verify_json(&v("samples/detached-ec.p7s"), &trust_and_crls());
    assert_eq!(c, 3);
    assert_eq!(j["signatures"][0]["sub_indication"], "SIGNED_DATA_NOT_FOUND");
    assert!(j["signatures"][0]["data_intact"].is_null());
    let mut args = trust_and_crls();
    args.extend(["--content".into(), v("samples/content.txt")]);
    let (c, j) = verify_json(&v("samples/detached-ec.p7s"), &args);
    assert_eq!(c, 0, "{j}");
    // and the wrong content fails
    let mut args = trust_and_crls();
    args.extend(["--content".into(), v("pki/root.pem")]);
    let (c, j) = verify_json(&v("samples/detached-ec.p7s"), &args);
    assert_eq!(c, 1);
    assert_eq!(j["signatures"][0]["sub_indication"], "HASH_FAILURE");
}

#[test]
fn ber_and_pem_inputs() {
    let (c, _) = verify_json(&v("samples/ber-attached-rsa.p7m"), &trust_and_crls());
    assert_eq!(c, 0);
    let der = std::fs::read(v("samples/attached-ec.p7m")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("sig.pem");
    let b64 = base64_encode(&der);
    let mut pem = String::from("-----BEGIN CMS-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap());
        pem.push('\n');
    }
    pem.push_str("-----END CMS-----\n");
    std::fs::write(&p, pem).unwrap();
    let (c, _) = verify_json(p.to_str().unwrap(), &trust_and_crls());
    assert_eq!(c, 0);
}

#[test]
fn validation_time_matters() {
    let mut args = trust_and_crls();
    args.extend(["--at".into(), "2025-06-01T00:00:00Z".into()]);
    let (c, j) = verify_json(&v("samples/attached-rsa.p7m"), &args);
    assert_eq!(c, 3);
    assert_eq!(j["validation_time"], "2025-06-01T00:00:00Z");
    // before every certificate's notBefore: no valid path at all
    let sub = j["signatures"][0]["sub_indication"].as_str().unwrap().to_string();
    assert!(sub == "NOT_YET_VALID" || sub == "NO_CERTIFICATE_CHAIN_FOUND", "{sub}");
    let mut args = trust_and_crls();
    args.extend(["--at".into(), "2047-01-01T00:00:00Z".into()]);
    let (c, _) = verify_json(&v("samples/attached-rsa.p7m"), &args);
    assert_eq!(c, 3);
}

#[test]
fn without_the_anchor_there_is_no_chain() {
    let (c, j) = verify_json(&v("samples/attached-rsa.p7m"), &[]);
    assert_eq!(c, 3);
    assert_eq!(j["signatures"][0]["sub_indication"], "NO_CERTIFICATE_CHAIN_FOUND");
    // the intermediate is not an anchor of the root's path, but trusting it directly works
    let (c, j) = verify_json(
        &v("samples/attached-rsa.p7m"),
        &["--trust-anchor".into(), v("pki/intermediate.pem"), "--crl".into(), v("pki/intermediate.crl")],
    );
    assert_eq!(c, 0, "{j}");
    assert_eq!(j["signatures"][0]["chain"].as_array().unwrap().len(), 2);
}

#[test]
fn trust_anchor_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(v("pki/root.pem"), dir.path().join("root.pem")).unwrap();
    std::fs::write(dir.path().join("README"), "not a certificate").unwrap();
    let args = vec![
        "--trust-anchor".into(),
        dir.path().to_string_lossy().into_owned(),
        "--crl".into(),
        v("pki/root.crl"),
        "--crl".into(),
        v("pki/intermediate.crl"),
    ];
    let (c, _) = verify_json(&v("samples/attached-rsa.p7m"), &args);
    assert_eq!(c, 0);
}

fn base64_encode(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in data.chunks(3) {
        let n = c.iter().enumerate().fold(0u32, |a, (i, b)| a | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            s.push(if i <= c.len() { T[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    s
}

#[test]
fn a_policy_file_relaxes_explicitly_and_a_broken_one_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let default = std::fs::read_to_string(vectors().join("../src/policy/default.toml")).unwrap();
    let relaxed = dir.path().join("relaxed.toml");
    std::fs::write(&relaxed, default.replace("signer_revocation = \"FAIL\"", "signer_revocation = \"WARN\"")).unwrap();
    // The root CRL only: the signer (issued by the intermediate) has no revocation data.
    let args = [
        "--trust-anchor".to_string(),
        v("pki/root.pem"),
        "--crl".into(),
        v("pki/root.crl"),
        "--policy".into(),
        relaxed.display().to_string(),
    ];
    let (c, j) = verify_json(&v("samples/attached-rsa.p7m"), &args);
    assert_eq!(c, 0, "{j}");
    let s = &j["signatures"][0];
    assert!(
        s["messages"].as_array().unwrap().iter().any(|m| m["code"] == "NO_REVOCATION_DATA" && m["level"] == "WARNING")
    );
    let (_, default_json) = verify_json(&v("samples/attached-rsa.p7m"), &trust_and_crls());
    assert_ne!(j["policy"]["sha256"], default_json["policy"]["sha256"], "the report identifies the policy");

    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, default.replace("min_bits = 1900", "min_bits = \"many\"")).unwrap();
    let line = default.lines().position(|l| l.contains("min_bits = 1900")).unwrap() + 1;
    let o = confia(&["verify", &v("samples/attached-rsa.p7m"), "--policy", &broken.display().to_string()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains(&format!("line {line}")), "{}", stderr(&o));
}

#[test]
fn a_cross_certified_ca_offered_first_still_validates_through_the_trusted_path() {
    // The signature embeds the intermediate's cross-certificate (issued by an untrusted root)
    // before the real intermediate.
    let (c, j) = verify_json(&v("samples/cross-certified.p7m"), &trust_and_crls());
    assert_eq!(c, 0, "{j}");
    let inter = confia::x509::Certificate::from_pem_or_der(&std::fs::read(v("pki/intermediate.pem")).unwrap()).unwrap();
    assert_eq!(j["signatures"][0]["chain"][1], inter[0].sha256_hex(), "the path goes through the trusted copy");
    // The same with cert verify, the untrusted copy offered first on the command line.
    let o = confia(&[
        "cert",
        "verify",
        &v("pki/signer-rsa.pem"),
        "--cert",
        &v("pki/intermediate-cross.pem"),
        "--cert",
        &v("pki/other-root.pem"),
        "--cert",
        &v("pki/intermediate.pem"),
        "--trust-anchor",
        &v("pki/root.pem"),
        "--crl",
        &v("pki/root.crl"),
        "--crl",
        &v("pki/intermediate.crl"),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["path"][1], inter[0].sha256_hex());
    assert_eq!(j["indication"], "TOTAL_PASSED");
}

#[test]
fn cert_verify_exit_codes() {
    let base = |cert: &str| -> Vec<String> {
        vec!["cert".into(), "verify".into(), v(cert), "--cert".into(), v("pki/intermediate.pem")]
    };
    let run = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        code(&confia(&refs))
    };
    let mut ok = base("pki/signer-ec.pem");
    ok.extend(trust_and_crls());
    assert_eq!(run(ok), 0);
    let mut revoked = base("pki/signer-revoked.pem");
    revoked.extend(trust_and_crls());
    assert_eq!(run(revoked), 1, "revoked is invalid");
    let mut no_crl = base("pki/signer-ec.pem");
    no_crl.extend(["--trust-anchor".into(), v("pki/root.pem")]);
    assert_eq!(run(no_crl), 3, "no revocation information: cannot decide");
    let untrusted = base("pki/signer-ec.pem");
    assert_eq!(run(untrusted), 1, "no anchor: no valid path");
    assert_eq!(run(vec!["cert".into(), "verify".into(), "/nonexistent.pem".into()]), 4);
    let mut bad_oid = base("pki/signer-ec.pem");
    bad_oid.extend(["--initial-policy".into(), "not-an-oid".into()]);
    assert_eq!(run(bad_oid), 2);
}

#[test]
fn an_unreadable_counter_signature_fails_instead_of_vanishing() {
    let mut d = std::fs::read(v("samples/counter-signed.p7m")).unwrap();
    // Zero the start of the counter-signature's SignerInfo (inside the unsigned attributes).
    let csi = d.windows(9).rposition(|w| w == [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01]).unwrap();
    d[csi + 15..csi + 23].fill(0);
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("cs.p7m");
    std::fs::write(&f, &d).unwrap();
    let (c, j) = verify_json(&f.display().to_string(), &trust_and_crls());
    assert_ne!(c, 0, "{j}");
    let cs = &j["signatures"][0]["counter_signatures"];
    assert!(cs.as_array().is_some_and(|a| !a.is_empty()), "{j}");
    assert_ne!(cs[0]["indication"], "TOTAL_PASSED");
}

#[test]
fn a_known_revocation_counts_even_without_required_revocation() {
    let mut args = trust_and_crls();
    args.push("--no-revocation-check".into());
    let (c, j) = verify_json(&v("samples/revoked-signer.p7m"), &args);
    assert_eq!(c, 3, "{j}");
    assert_eq!(j["signatures"][0]["sub_indication"], "REVOKED_NO_POE");
    assert_eq!(j["revocation_checked"], false);
}

#[test]
fn trailing_bytes_are_reported() {
    let mut d = std::fs::read(v("samples/attached-rsa.p7m")).unwrap();
    d.extend_from_slice(b"junk\n");
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("t.p7m");
    std::fs::write(&f, &d).unwrap();
    let (_, j) = verify_json(&f.display().to_string(), &trust_and_crls());
    let msgs = j["signatures"][0]["messages"].as_array().unwrap().clone();
    assert!(msgs.iter().any(|m| m["code"] == "TRAILING_DATA"), "{j}");
}
