//! Where trust comes from. Explicit anchors now; trusted lists (TS 119 612) later implement the
//! same trait.

use std::sync::Arc;

use crate::x509::Certificate;

/// A source of trust anchors.
pub trait TrustSource: Send + Sync {
    /// Every anchor this source vouches for at the validation time.
    fn anchors(&self) -> Vec<Arc<Certificate>>;
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
