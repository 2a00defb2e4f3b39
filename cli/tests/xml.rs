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
