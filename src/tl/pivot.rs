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

/// Follows the pivots (`pivots`, oldest first) from the Official Journal keys `oj_signers`,
/// each verified at its issue time with the keys the previous link pins, to the keys the
/// newest pivot pins for the current list of lists.
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
        if report.verdict != Verdict::Passed {
            return Err(PivotError::NotVerified { index, sequence: list.sequence, verdict: report.verdict });
        }
        followed.signers = next_signers(&list);
        followed.pivots.push((list, report));
    }
    Ok(followed)
}
