//! Trusted lists as a trust source: the certificates of the services a verified list marks as
//! trusted at the validation time.

use std::collections::HashMap;
use std::sync::Arc;

use time::OffsetDateTime;

use super::ListReport;
use super::model::{LangText, TrustedList};
use crate::policy::{ConstraintLevel, Policy};
use crate::report::{Level, Message};
use crate::trust::{ListRef, TrustPurpose, TrustSnapshot, TrustSource};
use crate::validation::Verdict;
use crate::x509::{AnchorSet, Certificate};

/// Whether `list` no longer speaks for the time `at`: its next update has passed, or it is
/// closed (TS 119 612 5.3.15: a closed list has no next update) and `at` is after its issue.
pub(super) fn is_expired(list: &TrustedList, at: OffsetDateTime) -> bool {
    match list.next_update {
        Some(n) => n < at,
        None => list.issue_date < at,
    }
}

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
    /// What the policy reports about an anchor (its list is stale).
    findings: HashMap<[u8; 32], Message>,
    snapshot: TrustSnapshot,
}

impl ListTrust {
    /// The services of `lists` whose status at `at` is positive (granted or an equivalent),
    /// each under the purposes its type gives; only lists whose signature verified
    /// (TOTAL_PASSED) contribute. A list past its next update at `at` (or closed), or pinned by
    /// a list of lists that is ([`ListReport::pinned_by`]), contributes unless the policy's
    /// `trusted_list_next_update` level is FAIL; below that level each anchor it gives carries
    /// the finding. A list pinned by a list of lists that did not verify contributes nothing.
    ///
    /// Of the verified lists of one territory and kind (list of lists or not), only the one with
    /// the highest sequence number contributes: an older list given beside it must not bring
    /// back a service the newer one withdrew; two different verified lists with the same
    /// sequence number contradict each other and neither contributes. Nor does a list whose
    /// signing certificate expired before `at` ([`ListReport::signer_not_after`]): its issue
    /// date is the signer's claim, and nothing proves it was issued while the certificate was
    /// valid. The snapshot names every list given, used or not and why not, so a report shows
    /// what was offered.
    pub fn new(lists: &[(TrustedList, ListReport)], at: OffsetDateTime, policy: &Policy) -> Self {
        let level = policy.constraints.trusted_list_next_update;
        let mut sets: [AnchorSet; 3] = Default::default();
        let mut provenance = HashMap::new();
        let mut findings: HashMap<[u8; 32], Message> = HashMap::new();
        let mut refs: Vec<(bool, ListRef)> = Vec::new();
        let stale_reason = |list: &TrustedList| {
            is_expired(list, at).then(|| match list.next_update {
                Some(n) => format!("its next update was due {}", crate::report::rfc3339(n)),
                None => "it is closed (no next update)".to_string(),
            })
        };
        // Per territory and kind, the verified lists' sequence numbers and contents.
        let mut newest: HashMap<(&str, bool), (u64, Vec<&str>)> = HashMap::new();
        for (list, report) in lists.iter().filter(|(_, r)| r.verdict == Verdict::Passed) {
            let entry = newest.entry((list.territory.as_str(), list.is_list_of_lists())).or_insert((0, Vec::new()));
            if list.sequence > entry.0 {
                *entry = (list.sequence, Vec::new());
            }
            if list.sequence == entry.0 && !entry.1.contains(&report.sha256.as_str()) {
                entry.1.push(report.sha256.as_str());
            }
        }
        let current = |list: &TrustedList| -> Result<(), String> {
            match newest.get(&(list.territory.as_str(), list.is_list_of_lists())) {
                Some((n, _)) if *n > list.sequence => {
                    Err(format!("superseded by the {} list #{n} given beside it", list.territory))
                }
                Some((_, contents)) if contents.len() > 1 => Err(format!(
                    "another {} list #{} with different content was given: they contradict each other",
                    list.territory, list.sequence
                )),
                _ => Ok(()),
            }
        };
        for (list, report) in lists {
            let pinner = report.pinned_by.as_deref().and_then(|sha| lists.iter().find(|(_, r)| r.sha256 == sha));
            // Worded for both uses: the finding on each anchor the list gives, and the reason a
            // list refused under FAIL gives nothing.
            let own = stale_reason(list).map(|due| {
                format!("the {} trusted list #{} is stale at the validation time: {due}", list.territory, list.sequence)
            });
            let inherited = pinner.and_then(|(l, _)| {
                stale_reason(l).map(|due| {
                    format!(
                        "the {} list of lists #{} that pins the signer of the {} list #{} is stale at the validation \
                         time: {due}",
                        l.territory, l.sequence, list.territory, list.sequence
                    )
                })
            });
            let expired = own.is_some();
            let stale = own.or(inherited);
            let refusal = if report.verdict != Verdict::Passed {
                Some(first_error(report).unwrap_or_else(|| report.verdict.to_string()))
            } else if let Err(why) = current(list) {
                Some(why)
            } else if let Some((l, r)) = pinner
                && (r.verdict != Verdict::Passed || current(l).is_err())
            {
                Some(format!(
                    "the {} list of lists #{} that pins its signer {}",
                    l.territory,
                    l.sequence,
                    if r.verdict != Verdict::Passed { "did not verify" } else { "is not the current one given" }
                ))
            } else if let Some(n) = report.signer_not_after.filter(|n| *n < at) {
                Some(format!(
                    "its signing certificate expired at {}, before the validation time: nothing proves the list was \
                     issued while it was valid",
                    crate::report::rfc3339(n)
                ))
            } else if let Some(v) =
                super::verify::crypto_at(report, policy, at).filter(|v| v.level == ConstraintLevel::Fail)
            {
                Some(format!("its signature at the validation time: {}", v.text))
            } else if level == ConstraintLevel::Fail {
                stale.as_ref().map(|s| format!("{s} (policy: trusted_list_next_update FAIL)"))
            } else {
                None
            };
            let used = refusal.is_none();
            refs.push((
                list.is_list_of_lists(),
                ListRef {
                    territory: list.territory.clone(),
                    sequence: list.sequence,
                    sha256: report.sha256.clone(),
                    verdict: report.verdict,
                    next_update: list.next_update,
                    expired,
                    used,
                    pinned_by: report.pinned_by.clone(),
                    reason: refusal,
                },
            ));
            if !used {
                continue;
            }
            let finding = stale.and_then(|text| {
                let level = match level {
                    ConstraintLevel::Warn => Level::Warning,
                    ConstraintLevel::Inform => Level::Info,
                    _ => return None,
                };
                Some(Message { level, code: "TRUSTED_LIST_NEXT_UPDATE", text })
            });
            for (provider, service) in list.services() {
                // Type, status and certificates as the list gives them for `at` (the history
                // when `at` is before the current status began).
                let Some(state) = service.state_at(at) else { continue };
                let purposes = purposes(state.service_type);
                if !state.status.is_positive() || purposes.is_empty() {
                    continue;
                }
                for certificate in service.certificates_at(at) {
                    for &p in purposes {
                        sets[p as usize].insert(certificate.clone());
                    }
                    if let Some(f) = &finding {
                        findings.entry(*certificate.sha256()).or_insert_with(|| f.clone());
                    }
                    provenance.entry(*certificate.sha256()).or_insert_with(|| {
                        format!(
                            "listed in the {} trusted list #{} (sha256 {}), provider {:?}, service {:?}, {}",
                            list.territory,
                            list.sequence,
                            &report.sha256[..16],
                            LangText::preferred(&provider.names),
                            LangText::preferred(&service.names),
                            state.service_type.rsplit("/Svctype/").next().unwrap_or(state.service_type),
                        )
                    });
                }
            }
        }
        // The digest does not depend on the order the lists came in; the report shows lists of
        // lists first, then by territory and sequence number.
        let mut hashes: Vec<&str> = refs.iter().map(|(_, r)| r.sha256.as_str()).collect();
        hashes.sort_unstable();
        let joined: String = hashes.iter().map(|h| format!("{h}\n")).collect();
        let digest = hex::encode(crate::crypto::DigestAlgorithm::Sha256.digest(joined.as_bytes()));
        refs.sort_by(|(a_lotl, a), (b_lotl, b)| {
            (!a_lotl, &a.territory, a.sequence, &a.sha256).cmp(&(!b_lotl, &b.territory, b.sequence, &b.sha256))
        });
        let lists = refs.into_iter().map(|(_, r)| r).collect();
        ListTrust { sets: sets.map(Arc::new), provenance, findings, snapshot: TrustSnapshot { digest, lists } }
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

/// Why a list's verification did not pass: a signer that is not pinned said as such, else the
/// first error reported, as `CODE: text` (the list's own findings first, then its signature's).
fn first_error(report: &ListReport) -> Option<String> {
    let signer = report.signature.as_ref().and_then(|s| s.signer.as_ref());
    if report.verdict == Verdict::Indeterminate(crate::validation::IndeterminateSub::NoCertificateChainFound)
        && let Some(signer) = signer
    {
        return Some(format!("signed by {}, which is not a pinned signer of this list", signer.subject));
    }
    let signature = report.signature.iter().flat_map(|s| s.messages.iter());
    report.warnings.iter().chain(signature).find(|m| m.level == Level::Error).map(|m| format!("{}: {}", m.code, m.text))
}

impl TrustSource for ListTrust {
    fn anchors(&self, purpose: TrustPurpose) -> Arc<AnchorSet> {
        self.sets[purpose as usize].clone()
    }

    fn provenance(&self, anchor: &Certificate) -> Option<String> {
        self.provenance.get(anchor.sha256()).cloned()
    }

    fn findings(&self, anchor: &Certificate) -> Vec<Message> {
        self.findings.get(anchor.sha256()).cloned().into_iter().collect()
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

    /// A list (next update 2026-12-01) with these services, read and taken as verified, at
    /// 2026-07-01 under the default policy.
    fn trust(services: &[String]) -> ListTrust {
        trust_at(services, time::macros::datetime!(2026-07-01 0:00 UTC), &Policy::default())
    }

    fn trust_at(services: &[String], at: OffsetDateTime, policy: &Policy) -> ListTrust {
        ListTrust::new(&[read_list("UY", services, "2026-12-01T00:00:00Z", None)], at, policy)
    }

    /// A list of `territory` (its SHA-256 stands in as the territory repeated) with these
    /// services and next update, taken as verified, pinned by the list whose stand-in SHA-256
    /// is `pinned_by`.
    fn read_list(
        territory: &str,
        services: &[String],
        next_update: &str,
        pinned_by: Option<&str>,
    ) -> (TrustedList, ListReport) {
        let xml = format!(
            "<TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\"><SchemeInformation>\
             <TSLVersionIdentifier>5</TSLVersionIdentifier><TSLSequenceNumber>7</TSLSequenceNumber>\
             <TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</TSLType>\
             <SchemeOperatorName><Name xml:lang=\"en\">Operator</Name></SchemeOperatorName>\
             <SchemeTerritory>{territory}</SchemeTerritory><ListIssueDateTime>2026-06-01T00:00:00Z</ListIssueDateTime>\
             <NextUpdate><dateTime>{next_update}</dateTime></NextUpdate></SchemeInformation>\
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
            sha256: territory.repeat(32),
            verdict: Verdict::Passed,
            services: services.len(),
            pointers: 0,
            signature: None,
            warnings: Vec::new(),
            pinned_by: pinned_by.map(str::to_string),
            signer_not_after: None,
            signed_with: None,
        };
        (list, report)
    }

    #[test]
    fn a_stale_list_of_lists_makes_the_lists_it_pins_stale() {
        let ca = cert("intermediate");
        let lists = [
            read_list("UY", &[service("CA/QC", &ca, "granted")], "2027-12-01T00:00:00Z", Some(&"XM".repeat(32))),
            read_list("XM", &[], "2026-12-01T00:00:00Z", None),
        ];
        let january = time::macros::datetime!(2027-01-01 0:00 UTC);
        let warned = ListTrust::new(&lists, january, &Policy::default());
        assert!(warned.anchors(TrustPurpose::Signing).contains(&ca));
        let f = warned.findings(&ca);
        assert_eq!(f.len(), 1);
        assert!(f[0].text.contains("XM list of lists #7 that pins the signer of the UY list"), "{}", f[0].text);
        let mut strict = Policy::default();
        strict.constraints.trusted_list_next_update = ConstraintLevel::Fail;
        let refused = ListTrust::new(&lists, january, &strict);
        assert!(refused.is_empty());
        let uy = refused.snapshot.lists.iter().find(|l| l.territory == "UY").unwrap();
        assert!(!uy.expired && !uy.used, "{uy:?}");
        // Pinned by a list of lists that did not verify: nothing, whatever the policy.
        let mut unverified = lists.clone();
        unverified[1].1.verdict = Verdict::Failed(crate::validation::FailedSub::HashFailure);
        assert!(
            ListTrust::new(&unverified, time::macros::datetime!(2026-07-01 0:00 UTC), &Policy::default()).is_empty()
        );
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

    #[test]
    fn a_list_past_its_next_update_is_flagged_and_the_policy_decides() {
        let ca = cert("intermediate");
        let services = [service("CA/QC", &ca, "granted")];
        let fresh = trust(&services);
        assert!(fresh.findings(&ca).is_empty());
        assert!(!fresh.snapshot.lists[0].expired && fresh.snapshot.lists[0].used);

        let later = time::macros::datetime!(2027-01-01 0:00 UTC);
        let warned = trust_at(&services, later, &Policy::default());
        assert!(warned.anchors(TrustPurpose::Signing).contains(&ca), "WARN (the default) keeps the list");
        let f = warned.findings(&ca);
        assert_eq!((f.len(), f[0].level, f[0].code), (1, Level::Warning, "TRUSTED_LIST_NEXT_UPDATE"));
        assert!(f[0].text.contains("2026-12-01"), "{}", f[0].text);
        assert!(warned.snapshot.lists[0].expired && warned.snapshot.lists[0].used);

        let mut strict = Policy::default();
        strict.constraints.trusted_list_next_update = ConstraintLevel::Fail;
        let refused = trust_at(&services, later, &strict);
        assert!(refused.is_empty() && refused.anchors(TrustPurpose::Signing).is_empty());
        assert!(refused.snapshot.lists[0].expired && !refused.snapshot.lists[0].used);

        let mut quiet = Policy::default();
        quiet.constraints.trusted_list_next_update = ConstraintLevel::Ignore;
        let ignored = trust_at(&services, later, &quiet);
        assert!(ignored.anchors(TrustPurpose::Signing).contains(&ca) && ignored.findings(&ca).is_empty());
    }

    /// A service whose current information (from 2026-06-01) is `kind`/`status` for `c`, with
    /// one history entry (from 2026-01-01) of type `old_kind`, status granted, naming the
    /// service by `old_identity` (a DigitalId's content).
    fn with_history(kind: &str, c: &Certificate, status: &str, old_kind: &str, old_identity: &str) -> String {
        service(kind, c, status)
            .replace("<StatusStartingTime>2026-01-01T00:00:00Z", "<StatusStartingTime>2026-06-01T00:00:00Z")
            .replace(
                "</ServiceInformation>",
                &format!(
                    "</ServiceInformation><ServiceHistory><ServiceHistoryInstance>\
                 <ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/{old_kind}</ServiceTypeIdentifier>\
                 <ServiceName><Name xml:lang=\"en\">old</Name></ServiceName>\
                 <ServiceDigitalIdentity><DigitalId>{old_identity}</DigitalId></ServiceDigitalIdentity>\
                 <ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted</ServiceStatus>\
                 <StatusStartingTime>2026-01-01T00:00:00Z</StatusStartingTime>\
                 </ServiceHistoryInstance></ServiceHistory>"
                ),
            )
    }

    #[test]
    fn a_past_state_counts_with_its_own_type_and_identity() {
        use base64::Engine;
        let (ca, other) = (cert("intermediate"), cert("other-root"));
        let ski = |c: &Certificate| {
            format!(
                "<X509SKI>{}</X509SKI>",
                base64::engine::general_purpose::STANDARD.encode(c.subject_key_id().unwrap())
            )
        };
        let march = time::macros::datetime!(2026-03-01 0:00 UTC);
        let at = |services: &[String]| trust_at(services, march, &Policy::default());
        // Then a time-stamping service, now a withdrawn CA: in March it anchors time-stamps only.
        let t = at(&[with_history("CA/QC", &ca, "withdrawn", "TSA/QTST", &ski(&ca))]);
        assert!(t.anchors(TrustPurpose::TimeStamping).contains(&ca));
        assert!(!t.anchors(TrustPurpose::Signing).contains(&ca));
        assert!(t.provenance(&ca).unwrap().contains("TSA/QTST"), "{:?}", t.provenance(&ca));
        // Then granted under another key: the current certificate was not the service's then.
        let t = at(&[with_history("CA/QC", &ca, "withdrawn", "CA/QC", &ski(&other))]);
        assert!(t.is_empty());
        // Then granted with this very key: it anchors signing in March, not after the withdrawal.
        let same = [with_history("CA/QC", &ca, "withdrawn", "CA/QC", &ski(&ca))];
        assert!(at(&same).anchors(TrustPurpose::Signing).contains(&ca));
        let july = trust_at(&same, time::macros::datetime!(2026-07-01 0:00 UTC), &Policy::default());
        assert!(july.is_empty());
        // A history entry that names another certificate outright: that one, not the current.
        let b64 = base64::engine::general_purpose::STANDARD.encode(other.der());
        let t = at(&[with_history(
            "CA/QC",
            &ca,
            "withdrawn",
            "CA/QC",
            &format!("<X509Certificate>{b64}</X509Certificate>"),
        )]);
        let signing = t.anchors(TrustPurpose::Signing);
        assert!(signing.contains(&other) && !signing.contains(&ca));
    }

    #[test]
    fn only_the_newest_of_a_territorys_lists_counts() {
        let ca = cert("intermediate");
        let at = time::macros::datetime!(2026-07-01 0:00 UTC);
        let granted = || read_list("UY", &[service("CA/QC", &ca, "granted")], "2026-12-01T00:00:00Z", None);
        let (mut old, mut old_report) = granted();
        (old.sequence, old_report.sequence, old_report.sha256) = (6, 6, "6".repeat(64));
        // #7 withdrew the CA: #6 given beside it must not bring it back.
        let withdrawn = read_list("UY", &[service("CA/QC", &ca, "withdrawn")], "2026-12-01T00:00:00Z", None);
        let t = ListTrust::new(&[(old.clone(), old_report.clone()), withdrawn], at, &Policy::default());
        assert!(!t.anchors(TrustPurpose::Signing).contains(&ca));
        let snapshot = t.snapshot().unwrap();
        let six = snapshot.lists.iter().find(|l| l.sequence == 6).unwrap();
        assert!(!six.used && six.reason.as_deref().unwrap().contains("superseded by the UY list #7"), "{six:?}");
        // Alone, #6 counts.
        let t = ListTrust::new(&[(old, old_report)], at, &Policy::default());
        assert!(t.anchors(TrustPurpose::Signing).contains(&ca));
        // Two different lists with one sequence number: neither counts.
        let (twin, mut twin_report) = granted();
        twin_report.sha256 = "8".repeat(64);
        let t = ListTrust::new(&[granted(), (twin, twin_report)], at, &Policy::default());
        assert!(t.is_empty());
        assert!(t.snapshot().unwrap().lists.iter().all(|l| l.reason.as_deref().unwrap().contains("contradict")));
    }

    #[test]
    fn a_list_whose_signer_expired_before_the_validation_time_does_not_count() {
        let ca = cert("intermediate");
        let (list, mut report) = read_list("UY", &[service("CA/QC", &ca, "granted")], "2026-12-01T00:00:00Z", None);
        report.signer_not_after = Some(time::macros::datetime!(2026-06-15 0:00 UTC));
        let lists = [(list, report)];
        let before = ListTrust::new(&lists, time::macros::datetime!(2026-06-10 0:00 UTC), &Policy::default());
        assert!(before.anchors(TrustPurpose::Signing).contains(&ca));
        let after = ListTrust::new(&lists, time::macros::datetime!(2026-07-01 0:00 UTC), &Policy::default());
        assert!(after.is_empty());
        let reason = after.snapshot().unwrap().lists[0].reason.clone().unwrap();
        assert!(reason.contains("its signing certificate expired at 2026-06-15"), "{reason}");
    }

    #[test]
    fn a_list_signed_with_a_key_too_weak_at_the_validation_time_does_not_count() {
        use crate::crypto::{DigestAlgorithm, KeyKind, SignatureAlgorithm, SignatureScheme};
        let ca = cert("intermediate");
        let (list, mut report) = read_list("UY", &[service("CA/QC", &ca, "granted")], "2026-12-01T00:00:00Z", None);
        let rsa = SignatureAlgorithm { scheme: SignatureScheme::RsaPkcs1v15, digest: DigestAlgorithm::Sha256 };
        // The list says it was issued on 2026-06-01; RSA-1024 ended in 2008 by the policy.
        report.signed_with = Some((rsa, KeyKind::Rsa(1024)));
        let lists = [(list, report)];
        let t = ListTrust::new(&lists, time::macros::datetime!(2026-07-01 0:00 UTC), &Policy::default());
        assert!(t.is_empty());
        let reason = t.snapshot().unwrap().lists[0].reason.clone().unwrap();
        assert!(reason.contains("RSA key of 1024 bits"), "{reason}");
        // At or before its issue date the list's own verification has judged the key already.
        let t = ListTrust::new(&lists, time::macros::datetime!(2026-06-01 0:00 UTC), &Policy::default());
        assert!(t.anchors(TrustPurpose::Signing).contains(&ca));
    }
}
