//! Trusted lists as a trust source: the certificates of the services a verified list marks as
//! trusted at the validation time.

use std::sync::Arc;

use time::OffsetDateTime;

use super::ListReport;
use super::model::{DigitalIdentity, LangText, TrustedList};
use crate::trust::{ListRef, TrustSnapshot, TrustSource};
use crate::validation::Verdict;
use crate::x509::Certificate;

/// Service types whose certificates anchor signer paths: certification authorities (qualified
/// or not) and national roots (TS 119 612 5.5.1).
const CA_SERVICE_TYPES: [&str; 3] = [
    "http://uri.etsi.org/TrstSvc/Svctype/CA/QC",
    "http://uri.etsi.org/TrstSvc/Svctype/CA/PKC",
    "http://uri.etsi.org/TrstSvc/Svctype/NationalRootCA-QC",
];

struct Anchor {
    certificate: Arc<Certificate>,
    provenance: String,
}

/// Anchors drawn from verified trusted lists.
pub struct ListTrust {
    anchors: Vec<Anchor>,
    snapshot: TrustSnapshot,
}

impl ListTrust {
    /// The CA services of `lists` whose status at `at` is positive (granted or an equivalent);
    /// only lists whose signature verified (TOTAL_PASSED) contribute. The snapshot names every
    /// list given, trusted or not, so a report shows what was offered.
    pub fn new(lists: &[(TrustedList, ListReport)], at: OffsetDateTime) -> Self {
        let mut anchors: Vec<Anchor> = Vec::new();
        for (list, report) in lists.iter().filter(|(_, r)| r.verdict == Verdict::Passed) {
            for (provider, service) in list.services() {
                let Some((status, _)) = service.status_at(at) else { continue };
                if !status.is_positive() || !CA_SERVICE_TYPES.contains(&service.service_type.as_str()) {
                    continue;
                }
                for id in &service.identities {
                    if let DigitalIdentity::Certificate { certificate, .. } = id
                        && !anchors.iter().any(|a| a.certificate.sha256() == certificate.sha256())
                    {
                        anchors.push(Anchor {
                            certificate: certificate.clone(),
                            provenance: format!(
                                "listed in the {} trusted list #{} (sha256 {}), provider {:?}, service {:?}, {}",
                                list.territory,
                                list.sequence,
                                &report.sha256[..16],
                                LangText::preferred(&provider.names),
                                LangText::preferred(&service.names),
                                service.service_type.rsplit("/Svctype/").next().unwrap_or(&service.service_type),
                            ),
                        });
                    }
                }
            }
        }
        let mut refs: Vec<ListRef> = lists
            .iter()
            .map(|(l, r)| ListRef {
                territory: l.territory.clone(),
                sequence: l.sequence,
                sha256: r.sha256.clone(),
                verdict: r.verdict,
            })
            .collect();
        refs.sort_by(|a, b| a.sha256.cmp(&b.sha256));
        let joined: String = refs.iter().map(|r| format!("{}\n", r.sha256)).collect();
        let digest = hex::encode(crate::crypto::DigestAlgorithm::Sha256.digest(joined.as_bytes()));
        ListTrust { anchors, snapshot: TrustSnapshot { digest, lists: refs } }
    }

    /// Number of anchors drawn from the lists.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether no list contributed an anchor.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}

impl TrustSource for ListTrust {
    fn anchors(&self) -> Vec<Arc<Certificate>> {
        self.anchors.iter().map(|a| a.certificate.clone()).collect()
    }

    fn provenance(&self, anchor: &Certificate) -> Option<String> {
        self.anchors.iter().find(|a| a.certificate.sha256() == anchor.sha256()).map(|a| a.provenance.clone())
    }

    fn snapshot(&self) -> Option<TrustSnapshot> {
        Some(self.snapshot.clone())
    }
}
