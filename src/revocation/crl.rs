//! Certificate revocation lists (RFC 5280 5), parsed once into an indexed view.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use thiserror::Error;
use time::OffsetDateTime;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;

use crate::asn1::{self, Oid, Tag, oid};
use crate::crypto::{CryptoError, DigestAlgorithm, SignatureAlgorithm};
use crate::x509::{Certificate, Name, to_datetime};

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
    /// fullName URIs of the distribution point, if named.
    pub distribution_point_uris: Vec<String>,
    /// Whether the distribution point is named in a form other than URIs.
    pub other_distribution_point_name: bool,
    /// onlyContainsUserCerts
    pub only_user_certs: bool,
    /// onlyContainsCACerts
    pub only_ca_certs: bool,
    /// onlySomeReasons is present
    pub only_some_reasons: bool,
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
    entries: HashMap<Vec<u8>, RevokedEntry>,
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
        for rc in &t.revoked_certificates {
            let reason = rc.reason_code().and_then(|(_, c)| Reason::from_code(c.0));
            // Keyed by the INTEGER contents as encoded, sign included (RFC 5280 4.1.2.2 allows
            // negative serials in the wild; -1 and 255 must not collide).
            let serial = rc.raw_serial().to_vec();
            entries.insert(serial, RevokedEntry { revocation_date: to_datetime(rc.revocation_date), reason });
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
            scope: None,
            delta: false,
            unprocessed_critical: Vec::new(),
        };
        for ext in t.extensions() {
            let ext_oid = Oid::from_der_contents(ext.oid.as_bytes()).map_err(|e| bad(e.to_string()))?;
            match ext.parsed_extension() {
                ParsedExtension::IssuingDistributionPoint(idp) => {
                    let mut scope = CrlScope {
                        only_user_certs: idp.only_contains_user_certs,
                        only_ca_certs: idp.only_contains_ca_certs,
                        only_some_reasons: idp.only_some_reasons.is_some(),
                        indirect: idp.indirect_crl,
                        only_attribute_certs: idp.only_contains_attribute_certs,
                        ..CrlScope::default()
                    };
                    match &idp.distribution_point {
                        Some(DistributionPointName::FullName(names)) => {
                            for n in names {
                                match n {
                                    GeneralName::URI(u) => scope.distribution_point_uris.push((*u).to_string()),
                                    _ => scope.other_distribution_point_name = true,
                                }
                            }
                        }
                        Some(DistributionPointName::NameRelativeToCRLIssuer(_)) => {
                            scope.other_distribution_point_name = true
                        }
                        None => {}
                    }
                    crl.scope = Some(scope);
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
        self.entries.len()
    }
    /// Whether no certificate is listed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// The entry for a serial number (INTEGER contents octets as encoded, see
    /// [`Certificate::serial_contents`]), if listed.
    pub fn entry(&self, serial: &[u8]) -> Option<&RevokedEntry> {
        self.entries.get(serial)
    }
    /// The issuingDistributionPoint scope, if present.
    pub fn scope(&self) -> Option<&CrlScope> {
        self.scope.as_ref()
    }

    /// Checks that `issuer` signed this CRL.
    pub fn verify_signed_by(&self, issuer: &Certificate) -> Result<(), CryptoError> {
        let alg = self.signature_algorithm.clone()?;
        let key = issuer.public_key().as_ref().map_err(Clone::clone)?;
        key.verify(&alg, &self.der[self.tbs.clone()], &self.signature)
    }

    /// Whether this CRL may decide the status of `cert` issued by `issuer` at `time`.
    pub fn usable_for(&self, cert: &Certificate, issuer: &Certificate, time: OffsetDateTime) -> Result<(), String> {
        // RFC 5280 6.3.3 (f): the CRL issuer is the certificate issuer (direct CRL) ...
        if !self.issuer.matches(cert.issuer()) || !self.issuer.matches(issuer.subject()) {
            return Err("issued by a different CA".into());
        }
        // ... and its key may sign CRLs.
        if issuer.key_usage().is_some_and(|ku| !ku.crl_sign()) {
            return Err(format!("{} lacks cRLSign in keyUsage", issuer.subject()));
        }
        // RFC 5280 6.3.3 (g): the CRL signature verifies.
        self.verify_signed_by(issuer).map_err(|e| format!("signature: {e}"))?;
        // RFC 5280 6.3.3 (a): current at the validation time.
        if self.this_update > time {
            return Err(format!("issued after the validation time (thisUpdate {})", self.this_update));
        }
        match self.next_update {
            Some(n) if n < time => return Err(format!("stale at the validation time (nextUpdate {n})")),
            _ => {}
        }
        if self.delta {
            return Err("delta CRLs are not processed yet".into());
        }
        // RFC 5280 5.2: an unrecognized critical CRL extension makes the CRL unusable.
        if let Some(o) = self.unprocessed_critical.first() {
            return Err(format!("unsupported critical extension {o}"));
        }
        self.check_scope(cert)
    }

    /// RFC 5280 6.3.3 (b): the issuingDistributionPoint scope covers the certificate.
    fn check_scope(&self, cert: &Certificate) -> Result<(), String> {
        let Some(s) = &self.scope else { return Ok(()) };
        let is_ca = cert.basic_constraints().is_some_and(|b| b.ca);
        if s.only_user_certs && is_ca {
            return Err("covers end-entity certificates only".into());
        }
        if s.only_ca_certs && !is_ca {
            return Err("covers CA certificates only".into());
        }
        if s.only_attribute_certs {
            return Err("covers attribute certificates only".into());
        }
        if s.only_some_reasons {
            return Err("covers only some reasons (partitioned CRLs are not combined yet)".into());
        }
        if s.indirect {
            return Err("indirect CRLs are not processed yet".into());
        }
        if s.other_distribution_point_name {
            return Err("distribution point named other than by URI".into());
        }
        if !s.distribution_point_uris.is_empty()
            && !s.distribution_point_uris.iter().any(|u| cert.crl_distribution_uris().contains(u))
        {
            return Err("its distribution point is not one of the certificate's".into());
        }
        Ok(())
    }
}

impl fmt::Debug for Crl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Crl({}, {} entries, sha256 {})", self.issuer, self.entries.len(), self.sha256_hex())
    }
}
