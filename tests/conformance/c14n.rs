//! Kind `c14n`: the Santuario canonicalization vectors, byte for byte. Inputs carry DOCTYPEs,
//! so they are parsed with the internal subset allowed (attribute defaults and types apply);
//! external entities stay refused, which is the expected outcome of case 35 (corpus README
//! caveat 7). XPath node-set selections are not supported yet and fail with that reason.

use confia::xml::c14n::{Method, canonicalize, canonicalize_document};
use confia::xml::{Document, ParseOptions, XmlError};

use super::corpus::{Case, Corpus, Outcome, Scoreboard};

pub fn run(corpus: &Corpus, board: &mut Scoreboard) {
    for case in corpus.cases.iter().filter(|c| c.kind == "c14n" && c.expected.starts_with("c14n_output_of(")) {
        board.record("c14n", &case.path, check(corpus, case));
    }
}

fn check(corpus: &Corpus, case: &Case) -> Outcome {
    let spec = &case.expected["c14n_output_of(".len()..];
    let input_name = spec.split(';').next().unwrap_or("").trim();
    let dir = std::path::Path::new(&case.path).parent().unwrap_or(std::path::Path::new(""));
    let input = corpus.path(&dir.join(input_name).to_string_lossy());
    let uri = spec.split("alg=").nth(1).and_then(|r| r.split([' ', ';', ')']).next()).unwrap_or("");
    let Some((method, comments)) = Method::from_uri(uri) else {
        return Outcome::Fail(format!("unknown algorithm {uri}"));
    };
    let selection = spec.split("selection=").nth(1).unwrap_or("").trim_end_matches(')');
    let data = match std::fs::read(&input) {
        Ok(d) => d,
        Err(e) => return Outcome::Fail(format!("{}: {e}", input.display())),
    };
    let doc = match Document::parse(&data, &ParseOptions { allow_dtd: true }) {
        Ok(d) => d,
        Err(XmlError::ExternalEntity(_)) if selection.contains("external entity") => return Outcome::Pass,
        Err(e) => return Outcome::Fail(format!("not parsed: {e}")),
    };
    let produced = if selection.starts_with("whole document") {
        canonicalize_document(&doc, method, comments)
    } else if let Some(name) = selection.strip_prefix("subtree of first {") {
        let (ns, local) = name.split_once('}').unwrap_or(("", name));
        match doc.find_element(Some(ns), local.trim()) {
            Some(el) => canonicalize(&doc, el, method, comments, &[]),
            None => return Outcome::Fail(format!("no element {{{ns}}}{local}")),
        }
    } else {
        return Outcome::Fail("known gap: XPath node-set selections are not supported yet".into());
    };
    let expected = match std::fs::read(corpus.path(&case.path)) {
        Ok(e) => e,
        Err(e) => return Outcome::Fail(e.to_string()),
    };
    match produced {
        Ok(p) if p == expected => Outcome::Pass,
        Ok(p) => Outcome::Fail(format!(
            "output differs: {:?}",
            String::from_utf8_lossy(&p).chars().take(120).collect::<String>()
        )),
        Err(e) => Outcome::Fail(e.to_string()),
    }
}
