//! Where trust comes from: explicit anchors ([`TrustAnchors`]), or trusted lists
//! ([`crate::tl::ListTrust`]), behind one trait.

use std::sync::Arc;

use crate::x509::Certificate;

/// A source of trust anchors.
pub trait TrustSource: Send + Sync {
    /// Every anchor this source vouches for at the validation time.
    fn anchors(&self) -> Vec<Arc<Certificate>>;

    /// Why `anchor` is trusted, for reports (for a trusted list: the list and the service).
    fn provenance(&self, anchor: &Certificate) -> Option<String> {
        let _ = anchor;
        None
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
    /// The lists: territory, sequence number and SHA-256 of each.
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
}

/// Several trust sources as one (operator anchors and trusted lists, say).
pub struct CombinedTrust(pub Vec<Arc<dyn TrustSource>>);

impl TrustSource for CombinedTrust {
    fn anchors(&self) -> Vec<Arc<Certificate>> {
        let mut all: Vec<Arc<Certificate>> = Vec::new();
        for c in self.0.iter().flat_map(|s| s.anchors()) {
            if !all.iter().any(|a| a.sha256() == c.sha256()) {
                all.push(c);
            }
        }
        all
    }

    fn provenance(&self, anchor: &Certificate) -> Option<String> {
        self.0.iter().find_map(|s| s.provenance(anchor))
    }

    fn snapshot(&self) -> Option<TrustSnapshot> {
        self.0.iter().find_map(|s| s.snapshot())
    }
}

/// A fixed set of anchor certificates given by the operator.
#[derive(Debug, Default, Clone)]
pub struct TrustAnchors {
    anchors: Vec<Arc<Certificate>>,
}

impl TrustAnchors {
    /// An empty set (nothing is trusted).
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds an anchor; duplicates are ignored.
    pub fn add(&mut self, c: Arc<Certificate>) {
        if !self.anchors.iter().any(|a| a.sha256() == c.sha256()) {
            self.anchors.push(c);
        }
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
    fn anchors(&self) -> Vec<Arc<Certificate>> {
        self.anchors.clone()
    }
}
