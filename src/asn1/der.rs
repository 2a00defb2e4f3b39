//! A minimal DER writer for the structures confia produces (CMS signatures, test certificates).
//!
//! Values are built bottom-up as byte vectors; each function returns one complete element.

use time::OffsetDateTime;

use super::Oid;

/// One element with identifier octet `tag` and the given contents, in definite-length DER form.
pub fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(contents.len() + 6);
    out.push(tag);
    push_length(&mut out, contents.len());
    out.extend_from_slice(contents);
    out
}

/// The identifier and length octets of an element whose `len` contents octets are written
/// separately (large contents are then never copied into a temporary element).
pub fn header(tag: u8, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(6);
    out.push(tag);
    push_length(&mut out, len);
    out
}

fn push_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// `SEQUENCE { parts... }`
pub fn sequence(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// `SET OF`, with the elements sorted by their encodings as X.690 11.6 requires.
pub fn set_of(parts: &[&[u8]]) -> Vec<u8> {
    let mut sorted: Vec<&[u8]> = parts.to_vec();
    sorted.sort();
    tlv(0x31, &sorted.concat())
}

/// A context-specific `[n]` element wrapping `contents` (explicit when `constructed`).
pub fn context(n: u8, constructed: bool, contents: &[u8]) -> Vec<u8> {
    debug_assert!(n < 31);
    tlv(0x80 | if constructed { 0x20 } else { 0 } | n, contents)
}

/// Replaces the identifier octet of a complete element, turning `SET OF` into `[n] IMPLICIT`.
pub fn retag(mut element: Vec<u8>, tag: u8) -> Vec<u8> {
    element[0] = tag;
    element
}

/// `OBJECT IDENTIFIER`
pub fn oid(oid: &Oid) -> Vec<u8> {
    tlv(0x06, oid.as_bytes())
}

/// `NULL`
pub fn null() -> Vec<u8> {
    vec![0x05, 0x00]
}

/// `BOOLEAN`
pub fn boolean(v: bool) -> Vec<u8> {
    vec![0x01, 0x01, if v { 0xff } else { 0x00 }]
}

/// A non-negative `INTEGER` from its big-endian magnitude.
pub fn unsigned_integer(magnitude: &[u8]) -> Vec<u8> {
    let trimmed = match magnitude.iter().position(|b| *b != 0) {
        Some(i) => &magnitude[i..],
        None => &[0u8][..],
    };
    let mut contents = Vec::with_capacity(trimmed.len() + 1);
    if trimmed[0] & 0x80 != 0 {
        contents.push(0);
    }
    contents.extend_from_slice(trimmed);
    tlv(0x02, &contents)
}

/// A small non-negative `INTEGER`.
pub fn small_integer(v: u64) -> Vec<u8> {
    unsigned_integer(&v.to_be_bytes())
}

/// `OCTET STRING`
pub fn octet_string(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

/// `BIT STRING` with no unused bits.
pub fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut c = Vec::with_capacity(bytes.len() + 1);
    c.push(0);
    c.extend_from_slice(bytes);
    tlv(0x03, &c)
}

/// `UTF8String`
pub fn utf8_string(s: &str) -> Vec<u8> {
    tlv(0x0c, s.as_bytes())
}

/// `PrintableString` (the caller keeps to its character set).
pub fn printable_string(s: &str) -> Vec<u8> {
    tlv(0x13, s.as_bytes())
}

/// `Time` as RFC 5280 4.1.2.5 prescribes: UTCTime through 2049, GeneralizedTime from 2050.
pub fn time(t: OffsetDateTime) -> Vec<u8> {
    let t = t.to_offset(time::UtcOffset::UTC);
    let (y, mo, d, h, mi, s) = (t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second());
    if (1950..2050).contains(&y) {
        tlv(0x17, format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100).as_bytes())
    } else {
        tlv(0x18, format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z").as_bytes())
    }
}

/// `AlgorithmIdentifier` with the given parameters element (or none).
pub fn algorithm(oid_value: &Oid, params: Option<&[u8]>) -> Vec<u8> {
    match params {
        Some(p) => sequence(&[&oid(oid_value), p]),
        None => sequence(&[&oid(oid_value)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asn1::read_single;

    #[test]
    fn long_lengths_and_sorting() {
        let big = octet_string(&[7u8; 300]);
        assert_eq!(&big[..4], &[0x04, 0x82, 0x01, 0x2c]);
        let el = read_single(&big, "os").unwrap();
        assert_eq!(el.contents.len(), 300);
        let s = set_of(&[&[0x02, 0x01, 0x05], &[0x02, 0x01, 0x01]]);
        assert_eq!(s, vec![0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x05]);
        assert_eq!(unsigned_integer(&[0x00, 0x80]), vec![0x02, 0x02, 0x00, 0x80]);
        assert_eq!(small_integer(0), vec![0x02, 0x01, 0x00]);
    }
}
