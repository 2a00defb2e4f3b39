//! Trust anchors indexed for path building: a trusted list set holds thousands of CA
//! certificates, and each step of a path looks up the few whose subject is the child's issuer.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::Certificate;

/// A set of anchor certificates, without duplicates, indexed by normalized subject name.
///
/// ```
/// use std::sync::Arc;
/// use confia::x509::{AnchorSet, Certificate};
/// let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors/pki/root.pem")).unwrap();
/// let root = Arc::new(Certificate::from_pem_or_der(&pem).unwrap().remove(0));
/// let set: AnchorSet = [root.clone(), root.clone()].into_iter().collect();
/// assert_eq!(set.len(), 1);
/// assert!(set.contains(&root));
/// // A self-signed root is its own issuer.
/// assert_eq!(set.issuers_of(&root).count(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct AnchorSet {
    certs: Vec<Arc<Certificate>>,
    by_subject: HashMap<Vec<String>, Vec<usize>>,
    digests: HashSet<[u8; 32]>,
}

impl AnchorSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `c`; returns false when it was already present.
    pub fn insert(&mut self, c: Arc<Certificate>) -> bool {
        if !self.digests.insert(*c.sha256()) {
            return false;
        }
        self.by_subject.entry(c.subject().normalized().to_vec()).or_default().push(self.certs.len());
        self.certs.push(c);
        true
    }

    /// Whether this very certificate (same SHA-256) is an anchor.
    pub fn contains(&self, c: &Certificate) -> bool {
        self.digests.contains(c.sha256())
    }

    /// The anchors that may have issued `child`: subject equal to its issuer name (RFC 5280
    /// 7.1 comparison) and, when both carry key identifiers, a subject key identifier equal to
    /// its authority key identifier. Signatures are not checked here.
    pub fn issuers_of<'s>(&'s self, child: &'s Certificate) -> impl Iterator<Item = &'s Arc<Certificate>> + 's {
        self.by_subject
            .get(child.issuer().normalized())
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.certs[i])
            .filter(move |c| c.subject().matches(child.issuer()))
            .filter(move |c| match (child.authority_key_id(), c.subject_key_id()) {
                (Some(aki), Some(ski)) => aki == ski,
                _ => true,
            })
    }

    /// The anchors in insertion order.
    pub fn iter(&self) -> std::slice::Iter<'_, Arc<Certificate>> {
        self.certs.iter()
    }

    /// Number of anchors.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }
}

impl FromIterator<Arc<Certificate>> for AnchorSet {
    fn from_iter<I: IntoIterator<Item = Arc<Certificate>>>(iter: I) -> Self {
        let mut set = AnchorSet::new();
        for c in iter {
            set.insert(c);
        }
        set
    }
}

impl Extend<Arc<Certificate>> for AnchorSet {
    fn extend<I: IntoIterator<Item = Arc<Certificate>>>(&mut self, iter: I) {
        for c in iter {
            self.insert(c);
        }
    }
}

impl<'s> IntoIterator for &'s AnchorSet {
    type Item = &'s Arc<Certificate>;
    type IntoIter = std::slice::Iter<'s, Arc<Certificate>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
