//! A bounded BER/DER reader that keeps the raw bytes of every element, and a small DER writer.
//!
//! Signatures are computed over bytes as they were received (signed attributes, TBSCertificate,
//! encapsulated content). Decoding into values and re-encoding them would break signatures made
//! by producers that emit BER or unsorted SET OF, so the reader hands out each element's exact
//! span in the input instead of a decoded tree.

pub mod der;
pub mod oid;

use thiserror::Error;

pub use oid::Oid;

/// Deepest nesting the reader follows. Real CMS structures stay well below 20 levels; the bound
/// keeps hostile input from exhausting the stack.
pub const MAX_DEPTH: usize = 48;

/// Most children a single constructed element may have before the input is refused.
pub const MAX_CHILDREN: usize = 100_000;

/// What went wrong while reading BER/DER.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Asn1Error {
    /// The input ended inside an element.
    #[error("truncated ASN.1 element at byte {offset}")]
    Truncated {
        /// Position of the element's first byte.
        offset: usize,
    },
    /// A length field that BER does not allow or that exceeds what this reader accepts.
    #[error("invalid ASN.1 length at byte {offset}")]
    BadLength {
        /// Position of the element's first byte.
        offset: usize,
    },
    /// Nesting deeper than [`MAX_DEPTH`].
    #[error("ASN.1 nesting deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// More children than [`MAX_CHILDREN`] in one element.
    #[error("more than {MAX_CHILDREN} elements in one ASN.1 structure")]
    TooManyElements,
    /// A different element was found where a specific one is required.
    #[error("expected {expected}, found tag {found:#04x} at byte {offset}")]
    Unexpected {
        /// What the structure requires at this point.
        expected: &'static str,
        /// The identifier octet that was found.
        found: u8,
        /// Position of the element.
        offset: usize,
    },
    /// A structure ended before a required element.
    #[error("missing {0}")]
    Missing(&'static str),
    /// A value that is well-formed BER but not a valid value of its type.
    #[error("invalid {0}")]
    InvalidValue(&'static str),
    /// Bytes left over after a complete element where none may follow.
    #[error("trailing data after {0}")]
    TrailingData(&'static str),
}

/// Tag class (X.690 8.1.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Universal types (INTEGER, SEQUENCE, ...).
    Universal,
    /// Application-specific tags.
    Application,
    /// Context-specific tags (`[n]`).
    Context,
    /// Private tags.
    Private,
}

/// An identifier: class, constructed bit and tag number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    /// The tag's class.
    pub class: Class,
    /// Whether the encoding is constructed.
    pub constructed: bool,
    /// The tag number.
    pub number: u32,
}

impl Tag {
    /// `INTEGER`
    pub const INTEGER: Tag = Tag::universal(2, false);
    /// BOOLEAN
    pub const BOOLEAN: Tag = Tag::universal(1, false);
    /// ENUMERATED
    pub const ENUMERATED: Tag = Tag::universal(10, false);
    /// `BIT STRING`
    pub const BIT_STRING: Tag = Tag::universal(3, false);
    /// `OCTET STRING` (primitive form)
    pub const OCTET_STRING: Tag = Tag::universal(4, false);
    /// `NULL`
    pub const NULL: Tag = Tag::universal(5, false);
    /// `OBJECT IDENTIFIER`
    pub const OID: Tag = Tag::universal(6, false);
    /// `SEQUENCE` / `SEQUENCE OF`
    pub const SEQUENCE: Tag = Tag::universal(16, true);
    /// `SET` / `SET OF`
    pub const SET: Tag = Tag::universal(17, true);
    /// `UTCTime`
    pub const UTC_TIME: Tag = Tag::universal(23, false);
    /// `GeneralizedTime`
    pub const GENERALIZED_TIME: Tag = Tag::universal(24, false);

    const fn universal(number: u32, constructed: bool) -> Tag {
        Tag { class: Class::Universal, constructed, number }
    }

    /// A context-specific tag `[number]`, constructed or primitive.
    pub const fn context(number: u32, constructed: bool) -> Tag {
        Tag { class: Class::Context, constructed, number }
    }

    /// The same tag number and class, ignoring the constructed bit (BER allows both forms
    /// for string types).
    pub fn same_type(&self, other: &Tag) -> bool {
        self.class == other.class && self.number == other.number
    }
}

/// One element: its tag, the whole encoding and the contents octets.
#[derive(Debug, Clone, Copy)]
pub struct Element<'a> {
    /// The identifier.
    pub tag: Tag,
    /// Identifier, length, contents (and end-of-contents for indefinite lengths) exactly as read.
    pub raw: &'a [u8],
    /// The contents octets; for an indefinite length, without the end-of-contents marker.
    pub contents: &'a [u8],
    /// Offset of `raw` in the outermost input, for error messages.
    pub offset: usize,
    /// Whether the length was indefinite (BER only).
    pub indefinite: bool,
    depth: usize,
}

/// Reads one element from the start of `input`; returns it and the remaining bytes.
pub fn read_element(input: &[u8]) -> Result<(Element<'_>, &[u8]), Asn1Error> {
    read_at(input, 0, 0)
}

/// Reads exactly one element that spans the whole input.
pub fn read_single<'a>(input: &'a [u8], what: &'static str) -> Result<Element<'a>, Asn1Error> {
    let (el, rest) = read_element(input)?;
    if !rest.is_empty() {
        return Err(Asn1Error::TrailingData(what));
    }
    Ok(el)
}

fn read_at(input: &[u8], base: usize, depth: usize) -> Result<(Element<'_>, &[u8]), Asn1Error> {
    if depth > MAX_DEPTH {
        return Err(Asn1Error::TooDeep);
    }
    let truncated = Asn1Error::Truncated { offset: base };
    let first = *input.first().ok_or(truncated.clone())?;
    let class = match first >> 6 {
        0 => Class::Universal,
        1 => Class::Application,
        2 => Class::Context,
        _ => Class::Private,
    };
    let constructed = first & 0x20 != 0;
    let mut pos = 1;
    let mut number = u32::from(first & 0x1f);
    if number == 0x1f {
        number = 0;
        loop {
            let b = *input.get(pos).ok_or(truncated.clone())?;
            pos += 1;
            if number > (u32::MAX >> 7) {
                return Err(Asn1Error::InvalidValue("tag number"));
            }
            number = (number << 7) | u32::from(b & 0x7f);
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let tag = Tag { class, constructed, number };
    let len_byte = *input.get(pos).ok_or(truncated.clone())?;
    pos += 1;
    if len_byte == 0x80 {
        // X.690 8.1.3.6: indefinite form, constructed encodings only.
        if !constructed {
            return Err(Asn1Error::BadLength { offset: base });
        }
        let start = pos;
        let mut rest = &input[pos..];
        let mut children = 0usize;
        loop {
            if rest.len() >= 2 && rest[0] == 0 && rest[1] == 0 {
                let end = input.len() - rest.len();
                let el = Element {
                    tag,
                    raw: &input[..end + 2],
                    contents: &input[start..end],
                    offset: base,
                    indefinite: true,
                    depth,
                };
                return Ok((el, &rest[2..]));
            }
            if rest.is_empty() {
                return Err(truncated);
            }
            children += 1;
            if children > MAX_CHILDREN {
                return Err(Asn1Error::TooManyElements);
            }
            let consumed = input.len() - rest.len();
            let (_, r) = read_at(rest, base + consumed, depth + 1)?;
            rest = r;
        }
    }
    let len = if len_byte & 0x80 == 0 {
        usize::from(len_byte)
    } else {
        let n = usize::from(len_byte & 0x7f);
        if n > 4 || n == 0x7f {
            return Err(Asn1Error::BadLength { offset: base });
        }
        let bytes = input.get(pos..pos + n).ok_or(truncated.clone())?;
        pos += n;
        bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    let end = pos.checked_add(len).ok_or(Asn1Error::BadLength { offset: base })?;
    if end > input.len() {
        return Err(truncated);
    }
    let el = Element { tag, raw: &input[..end], contents: &input[pos..end], offset: base, indefinite: false, depth };
    Ok((el, &input[end..]))
}

impl<'a> Element<'a> {
    /// Reads the children of a constructed element, at most [`MAX_CHILDREN`] of them.
    pub fn children(&self) -> Reader<'a> {
        self.children_bounded(MAX_CHILDREN)
    }

    /// Reads the children of a constructed element with another bound than [`MAX_CHILDREN`],
    /// for lists whose size is legitimately larger (the entries of a national CRL).
    pub fn children_bounded(&self, max: usize) -> Reader<'a> {
        Reader {
            rest: if self.tag.constructed { self.contents } else { &[] },
            offset: self.offset + (self.raw.len() - self.contents.len() - if self.indefinite { 2 } else { 0 }),
            depth: self.depth + 1,
            count: 0,
            max,
        }
    }

    /// Fails unless the element has the given tag.
    pub fn expect(self, tag: Tag, what: &'static str) -> Result<Self, Asn1Error> {
        if self.tag == tag { Ok(self) } else { Err(self.unexpected(what)) }
    }

    fn unexpected(&self, what: &'static str) -> Asn1Error {
        Asn1Error::Unexpected { expected: what, found: self.raw[0], offset: self.offset }
    }

    /// The octets of an OCTET STRING in primitive or constructed (BER, X.690 8.7.3) form,
    /// concatenated. Borrowed when primitive.
    pub fn octets(&self) -> Result<std::borrow::Cow<'a, [u8]>, Asn1Error> {
        if !self.tag.constructed {
            return Ok(std::borrow::Cow::Borrowed(self.contents));
        }
        let mut out = Vec::with_capacity(self.contents.len());
        self.collect_segments(&mut out)?;
        Ok(std::borrow::Cow::Owned(out))
    }

    /// Visits the primitive segments of a (possibly constructed) string in order.
    pub fn for_each_segment(&self, f: &mut dyn FnMut(&'a [u8])) -> Result<(), Asn1Error> {
        if !self.tag.constructed {
            f(self.contents);
            return Ok(());
        }
        let mut r = self.children();
        while let Some(seg) = r.next()? {
            if seg.tag.number != 4 || seg.tag.class != Class::Universal {
                return Err(seg.unexpected("OCTET STRING segment"));
            }
            seg.for_each_segment(f)?;
        }
        Ok(())
    }

    fn collect_segments(&self, out: &mut Vec<u8>) -> Result<(), Asn1Error> {
        self.for_each_segment(&mut |s| out.extend_from_slice(s))
    }

    /// Decodes an OBJECT IDENTIFIER.
    pub fn oid(&self) -> Result<Oid, Asn1Error> {
        if self.tag != Tag::OID {
            return Err(self.unexpected("OBJECT IDENTIFIER"));
        }
        Oid::from_der_contents(self.contents)
    }

    /// The big-endian magnitude of a non-negative INTEGER with leading zero octets removed.
    pub fn unsigned_integer(&self) -> Result<&'a [u8], Asn1Error> {
        if self.tag != Tag::INTEGER {
            return Err(self.unexpected("INTEGER"));
        }
        let c = self.contents;
        if c.is_empty() {
            return Err(Asn1Error::InvalidValue("INTEGER"));
        }
        let first_nonzero = c.iter().position(|b| *b != 0).unwrap_or(c.len() - 1);
        Ok(&c[first_nonzero..])
    }

    /// A small INTEGER as `i64`.
    pub fn small_integer(&self) -> Result<i64, Asn1Error> {
        if self.tag != Tag::INTEGER {
            return Err(self.unexpected("INTEGER"));
        }
        let c = self.contents;
        if c.is_empty() || c.len() > 8 {
            return Err(Asn1Error::InvalidValue("INTEGER"));
        }
        let mut v: i64 = if c[0] & 0x80 != 0 { -1 } else { 0 };
        for b in c {
            v = (v << 8) | i64::from(*b);
        }
        Ok(v)
    }

    /// The bytes of a BIT STRING without unused bits.
    pub fn bit_string_bytes(&self) -> Result<&'a [u8], Asn1Error> {
        if self.tag != Tag::BIT_STRING {
            return Err(self.unexpected("BIT STRING"));
        }
        match self.contents.split_first() {
            Some((0, rest)) => Ok(rest),
            _ => Err(Asn1Error::InvalidValue("BIT STRING")),
        }
    }
}

/// Iterates over the children of a constructed element, counting them against
/// [`MAX_CHILDREN`].
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    rest: &'a [u8],
    offset: usize,
    depth: usize,
    count: usize,
    max: usize,
}

impl<'a> Reader<'a> {
    /// Reads the next child, or `None` at the end.
    #[allow(clippy::should_implement_trait)] // fallible, so not `Iterator`
    pub fn next(&mut self) -> Result<Option<Element<'a>>, Asn1Error> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        self.count += 1;
        if self.count > self.max {
            return Err(Asn1Error::TooManyElements);
        }
        let (el, rest) = read_at(self.rest, self.offset, self.depth)?;
        self.offset += el.raw.len();
        self.rest = rest;
        Ok(Some(el))
    }

    /// Reads the next child, which must exist.
    pub fn required(&mut self, what: &'static str) -> Result<Element<'a>, Asn1Error> {
        self.next()?.ok_or(Asn1Error::Missing(what))
    }

    /// Reads the next child only when it carries `tag`.
    pub fn optional(&mut self, tag: Tag) -> Result<Option<Element<'a>>, Asn1Error> {
        match self.peek_tag() {
            Some(t) if t == tag => self.next(),
            _ => Ok(None),
        }
    }

    /// Reads the next child only when its class and number match, in either form.
    pub fn optional_any_form(&mut self, tag: Tag) -> Result<Option<Element<'a>>, Asn1Error> {
        match self.peek_tag() {
            Some(t) if t.same_type(&tag) => self.next(),
            _ => Ok(None),
        }
    }

    /// The tag of the next child without consuming it.
    pub fn peek_tag(&self) -> Option<Tag> {
        read_at(self.rest, self.offset, self.depth).ok().map(|(e, _)| e.tag)
    }

    /// Whether every child has been read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// Fails if children remain.
    pub fn finish(&self, what: &'static str) -> Result<(), Asn1Error> {
        if self.rest.is_empty() { Ok(()) } else { Err(Asn1Error::TrailingData(what)) }
    }
}

/// Re-encodes an element in DER (X.690 10-11): definite minimal lengths, constructed strings
/// joined into primitive ones, and the elements of every SET sorted by their encodings.
///
/// Used only as a fallback: some producers re-order signed attributes after computing the
/// signature over their DER form, and Bouncy Castle-based verifiers (DSS among them) check that
/// form. confia checks the bytes as received first.
pub fn canonical_der(el: &Element<'_>) -> Result<Vec<u8>, Asn1Error> {
    let identifier = |constructed: bool| -> Vec<u8> {
        let mut id = el.raw[..identifier_len(el.raw)].to_vec();
        if constructed {
            id[0] |= 0x20
        } else {
            id[0] &= !0x20
        }
        id
    };
    let is_string =
        el.tag.class == Class::Universal && matches!(el.tag.number, 3 | 4 | 12 | 19 | 20 | 22 | 26 | 28 | 30);
    if !el.tag.constructed {
        let mut out = identifier(false);
        out.extend_from_slice(&der::tlv(0, el.contents)[1..]);
        return Ok(out);
    }
    if is_string {
        let mut out = identifier(false);
        out.extend_from_slice(&der::tlv(0, &el.octets()?)[1..]);
        return Ok(out);
    }
    let mut children = Vec::new();
    let mut r = el.children();
    while let Some(c) = r.next()? {
        children.push(canonical_der(&c)?);
    }
    if el.tag == Tag::SET {
        children.sort();
    }
    let mut out = identifier(true);
    out.extend_from_slice(&der::tlv(0, &children.concat())[1..]);
    Ok(out)
}

fn identifier_len(raw: &[u8]) -> usize {
    if raw[0] & 0x1f != 0x1f {
        return 1;
    }
    1 + raw[1..].iter().position(|b| b & 0x80 == 0).map_or(raw.len() - 1, |p| p + 1)
}

/// Parses `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`
/// and returns the OID and the raw parameters element, if any.
pub fn algorithm_identifier<'a>(el: &Element<'a>) -> Result<(Oid, Option<Element<'a>>), Asn1Error> {
    let el = el.expect(Tag::SEQUENCE, "AlgorithmIdentifier")?;
    let mut r = el.children();
    let oid = r.required("algorithm")?.oid()?;
    let params = r.next()?;
    r.finish("AlgorithmIdentifier")?;
    Ok((oid, params))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_indefinite_length_and_constructed_octets() {
        // SEQUENCE (indefinite) { OCTET STRING constructed (indefinite) { "ab", "c" } }
        let ber = [0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0, 0, 0, 0];
        let seq = read_single(&ber, "test").unwrap();
        assert!(seq.indefinite);
        let mut r = seq.children();
        let os = r.required("os").unwrap();
        assert_eq!(&*os.octets().unwrap(), b"abc");
        assert!(r.next().unwrap().is_none());
    }

    #[test]
    fn refuses_truncated_and_deep_input() {
        assert!(matches!(read_element(&[0x30, 0x05, 0x02]), Err(Asn1Error::Truncated { .. })));
        let deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 200).flatten().collect();
        assert_eq!(read_element(&deep).unwrap_err(), Asn1Error::TooDeep);
        // primitive element with indefinite length is not BER
        assert!(matches!(read_element(&[0x04, 0x80, 0, 0]), Err(Asn1Error::BadLength { .. })));
    }

    #[test]
    fn integers() {
        let (el, _) = read_element(&[0x02, 0x02, 0x00, 0x80]).unwrap();
        assert_eq!(el.unsigned_integer().unwrap(), &[0x80]);
        assert_eq!(el.small_integer().unwrap(), 128);
        let (neg, _) = read_element(&[0x02, 0x01, 0xff]).unwrap();
        assert_eq!(neg.small_integer().unwrap(), -1);
    }
}
