//! Revocation information: CRLs (RFC 5280 5) now, OCSP later, behind [`RevocationSource`].

mod crl;

pub use crl::{Crl, CrlError, CrlScope, MAX_CRL_SIZE, Reason, RevokedEntry};

use std::sync::Arc;

use serde::Serialize;
use time::OffsetDateTime;

use crate::x509::{
    AnchorSet, Certificate, DistributionPoint, GeneralName, PathOptions, ReasonSet, build_path, check_leaf,
};

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
        self.crls.iter().filter(|c| may_cover(c, cert)).cloned().collect()
    }
}

/// Whether `crl` is issued by `cert`'s issuer or by a cRLIssuer its distribution points name.
pub fn may_cover(crl: &Crl, cert: &Certificate) -> bool {
    crl.issuer().matches(cert.issuer())
        || cert.crl_distribution_points().iter().flat_map(|d| &d.crl_issuer).any(|n| match n {
            GeneralName::Directory(d) => d.matches(crl.issuer()),
            _ => false,
        })
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

/// How deep CRL-signer certificates are themselves checked for revocation: a CRL signed by a
/// key other than the certificate issuer's (RFC 5280 6.3.3 (f)) needs its own path, whose
/// certificates need CRLs in turn.
pub const MAX_CRL_SIGNER_DEPTH: usize = 2;

/// What CRL processing needs besides the certificate: where CRLs come from, the certificates
/// that may have signed them and the anchors their paths must reach, and the time.
#[derive(Clone, Copy)]
pub struct CrlContext<'a> {
    /// Candidate CRLs.
    pub source: &'a dyn RevocationSource,
    /// Trust anchors.
    pub anchors: &'a AnchorSet,
    /// Other known certificates (CRL signers may be among them).
    pub certificates: &'a [Arc<Certificate>],
    /// The validation time.
    pub time: OffsetDateTime,
    /// Nesting of CRL-signer checks so far.
    pub depth: usize,
    /// A CRL signer whose own path is being checked: CRLs it signed are accepted for that path
    /// (an indirect CRL issuer commonly covers its own certificate).
    pub signer_in_check: Option<&'a Certificate>,
    /// Freshness required by the policy: CRLs issued longer ago than this before the
    /// validation time are not used.
    pub max_crl_age: Option<time::Duration>,
}

/// Checks `cert` (issued by `issuer`) against CRLs per RFC 5280 6.3.
///
/// For each distribution point of the certificate (or, without cRLDistributionPoints, one
/// covering all reasons), candidate CRLs are used when they are current, in scope (issuer or
/// indirect cRLIssuer, issuingDistributionPoint names and certificate kinds), free of unknown
/// critical extensions and signed by a key entitled to sign them whose own path is valid.
/// Reasons covered by the usable CRLs accumulate until every reason is covered; a listed
/// serial gives REVOKED (or ON_HOLD for certificateHold). Delta CRLs are not processed yet.
pub fn check_crls(cert: &Certificate, issuer: &Certificate, ctx: &CrlContext<'_>) -> RevocationResult {
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
    let all_reasons = [DistributionPoint { names: None, reasons: None, crl_issuer: Vec::new() }];
    let points =
        if cert.crl_distribution_points().is_empty() { &all_reasons[..] } else { cert.crl_distribution_points() };
    let candidates = ctx.source.crls_for(cert);
    if candidates.is_empty() {
        result.notes.push(format!("no CRL from {} was supplied", cert.issuer()));
        return result;
    }
    let mut covered = ReasonSet::EMPTY;
    for dp in points {
        for crl in &candidates {
            if covered == ReasonSet::ALL {
                break;
            }
            let reasons = match crl_applies(crl, cert, issuer, dp, ctx) {
                Ok(r) => r,
                Err(why) => {
                    let note = format!("CRL {} not usable: {why}", &crl.sha256_hex()[..16]);
                    if !result.notes.contains(&note) {
                        result.notes.push(note);
                    }
                    continue;
                }
            };
            // RFC 5280 6.3.3 (d): a CRL that adds no reason is not needed.
            if reasons.is_subset_of(covered) {
                continue;
            }
            result.source = Some(format!("crl:{}", crl.sha256_hex()));
            result.this_update = Some(crl.this_update());
            result.next_update = crl.next_update();
            // RFC 5280 6.3.3 (i), (j)
            if let Some(e) = crl.entry(cert.issuer(), cert.serial_contents())
                && e.revocation_date <= ctx.time
                && e.reason != Some(Reason::RemoveFromCrl)
            {
                result.revocation_date = Some(e.revocation_date);
                result.reason = e.reason.map(|r| r.to_string());
                result.status = if e.reason == Some(Reason::CertificateHold) {
                    RevocationStatus::OnHold
                } else {
                    RevocationStatus::Revoked
                };
                return result;
            }
            covered = covered.union(reasons);
        }
    }
    if covered == ReasonSet::ALL {
        result.status = RevocationStatus::Good;
    } else if result.source.is_some() {
        result.notes.push("the usable CRLs do not cover every revocation reason".into());
    }
    result
}

/// RFC 5280 6.3.3 (a), (b), (c), (f), (g), (i) for one CRL and one distribution point;
/// returns the reasons the CRL covers for this point.
fn crl_applies(
    crl: &Crl,
    cert: &Certificate,
    issuer: &Certificate,
    dp: &DistributionPoint,
    ctx: &CrlContext<'_>,
) -> Result<ReasonSet, String> {
    if crl.is_delta() {
        return Err("delta CRLs are not processed yet".into());
    }
    // RFC 5280 5.2: an unrecognized critical CRL extension makes the CRL unusable.
    if let Some(o) = crl.unprocessed_critical_extensions().first() {
        return Err(format!("unsupported critical extension {o}"));
    }
    // (a) current at the validation time
    if crl.this_update() > ctx.time {
        return Err(format!("issued after the validation time (thisUpdate {})", crl.this_update()));
    }
    if let Some(n) = crl.next_update().filter(|n| *n < ctx.time) {
        return Err(format!("stale at the validation time (nextUpdate {n})"));
    }
    if let Some(age) = ctx.max_crl_age.filter(|a| crl.this_update() + *a < ctx.time) {
        return Err(format!(
            "older than the policy allows ({} days, thisUpdate {})",
            age.whole_days(),
            crl.this_update()
        ));
    }
    let scope = crl.scope();
    // (b)(1): the CRL issuer is the certificate issuer, or the distribution point's cRLIssuer
    // with an indirect CRL.
    let indirect_issuer =
        dp.crl_issuer.iter().any(|n| matches!(n, GeneralName::Directory(d) if d.matches(crl.issuer())));
    if indirect_issuer {
        if !scope.is_some_and(|s| s.indirect) {
            return Err("issued by the cRLIssuer but not marked as an indirect CRL".into());
        }
    } else if !crl.issuer().matches(cert.issuer()) {
        return Err("issued by a different CA".into());
    } else if !dp.crl_issuer.is_empty() {
        return Err("the distribution point names another CRL issuer".into());
    }
    // (b)(2)
    if let Some(s) = scope {
        if let Some(idp_names) = &s.distribution_point {
            let dp_names = dp.names.as_ref().unwrap_or(&dp.crl_issuer);
            if !idp_names.iter().any(|a| dp_names.iter().any(|b| a.same_as(b))) {
                return Err("its distribution point is not one of the certificate's".into());
            }
        }
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
    }
    // (c)
    let reasons = scope
        .and_then(|s| s.only_some_reasons)
        .unwrap_or(ReasonSet::ALL)
        .intersection(dp.reasons.unwrap_or(ReasonSet::ALL));
    // (f), (g)
    check_crl_signer(crl, issuer, ctx)?;
    Ok(reasons)
}

/// RFC 5280 6.3.3 (f), (g): the CRL is signed by the certificate's issuer, or by another
/// certificate of the CRL issuer's name with cRLSign whose own path reaches an anchor and is
/// not revoked.
fn check_crl_signer(crl: &Crl, issuer: &Certificate, ctx: &CrlContext<'_>) -> Result<(), String> {
    let may_sign = |c: &Certificate| c.key_usage().is_some_and(|ku| ku.crl_sign());
    let mut why = Vec::new();
    if crl.issuer().matches(issuer.subject()) {
        match crl.check_issued_by(issuer) {
            Ok(()) => return Ok(()),
            Err(e) => why.push(e),
        }
    }
    let others = ctx
        .anchors
        .iter()
        .map(|c| (c, true))
        .chain(ctx.certificates.iter().map(|c| (c, false)))
        .filter(|(c, _)| c.sha256() != issuer.sha256() && c.subject().matches(crl.issuer()) && may_sign(c));
    for (signer, is_anchor) in others {
        if crl.verify_signed_by(signer).is_err() {
            continue;
        }
        if is_anchor || ctx.signer_in_check.is_some_and(|s| s.sha256() == signer.sha256()) {
            return Ok(());
        }
        if ctx.depth >= MAX_CRL_SIGNER_DEPTH {
            why.push("CRL signer nesting too deep".into());
            continue;
        }
        let opts = PathOptions {
            anchors: ctx.anchors,
            intermediates: ctx.certificates,
            time: ctx.time,
            policy: Default::default(),
        };
        let path = match build_path(signer, &opts).and_then(|p| check_leaf(signer, ctx.time).map(|_| p)) {
            Ok(p) => p,
            Err(e) => {
                why.push(format!("CRL signer {}: {e}", signer.subject()));
                continue;
            }
        };
        let inner = CrlContext { depth: ctx.depth + 1, signer_in_check: Some(signer), ..*ctx };
        let revoked = path.certs.windows(2).find_map(|w| {
            let r = check_crls(&w[0], &w[1], &inner);
            (r.status != RevocationStatus::Good).then(|| format!("{} is {:?}", w[0].subject(), r.status))
        });
        match revoked {
            None => return Ok(()),
            Some(w) => why.push(format!("CRL signer path: {w}")),
        }
    }
    Err(if why.is_empty() {
        "no certificate that may have signed it verifies its signature".into()
    } else {
        why.join("; ")
    })
}
