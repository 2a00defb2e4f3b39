//! CMS attributes (RFC 5652 5.3, 11) and the ESS signing-certificate attributes (RFC 2634,
//! RFC 5035).

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::{CmsError, MAX_ATTRIBUTES};
use crate::asn1::{Element, Oid, Tag};
use crate::crypto::DigestAlgorithm;

/// A set of attributes, with the exact bytes of the set as received.
#[derive(Debug, Clone)]
pub struct Attributes<'a> {
    /// The whole `[0]`/`[1] IMPLICIT SET OF Attribute` element as received.
    pub raw: &'a [u8],
    /// The attributes in the order received.
    pub attrs: Vec<Attribute<'a>>,
}

/// `Attribute ::= SEQUENCE { attrType OID, attrValues SET OF AttributeValue }`
#[derive(Debug, Clone)]
pub struct Attribute<'a> {
    /// attrType
    pub oid: Oid,
    /// attrValues, each element as received.
    pub values: Vec<Element<'a>>,
}

impl<'a> Attributes<'a> {
    pub(super) fn read(set: Element<'a>) -> Result<Self, CmsError> {
        let mut attrs = Vec::new();
        let mut r = set.children();
        while let Some(a) = r.next()? {
            if attrs.len() >= MAX_ATTRIBUTES {
                return Err(CmsError::TooMany("attributes", MAX_ATTRIBUTES));
            }
            let a = a.expect(Tag::SEQUENCE, "Attribute")?;
            let mut ar = a.children();
            let oid = ar.required("attrType")?.oid()?;
            let vs = ar.required("attrValues")?.expect(Tag::SET, "attrValues")?;
            ar.finish("Attribute")?;
            let mut values = Vec::new();
            let mut vr = vs.children();
            while let Some(v) = vr.next()? {
                values.push(v);
            }
            attrs.push(Attribute { oid, values });
        }
        Ok(Attributes { raw: set.raw, attrs })
    }

    /// The bytes a signature over signed attributes covers (RFC 5652 5.4): the set as received
    /// with its identifier octet replaced by the universal SET tag. Nothing is re-sorted or
    /// re-encoded, so signatures over BER or unsorted sets still verify as their producers made
    /// them.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut out = self.raw.to_vec();
        out[0] = 0x31;
        out
    }

    /// The DER re-encoding of the set (universal SET tag, attributes sorted), when it differs
    /// from the bytes as received. See [`crate::asn1::canonical_der`].
    pub fn der_reencoding(&self) -> Option<Vec<u8>> {
        let as_set = self.signed_bytes();
        let el = crate::asn1::read_single(&as_set, "signed attributes").ok()?;
        let der = crate::asn1::canonical_der(&el).ok()?;
        (der != as_set).then_some(der)
    }

    /// Every attribute with type `oid`.
    pub fn all(&self, oid: Oid) -> impl Iterator<Item = &Attribute<'a>> {
        self.attrs.iter().filter(move |a| a.oid == oid)
    }

    /// The value of an attribute that must occur once with one value (RFC 5652 11: content-type,
    /// message-digest, signing-time). `Ok(None)` when absent.
    pub fn single(&self, oid: Oid, name: &'static str) -> Result<Option<Element<'a>>, CmsError> {
        let mut it = self.all(oid);
        let Some(first) = it.next() else { return Ok(None) };
        if it.next().is_some() || first.values.len() != 1 {
            return Err(CmsError::Invalid(format!("{name} attribute must occur once with one value")));
        }
        Ok(Some(first.values[0]))
    }
}

/// One certificate reference of an ESS signing-certificate attribute.
#[derive(Debug, Clone)]
pub struct EssCertId<'a> {
    /// The digest algorithm of `cert_hash` (SHA-1 for signing-certificate v1).
    pub hash_algorithm: Result<DigestAlgorithm, crate::crypto::CryptoError>,
    /// certHash
    pub cert_hash: &'a [u8],
    /// issuerSerial: the DER Names of the directoryName entries and the serial magnitude.
    pub issuer_serial: Option<(Vec<&'a [u8]>, &'a [u8])>,
}

/// A decoded signing-certificate (v1) or signing-certificate-v2 attribute.
#[derive(Debug, Clone)]
pub struct SigningCertificateRef<'a> {
    /// Whether this is signing-certificate-v2 (RFC 5035).
    pub v2: bool,
    /// certs; the first identifies the signer certificate.
    pub certs: Vec<EssCertId<'a>>,
}

impl<'a> SigningCertificateRef<'a> {
    /// Decodes `SigningCertificate` (v2 = false) or `SigningCertificateV2` (v2 = true).
    pub fn read(value: &Element<'a>, v2: bool) -> Result<Self, CmsError> {
        let seq = value.expect(Tag::SEQUENCE, "SigningCertificate")?;
        let mut r = seq.children();
        let certs_el = r.required("certs")?.expect(Tag::SEQUENCE, "certs")?;
        let mut certs = Vec::new();
        let mut cr = certs_el.children();
        while let Some(id) = cr.next()? {
            if certs.len() >= super::MAX_CERTIFICATES {
                return Err(CmsError::TooMany("ESS certificate ids", super::MAX_CERTIFICATES));
            }
            let mut ir = id.expect(Tag::SEQUENCE, "ESSCertID")?.children();
            // RFC 5035 4: hashAlgorithm DEFAULT id-sha256 (v2 only); v1 is always SHA-1.
            let hash_algorithm = if v2 {
                match ir.optional(Tag::SEQUENCE)? {
                    Some(a) => DigestAlgorithm::from_algorithm_identifier(&a),
                    None => Ok(DigestAlgorithm::Sha256),
                }
            } else {
                Ok(DigestAlgorithm::Sha1)
            };
            let hash_el = ir.required("certHash")?;
            if hash_el.tag != Tag::OCTET_STRING {
                return Err(CmsError::Invalid("certHash is not an OCTET STRING".into()));
            }
            let issuer_serial = match ir.optional(Tag::SEQUENCE)? {
                Some(is) => Some(read_issuer_serial(&is)?),
                None => None,
            };
            certs.push(EssCertId { hash_algorithm, cert_hash: hash_el.contents, issuer_serial });
        }
        Ok(SigningCertificateRef { v2, certs })
    }
}

/// `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }`
fn read_issuer_serial<'a>(is: &Element<'a>) -> Result<(Vec<&'a [u8]>, &'a [u8]), CmsError> {
    let mut r = is.children();
    let names = r.required("issuer")?.expect(Tag::SEQUENCE, "GeneralNames")?;
    let serial = r.required("serialNumber")?.unsigned_integer()?;
    let mut dns = Vec::new();
    let mut nr = names.children();
    while let Some(n) = nr.next()? {
        // directoryName [4] EXPLICIT Name
        if n.tag == Tag::context(4, true) {
            dns.push(n.children().required("Name")?.raw);
        }
    }
    Ok((dns, serial))
}

/// Reads `Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }` (RFC 5280 4.1.2.5;
/// UTCTime years 50-99 are 19xx).
pub fn parse_time(el: &Element<'_>) -> Result<OffsetDateTime, CmsError> {
    let bad = || CmsError::Invalid("malformed time value".into());
    let s = std::str::from_utf8(el.contents).map_err(|_| bad())?;
    let s = s.strip_suffix('Z').ok_or_else(bad)?;
    let (year, rest) = if el.tag == Tag::UTC_TIME {
        let yy: i32 = s.get(..2).ok_or_else(bad)?.parse().map_err(|_| bad())?;
        (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &s[2..])
    } else if el.tag == Tag::GENERALIZED_TIME {
        (s.get(..4).ok_or_else(bad)?.parse().map_err(|_| bad())?, &s[4..])
    } else {
        return Err(bad());
    };
    // Fractional seconds are allowed in GeneralizedTime; they are dropped.
    let rest = rest.split('.').next().unwrap_or(rest);
    if rest.len() != 10 || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n = |i: usize| rest[i..i + 2].parse::<u8>().map_err(|_| bad());
    let date = Date::from_calendar_date(year, Month::try_from(n(0)?).map_err(|_| bad())?, n(2)?).map_err(|_| bad())?;
    let time = Time::from_hms(n(4)?, n(6)?, n(8)?).map_err(|_| bad())?;
    Ok(PrimitiveDateTime::new(date, time).assume_utc())
}

/// Decodes a message-digest value (an OCTET STRING).
pub fn octet_string_value<'a>(el: &Element<'a>) -> Result<&'a [u8], CmsError> {
    if el.tag != Tag::OCTET_STRING {
        return Err(CmsError::Invalid("message-digest is not an OCTET STRING".into()));
    }
    Ok(el.contents)
}
