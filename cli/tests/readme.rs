//! The README's main job, run exactly as written there: its first `sh` block.

mod common;

use std::path::Path;
use std::process::Command;

use common::{code, stderr, stdout};

#[test]
fn the_readme_main_job_passes_through_the_bundled_lists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let block = readme.split("```sh\n").nth(1).and_then(|b| b.split("```").next()).expect("an sh block");
    let line = block.lines().next().expect("a command");
    let args: Vec<&str> = line
        .strip_prefix("cargo run -p confia-cli -- ")
        .unwrap_or_else(|| panic!("the main job runs the CLI: {line}"))
        .split_whitespace()
        .collect();
    assert_eq!(args[0], "verify", "{line}");
    let o = Command::new(env!("CARGO_BIN_EXE_confia")).args(&args).current_dir(&root).output().expect("run confia");
    let out = stdout(&o);
    assert_eq!(code(&o), 0, "{out}{}", stderr(&o));
    assert!(out.contains("[S1] TOTAL_PASSED"), "{out}");
    // What the README promises the report shows: the lists, the snapshot, the service.
    assert!(out.contains("Trusted lists:   snapshot "), "{out}");
    assert!(out.contains("XM #1 TOTAL_PASSED") && out.contains("UY #1 TOTAL_PASSED"), "{out}");
    assert!(out.contains("listed in the UY trusted list #1") && out.contains("CA/QC"), "{out}");
}

#[test]
fn the_list_of_lists_must_verify_and_the_snapshot_names_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let run = |lotl_signer: &str| {
        Command::new(env!("CARGO_BIN_EXE_confia"))
            .args([
                "verify",
                "test-vectors/samples/attached-rsa.p7m",
                "--lotl",
                "trust-lists/demo-lotl.xml",
                "--lotl-signer",
                lotl_signer,
                "--trusted-list",
                "trust-lists/demo-uy-tl.xml",
                "--crl",
                "test-vectors/pki/intermediate.crl",
                "--format",
                "json",
            ])
            .current_dir(&root)
            .output()
            .expect("run confia")
    };
    // Pinning the wrong key for the list of lists: nothing is trusted through it.
    let o = run("test-vectors/pki/signer-ec.pem");
    assert_eq!(code(&o), 4, "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("the list of lists does not verify"), "{}", stderr(&o));
    // The right key: the snapshot names both lists, each with its next update, used.
    let o = run("test-vectors/pki/lotl-signer.pem");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let lists = j["trust_snapshot"]["lists"].as_array().expect("lists");
    let mut territories: Vec<&str> = lists.iter().filter_map(|l| l["territory"].as_str()).collect();
    territories.sort();
    assert_eq!(territories, ["UY", "XM"]);
    assert!(lists.iter().all(|l| l["used"] == true && l["expired"] == false && l["next_update"].is_string()), "{j}");
    let by = |t: &str| lists.iter().find(|l| l["territory"] == t).unwrap();
    assert_eq!(by("UY")["pinned_by"], by("XM")["sha256"], "the UY list's signer came from the list of lists: {j}");
    assert!(by("XM")["pinned_by"].is_null());
}
