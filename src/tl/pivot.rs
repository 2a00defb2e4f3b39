//! EU LOTL pivots: when the keys that sign the list of lists change, the Commission publishes
//! "pivot" lists. The keys announced in the Official Journal verify the oldest pivot; each
//! pivot's pointer to the list of lists itself pins the keys of the next one, up to the
//! current list of lists. This module follows that chain.

use std::sync::Arc;

use super::model::TrustedList;
use super::{ListReport, ListTime, Mode, TlError, verify_list};
use crate::policy::Policy;
use crate::validation::Verdict;
use crate::x509::Certificate;

/// The pivot lists a list of lists names in its SchemeInformationURI, newest first as
/// published (URIs of XML documents containing `pivot`).
pub fn pivot_uris(lotl: &TrustedList) -> Vec<String> {
    lotl.scheme_information_uris
        .iter()
        .filter(|u| u.to_ascii_lowercase().contains("pivot") && u.to_ascii_lowercase().ends_with(".xml"))
        .cloned()
        .collect()
}

/// The signers a list of lists pins for the next list of lists: its pointer of the same
/// territory and list-of-lists type.
pub fn next_signers(lotl: &TrustedList) -> Vec<Arc<Certificate>> {
    lotl.pointers
        .iter()
        .filter(|p| p.territory.as_deref() == Some(lotl.territory.as_str()))
        .filter(|p| p.list_type.as_deref().is_some_and(|t| t.to_ascii_lowercase().ends_with("listofthelists")))
        .filter(|p| p.is_xml())
        .flat_map(|p| p.signers.iter().cloned())
        .collect()
}

/// Why the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PivotError {
    /// A pivot cannot be read.
    #[error("pivot {index}: {error}")]
    Unreadable {
        /// Position in the chain, oldest first.
        index: usize,
        /// Why.
        error: TlError,
    },
    /// A pivot's signature does not verify with the keys the previous link pins.
    #[error("pivot {index} (#{sequence}) does not verify with the keys pinned for it: {verdict}")]
    NotVerified {
        /// Position in the chain, oldest first.
        index: usize,
        /// Its sequence number.
        sequence: u64,
        /// Its indication.
        verdict: Verdict,
    },
    /// A link is not a list of lists, or not of the chain's territory.
    #[error("pivot {index} (#{sequence}) is not a list of lists of the chain's territory ({territory})")]
    NotAPivot {
        /// Position in the chain, oldest first.
        index: usize,
        /// Its sequence number.
        sequence: u64,
        /// The chain's territory (the first pivot's).
        territory: String,
    },
    /// A link is not newer than the one before it (or the list of lists than the last pivot).
    #[error("pivot {index} (#{sequence}) is not newer than the link before it (#{previous})")]
    OutOfOrder {
        /// Position in the chain, oldest first (the number of pivots: the list of lists).
        index: usize,
        /// Its sequence number.
        sequence: u64,
        /// The sequence number of the link before it.
        previous: u64,
    },
    /// A pivot pins no key for the next list of lists.
    #[error("pivot {index} (#{sequence}) pins no key for the next list of lists")]
    PinsNoKeys {
        /// Position in the chain, oldest first.
        index: usize,
        /// Its sequence number.
        sequence: u64,
    },
}

/// A pivot chain followed to its end.
#[derive(Debug, Clone)]
pub struct Followed {
    /// The keys the newest pivot pins for the current list of lists (the starting keys when
    /// there is no pivot).
    pub signers: Vec<Arc<Certificate>>,
    /// Each pivot, oldest first, with its verification report: the chain belongs to the trust
    /// a validation used, so a snapshot can name it.
    pub pivots: Vec<(TrustedList, ListReport)>,
}

impl PivotError {
    /// The position of the link at fault, oldest first (the number of pivots: the list of lists
    /// that was to follow them).
    pub fn index(&self) -> usize {
        match self {
            PivotError::Unreadable { index, .. }
            | PivotError::NotVerified { index, .. }
            | PivotError::NotAPivot { index, .. }
            | PivotError::OutOfOrder { index, .. }
            | PivotError::PinsNoKeys { index, .. } => *index,
        }
    }
}

impl Followed {
    /// Whether `lotl` may follow the chain: a list of lists of the chain's territory, newer
    /// than its last pivot (always, for an empty chain).
    pub fn admits(&self, lotl: &TrustedList) -> Result<(), PivotError> {
        let Some((last, _)) = self.pivots.last() else { return Ok(()) };
        let index = self.pivots.len();
        if !lotl.is_list_of_lists() || lotl.territory != last.territory {
            return Err(PivotError::NotAPivot { index, sequence: lotl.sequence, territory: last.territory.clone() });
        }
        if lotl.sequence <= last.sequence {
            return Err(PivotError::OutOfOrder { index, sequence: lotl.sequence, previous: last.sequence });
        }
        Ok(())
    }
}

/// Follows the pivots (`pivots`, oldest first) from the Official Journal keys `oj_signers`,
/// each verified at its issue time with the keys the previous link pins, to the keys the
/// newest pivot pins for the current list of lists. Every link is a list of lists of the first
/// one's territory, newer than the link before it, and pins keys for the next.
pub fn follow(
    pivots: &[&[u8]],
    oj_signers: &[Arc<Certificate>],
    mode: Mode,
    policy: &Policy,
) -> Result<Followed, PivotError> {
    let mut followed = Followed { signers: oj_signers.to_vec(), pivots: Vec::new() };
    for (index, bytes) in pivots.iter().enumerate() {
        let (list, report) = verify_list(*bytes, &followed.signers, ListTime::Issued, mode, policy.clone())
            .map_err(|error| PivotError::Unreadable { index, error })?;
        // The first link sets the territory; `admits` holds every later one to it and to order.
        if !list.is_list_of_lists() {
            return Err(PivotError::NotAPivot { index, sequence: list.sequence, territory: list.territory.clone() });
        }
        followed.admits(&list)?;
        if report.verdict != Verdict::Passed {
            return Err(PivotError::NotVerified { index, sequence: list.sequence, verdict: report.verdict });
        }
        followed.signers = next_signers(&list);
        if followed.signers.is_empty() {
            return Err(PivotError::PinsNoKeys { index, sequence: list.sequence });
        }
        followed.pivots.push((list, report));
    }
    Ok(followed)
}
