//! Shared helpers for the CLI tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

pub fn v(rel: &str) -> String {
    vectors().join(rel).to_string_lossy().into_owned()
}

pub fn confia(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_confia")).args(args).output().expect("run confia")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `--trust-anchor root --crl root.crl --crl intermediate.crl`
pub fn trust_and_crls() -> Vec<String> {
    vec![
        "--trust-anchor".into(),
        v("pki/root.pem"),
        "--crl".into(),
        v("pki/root.crl"),
        "--crl".into(),
        v("pki/intermediate.crl"),
    ]
}

pub fn verify_json(file: &str, extra: &[String]) -> (i32, serde_json::Value) {
    let mut args: Vec<String> = vec!["verify".into(), file.into(), "--format".into(), "json".into()];
    args.extend(extra.iter().cloned());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = confia(&refs);
    let json =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("JSON ({e}): {} {}", stdout(&o), stderr(&o)));
    (code(&o), json)
}

pub fn has_tool(name: &str) -> bool {
    Command::new(name).arg("version").output().is_ok()
}
