//! An owned, parsed-once view of an X.509 certificate.

use std::fmt;
use std::ops::Range;

use thiserror::Error;
use time::OffsetDateTime;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;

use super::{Name, to_datetime};
use crate::asn1::{self, Oid, Tag, oid};
use crate::crypto::{CryptoError, DigestAlgorithm, PublicKey, SignatureAlgorithm};

/// Largest certificate accepted; real ones are a few kilobytes.
pub const MAX_CERTIFICATE_SIZE: usize = 256 * 1024;

/// Why bytes are not a usable certificate.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CertificateError {
    /// Not a DER certificate.
    #[error("not a valid X.509 certificate: {0}")]
    Malformed(String),
    /// Larger than [`MAX_CERTIFICATE_SIZE`].
    #[error("certificate larger than {MAX_CERTIFICATE_SIZE} bytes")]
    TooLarge,
}

/// `BasicConstraints` (RFC 5280 4.2.1.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasicConstraints {
    /// Whether the subject is a CA.
    pub ca: bool,
    /// Maximum number of non-self-issued intermediates that may follow.
    pub path_len: Option<u32>,
}

/// `KeyUsage` bits (RFC 5280 4.2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyUsage(pub u16);

impl KeyUsage {
    /// digitalSignature (bit 0)
    pub fn digital_signature(self) -> bool {
        self.0 & 1 != 0
    }
    /// nonRepudiation / contentCommitment (bit 1)
    pub fn non_repudiation(self) -> bool {
        self.0 & 2 != 0
    }
    /// keyCertSign (bit 5)
    pub fn key_cert_sign(self) -> bool {
        self.0 & (1 << 5) != 0
    }
    /// cRLSign (bit 6)
    pub fn crl_sign(self) -> bool {
        self.0 & (1 << 6) != 0
    }
}

/// Extensions whose semantics confia applies (or which cannot restrict a signature's
/// validation under the default inputs), so that they may be critical.
///
/// certificatePolicies is listed because, with the initial policy set `anyPolicy` and no
/// explicit-policy requirement (the only inputs this version accepts), RFC 5280 6.1 policy
/// processing cannot reject a path; policyConstraints, policyMappings, inhibitAnyPolicy and
/// nameConstraints are not listed and therefore fail closed when critical.
const PROCESSED_EXTENSIONS: [Oid; 11] = [
    oid::BASIC_CONSTRAINTS,
    oid::KEY_USAGE,
    oid::SUBJECT_KEY_IDENTIFIER,
    oid::AUTHORITY_KEY_IDENTIFIER,
    oid::SUBJECT_ALT_NAME,
    oid::EXT_KEY_USAGE,
    oid::CERTIFICATE_POLICIES,
    oid::CRL_DISTRIBUTION_POINTS,
    oid::AUTHORITY_INFO_ACCESS,
    oid::QC_STATEMENTS,
    oid::OCSP_NOCHECK,
];

/// A certificate, parsed once. Cheap to share behind an `Arc`.
#[derive(Clone)]
pub struct Certificate {
    der: Vec<u8>,
    sha256: [u8; 32],
    tbs: Range<usize>,
    signature_algorithm: Result<SignatureAlgorithm, CryptoError>,
    signature: Vec<u8>,
    serial: Vec<u8>,
    issuer: Name,
    subject: Name,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    spki: Vec<u8>,
    public_key: Result<PublicKey, CryptoError>,
    basic_constraints: Option<BasicConstraints>,
    key_usage: Option<KeyUsage>,
    subject_key_id: Option<Vec<u8>>,
    authority_key_id: Option<Vec<u8>>,
    crl_distribution_uris: Vec<String>,
    unprocessed_critical: Vec<Oid>,
    malformed_extensions: Vec<Oid>,
}

impl Certificate {
    /// Parses a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, CertificateError> {
        if der.len() > MAX_CERTIFICATE_SIZE {
            return Err(CertificateError::TooLarge);
        }
        let bad = |m: String| CertificateError::Malformed(m);
        // Framing with confia's own reader: the TBSCertificate span must be the bytes received.
        let outer = asn1::read_single(der, "Certificate").and_then(|e| e.expect(Tag::SEQUENCE, "Certificate"));
        let outer = outer.map_err(|e| bad(e.to_string()))?;
        let mut r = outer.children();
        let tbs = r.required("tbsCertificate").map_err(|e| bad(e.to_string()))?;
        let alg = r.required("signatureAlgorithm").map_err(|e| bad(e.to_string()))?;
        let sig = r.required("signatureValue").and_then(|s| s.bit_string_bytes()).map_err(|e| bad(e.to_string()))?;
        r.finish("Certificate").map_err(|e| bad(e.to_string()))?;
        let tbs_start = tbs.offset;
        let tbs_range = tbs_start..tbs_start + tbs.raw.len();

        let (_, x) = x509_parser::certificate::X509Certificate::from_der(der).map_err(|e| bad(e.to_string()))?;
        let t = &x.tbs_certificate;
        let mut cert = Certificate {
            der: der.to_vec(),
            sha256: DigestAlgorithm::Sha256.digest(der).try_into().unwrap_or([0; 32]),
            tbs: tbs_range,
            signature_algorithm: SignatureAlgorithm::from_algorithm_identifier(&alg, None),
            signature: sig.to_vec(),
            serial: trim_serial(t.raw_serial()),
            issuer: Name::from_parsed(t.issuer()),
            subject: Name::from_parsed(t.subject()),
            not_before: to_datetime(t.validity.not_before),
            not_after: to_datetime(t.validity.not_after),
            spki: t.subject_pki.raw.to_vec(),
            public_key: PublicKey::from_spki_der(t.subject_pki.raw),
            basic_constraints: None,
            key_usage: None,
            subject_key_id: None,
            authority_key_id: None,
            crl_distribution_uris: Vec::new(),
            unprocessed_critical: Vec::new(),
            malformed_extensions: Vec::new(),
        };
        for ext in t.extensions() {
            let ext_oid = Oid::from_der_contents(ext.oid.as_bytes()).map_err(|e| bad(e.to_string()))?;
            match ext.parsed_extension() {
                ParsedExtension::BasicConstraints(bc) => {
                    cert.basic_constraints = Some(BasicConstraints { ca: bc.ca, path_len: bc.path_len_constraint })
                }
                ParsedExtension::KeyUsage(ku) => cert.key_usage = Some(KeyUsage(ku.flags)),
                ParsedExtension::SubjectKeyIdentifier(k) => cert.subject_key_id = Some(k.0.to_vec()),
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    cert.authority_key_id = a.key_identifier.as_ref().map(|k| k.0.to_vec())
                }
                ParsedExtension::CRLDistributionPoints(dps) => {
                    for dp in dps.iter() {
                        if let Some(DistributionPointName::FullName(names)) = &dp.distribution_point {
                            cert.crl_distribution_uris.extend(names.iter().filter_map(uri_of));
                        }
                    }
                }
                ParsedExtension::ParseError { .. } => cert.malformed_extensions.push(ext_oid),
                _ => {}
            }
            if ext.critical && !PROCESSED_EXTENSIONS.contains(&ext_oid) {
                cert.unprocessed_critical.push(ext_oid);
            }
        }
        Ok(cert)
    }

    /// Parses a certificate from PEM (`-----BEGIN CERTIFICATE-----`) or DER.
    pub fn from_pem_or_der(data: &[u8]) -> Result<Vec<Self>, CertificateError> {
        match crate::pem::decode_all(data, &["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"]) {
            Some(blocks) => blocks.iter().map(|b| Self::from_der(b)).collect(),
            None => Ok(vec![Self::from_der(data)?]),
        }
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
    /// SHA-256 of the DER encoding: the certificate's identity in reports.
    pub fn sha256(&self) -> &[u8; 32] {
        &self.sha256
    }
    /// The SHA-256 as lowercase hex.
    pub fn sha256_hex(&self) -> String {
        hex::encode(self.sha256)
    }
    /// The TBSCertificate bytes exactly as received.
    pub fn tbs_der(&self) -> &[u8] {
        &self.der[self.tbs.clone()]
    }
    /// The certificate's own signature algorithm.
    pub fn signature_algorithm(&self) -> &Result<SignatureAlgorithm, CryptoError> {
        &self.signature_algorithm
    }
    /// Serial number magnitude (big-endian, without leading zeros).
    pub fn serial(&self) -> &[u8] {
        &self.serial
    }
    /// Serial number as colon-free lowercase hex.
    pub fn serial_hex(&self) -> String {
        hex::encode(&self.serial)
    }
    /// The issuer name.
    pub fn issuer(&self) -> &Name {
        &self.issuer
    }
    /// The subject name.
    pub fn subject(&self) -> &Name {
        &self.subject
    }
    /// Start of the validity period.
    pub fn not_before(&self) -> OffsetDateTime {
        self.not_before
    }
    /// End of the validity period.
    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }
    /// The DER SubjectPublicKeyInfo.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }
    /// The subject public key, or why it cannot be used.
    pub fn public_key(&self) -> &Result<PublicKey, CryptoError> {
        &self.public_key
    }
    /// The basicConstraints extension, if present.
    pub fn basic_constraints(&self) -> Option<BasicConstraints> {
        self.basic_constraints
    }
    /// The keyUsage extension, if present.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.key_usage
    }
    /// The subjectKeyIdentifier, if present.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.subject_key_id.as_deref()
    }
    /// The keyIdentifier of the authorityKeyIdentifier, if present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.authority_key_id.as_deref()
    }
    /// URIs from the cRLDistributionPoints fullName entries.
    pub fn crl_distribution_uris(&self) -> &[String] {
        &self.crl_distribution_uris
    }
    /// Critical extensions whose semantics confia does not implement.
    pub fn unprocessed_critical_extensions(&self) -> &[Oid] {
        &self.unprocessed_critical
    }
    /// Extensions x509-parser could not decode.
    pub fn malformed_extensions(&self) -> &[Oid] {
        &self.malformed_extensions
    }
    /// Whether issuer and subject are the same name (RFC 5280 6.1 "self-issued").
    pub fn is_self_issued(&self) -> bool {
        self.subject.matches(&self.issuer)
    }
    /// Whether `t` lies within notBefore..=notAfter.
    pub fn is_valid_at(&self, t: OffsetDateTime) -> bool {
        self.not_before <= t && t <= self.not_after
    }

    /// Checks that `issuer`'s key signed this certificate.
    pub fn verify_signed_by(&self, issuer: &Certificate) -> Result<(), CryptoError> {
        let alg = self.signature_algorithm.clone()?;
        let key = issuer.public_key.as_ref().map_err(Clone::clone)?;
        key.verify(&alg, self.tbs_der(), &self.signature)
    }
}

fn uri_of(n: &GeneralName<'_>) -> Option<String> {
    match n {
        GeneralName::URI(u) => Some((*u).to_string()),
        _ => None,
    }
}

fn trim_serial(raw: &[u8]) -> Vec<u8> {
    let start = raw.iter().position(|b| *b != 0).unwrap_or(raw.len().saturating_sub(1));
    raw[start..].to_vec()
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.sha256 == other.sha256
    }
}
impl Eq for Certificate {}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Certificate({}, serial {}, sha256 {})", self.subject, self.serial_hex(), self.sha256_hex())
    }
}
