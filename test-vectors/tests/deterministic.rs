//! Re-running the generator reproduces the committed test vectors byte for byte.

use std::path::Path;
use std::process::Command;

#[test]
fn regeneration_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_make-test-vectors"))
        .arg(dir.path())
        .arg(dir.path().join("trust-lists"))
        .status()
        .unwrap();
    assert!(st.success());
    let committed = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut compared = 0;
    for sub in ["pki", "samples", "trust-lists"] {
        let committed_dir = if sub == "trust-lists" { committed.join("../trust-lists") } else { committed.join(sub) };
        for e in std::fs::read_dir(dir.path().join(sub)).unwrap() {
            let e = e.unwrap();
            let fresh = std::fs::read(e.path()).unwrap();
            let old = std::fs::read(committed_dir.join(e.file_name()))
                .unwrap_or_else(|_| panic!("{sub}/{:?} is generated but not committed", e.file_name()));
            assert!(fresh == old, "{sub}/{:?} differs from the committed file", e.file_name());
            compared += 1;
        }
    }
    assert!(compared >= 15, "compared {compared} files");
}
