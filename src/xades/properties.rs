//! Reading the XAdES signed properties a signer claims (EN 319 132-1 5.2 and 5.2.x): version,
//! DataObjectFormat, SignaturePolicyIdentifier, SignerRole, CommitmentTypeIndication; and
//! finding counter-signatures (5.2.7) in the signature's own unsigned properties.

use super::{XADES_NAMESPACES, attr, element};
use crate::report::{DataObjectFormat, SignaturePolicy, SignedProperties};
use crate::xml::dsig::{self, DSIG_NS};
use crate::xml::{Document, NodeId};

/// Most entries of one kind read from a signature's properties (bounds the report).
const MAX_ENTRIES: usize = 256;

/// The XAdES version a namespace URI denotes.
pub fn version_of(namespace: &str) -> Option<&'static str> {
    match namespace {
        "http://uri.etsi.org/01903/v1.3.2#" => Some("1.3.2"),
        "http://uri.etsi.org/01903/v1.4.1#" => Some("1.4.1"),
        "http://uri.etsi.org/01903/v1.2.2#" => Some("1.2.2"),
        "http://uri.etsi.org/01903/v1.1.1#" => Some("1.1.1"),
        _ => None,
    }
}

fn is_xades(doc: &Document, n: NodeId, name: &str) -> bool {
    matches!(element(doc, n), Some((local, Some(ns))) if local == name && XADES_NAMESPACES.contains(&ns))
}

/// The descendants of `n` that are XAdES elements named `name`, in document order.
fn all<'d>(doc: &'d Document, n: NodeId, name: &'d str) -> impl Iterator<Item = NodeId> + 'd {
    doc.subtree(n).filter(move |&d| is_xades(doc, d, name)).take(MAX_ENTRIES)
}

fn first(doc: &Document, n: NodeId, name: &str) -> Option<NodeId> {
    all(doc, n, name).next()
}

fn text_of(doc: &Document, n: Option<NodeId>) -> Option<String> {
    let t = dsig::text(doc, n?).trim().to_string();
    (!t.is_empty()).then_some(t)
}

/// An ObjectIdentifier's Identifier as a URI: a bare dotted OID (as the OIDAsURI qualifier
/// writes it) becomes `urn:oid:…`; anything else is kept as written.
fn identifier(doc: &Document, id: NodeId) -> Option<String> {
    let value = text_of(doc, Some(id))?;
    let dotted = value.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    Some(if dotted { format!("urn:oid:{value}") } else { value })
}

/// The properties of the SignedProperties element `props`.
pub fn read(doc: &Document, props: NodeId) -> SignedProperties {
    let mut out = SignedProperties {
        xades_version: element(doc, props).and_then(|(_, ns)| version_of(ns?)).map(str::to_string),
        ..SignedProperties::default()
    };
    for dof in all(doc, props, "DataObjectFormat") {
        out.data_object_formats.push(DataObjectFormat {
            object_reference: attr(doc, dof, "ObjectReference").unwrap_or_default().to_string(),
            mime_type: text_of(doc, first(doc, dof, "MimeType")),
            encoding: text_of(doc, first(doc, dof, "Encoding")),
            description: text_of(doc, first(doc, dof, "Description")),
        });
    }
    if let Some(spi) = first(doc, props, "SignaturePolicyIdentifier") {
        out.signature_policy = if first(doc, spi, "SignaturePolicyImplied").is_some() {
            Some(SignaturePolicy::Implied)
        } else {
            first(doc, spi, "SigPolicyId").map(|id| {
                let digest = first(doc, spi, "SigPolicyHash").and_then(|h| {
                    let children = doc.children(h);
                    let find = |name: &str| children.clone().find(|&c| element(doc, c) == Some((name, Some(DSIG_NS))));
                    let alg = find("DigestMethod").and_then(|m| attr(doc, m, "Algorithm")).unwrap_or("");
                    let value = text_of(doc, find("DigestValue"))?;
                    Some(match dsig::digest_method(alg) {
                        Some(d) => format!("{d}:{value}"),
                        None => format!("{alg}:{value}"),
                    })
                });
                SignaturePolicy::Explicit {
                    identifier: first(doc, id, "Identifier").and_then(|i| identifier(doc, i)).unwrap_or_default(),
                    description: text_of(doc, first(doc, id, "Description")),
                    digest,
                    uris: all(doc, spi, "SPURI").filter_map(|u| text_of(doc, Some(u))).collect(),
                }
            })
        };
    }
    out.claimed_roles = all(doc, props, "ClaimedRole").filter_map(|r| text_of(doc, Some(r))).collect();
    for cti in all(doc, props, "CommitmentTypeIndication") {
        if let Some(id) = first(doc, cti, "CommitmentTypeId").and_then(|c| first(doc, c, "Identifier")) {
            out.commitment_types.extend(identifier(doc, id));
        }
    }
    out
}

/// The QualifyingProperties element of signature `sig` (the one whose Target names it).
pub fn own_qualifying_properties(doc: &Document, sig: NodeId) -> Option<NodeId> {
    let sig_id = attr(doc, sig, "Id")?;
    doc.children(sig)
        .filter(|&c| element(doc, c) == Some(("Object", Some(DSIG_NS))))
        .flat_map(|obj| doc.children(obj))
        .find(|&qp| {
            // Target is a URI reference `#id`; some pre-1.3.2 producers wrote the bare Id.
            let target = attr(doc, qp, "Target").map(|t| t.strip_prefix('#').unwrap_or(t));
            is_xades(doc, qp, "QualifyingProperties") && target == Some(sig_id)
        })
}

/// The ds:Signature elements of the CounterSignature properties in the signature's own
/// UnsignedSignatureProperties, in document order.
pub fn counter_signatures(doc: &Document, sig: NodeId) -> Vec<NodeId> {
    let Some(qp) = own_qualifying_properties(doc, sig) else { return Vec::new() };
    let direct =
        |n: NodeId, name: &'static str| doc.children(n).filter(move |&c| is_xades(doc, c, name)).collect::<Vec<_>>();
    direct(qp, "UnsignedProperties")
        .into_iter()
        .flat_map(|u| direct(u, "UnsignedSignatureProperties"))
        .flat_map(|u| direct(u, "CounterSignature"))
        .flat_map(|c| {
            doc.children(c).filter(|&s| element(doc, s) == Some(("Signature", Some(DSIG_NS)))).collect::<Vec<_>>()
        })
        .take(MAX_ENTRIES)
        .collect()
}

/// The ds:SignatureValue element of a signature.
pub fn signature_value(doc: &Document, sig: NodeId) -> Option<NodeId> {
    doc.children(sig).find(|&c| element(doc, c) == Some(("SignatureValue", Some(DSIG_NS))))
}

/// One Cert of a SigningCertificate or SigningCertificateV2 property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertReference {
    /// The CertDigest's algorithm and value, or why it cannot be used.
    pub digest: Result<(crate::crypto::DigestAlgorithm, Vec<u8>), String>,
    /// The IssuerSerial (V1: the serial number, decimal) or IssuerSerialV2 (DER), if present.
    pub issuer_serial: Option<IssuerSerial>,
}

/// How a Cert names its certificate besides the digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssuerSerial {
    /// XAdES 1.3.2 IssuerSerial: X509IssuerName (a DN string) and X509SerialNumber (decimal).
    V1 {
        /// The issuer as written.
        issuer: String,
        /// The serial number as written (decimal).
        serial: String,
    },
    /// XAdES IssuerSerialV2: the DER `IssuerSerial` of RFC 5035.
    V2(Vec<u8>),
}

/// The Certs of the SigningCertificateV2 (preferred) or SigningCertificate property;
/// `None` when the signed properties have neither.
pub fn signing_certificate_references(doc: &Document, props: NodeId) -> Option<Vec<CertReference>> {
    let sc = first(doc, props, "SigningCertificateV2").or_else(|| first(doc, props, "SigningCertificate"))?;
    let dsig_child = |n: NodeId, name: &str| doc.children(n).find(|&c| element(doc, c) == Some((name, Some(DSIG_NS))));
    let b64 = |s: String| {
        use base64::Engine;
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        base64::engine::general_purpose::STANDARD.decode(compact).map_err(|_| "not base64".to_string())
    };
    let refs = all(doc, sc, "Cert")
        .map(|cert| {
            let digest = (|| {
                let cd = first(doc, cert, "CertDigest").ok_or("Cert without CertDigest")?;
                let method = dsig_child(cd, "DigestMethod").ok_or("CertDigest without DigestMethod")?;
                let uri = attr(doc, method, "Algorithm").unwrap_or("");
                let alg = dsig::digest_method(uri).ok_or_else(|| format!("unsupported CertDigest method {uri}"))?;
                let value = text_of(doc, dsig_child(cd, "DigestValue")).ok_or("CertDigest without DigestValue")?;
                Ok((alg, b64(value).map_err(|e| format!("CertDigest {e}"))?))
            })();
            let issuer_serial = if let Some(v2) = first(doc, cert, "IssuerSerialV2") {
                text_of(doc, Some(v2)).and_then(|t| b64(t).ok()).map(IssuerSerial::V2)
            } else {
                first(doc, cert, "IssuerSerial").map(|is| IssuerSerial::V1 {
                    issuer: text_of(doc, dsig_child(is, "X509IssuerName")).unwrap_or_default(),
                    serial: text_of(doc, dsig_child(is, "X509SerialNumber")).unwrap_or_default(),
                })
            };
            CertReference { digest, issuer_serial }
        })
        .collect();
    Some(refs)
}

impl CertReference {
    /// Whether the CertDigest is the digest of `cert`.
    pub fn digest_matches(&self, cert: &crate::x509::Certificate) -> bool {
        matches!(&self.digest, Ok((alg, value)) if alg.digest(cert.der()) == *value)
    }

    /// Whether the issuer and serial, when given, name `cert`. For V1 only the serial number is
    /// compared (the issuer is a DN string whose formatting varies by producer).
    pub fn issuer_serial_matches(&self, cert: &crate::x509::Certificate) -> bool {
        match &self.issuer_serial {
            None => true,
            Some(IssuerSerial::V1 { serial, .. }) => decimal(cert.serial()) == serial.trim().trim_start_matches('+'),
            Some(IssuerSerial::V2(der)) => *der == cert.issuer_serial_der() || issuer_serial_v2_names(der, cert),
        }
    }
}

/// Compares a DER IssuerSerial with a certificate field by field (tolerates encodings of the
/// wrapper that differ from confia's own).
fn issuer_serial_v2_names(der: &[u8], cert: &crate::x509::Certificate) -> bool {
    use crate::asn1::{self, Tag};
    (|| -> Result<bool, asn1::Asn1Error> {
        let seq = asn1::read_single(der, "IssuerSerial")?;
        let mut r = seq.children();
        let names = r.required("issuer")?;
        let serial = r.required("serialNumber")?.unsigned_integer()?;
        let mut n = names.children();
        let dn = n.required("GeneralName")?;
        if dn.tag != Tag::context(4, true) {
            return Ok(false);
        }
        let name = dn.children().required("Name")?;
        Ok(name.raw == cert.issuer().der() && serial == cert.serial())
    })()
    .unwrap_or(false)
}

/// A big-endian magnitude in decimal.
fn decimal(magnitude: &[u8]) -> String {
    let mut digits: Vec<u8> = Vec::new();
    let mut n: Vec<u8> = magnitude.to_vec();
    while n.iter().any(|&b| b != 0) {
        let mut rem = 0u32;
        for b in n.iter_mut() {
            let cur = (rem << 8) | u32::from(*b);
            *b = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
    }
    if digits.is_empty() {
        return "0".into();
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_serials_name_the_certificate() {
        let pem = include_bytes!("../../test-vectors/pki/signer-rsa.pem");
        let cert = crate::x509::Certificate::from_pem_or_der(pem).unwrap().remove(0);
        let r = |is| CertReference { digest: Err(String::new()), issuer_serial: Some(is) };
        assert!(r(IssuerSerial::V2(cert.issuer_serial_der())).issuer_serial_matches(&cert));
        assert!(
            r(IssuerSerial::V1 { issuer: String::new(), serial: decimal(cert.serial()) }).issuer_serial_matches(&cert)
        );
        assert!(!r(IssuerSerial::V1 { issuer: String::new(), serial: "1".into() }).issuer_serial_matches(&cert));
        let other = include_bytes!("../../test-vectors/pki/signer-ec.pem");
        let other = crate::x509::Certificate::from_pem_or_der(other).unwrap().remove(0);
        assert!(!r(IssuerSerial::V2(other.issuer_serial_der())).issuer_serial_matches(&cert));
    }

    #[test]
    fn decimal_serials() {
        assert_eq!(super::decimal(&[]), "0");
        assert_eq!(super::decimal(&[0x10, 0x01]), "4097");
        assert_eq!(super::decimal(&[0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]), "18446744073709551616");
    }
}
