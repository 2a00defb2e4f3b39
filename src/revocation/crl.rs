//! Certificate revocation lists (RFC 5280 5), parsed once into an indexed view.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use thiserror::Error;
use time::OffsetDateTime;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;

use crate::asn1::{self, Oid, Tag, oid};
use crate::crypto::{CryptoError, DigestAlgorithm, SignatureAlgorithm};
use crate::x509::{
    Certificate, GeneralName, Name, ReasonSet, point_names, relative_name, relative_rdn_der, to_datetime,
};

/// Largest CRL accepted (national CAs publish CRLs of tens of megabytes).
pub const MAX_CRL_SIZE: usize = 256 * 1024 * 1024;

/// Why bytes are not a usable CRL.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CrlError {
    /// Not a DER CRL.
    #[error("not a valid CRL: {0}")]
    Malformed(String),
    /// Larger than [`MAX_CRL_SIZE`].
    #[error("CRL larger than {MAX_CRL_SIZE} bytes")]
    TooLarge,
}

/// CRLReason (RFC 5280 5.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// unspecified (0)
    Unspecified,
    /// keyCompromise (1)
    KeyCompromise,
    /// cACompromise (2)
    CaCompromise,
    /// affiliationChanged (3)
    AffiliationChanged,
    /// superseded (4)
    Superseded,
    /// cessationOfOperation (5)
    CessationOfOperation,
    /// certificateHold (6)
    CertificateHold,
    /// removeFromCRL (8)
    RemoveFromCrl,
    /// privilegeWithdrawn (9)
    PrivilegeWithdrawn,
    /// aACompromise (10)
    AaCompromise,
}

impl Reason {
    fn from_code(c: u8) -> Option<Self> {
        Some(match c {
            0 => Self::Unspecified,
            1 => Self::KeyCompromise,
            2 => Self::CaCompromise,
            3 => Self::AffiliationChanged,
            4 => Self::Superseded,
            5 => Self::CessationOfOperation,
            6 => Self::CertificateHold,
            8 => Self::RemoveFromCrl,
            9 => Self::PrivilegeWithdrawn,
            10 => Self::AaCompromise,
            _ => return None,
        })
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unspecified => "unspecified",
            Self::KeyCompromise => "keyCompromise",
            Self::CaCompromise => "cACompromise",
            Self::AffiliationChanged => "affiliationChanged",
            Self::Superseded => "superseded",
            Self::CessationOfOperation => "cessationOfOperation",
            Self::CertificateHold => "certificateHold",
            Self::RemoveFromCrl => "removeFromCRL",
            Self::PrivilegeWithdrawn => "privilegeWithdrawn",
            Self::AaCompromise => "aACompromise",
        })
    }
}

/// One revoked certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevokedEntry {
    /// revocationDate
    pub revocation_date: OffsetDateTime,
    /// The reasonCode entry extension, if present.
    pub reason: Option<Reason>,
}

/// The issuingDistributionPoint scope of a CRL (RFC 5280 5.2.5).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrlScope {
    /// The distribution point's names (a relative name completed with the CRL issuer), if named.
    pub distribution_point: Option<Vec<GeneralName>>,
    /// onlyContainsUserCerts
    pub only_user_certs: bool,
    /// onlyContainsCACerts
    pub only_ca_certs: bool,
    /// onlySomeReasons; `None` means all reasons.
    pub only_some_reasons: Option<ReasonSet>,
    /// indirectCRL
    pub indirect: bool,
    /// onlyContainsAttributeCerts
    pub only_attribute_certs: bool,
}

/// A CRL, parsed once.
pub struct Crl {
    der: Vec<u8>,
    sha256: [u8; 32],
    tbs: Range<usize>,
    signature_algorithm: Result<SignatureAlgorithm, CryptoError>,
    signature: Vec<u8>,
    issuer: Name,
    this_update: OffsetDateTime,
    next_update: Option<OffsetDateTime>,
    /// Entries of certificates issued by the CRL issuer, by serial (INTEGER contents).
    entries: HashMap<Vec<u8>, RevokedEntry>,
    /// Entries of an indirect CRL attributed to another issuer by a certificateIssuer entry
    /// extension (RFC 5280 5.3.3), by index in `entry_issuers` and serial.
    indirect_entries: HashMap<(usize, Vec<u8>), RevokedEntry>,
    entry_issuers: Vec<Name>,
    scope: Option<CrlScope>,
    delta: bool,
    unprocessed_critical: Vec<Oid>,
}

impl Crl {
    /// Parses a DER CRL.
    pub fn from_der(der: &[u8]) -> Result<Self, CrlError> {
        if der.len() > MAX_CRL_SIZE {
            return Err(CrlError::TooLarge);
        }
        let bad = |m: String| CrlError::Malformed(m);
        let outer = asn1::read_single(der, "CertificateList").and_then(|e| e.expect(Tag::SEQUENCE, "CertificateList"));
        let outer = outer.map_err(|e| bad(e.to_string()))?;
        let mut r = outer.children();
        let tbs = r.required("tbsCertList").map_err(|e| bad(e.to_string()))?;
        let alg = r.required("signatureAlgorithm").map_err(|e| bad(e.to_string()))?;
        let sig = r.required("signatureValue").and_then(|s| s.bit_string_bytes()).map_err(|e| bad(e.to_string()))?;
        r.finish("CertificateList").map_err(|e| bad(e.to_string()))?;

        let (_, x) =
            x509_parser::revocation_list::CertificateRevocationList::from_der(der).map_err(|e| bad(e.to_string()))?;
        let t = &x.tbs_cert_list;
        let mut entries = HashMap::with_capacity(t.revoked_certificates.len());
        let mut indirect_entries = HashMap::new();
        let mut entry_issuers: Vec<Name> = Vec::new();
        // RFC 5280 5.3.3: an entry without certificateIssuer belongs to the previous entry's
        // issuer, the first ones to the CRL issuer.
        let mut current: Option<usize> = None;
        for rc in &t.revoked_certificates {
            let reason = rc.reason_code().and_then(|(_, c)| Reason::from_code(c.0));
            for ext in rc.extensions() {
                if ext.oid.as_bytes() == oid::CERTIFICATE_ISSUER.as_bytes() {
                    let name =
                        certificate_issuer(ext.value).ok_or_else(|| bad("certificateIssuer entry extension".into()))?;
                    current = Some(match entry_issuers.iter().position(|n| n.matches(&name)) {
                        Some(i) => i,
                        None => {
                            entry_issuers.push(name);
                            entry_issuers.len() - 1
                        }
                    });
                } else if ext.critical
                    && ext.oid.as_bytes() != oid::CRL_REASON.as_bytes()
                    && ext.oid.as_bytes() != oid::INVALIDITY_DATE.as_bytes()
                {
                    return Err(bad(format!("unsupported critical CRL entry extension {}", ext.oid)));
                }
            }
            // Keyed by the INTEGER contents as encoded, sign included (RFC 5280 4.1.2.2 allows
            // negative serials in the wild; -1 and 255 must not collide).
            let serial = rc.raw_serial().to_vec();
            let entry = RevokedEntry { revocation_date: to_datetime(rc.revocation_date), reason };
            match current {
                None => {
                    entries.insert(serial, entry);
                }
                Some(i) => {
                    indirect_entries.insert((i, serial), entry);
                }
            }
        }
        let mut crl = Crl {
            der: der.to_vec(),
            sha256: DigestAlgorithm::Sha256.digest(der).try_into().unwrap_or([0; 32]),
            tbs: tbs.offset..tbs.offset + tbs.raw.len(),
            signature_algorithm: SignatureAlgorithm::from_algorithm_identifier(&alg, None),
            signature: sig.to_vec(),
            issuer: Name::from_parsed(&t.issuer),
            this_update: to_datetime(t.this_update),
            next_update: t.next_update.map(to_datetime),
            entries,
            indirect_entries,
            entry_issuers,
            scope: None,
            delta: false,
            unprocessed_critical: Vec::new(),
        };
        for ext in t.extensions() {
            let ext_oid = Oid::from_der_contents(ext.oid.as_bytes()).map_err(|e| bad(e.to_string()))?;
            match ext.parsed_extension() {
                ParsedExtension::IssuingDistributionPoint(idp) => {
                    let issuer = Name::from_parsed(&t.issuer);
                    let relative = asn1::read_single(ext.value, "IssuingDistributionPoint")
                        .ok()
                        .and_then(|e| relative_rdn_der(&e))
                        .and_then(|der| relative_name(&der, &issuer));
                    let distribution_point = match relative {
                        Some(n) => Some(vec![GeneralName::Directory(n)]),
                        None => idp.distribution_point.as_ref().map(|n| point_names(n, &issuer)),
                    };
                    crl.scope = Some(CrlScope {
                        distribution_point,
                        only_user_certs: idp.only_contains_user_certs,
                        only_ca_certs: idp.only_contains_ca_certs,
                        only_some_reasons: idp.only_some_reasons.as_ref().map(ReasonSet::from_parsed),
                        indirect: idp.indirect_crl,
                        only_attribute_certs: idp.only_contains_attribute_certs,
                    });
                }
                _ if ext_oid == oid::DELTA_CRL_INDICATOR => crl.delta = true,
                _ if ext_oid == oid::CRL_NUMBER || ext_oid == oid::AUTHORITY_KEY_IDENTIFIER => {}
                _ if ext.critical => crl.unprocessed_critical.push(ext_oid),
                _ => {}
            }
        }
        Ok(crl)
    }

    /// Parses PEM (`X509 CRL`) or DER.
    pub fn from_pem_or_der(data: &[u8]) -> Result<Vec<Self>, CrlError> {
        match crate::pem::decode_all(data, &["X509 CRL"]) {
            Some(blocks) => blocks.iter().map(|b| Self::from_der(b)).collect(),
            None => Ok(vec![Self::from_der(data)?]),
        }
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
    /// SHA-256 of the encoding.
    pub fn sha256(&self) -> &[u8; 32] {
        &self.sha256
    }
    /// SHA-256 as hex.
    pub fn sha256_hex(&self) -> String {
        hex::encode(self.sha256)
    }
    /// The CRL issuer.
    pub fn issuer(&self) -> &Name {
        &self.issuer
    }
    /// thisUpdate
    pub fn this_update(&self) -> OffsetDateTime {
        self.this_update
    }
    /// nextUpdate
    pub fn next_update(&self) -> Option<OffsetDateTime> {
        self.next_update
    }
    /// Number of revoked entries.
    pub fn len(&self) -> usize {
        self.entries.len() + self.indirect_entries.len()
    }
    /// Whether no certificate is listed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The entry for a certificate of `issuer` with `serial` (INTEGER contents octets as
    /// encoded, see [`Certificate::serial_contents`]), if listed. Entries of other issuers in
    /// an indirect CRL are told apart by their certificateIssuer.
    pub fn entry(&self, issuer: &Name, serial: &[u8]) -> Option<&RevokedEntry> {
        if let Some(i) = self.entry_issuers.iter().position(|n| n.matches(issuer)) {
            if let Some(e) = self.indirect_entries.get(&(i, serial.to_vec())) {
                return Some(e);
            }
        }
        if self.issuer.matches(issuer) { self.entries.get(serial) } else { None }
    }
    /// Whether this is a delta CRL (deltaCRLIndicator).
    pub fn is_delta(&self) -> bool {
        self.delta
    }
    /// Critical CRL extensions confia does not process.
    pub fn unprocessed_critical_extensions(&self) -> &[Oid] {
        &self.unprocessed_critical
    }
    /// The issuingDistributionPoint scope, if present.
    pub fn scope(&self) -> Option<&CrlScope> {
        self.scope.as_ref()
    }

    /// Checks that `issuer` issued this CRL: its subject is the CRL issuer's name, its keyUsage
    /// (when present) allows cRLSign, and its key verifies the CRL's signature
    /// (RFC 5280 6.3.3 (f), (g)).
    pub fn check_issued_by(&self, issuer: &Certificate) -> Result<(), String> {
        if !self.issuer.matches(issuer.subject()) {
            return Err(format!("the CRL issuer {} is not {}", self.issuer, issuer.subject()));
        }
        // RFC 5280 4.2.1.3: a CA must include keyUsage in a certificate whose key signs CRLs;
        // confia, like DSS, requires it to say cRLSign rather than read its absence as consent.
        if !issuer.key_usage().is_some_and(|ku| ku.crl_sign()) {
            return Err(format!("{} does not assert cRLSign in keyUsage", issuer.subject()));
        }
        self.verify_signed_by(issuer).map_err(|e| format!("signature: {e}"))
    }

    /// Checks that `issuer`'s key signed this CRL (the signature alone).
    pub fn verify_signed_by(&self, issuer: &Certificate) -> Result<(), CryptoError> {
        let alg = self.signature_algorithm.clone()?;
        let key = issuer.public_key().as_ref().map_err(Clone::clone)?;
        key.verify(&alg, &self.der[self.tbs.clone()], &self.signature)
    }
}

/// The first directoryName of a certificateIssuer entry extension (GeneralNames).
fn certificate_issuer(value: &[u8]) -> Option<Name> {
    let seq = asn1::read_single(value, "GeneralNames").ok()?;
    let mut r = seq.children();
    while let Ok(Some(gn)) = r.next() {
        if gn.tag == Tag::context(4, true) {
            return Name::from_der(gn.contents);
        }
    }
    None
}

impl fmt::Debug for Crl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Crl({}, {} entries, sha256 {})", self.issuer, self.entries.len(), self.sha256_hex())
    }
}
