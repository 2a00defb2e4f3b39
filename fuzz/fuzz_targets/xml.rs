//! XML parsing and every canonicalization method must never panic, with or without DTDs.
#![no_main]

use confia::xml::c14n::{Method, canonicalize, canonicalize_document};
use confia::xml::{Document, ParseOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for allow_dtd in [false, true] {
        let Ok(doc) = Document::parse(data, &ParseOptions { allow_dtd }) else { continue };
        for m in [Method::Inclusive, Method::Inclusive11, Method::Exclusive] {
            let _ = canonicalize_document(&doc, m, true);
            let _ = canonicalize(&doc, doc.root(), m, false, &["#default".to_string()]);
        }
    }
});
