//! The XPath subset must refuse or evaluate any expression without panicking, in bounded time.
#![no_main]

use confia::xml::{Document, ParseOptions, xpath};
use libfuzzer_sys::fuzz_target;

const DOC: &[u8] = br#"<r xmlns:e="urn:e" Id="r"><e:x Id="1"><t a="1"/>text</e:x><t><t b=""/></t><!--c--></r>"#;

fuzz_target!(|data: &[u8]| {
    let Ok(expr) = std::str::from_utf8(data) else { return };
    let doc = Document::parse(DOC, &ParseOptions::default()).expect("fixed document");
    let _ = xpath::select(&doc, doc.root(), expr);
});
