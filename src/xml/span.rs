//! Byte positions of the document element in the original input, so a signer can insert a
//! Signature or embed the element without re-serializing (and so altering) the user's document.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::XmlError;

/// Where the document element lies in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RootSpan {
    /// Offset of its `<`.
    pub start: usize,
    /// Offset where new last children go: the `</` of its end tag, or the `/>` of an empty
    /// element tag.
    pub content_end: usize,
    /// Offset just past its end.
    pub end: usize,
    /// Written as an empty element tag (`<a/>`).
    pub empty: bool,
}

const BOM: &[u8] = &[0xef, 0xbb, 0xbf];

/// Offsets are counted from the start of `input`, a byte-order mark included (the reader
/// would otherwise skip it without counting it).
fn shift(mut s: RootSpan, by: usize) -> RootSpan {
    s.start += by;
    s.content_end += by;
    s.end += by;
    s
}

/// Finds the document element of a well-formed `input` (parse it first: this only measures).
pub(crate) fn root_span(input: &[u8]) -> Result<RootSpan, XmlError> {
    element_spans(input)?.first().copied().ok_or_else(|| XmlError::Malformed("no document element".into()))
}

/// The span of every element of a well-formed `input`, in document order (the order of
/// [`Document::descendants`](super::Document::descendants)).
pub(crate) fn element_spans(input: &[u8]) -> Result<Vec<RootSpan>, XmlError> {
    match input.strip_prefix(BOM) {
        Some(rest) => Ok(element_spans_of(rest)?.into_iter().map(|s| shift(s, BOM.len())).collect()),
        None => element_spans_of(input),
    }
}

fn element_spans_of(input: &[u8]) -> Result<Vec<RootSpan>, XmlError> {
    let mal = |m: String| XmlError::Malformed(m);
    let mut reader = Reader::from_reader(input);
    let mut spans: Vec<RootSpan> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| mal(e.to_string()))?;
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(_) => {
                open.push(spans.len());
                spans.push(RootSpan { start: before, content_end: 0, end: 0, empty: false });
            }
            Event::End(_) => {
                let i = open.pop().ok_or_else(|| mal("unbalanced end tag".into()))?;
                spans[i].content_end = before;
                spans[i].end = after;
            }
            Event::Empty(_) => {
                spans.push(RootSpan { start: before, content_end: after - 2, end: after, empty: true });
            }
            Event::Eof => return Ok(spans),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_document_element() {
        let doc = b"<?xml version='1.0'?>\n<!--c--><a x='1'><b/>t</a>\n<!--after-->";
        let s = root_span(doc).unwrap();
        assert_eq!(&doc[s.start..s.end], b"<a x='1'><b/>t</a>");
        assert_eq!(&doc[s.content_end..s.end], b"</a>");
        assert!(!s.empty);
        let e = b"<a x='/>'/>";
        let s = root_span(e).unwrap();
        assert!(s.empty);
        assert_eq!(&e[s.content_end..], b"/>");
        assert!(root_span(b"<!--only-->").is_err());
        let bom = [BOM, &doc[..]].concat();
        let s = root_span(&bom).unwrap();
        assert_eq!(&bom[s.start..s.end], b"<a x='1'><b/>t</a>");
        assert_eq!(&bom[element_spans(&bom).unwrap()[1].start..][..4], b"<b/>");
        let all = element_spans(doc).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(&doc[all[1].start..all[1].end], b"<b/>");
    }
}
