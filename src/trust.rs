//! Where trust comes from: explicit anchors ([`TrustAnchors`]), or trusted lists
//! ([`crate::tl::ListTrust`]), behind one trait, per purpose ([`TrustPurpose`]).

use std::sync::Arc;

use crate::report::Message;
use crate::x509::{AnchorSet, Certificate};

/// What an anchor is trusted for. Trusted lists say it through the service type: a time-stamping
/// service does not vouch for signing certificates, nor a certification authority for
/// time-stamps (TS 119 612 5.5.1, TS 119 615).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrustPurpose {
    /// Paths of signing (and other end-entity) certificates: certification authorities.
    Signing,
    /// Paths of time-stamp units: time-stamping authorities.
    TimeStamping,
    /// Paths of CRL issuers and OCSP responders: certificate status services, and the
    /// certification authorities that sign their own status information.
    Revocation,
}

impl TrustPurpose {
    /// Every purpose.
    pub const ALL: [TrustPurpose; 3] = [TrustPurpose::Signing, TrustPurpose::TimeStamping, TrustPurpose::Revocation];
}

/// A source of trust anchors.
pub trait TrustSource: Send + Sync {
    /// The anchors this source vouches for, for `purpose`, at the validation time.
    fn anchors(&self, purpose: TrustPurpose) -> Arc<AnchorSet>;

    /// Why `anchor` is trusted, for reports (for a trusted list: the list and the service).
    fn provenance(&self, anchor: &Certificate) -> Option<String> {
        let _ = anchor;
        None
    }

    /// What the policy has to say about relying on `anchor` (for a trusted list: that it is
    /// past its next update), added to the report of every signature whose path ends there.
    fn findings(&self, anchor: &Certificate) -> Vec<Message> {
        let _ = anchor;
        Vec::new()
    }

    /// The identity of the trust data in use, for reports: a validation can be replayed
    /// against exactly the same trust. `None` for operator-given anchors.
    fn snapshot(&self) -> Option<TrustSnapshot> {
        None
    }
}

/// The set of trusted lists a validation used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TrustSnapshot {
    /// SHA-256 over the sorted SHA-256 values of the lists (hex, one per line).
    pub digest: String,
    /// The lists: territory, sequence number and SHA-256 of each; lists of lists first, then by
    /// territory and sequence number.
    pub lists: Vec<ListRef>,
}

/// One list of a [`TrustSnapshot`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListRef {
    /// SchemeTerritory.
    pub territory: String,
    /// TSLSequenceNumber.
    pub sequence: u64,
    /// SHA-256 of the list document.
    pub sha256: String,
    /// The list's own verification result (only TOTAL_PASSED lists contribute anchors).
    #[serde(flatten)]
    pub verdict: crate::validation::Verdict,
    /// NextUpdate (`None`: a closed list).
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_update: Option<time::OffsetDateTime>,
    /// Past its next update (or closed) at the validation time.
    pub expired: bool,
    /// Whether the list gave anchors: it verified, and the policy accepts it as it is.
    pub used: bool,
    /// SHA-256 of the list of lists that pinned its signer, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned_by: Option<String>,
    /// Why the list gave no anchors, when it gave none: the first error its verification
    /// reported, or what the policy refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Several trust sources as one (operator anchors and trusted lists, say): the union of their
/// anchors per purpose, computed once.
pub struct CombinedTrust {
    sources: Vec<Arc<dyn TrustSource>>,
    sets: [Arc<AnchorSet>; 3],
}

impl CombinedTrust {
    /// Combines `sources`; provenance and snapshot come from the first source that has them.
    pub fn new(sources: Vec<Arc<dyn TrustSource>>) -> Self {
        let sets = TrustPurpose::ALL.map(|p| {
            let mut set = AnchorSet::new();
            for s in &sources {
                set.extend(s.anchors(p).iter().cloned());
            }
            Arc::new(set)
        });
        CombinedTrust { sources, sets }
    }
}

impl TrustSource for CombinedTrust {
    fn anchors(&self, purpose: TrustPurpose) -> Arc<AnchorSet> {
        self.sets[purpose as usize].clone()
    }

    fn provenance(&self, anchor: &Certificate) -> Option<String> {
        self.sources.iter().find_map(|s| s.provenance(anchor))
    }

    fn findings(&self, anchor: &Certificate) -> Vec<Message> {
        self.sources.iter().flat_map(|s| s.findings(anchor)).collect()
    }

    fn snapshot(&self) -> Option<TrustSnapshot> {
        self.sources.iter().find_map(|s| s.snapshot())
    }
}

/// A fixed set of anchor certificates given by the operator, trusted for every purpose (as
/// OpenSSL's `-CAfile`).
///
/// ```
/// use std::sync::Arc;
/// use confia::trust::{TrustAnchors, TrustPurpose, TrustSource};
/// use confia::x509::Certificate;
/// let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors/pki/root.pem")).unwrap();
/// let mut anchors = TrustAnchors::new();
/// anchors.add(Arc::new(Certificate::from_pem_or_der(&pem).unwrap().remove(0)));
/// assert_eq!(anchors.anchors(TrustPurpose::TimeStamping).len(), 1);
/// ```
#[derive(Debug, Default, Clone)]
pub struct TrustAnchors {
    anchors: Arc<AnchorSet>,
}

impl TrustAnchors {
    /// An empty set (nothing is trusted).
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds an anchor; duplicates are ignored.
    pub fn add(&mut self, c: Arc<Certificate>) {
        Arc::make_mut(&mut self.anchors).insert(c);
    }
    /// Number of anchors.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }
    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}

impl TrustSource for TrustAnchors {
    fn anchors(&self, _: TrustPurpose) -> Arc<AnchorSet> {
        self.anchors.clone()
    }
}
