//! An owned, parsed-once view of an X.509 certificate.

use std::fmt;
use std::ops::Range;

use thiserror::Error;
use time::OffsetDateTime;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;

use super::distribution_point::{DistributionPoint, ReasonSet, point_names, relative_name, relative_rdn_der};
use super::general_name::GeneralName;
use super::name_constraints::NameConstraints;
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

/// Extensions whose semantics confia applies (RFC 5280 section 6 and the signature checks),
/// so that they may be critical; any other critical extension rejects the path.
const PROCESSED_EXTENSIONS: [Oid; 15] = [
    oid::BASIC_CONSTRAINTS,
    oid::KEY_USAGE,
    oid::SUBJECT_KEY_IDENTIFIER,
    oid::AUTHORITY_KEY_IDENTIFIER,
    oid::SUBJECT_ALT_NAME,
    oid::EXT_KEY_USAGE,
    oid::CERTIFICATE_POLICIES,
    oid::POLICY_MAPPINGS,
    oid::POLICY_CONSTRAINTS,
    oid::INHIBIT_ANY_POLICY,
    oid::NAME_CONSTRAINTS,
    oid::CRL_DISTRIBUTION_POINTS,
    oid::AUTHORITY_INFO_ACCESS,
    oid::QC_STATEMENTS,
    oid::OCSP_NOCHECK,
];

/// The policyConstraints extension (RFC 5280 4.2.1.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PolicyConstraints {
    /// requireExplicitPolicy (SkipCerts)
    pub require_explicit_policy: Option<u32>,
    /// inhibitPolicyMapping (SkipCerts)
    pub inhibit_policy_mapping: Option<u32>,
}

/// A certificate, parsed once. Cheap to share behind an `Arc`.
#[derive(Clone)]
pub struct Certificate {
    der: Vec<u8>,
    sha256: [u8; 32],
    tbs: Range<usize>,
    signature_algorithm: Result<SignatureAlgorithm, CryptoError>,
    signature: Vec<u8>,
    serial: Vec<u8>,
    serial_contents: Vec<u8>,
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
    crl_distribution_points: Vec<DistributionPoint>,
    policies: Option<Vec<Oid>>,
    policy_mappings: Vec<(Oid, Oid)>,
    policy_constraints: Option<PolicyConstraints>,
    inhibit_any_policy: Option<u32>,
    name_constraints: Option<NameConstraints>,
    subject_alt_names: Vec<GeneralName>,
    unprocessed_critical: Vec<Oid>,
    malformed_extensions: Vec<Oid>,
    version: u32,
    profile_violations: Vec<String>,
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
            serial_contents: t.raw_serial().to_vec(),
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
            crl_distribution_points: Vec::new(),
            policies: None,
            policy_mappings: Vec::new(),
            policy_constraints: None,
            inhibit_any_policy: None,
            name_constraints: None,
            subject_alt_names: Vec::new(),
            unprocessed_critical: Vec::new(),
            malformed_extensions: Vec::new(),
            version: t.version.0 + 1,
            profile_violations: Vec::new(),
        };
        let mut seen: Vec<Oid> = Vec::new();
        let to_oid = |o: &x509_parser::der_parser::oid::Oid<'_>| Oid::from_der_contents(o.as_bytes());
        for ext in t.extensions() {
            let ext_oid = Oid::from_der_contents(ext.oid.as_bytes()).map_err(|e| bad(e.to_string()))?;
            // RFC 5280 4.2: a certificate must not include more than one instance of an extension.
            if seen.contains(&ext_oid) {
                cert.profile_violations.push(format!("extension {ext_oid} appears more than once (RFC 5280 4.2)"));
            }
            seen.push(ext_oid);
            // RFC 5280 4.2.1.1, 4.2.2.1: these must be non-critical.
            if ext.critical && (ext_oid == oid::AUTHORITY_KEY_IDENTIFIER || ext_oid == oid::AUTHORITY_INFO_ACCESS) {
                cert.profile_violations
                    .push(format!("extension {ext_oid} must not be critical (RFC 5280 4.2.1.1, 4.2.2.1)"));
            }
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
                    let relative = relative_point_names(ext.value);
                    for (k, dp) in dps.iter().enumerate() {
                        let crl_issuer: Vec<GeneralName> =
                            dp.crl_issuer.iter().flatten().map(GeneralName::from_parsed).collect();
                        // A relative name extends the CRL issuer's name, by default the issuer's.
                        let base = crl_issuer
                            .iter()
                            .find_map(|n| match n {
                                GeneralName::Directory(d) => Some(d.clone()),
                                _ => None,
                            })
                            .unwrap_or_else(|| cert.issuer.clone());
                        // x509-parser misreads nameRelativeToCRLIssuer ([1] IMPLICIT SET OF):
                        // such names are read here from the extension's own bytes.
                        let names = match relative.get(k).cloned().flatten() {
                            Some(rdn_der) => relative_name(&rdn_der, &base).map(|n| vec![GeneralName::Directory(n)]),
                            None => dp.distribution_point.as_ref().map(|n| point_names(n, &base)),
                        };
                        cert.crl_distribution_points.push(DistributionPoint {
                            names,
                            reasons: dp.reasons.as_ref().map(ReasonSet::from_parsed),
                            crl_issuer,
                        });
                    }
                }
                ParsedExtension::CertificatePolicies(ps) => {
                    let oids: Result<Vec<Oid>, _> = ps.iter().map(|p| to_oid(&p.policy_id)).collect();
                    match oids {
                        Ok(o) => cert.policies = Some(o),
                        Err(_) => cert.malformed_extensions.push(ext_oid),
                    }
                }
                ParsedExtension::PolicyMappings(pm) => {
                    let pairs: Result<Vec<(Oid, Oid)>, _> = pm
                        .mappings
                        .iter()
                        .map(|m| {
                            Ok::<_, crate::asn1::Asn1Error>((
                                to_oid(&m.issuer_domain_policy)?,
                                to_oid(&m.subject_domain_policy)?,
                            ))
                        })
                        .collect();
                    match pairs {
                        Ok(p) => cert.policy_mappings = p,
                        Err(_) => cert.malformed_extensions.push(ext_oid),
                    }
                }
                ParsedExtension::PolicyConstraints(pc) => {
                    cert.policy_constraints = Some(PolicyConstraints {
                        require_explicit_policy: pc.require_explicit_policy,
                        inhibit_policy_mapping: pc.inhibit_policy_mapping,
                    })
                }
                ParsedExtension::InhibitAnyPolicy(i) => cert.inhibit_any_policy = Some(i.skip_certs),
                ParsedExtension::NameConstraints(nc) => {
                    let subtrees = |v: &Option<Vec<x509_parser::extensions::GeneralSubtree<'_>>>| {
                        v.as_ref().map(|t| t.iter().map(|s| GeneralName::from_parsed(&s.base)).collect::<Vec<_>>())
                    };
                    cert.name_constraints = Some(NameConstraints {
                        permitted: subtrees(&nc.permitted_subtrees),
                        excluded: subtrees(&nc.excluded_subtrees).unwrap_or_default(),
                    });
                }
                ParsedExtension::SubjectAlternativeName(san) => {
                    cert.subject_alt_names = san.general_names.iter().map(GeneralName::from_parsed).collect()
                }
                ParsedExtension::ParseError { .. } => cert.malformed_extensions.push(ext_oid),
                _ => {}
            }
            if ext.critical && !PROCESSED_EXTENSIONS.contains(&ext_oid) {
                cert.unprocessed_critical.push(ext_oid);
            }
            if ext_oid == oid::NAME_CONSTRAINTS && !ext.critical {
                cert.profile_violations.push("nameConstraints must be critical (RFC 5280 4.2.1.10)".into());
            }
            if ext_oid == oid::SUBJECT_ALT_NAME && !ext.critical && cert.subject.is_empty() {
                cert.profile_violations
                    .push("subjectAltName must be critical when the subject is empty (RFC 5280 4.2.1.6)".into());
            }
        }
        cert.profile_violations.extend(profile_checks(&cert));
        Ok(cert)
    }

    /// Parses a certificate from PEM (`-----BEGIN CERTIFICATE-----`) or DER.
    pub fn from_pem_or_der(data: &[u8]) -> Result<Vec<Self>, CertificateError> {
        match crate::pem::decode_all(data, &["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"]) {
            Some(blocks) => blocks.iter().map(|b| Self::from_der(b)).collect(),
            // Neither a PEM certificate block nor a DER SEQUENCE: say so rather than report
            // whatever a DER decoder makes of, say, an XML file.
            None if data.first() != Some(&0x30) => {
                Err(CertificateError::Malformed("neither a PEM CERTIFICATE block nor DER".into()))
            }
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
    /// The serial number's INTEGER contents octets as encoded (two's complement, sign kept):
    /// the key CRL entries are matched on, so a negative serial never matches its magnitude.
    pub fn serial_contents(&self) -> &[u8] {
        &self.serial_contents
    }
    /// Serial number as colon-free lowercase hex.
    pub fn serial_hex(&self) -> String {
        hex::encode(&self.serial)
    }
    /// The DER `IssuerSerial` naming this certificate (RFC 5035 / RFC 5755: the issuer as a
    /// one-name `GeneralNames`, and the serial number), as signing-certificate-v2 attributes
    /// and XAdES IssuerSerialV2 carry it.
    pub fn issuer_serial_der(&self) -> Vec<u8> {
        use crate::asn1::der;
        der::sequence(&[
            &der::sequence(&[&der::context(4, true, self.issuer.der())]),
            &der::unsigned_integer(&self.serial),
        ])
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
    /// The cRLDistributionPoints entries.
    pub fn crl_distribution_points(&self) -> &[DistributionPoint] {
        &self.crl_distribution_points
    }
    /// URIs from the cRLDistributionPoints names (where CRLs can be fetched).
    pub fn crl_distribution_uris(&self) -> Vec<String> {
        self.crl_distribution_points
            .iter()
            .flat_map(|d| d.names.iter().flatten())
            .filter_map(|n| match n {
                GeneralName::Uri(u) => Some(u.clone()),
                _ => None,
            })
            .collect()
    }
    /// The policy identifiers of certificatePolicies; `None` when the extension is absent.
    pub fn policies(&self) -> Option<&[Oid]> {
        self.policies.as_deref()
    }
    /// policyMappings as (issuerDomainPolicy, subjectDomainPolicy) pairs.
    pub fn policy_mappings(&self) -> &[(Oid, Oid)] {
        &self.policy_mappings
    }
    /// The policyConstraints extension, if present.
    pub fn policy_constraints(&self) -> Option<PolicyConstraints> {
        self.policy_constraints
    }
    /// inhibitAnyPolicy SkipCerts, if present.
    pub fn inhibit_any_policy(&self) -> Option<u32> {
        self.inhibit_any_policy
    }
    /// The nameConstraints extension, if present.
    pub fn name_constraints(&self) -> Option<&NameConstraints> {
        self.name_constraints.as_ref()
    }
    /// The subjectAltName entries.
    pub fn subject_alt_names(&self) -> &[GeneralName] {
        &self.subject_alt_names
    }
    /// Critical extensions whose semantics confia does not implement.
    pub fn unprocessed_critical_extensions(&self) -> &[Oid] {
        &self.unprocessed_critical
    }
    /// Extensions x509-parser could not decode.
    pub fn malformed_extensions(&self) -> &[Oid] {
        &self.malformed_extensions
    }
    /// The X.509 version (1, 2 or 3).
    pub fn version(&self) -> u32 {
        self.version
    }
    /// Whether basicConstraints asserts cA.
    pub fn is_ca(&self) -> bool {
        self.basic_constraints.is_some_and(|b| b.ca)
    }
    /// Violations of RFC 5280's requirements on the certificate's own structure (duplicate or
    /// wrongly critical extensions, malformed names and constraints, a CA without a subject).
    /// A certificate with any of them is never part of a valid path.
    pub fn profile_violations(&self) -> &[String] {
        &self.profile_violations
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

/// RFC 5280 requirements on a certificate's content that do not depend on its path.
fn profile_checks(c: &Certificate) -> Vec<String> {
    let mut v = Vec::new();
    // RFC 5280 4.1.2.6: a CA's subject is a non-empty distinguished name.
    if c.is_ca() && c.subject.is_empty() {
        v.push("a CA certificate must have a non-empty subject (RFC 5280 4.1.2.6)".into());
    }
    // RFC 5280 4.2.1.10: name constraints only in CA certificates, and not empty.
    if let Some(nc) = &c.name_constraints {
        if !c.is_ca() {
            v.push("nameConstraints in a certificate that is not a CA (RFC 5280 4.2.1.10)".into());
        }
        if nc.permitted.as_ref().is_none_or(|p| p.is_empty()) && nc.excluded.is_empty() {
            v.push("nameConstraints with neither permitted nor excluded subtrees (RFC 5280 4.2.1.10)".into());
        }
        for base in nc.permitted.iter().flatten().chain(nc.excluded.iter()) {
            if let Err(why) = base.check_constraint_syntax() {
                v.push(format!("malformed name constraint: {why}"));
            }
        }
    }
    // RFC 5280 4.2.1.6: names in subjectAltName are well-formed, and the extension not empty.
    for n in &c.subject_alt_names {
        if let Err(why) = n.check_name_syntax() {
            v.push(format!("malformed subjectAltName: {why}"));
        }
    }
    v
}

/// For each DistributionPoint of a cRLDistributionPoints value, the DER SET of its
/// nameRelativeToCRLIssuer, or `None` when it has none.
fn relative_point_names(value: &[u8]) -> Vec<Option<Vec<u8>>> {
    let Ok(seq) = asn1::read_single(value, "CRLDistributionPoints") else { return Vec::new() };
    let mut out = Vec::new();
    let mut points = seq.children();
    while let Ok(Some(dp)) = points.next() {
        out.push(relative_rdn_der(&dp));
    }
    out
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
