//! Revocation information: CRLs (RFC 5280 5) now, OCSP later, behind [`RevocationSource`].

mod crl;

pub use crl::{Crl, CrlError, CrlScope, MAX_CRL_SIZE, Reason, RevokedEntry};

use std::sync::Arc;

use serde::Serialize;
use time::OffsetDateTime;

use crate::x509::Certificate;

/// Where revocation data for a certificate can be looked up.
///
/// Implementations hold CRLs (and later OCSP responses) from files, the signature itself, a
/// cache or the network; the validation process only asks for candidates.
pub trait RevocationSource: Send + Sync {
    /// CRLs that may cover `cert` (typically those whose issuer is the certificate's issuer).
    fn crls_for(&self, cert: &Certificate) -> Vec<Arc<Crl>>;
}

/// A fixed set of CRLs.
#[derive(Debug, Default, Clone)]
pub struct CrlSet {
    crls: Vec<Arc<Crl>>,
}

impl CrlSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a CRL (duplicates by digest are ignored).
    pub fn add(&mut self, crl: Arc<Crl>) {
        if !self.crls.iter().any(|c| c.sha256() == crl.sha256()) {
            self.crls.push(crl);
        }
    }
    /// Every CRL of the set.
    pub fn all(&self) -> &[Arc<Crl>] {
        &self.crls
    }
}

impl RevocationSource for CrlSet {
    fn crls_for(&self, cert: &Certificate) -> Vec<Arc<Crl>> {
        self.crls.iter().filter(|c| c.issuer().matches(cert.issuer())).cloned().collect()
    }
}

/// The revocation status established for one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RevocationStatus {
    /// A usable CRL does not list the certificate.
    Good,
    /// A usable CRL lists the certificate as revoked.
    Revoked,
    /// Listed with reason certificateHold: suspended, may come back.
    OnHold,
    /// No usable revocation information.
    Unknown,
    /// Revocation was not checked (explicitly disabled).
    NotChecked,
}

/// The outcome of revocation checking for one certificate of the path.
#[derive(Debug, Clone, Serialize)]
pub struct RevocationResult {
    /// SHA-256 of the certificate.
    pub certificate: String,
    /// Subject of the certificate.
    pub subject: String,
    /// The status.
    pub status: RevocationStatus,
    /// Where the answer came from (`crl:<sha256>`), if any.
    pub source: Option<String>,
    /// thisUpdate of the CRL used.
    #[serde(with = "time::serde::rfc3339::option")]
    pub this_update: Option<OffsetDateTime>,
    /// nextUpdate of the CRL used.
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_update: Option<OffsetDateTime>,
    /// Revocation date, when revoked or on hold.
    #[serde(with = "time::serde::rfc3339::option")]
    pub revocation_date: Option<OffsetDateTime>,
    /// CRL reason, when given.
    pub reason: Option<String>,
    /// Why candidate CRLs were not usable.
    pub notes: Vec<String>,
}

/// Checks `cert` (issued by `issuer`) against the CRLs from `source` at `time`
/// (RFC 5280 6.3, first cut).
///
/// A CRL is used only if its issuer name is the certificate's issuer, it is signed by
/// `issuer`'s key (which must allow cRLSign when keyUsage is present), it is current
/// (thisUpdate <= time <= nextUpdate), it has no unsupported critical extension and its scope
/// covers the certificate. Of the usable CRLs the most recent one decides.
pub fn check_crls(
    cert: &Certificate,
    issuer: &Certificate,
    source: &dyn RevocationSource,
    time: OffsetDateTime,
) -> RevocationResult {
    let mut result = RevocationResult {
        certificate: cert.sha256_hex(),
        subject: cert.subject().to_string(),
        status: RevocationStatus::Unknown,
        source: None,
        this_update: None,
        next_update: None,
        revocation_date: None,
        reason: None,
        notes: Vec::new(),
    };
    let mut best: Option<Arc<Crl>> = None;
    for crl in source.crls_for(cert) {
        match crl.usable_for(cert, issuer, time) {
            Ok(()) => {
                if best.as_ref().is_none_or(|b| crl.this_update() > b.this_update()) {
                    best = Some(crl);
                }
            }
            Err(why) => result.notes.push(format!("CRL {} not usable: {why}", &crl.sha256_hex()[..16])),
        }
    }
    let Some(crl) = best else {
        if result.notes.is_empty() {
            result.notes.push(format!("no CRL from {} was supplied", cert.issuer()));
        }
        return result;
    };
    result.source = Some(format!("crl:{}", crl.sha256_hex()));
    result.this_update = Some(crl.this_update());
    result.next_update = crl.next_update();
    result.status = match crl.entry(cert.serial_contents()) {
        Some(e) if e.revocation_date > time => RevocationStatus::Good,
        Some(e) => {
            result.revocation_date = Some(e.revocation_date);
            result.reason = e.reason.map(|r| r.to_string());
            match e.reason {
                Some(crl::Reason::RemoveFromCrl) => RevocationStatus::Good,
                Some(crl::Reason::CertificateHold) => RevocationStatus::OnHold,
                _ => RevocationStatus::Revoked,
            }
        }
        None => RevocationStatus::Good,
    };
    result
}
