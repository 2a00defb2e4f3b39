//! Certificate revocation lists (RFC 5280 5), parsed once into an indexed view.

use std::fmt;
use std::ops::Range;

use thiserror::Error;
use time::OffsetDateTime;
use x509_parser::extensions::{ParsedExtension, X509Extension};
use x509_parser::prelude::FromDer;

use crate::asn1::{self, Oid, Tag, oid};
use crate::crypto::{CryptoError, DigestAlgorithm, SignatureAlgorithm};
use crate::x509::{Certificate, GeneralName, Name, ReasonSet, point_names, relative_name, relative_rdn_der};

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
    /// The revoked certificates, sorted by (issuer, serial) for binary search. One flat table
    /// whose serials point into `der`: a CRL of a million entries costs no per-entry allocation.
    entries: Vec<Entry>,
    /// Issuers named by certificateIssuer entry extensions of an indirect CRL (RFC 5280 5.3.3);
    /// `Entry::issuer` 0 is the CRL issuer, `i + 1` is `entry_issuers[i]`.
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

        let tbs_range = tbs.offset..tbs.offset + tbs.raw.len();
        let mut t = tbs.children();
        // version INTEGER OPTIONAL (v2 = 1)
        if t.peek_tag() == Some(Tag::INTEGER) {
            let v = t.required("version").and_then(|v| v.small_integer()).map_err(|e| bad(e.to_string()))?;
            if v != 1 {
                return Err(bad(format!("unsupported CRL version {}", v + 1)));
            }
        }
        t.required("signature").map_err(|e| bad(e.to_string()))?;
        let issuer_el = t.required("issuer").map_err(|e| bad(e.to_string()))?;
        let issuer = Name::from_der(issuer_el.raw).ok_or_else(|| bad("unreadable issuer name".into()))?;
        let time = |el: &asn1::Element<'_>| crate::cms::parse_time(el).map_err(|e| bad(format!("CRL time: {e}")));
        let this_update = time(&t.required("thisUpdate").map_err(|e| bad(e.to_string()))?)?;
        let next_update = match t.peek_tag() {
            Some(tag) if tag == Tag::UTC_TIME || tag == Tag::GENERALIZED_TIME => {
                Some(time(&t.required("nextUpdate").map_err(|e| bad(e.to_string()))?)?)
            }
            _ => None,
        };
        let mut entries = Vec::new();
        let mut entry_issuers: Vec<Name> = Vec::new();
        if t.peek_tag() == Some(Tag::SEQUENCE) {
            let list = t.required("revokedCertificates").map_err(|e| bad(e.to_string()))?;
            read_entries(&list, &mut entries, &mut entry_issuers)?;
        }
        let extensions = t.optional(Tag::context(0, true)).map_err(|e| bad(e.to_string()))?;
        t.finish("TBSCertList").map_err(|e| bad(e.to_string()))?;
        entries.sort_unstable_by(|a: &Entry, b: &Entry| {
            (a.issuer, &der[a.serial_range()]).cmp(&(b.issuer, &der[b.serial_range()]))
        });
        let mut crl = Crl {
            der: der.to_vec(),
            sha256: DigestAlgorithm::Sha256.digest(der).try_into().unwrap_or([0; 32]),
            tbs: tbs_range,
            signature_algorithm: SignatureAlgorithm::from_algorithm_identifier(&alg, None),
            signature: sig.to_vec(),
            issuer,
            this_update,
            next_update,
            entries,
            entry_issuers,
            scope: None,
            delta: false,
            unprocessed_critical: Vec::new(),
        };
        if let Some(exts) = extensions {
            let list = exts.children().required("Extensions").map_err(|e| bad(e.to_string()))?;
            let mut r = list.children();
            while let Some(el) = r.next().map_err(|e| bad(e.to_string()))? {
                let (_, ext) = X509Extension::from_der(el.raw).map_err(|e| bad(format!("CRL extension: {e}")))?;
                crl.add_extension(&ext)?;
            }
        }
        Ok(crl)
    }

    /// Records one crlExtension (RFC 5280 5.2).
    fn add_extension(&mut self, ext: &X509Extension<'_>) -> Result<(), CrlError> {
        let ext_oid = Oid::from_der_contents(ext.oid.as_bytes()).map_err(|e| CrlError::Malformed(e.to_string()))?;
        match ext.parsed_extension() {
            ParsedExtension::IssuingDistributionPoint(idp) => {
                let relative = asn1::read_single(ext.value, "IssuingDistributionPoint")
                    .ok()
                    .and_then(|e| relative_rdn_der(&e))
                    .and_then(|der| relative_name(&der, &self.issuer));
                let distribution_point = match relative {
                    Some(n) => Some(vec![GeneralName::Directory(n)]),
                    None => idp.distribution_point.as_ref().map(|n| point_names(n, &self.issuer)),
                };
                self.scope = Some(CrlScope {
                    distribution_point,
                    only_user_certs: idp.only_contains_user_certs,
                    only_ca_certs: idp.only_contains_ca_certs,
                    only_some_reasons: idp.only_some_reasons.as_ref().map(ReasonSet::from_parsed),
                    indirect: idp.indirect_crl,
                    only_attribute_certs: idp.only_contains_attribute_certs,
                });
            }
            ParsedExtension::ParseError { error } => {
                return Err(CrlError::Malformed(format!("CRL extension {ext_oid}: {error}")));
            }
            _ if ext_oid == oid::DELTA_CRL_INDICATOR => self.delta = true,
            _ if ext_oid == oid::CRL_NUMBER || ext_oid == oid::AUTHORITY_KEY_IDENTIFIER => {}
            _ if ext.critical => self.unprocessed_critical.push(ext_oid),
            _ => {}
        }
        Ok(())
    }

    /// Parses PEM (`X509 CRL`) or DER.
    pub fn from_pem_or_der(data: &[u8]) -> Result<Vec<Self>, CrlError> {
        match crate::pem::decode_all(data, &["X509 CRL"]) {
            Some(blocks) => blocks.iter().map(|b| Self::from_der(b)).collect(),
            None if data.first() != Some(&0x30) => {
                Err(CrlError::Malformed("neither a PEM X509 CRL block nor DER".into()))
            }
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
        self.len() == 0
    }
    /// The entry for a certificate of `issuer` with `serial` (INTEGER contents octets as
    /// encoded, see [`Certificate::serial_contents`]), if listed. Entries of other issuers in
    /// an indirect CRL are told apart by their certificateIssuer.
    pub fn entry(&self, issuer: &Name, serial: &[u8]) -> Option<RevokedEntry> {
        let mut keys: Vec<u32> = Vec::new();
        if self.issuer.matches(issuer) {
            keys.push(0);
        }
        keys.extend(
            self.entry_issuers.iter().enumerate().filter(|(_, n)| n.matches(issuer)).map(|(i, _)| i as u32 + 1),
        );
        keys.into_iter().find_map(|k| {
            self.entries.binary_search_by(|e| (e.issuer, &self.der[e.serial_range()]).cmp(&(k, serial))).ok().map(|i| {
                RevokedEntry { revocation_date: self.entries[i].revocation_date, reason: self.entries[i].reason }
            })
        })
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

/// Largest number of entries read from one CRL (bounded in practice by [`MAX_CRL_SIZE`]).
pub const MAX_CRL_ENTRIES: usize = 8_000_000;

/// One revoked certificate in the flat table.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// 0: the CRL issuer; `i + 1`: `entry_issuers[i]`.
    issuer: u32,
    /// The serial's INTEGER contents, as a span of the CRL's encoding.
    serial_start: u32,
    serial_len: u16,
    revocation_date: OffsetDateTime,
    reason: Option<Reason>,
}

impl Entry {
    fn serial_range(&self) -> Range<usize> {
        self.serial_start as usize..self.serial_start as usize + self.serial_len as usize
    }
}

/// Reads revokedCertificates (RFC 5280 5.1.2.6) into the flat table.
fn read_entries(list: &asn1::Element<'_>, entries: &mut Vec<Entry>, issuers: &mut Vec<Name>) -> Result<(), CrlError> {
    let bad = |m: String| CrlError::Malformed(m);
    // RFC 5280 5.3.3: an entry without certificateIssuer belongs to the previous entry's
    // issuer, the first ones to the CRL issuer.
    let mut current: u32 = 0;
    let mut r = list.children_bounded(MAX_CRL_ENTRIES);
    while let Some(el) = r.next().map_err(|e| bad(e.to_string()))? {
        let mut f = el.children();
        let serial = f.required("userCertificate").and_then(|s| s.expect(Tag::INTEGER, "userCertificate"));
        let serial = serial.map_err(|e| bad(e.to_string()))?;
        if serial.contents.is_empty() || serial.contents.len() > usize::from(u16::MAX) {
            return Err(bad("malformed serial number in a CRL entry".into()));
        }
        let date = f.required("revocationDate").map_err(|e| bad(e.to_string()))?;
        let revocation_date = crate::cms::parse_time(&date).map_err(|e| bad(format!("revocationDate: {e}")))?;
        let mut reason = None;
        if let Some(exts) = f.next().map_err(|e| bad(e.to_string()))? {
            let mut er = exts.children();
            while let Some(ext) = er.next().map_err(|e| bad(e.to_string()))? {
                let mut x = ext.children();
                let ext_oid = x.required("extnID").and_then(|o| o.oid()).map_err(|e| bad(e.to_string()))?;
                let critical = match x.optional(Tag::BOOLEAN).map_err(|e| bad(e.to_string()))? {
                    Some(b) => b.contents.first().is_some_and(|v| *v != 0),
                    None => false,
                };
                let value = x.required("extnValue").map_err(|e| bad(e.to_string()))?;
                if ext_oid == oid::CRL_REASON {
                    // ENUMERATED (tag 10), one octet
                    let code = asn1::read_single(value.contents, "reasonCode")
                        .ok()
                        .filter(|v| v.tag == Tag::ENUMERATED && v.contents.len() == 1)
                        .and_then(|v| Reason::from_code(v.contents[0]));
                    reason = Some(code.ok_or_else(|| bad("malformed reasonCode".into()))?);
                } else if ext_oid == oid::CERTIFICATE_ISSUER {
                    let name = certificate_issuer(value.contents)
                        .ok_or_else(|| bad("malformed certificateIssuer entry extension".into()))?;
                    current = match issuers.iter().position(|n| n.matches(&name)) {
                        Some(i) => i as u32 + 1,
                        None => {
                            issuers.push(name);
                            issuers.len() as u32
                        }
                    };
                } else if critical && ext_oid != oid::INVALIDITY_DATE {
                    return Err(bad(format!("unsupported critical CRL entry extension {ext_oid}")));
                }
            }
        }
        entries.push(Entry {
            issuer: current,
            serial_start: u32::try_from(serial.offset + serial.raw.len() - serial.contents.len())
                .map_err(|_| bad("CRL too large".into()))?,
            serial_len: serial.contents.len() as u16,
            revocation_date,
            reason,
        });
    }
    Ok(())
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
