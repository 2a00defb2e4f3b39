//! Trusted lists as a trust source: the certificates of the services a verified list marks as
//! trusted at the validation time.

use std::collections::HashMap;
use std::sync::Arc;

use time::OffsetDateTime;

use super::ListReport;
use super::model::{DigitalIdentity, LangText, TrustedList};
use crate::trust::{ListRef, TrustPurpose, TrustSnapshot, TrustSource};
use crate::validation::Verdict;
use crate::x509::{AnchorSet, Certificate};

/// What a service type vouches for (TS 119 612 5.5.1): certification authorities (qualified
/// or not, and national roots) anchor signing certificates and sign status information of their
/// own; time-stamping authorities anchor time-stamp units; certificate status services anchor
/// CRL issuers and OCSP responders. Other types (validation, preservation, delivery services...)
/// anchor nothing.
fn purposes(service_type: &str) -> &'static [TrustPurpose] {
    let Some(kind) = service_type.strip_prefix("http://uri.etsi.org/TrstSvc/Svctype/") else { return &[] };
    match kind {
        "CA/QC" | "CA/PKC" | "NationalRootCA-QC" => &[TrustPurpose::Signing, TrustPurpose::Revocation],
        "TSA" | "TSA/QTST" | "TSA/TSS-QC" | "TSA/TSS-AdESQCandQES" => &[TrustPurpose::TimeStamping],
        "Certstatus/OCSP" | "Certstatus/OCSP/QC" | "Certstatus/CRL" | "Certstatus/CRL/QC" => {
            &[TrustPurpose::Revocation]
        }
        _ => &[],
    }
}

/// Anchors drawn from verified trusted lists, per purpose.
pub struct ListTrust {
    sets: [Arc<AnchorSet>; 3],
    /// Why each anchor is trusted, by certificate SHA-256 (the first service that lists it).
    provenance: HashMap<[u8; 32], String>,
    snapshot: TrustSnapshot,
}

impl ListTrust {
    /// The services of `lists` whose status at `at` is positive (granted or an equivalent),
    /// each under the purposes its type gives; only lists whose signature verified
    /// (TOTAL_PASSED) contribute. The snapshot names every list given, trusted or not, so a
    /// report shows what was offered.
    pub fn new(lists: &[(TrustedList, ListReport)], at: OffsetDateTime) -> Self {
        let mut sets: [AnchorSet; 3] = Default::default();
        let mut provenance = HashMap::new();
        for (list, report) in lists.iter().filter(|(_, r)| r.verdict == Verdict::Passed) {
            for (provider, service) in list.services() {
                let Some((status, _)) = service.status_at(at) else { continue };
                let purposes = purposes(&service.service_type);
                if !status.is_positive() || purposes.is_empty() {
                    continue;
                }
                for id in &service.identities {
                    let DigitalIdentity::Certificate { certificate, .. } = id else { continue };
                    for &p in purposes {
                        sets[p as usize].insert(certificate.clone());
                    }
                    provenance.entry(*certificate.sha256()).or_insert_with(|| {
                        format!(
                            "listed in the {} trusted list #{} (sha256 {}), provider {:?}, service {:?}, {}",
                            list.territory,
                            list.sequence,
                            &report.sha256[..16],
                            LangText::preferred(&provider.names),
                            LangText::preferred(&service.names),
                            service.service_type.rsplit("/Svctype/").next().unwrap_or(&service.service_type),
                        )
                    });
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
        ListTrust { sets: sets.map(Arc::new), provenance, snapshot: TrustSnapshot { digest, lists: refs } }
    }

    /// Number of distinct certificates drawn from the lists, all purposes together.
    pub fn len(&self) -> usize {
        self.provenance.len()
    }

    /// Whether no list contributed an anchor.
    pub fn is_empty(&self) -> bool {
        self.provenance.is_empty()
    }
}

impl TrustSource for ListTrust {
    fn anchors(&self, purpose: TrustPurpose) -> Arc<AnchorSet> {
        self.sets[purpose as usize].clone()
    }

    fn provenance(&self, anchor: &Certificate) -> Option<String> {
        self.provenance.get(anchor.sha256()).cloned()
    }

    fn snapshot(&self) -> Option<TrustSnapshot> {
        Some(self.snapshot.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tl::{Mode, parse};
    use base64::Engine;

    fn cert(name: &str) -> Arc<Certificate> {
        let pem = std::fs::read(format!("{}/test-vectors/pki/{name}.pem", env!("CARGO_MANIFEST_DIR"))).unwrap();
        Arc::new(Certificate::from_pem_or_der(&pem).unwrap().remove(0))
    }

    fn service(kind: &str, c: &Certificate, status: &str) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(c.der());
        format!(
            "<TSPService><ServiceInformation>\
             <ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/{kind}</ServiceTypeIdentifier>\
             <ServiceName><Name xml:lang=\"en\">{kind}</Name></ServiceName>\
             <ServiceDigitalIdentity><DigitalId><X509Certificate>{b64}</X509Certificate></DigitalId></ServiceDigitalIdentity>\
             <ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/{status}</ServiceStatus>\
             <StatusStartingTime>2026-01-01T00:00:00Z</StatusStartingTime>\
             </ServiceInformation></TSPService>"
        )
    }

    /// A list with one service of each kind, read and taken as verified.
    fn trust(services: &[String]) -> ListTrust {
        let xml = format!(
            "<TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\"><SchemeInformation>\
             <TSLVersionIdentifier>5</TSLVersionIdentifier><TSLSequenceNumber>7</TSLSequenceNumber>\
             <TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</TSLType>\
             <SchemeOperatorName><Name xml:lang=\"en\">Operator</Name></SchemeOperatorName>\
             <SchemeTerritory>UY</SchemeTerritory><ListIssueDateTime>2026-06-01T00:00:00Z</ListIssueDateTime>\
             <NextUpdate><dateTime>2026-12-01T00:00:00Z</dateTime></NextUpdate></SchemeInformation>\
             <TrustServiceProviderList><TrustServiceProvider><TSPInformation><TSPName>\
             <Name xml:lang=\"en\">Provider</Name></TSPName></TSPInformation><TSPServices>{}</TSPServices>\
             </TrustServiceProvider></TrustServiceProviderList></TrustServiceStatusList>",
            services.concat()
        );
        let list = parse::parse(xml.as_bytes(), Mode::Strict).unwrap();
        let report = ListReport {
            territory: list.territory.clone(),
            list_type: list.list_type.clone(),
            sequence: list.sequence,
            issue_date: list.issue_date,
            next_update: list.next_update,
            sha256: "00".repeat(32),
            verdict: Verdict::Passed,
            services: services.len(),
            pointers: 0,
            signature: None,
            warnings: Vec::new(),
        };
        ListTrust::new(&[(list, report)], time::macros::datetime!(2026-07-01 0:00 UTC))
    }

    #[test]
    fn each_service_type_anchors_its_own_purpose() {
        let (ca, tsa, ocsp, qes, withdrawn) =
            (cert("intermediate"), cert("signer-rsa"), cert("signer-ec"), cert("other-root"), cert("root"));
        let t = trust(&[
            service("CA/QC", &ca, "granted"),
            service("TSA/QTST", &tsa, "granted"),
            service("Certstatus/OCSP/QC", &ocsp, "granted"),
            service("QESValidation/Q", &qes, "granted"),
            service("CA/PKC", &withdrawn, "withdrawn"),
        ]);
        let has = |p: TrustPurpose, c: &Certificate| t.anchors(p).contains(c);
        assert!(has(TrustPurpose::Signing, &ca) && has(TrustPurpose::Revocation, &ca));
        assert!(!has(TrustPurpose::TimeStamping, &ca));
        assert!(has(TrustPurpose::TimeStamping, &tsa) && !has(TrustPurpose::Signing, &tsa));
        assert!(!has(TrustPurpose::Revocation, &tsa));
        assert!(has(TrustPurpose::Revocation, &ocsp) && !has(TrustPurpose::Signing, &ocsp));
        for p in TrustPurpose::ALL {
            assert!(!has(p, &qes), "a validation service anchors nothing");
            assert!(!has(p, &withdrawn), "a withdrawn service anchors nothing");
        }
        assert_eq!(t.len(), 3);
        assert!(t.provenance(&tsa).unwrap().contains("TSA/QTST"), "{:?}", t.provenance(&tsa));
        assert_eq!(t.provenance(&qes), None);
    }

    #[test]
    fn operator_anchors_and_lists_combine_per_purpose() {
        let (ca, tsa, root) = (cert("intermediate"), cert("signer-rsa"), cert("root"));
        let lists = trust(&[service("CA/QC", &ca, "granted"), service("TSA", &tsa, "granted")]);
        let mut operator = crate::trust::TrustAnchors::new();
        operator.add(root.clone());
        let all = crate::trust::CombinedTrust::new(vec![Arc::new(operator), Arc::new(lists)]);
        let signing = all.anchors(TrustPurpose::Signing);
        assert!(signing.contains(&root) && signing.contains(&ca) && !signing.contains(&tsa));
        assert_eq!(signing.issuers_of(&cert("signer-ec")).count(), 1, "the intermediate, found by name");
        let stamping = all.anchors(TrustPurpose::TimeStamping);
        assert!(stamping.contains(&root) && stamping.contains(&tsa) && !stamping.contains(&ca));
        assert!(all.snapshot().is_some() && all.provenance(&ca).is_some() && all.provenance(&root).is_none());
    }
}
