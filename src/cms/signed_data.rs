//! `ContentInfo` and `SignedData` (RFC 5652 3, 5).

use std::borrow::Cow;

use super::{Attributes, CmsError, MAX_CERTIFICATES, MAX_SIGNERS};
use crate::asn1::{self, Element, Oid, Tag, oid};
use crate::crypto::{CryptoError, DigestAlgorithm, SignatureAlgorithm};

/// `SignedData` with borrowed views of the input.
#[derive(Debug, Clone)]
pub struct SignedData<'a> {
    /// CMSVersion
    pub version: i64,
    /// digestAlgorithms as read (unsupported ones are kept as errors).
    pub digest_algorithms: Vec<Result<DigestAlgorithm, CryptoError>>,
    /// encapContentInfo
    pub encap_content_info: EncapsulatedContent<'a>,
    /// The `Certificate` choices of `certificates`, each as received.
    pub certificates: Vec<&'a [u8]>,
    /// Other `CertificateChoices` (attribute certificates, other formats) that were skipped.
    pub skipped_certificates: usize,
    /// The `CertificateList` choices of `crls`, each as received.
    pub crls: Vec<&'a [u8]>,
    /// Other revocation formats (`[1] OtherRevocationInfoFormat`, e.g. OCSP) kept raw.
    pub other_revocation_info: Vec<&'a [u8]>,
    /// signerInfos
    pub signer_infos: Vec<SignerInfo<'a>>,
    /// Bytes after the ContentInfo (padding some producers append); not signed, ignored as
    /// OpenSSL does, and reported.
    pub trailing_bytes: usize,
}

/// `EncapsulatedContentInfo ::= SEQUENCE { eContentType, eContent [0] EXPLICIT OCTET STRING OPTIONAL }`
#[derive(Debug, Clone)]
pub struct EncapsulatedContent<'a> {
    /// eContentType
    pub content_type: Oid,
    /// The eContent OCTET STRING element (primitive, or constructed as BER allows), absent for
    /// a detached signature.
    pub content: Option<Element<'a>>,
}

impl<'a> EncapsulatedContent<'a> {
    /// Calls `f` with each segment of the content octets in order, without copying.
    pub fn for_each_segment(&self, f: &mut dyn FnMut(&'a [u8])) -> Result<(), CmsError> {
        if let Some(c) = &self.content {
            c.for_each_segment(f)?;
        }
        Ok(())
    }

    /// The content octets (copied only when constructed).
    pub fn octets(&self) -> Result<Option<Cow<'a, [u8]>>, CmsError> {
        Ok(match &self.content {
            Some(c) => Some(c.octets()?),
            None => None,
        })
    }
}

/// `SignerIdentifier ::= CHOICE { issuerAndSerialNumber, subjectKeyIdentifier [0] }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerIdentifier<'a> {
    /// The issuer's DER `Name` and the serial number magnitude.
    IssuerAndSerial {
        /// DER Name of the issuer.
        issuer: &'a [u8],
        /// Serial number (big-endian, leading zeros removed).
        serial: &'a [u8],
    },
    /// The subjectKeyIdentifier of the signer certificate.
    SubjectKeyId(&'a [u8]),
}

/// One `SignerInfo` (RFC 5652 5.3).
#[derive(Debug, Clone)]
pub struct SignerInfo<'a> {
    /// The whole SignerInfo as received.
    pub raw: &'a [u8],
    /// CMSVersion
    pub version: i64,
    /// sid
    pub sid: SignerIdentifier<'a>,
    /// digestAlgorithm
    pub digest_algorithm: Result<DigestAlgorithm, CryptoError>,
    /// signedAttrs, if present
    pub signed_attrs: Option<Attributes<'a>>,
    /// signatureAlgorithm (resolved with the digest algorithm)
    pub signature_algorithm: Result<SignatureAlgorithm, CryptoError>,
    /// The signature value.
    pub signature: &'a [u8],
    /// unsignedAttrs, if present
    pub unsigned_attrs: Option<Attributes<'a>>,
}

impl<'a> SignedData<'a> {
    /// Reads a `ContentInfo` carrying `SignedData`, in DER or BER.
    pub fn from_ber(input: &'a [u8]) -> Result<Self, CmsError> {
        if input.len() > super::MAX_INPUT_SIZE {
            return Err(CmsError::TooLarge);
        }
        let (ci, trailing) = asn1::read_element(input)?;
        // Some producers append padding after the ContentInfo; it is ignored, as OpenSSL does,
        // and the report says so.
        let ci = ci.expect(Tag::SEQUENCE, "ContentInfo")?;
        let mut r = ci.children();
        let content_type = r.required("contentType")?.oid()?;
        if content_type != oid::SIGNED_DATA {
            return Err(CmsError::NotSignedData(content_type.to_string()));
        }
        let explicit = r.required("content")?.expect(Tag::context(0, true), "[0] content")?;
        let sd = explicit.children().required("SignedData")?;
        let mut parsed = Self::from_signed_data_element(sd)?;
        parsed.trailing_bytes = trailing.len();
        Ok(parsed)
    }

    fn from_signed_data_element(sd: Element<'a>) -> Result<Self, CmsError> {
        let sd = sd.expect(Tag::SEQUENCE, "SignedData")?;
        let mut r = sd.children();
        let version = r.required("version")?.small_integer()?;
        let digest_set = r.required("digestAlgorithms")?.expect(Tag::SET, "digestAlgorithms")?;
        let mut digest_algorithms = Vec::new();
        let mut dr = digest_set.children();
        while let Some(d) = dr.next()? {
            digest_algorithms.push(DigestAlgorithm::from_algorithm_identifier(&d));
        }
        let eci = r.required("encapContentInfo")?.expect(Tag::SEQUENCE, "EncapsulatedContentInfo")?;
        let mut er = eci.children();
        let content_type = er.required("eContentType")?.oid()?;
        let content = match er.optional(Tag::context(0, true))? {
            Some(wrapper) => {
                let os = wrapper.children().required("eContent")?;
                if !os.tag.same_type(&Tag::OCTET_STRING) {
                    return Err(CmsError::Invalid("eContent is not an OCTET STRING".into()));
                }
                Some(os)
            }
            None => None,
        };
        er.finish("EncapsulatedContentInfo")?;

        let mut certificates = Vec::new();
        let mut skipped_certificates = 0;
        if let Some(set) = r.optional(Tag::context(0, true))? {
            let mut cr = set.children();
            while let Some(c) = cr.next()? {
                if certificates.len() + skipped_certificates >= MAX_CERTIFICATES {
                    return Err(CmsError::TooMany("certificates", MAX_CERTIFICATES));
                }
                if c.tag == Tag::SEQUENCE {
                    certificates.push(c.raw);
                } else {
                    skipped_certificates += 1;
                }
            }
        }
        let mut crls = Vec::new();
        let mut other_revocation_info = Vec::new();
        if let Some(set) = r.optional(Tag::context(1, true))? {
            let mut cr = set.children();
            while let Some(c) = cr.next()? {
                if crls.len() + other_revocation_info.len() >= MAX_CERTIFICATES {
                    return Err(CmsError::TooMany("revocation values", MAX_CERTIFICATES));
                }
                if c.tag == Tag::SEQUENCE {
                    crls.push(c.raw);
                } else {
                    other_revocation_info.push(c.raw);
                }
            }
        }
        let signer_set = r.required("signerInfos")?.expect(Tag::SET, "signerInfos")?;
        r.finish("SignedData")?;
        let signer_infos = SignerInfo::read_set(&signer_set)?;
        Ok(SignedData {
            trailing_bytes: 0,
            version,
            digest_algorithms,
            encap_content_info: EncapsulatedContent { content_type, content },
            certificates,
            skipped_certificates,
            crls,
            other_revocation_info,
            signer_infos,
        })
    }
}

impl<'a> SignerInfo<'a> {
    /// Reads every SignerInfo of a `SET OF SignerInfo` (also the value set of a
    /// counter-signature attribute).
    pub fn read_set(set: &Element<'a>) -> Result<Vec<Self>, CmsError> {
        let mut out = Vec::new();
        let mut r = set.children();
        while let Some(si) = r.next()? {
            if out.len() >= MAX_SIGNERS {
                return Err(CmsError::TooMany("signers", MAX_SIGNERS));
            }
            out.push(Self::read(si)?);
        }
        Ok(out)
    }

    /// Reads one SignerInfo.
    pub fn read(el: Element<'a>) -> Result<Self, CmsError> {
        let el = el.expect(Tag::SEQUENCE, "SignerInfo")?;
        let mut r = el.children();
        let version = r.required("version")?.small_integer()?;
        let sid_el = r.required("sid")?;
        let sid = if sid_el.tag == Tag::SEQUENCE {
            let mut sr = sid_el.children();
            let issuer = sr.required("issuer")?.expect(Tag::SEQUENCE, "issuer Name")?.raw;
            let serial = sr.required("serialNumber")?.unsigned_integer()?;
            sr.finish("IssuerAndSerialNumber")?;
            SignerIdentifier::IssuerAndSerial { issuer, serial }
        } else if sid_el.tag == Tag::context(0, false) {
            SignerIdentifier::SubjectKeyId(sid_el.contents)
        } else {
            return Err(CmsError::Invalid("unknown SignerIdentifier choice".into()));
        };
        let digest_el = r.required("digestAlgorithm")?;
        let digest_algorithm = DigestAlgorithm::from_algorithm_identifier(&digest_el);
        let signed_attrs = match r.optional(Tag::context(0, true))? {
            Some(a) => Some(Attributes::read(a)?),
            None => None,
        };
        let sig_alg_el = r.required("signatureAlgorithm")?;
        let signature_algorithm =
            SignatureAlgorithm::from_algorithm_identifier(&sig_alg_el, digest_algorithm.clone().ok());
        let sig_el = r.required("signature")?;
        if !sig_el.tag.same_type(&Tag::OCTET_STRING) || sig_el.tag.constructed {
            return Err(CmsError::Invalid("signature is not a primitive OCTET STRING".into()));
        }
        let unsigned_attrs = match r.optional(Tag::context(1, true))? {
            Some(a) => Some(Attributes::read(a)?),
            None => None,
        };
        r.finish("SignerInfo")?;
        Ok(SignerInfo {
            raw: el.raw,
            version,
            sid,
            digest_algorithm,
            signed_attrs,
            signature_algorithm,
            signature: sig_el.contents,
            unsigned_attrs,
        })
    }
}
