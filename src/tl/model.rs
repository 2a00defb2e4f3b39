//! The typed model of an ETSI TS 119 612 trusted list (versions 5 and 6, and the legacy
//! TS 102 231 namespace that shares its element names).

use std::sync::Arc;

use serde::Serialize;
use time::OffsetDateTime;

use crate::x509::Certificate;

/// A text in one language (`xml:lang`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LangText {
    /// The language tag, when given.
    pub lang: Option<String>,
    /// The text.
    pub text: String,
}

/// One trusted list or list of lists.
#[derive(Debug, Clone, Serialize)]
pub struct TrustedList {
    /// TSLVersionIdentifier (5 for TS 119 612 v2.1.1 to v2.2.1, 6 from v2.3.1).
    pub version: u32,
    /// TSLSequenceNumber: grows with every issue for the same territory.
    pub sequence: u64,
    /// TSLType URI (e.g. `.../TSLType/EUgeneric`, `.../TSLType/EUlistofthelists`).
    pub list_type: String,
    /// SchemeOperatorName.
    pub operator: Vec<LangText>,
    /// SchemeInformationURI entries (for the EU LOTL they include the pivot lists).
    pub scheme_information_uris: Vec<String>,
    /// SchemeTerritory (country code, `EU` for the LOTL).
    pub territory: String,
    /// ListIssueDateTime.
    #[serde(with = "time::serde::rfc3339")]
    pub issue_date: OffsetDateTime,
    /// NextUpdate/dateTime; `None` for a closed list.
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_update: Option<OffsetDateTime>,
    /// PointersToOtherTSL.
    pub pointers: Vec<Pointer>,
    /// TrustServiceProviderList.
    pub providers: Vec<Provider>,
    /// Everything read in lenient mode that a strict reader refuses.
    pub deviations: Vec<Deviation>,
}

impl LangText {
    /// The English text of a multilingual name, else the first one (reports are in English
    /// until the es/pt/en report texts arrive).
    pub fn preferred(names: &[LangText]) -> &str {
        names.iter().find(|n| n.lang.as_deref() == Some("en")).or(names.first()).map_or("", |n| n.text.as_str())
    }
}

impl Pointer {
    /// Whether the pointed list is the XML form (no MIME type given counts as XML).
    pub fn is_xml(&self) -> bool {
        self.mime_type.as_deref().is_none_or(|m| m.contains("xml"))
    }
}

impl TrustedList {
    /// Whether the list is a list of lists (its type ends in `listofthelists`, any case).
    pub fn is_list_of_lists(&self) -> bool {
        self.list_type.to_ascii_lowercase().ends_with("listofthelists")
    }

    /// Every service of every provider, with its provider.
    pub fn services(&self) -> impl Iterator<Item = (&Provider, &Service)> {
        self.providers.iter().flat_map(|p| p.services.iter().map(move |s| (p, s)))
    }
}

/// A pointer to another list (OtherTSLPointer).
#[derive(Debug, Clone, Serialize)]
pub struct Pointer {
    /// TSLLocation.
    pub location: String,
    /// SchemeTerritory of the pointed list, when given.
    pub territory: Option<String>,
    /// TSLType of the pointed list, when given.
    pub list_type: Option<String>,
    /// The MIME type (`application/vnd.etsi.tsl+xml` for XML, `application/pdf` for the
    /// human-readable form).
    pub mime_type: Option<String>,
    /// The certificates that may sign the pointed list (its pinned signers).
    #[serde(skip)]
    pub signers: Vec<Arc<Certificate>>,
    /// SHA-256 of each pinned signer certificate, for reports.
    pub signer_sha256: Vec<String>,
    /// Additional information this reader does not interpret (for example the EU MRA block),
    /// kept as written.
    pub other_information: Vec<RawExtension>,
}

/// A trust service provider.
#[derive(Debug, Clone, Serialize)]
pub struct Provider {
    /// TSPName.
    pub names: Vec<LangText>,
    /// TSPTradeName.
    pub trade_names: Vec<LangText>,
    /// TSPServices.
    pub services: Vec<Service>,
}

/// A trust service, with its current status and history.
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    /// ServiceTypeIdentifier URI (e.g. `http://uri.etsi.org/TrstSvc/Svctype/CA/QC`).
    pub service_type: String,
    /// ServiceName.
    pub names: Vec<LangText>,
    /// ServiceDigitalIdentity.
    pub identities: Vec<DigitalIdentity>,
    /// The current status.
    pub status: ServiceStatus,
    /// StatusStartingTime of the current status.
    #[serde(with = "time::serde::rfc3339")]
    pub status_start: OffsetDateTime,
    /// ServiceInformationExtensions.
    pub extensions: ServiceExtensions,
    /// ServiceHistory, newest first as lists write it.
    pub history: Vec<HistoryEntry>,
}

impl Service {
    /// What the list says of the service at `at`: the current information from its starting
    /// time, before that the history entry in force (each holds from its start until the next
    /// newer start); `None` before the service's first known status.
    pub fn state_at(&self, at: OffsetDateTime) -> Option<ServiceState<'_>> {
        if at >= self.status_start {
            return Some(ServiceState {
                service_type: &self.service_type,
                status: &self.status,
                identities: &self.identities,
                extensions: &self.extensions,
            });
        }
        let mut entries: Vec<&HistoryEntry> = self.history.iter().collect();
        entries.sort_by_key(|h| std::cmp::Reverse(h.status_start));
        entries.into_iter().find(|h| at >= h.status_start).map(|h| ServiceState {
            service_type: &h.service_type,
            status: &h.status,
            identities: &h.identities,
            extensions: &h.extensions,
        })
    }

    /// The certificates that were the service's at `at`: those its state then names, or, when
    /// that state names the service by key identifier or name only (as history entries
    /// usually do), the current certificates that carry one of those key identifiers.
    pub fn certificates_at(&self, at: OffsetDateTime) -> Vec<&Arc<Certificate>> {
        let Some(state) = self.state_at(at) else { return Vec::new() };
        let named = certificates(state.identities);
        if !named.is_empty() || std::ptr::eq(state.identities, self.identities.as_slice()) {
            return named;
        }
        let keys: Vec<&str> = state
            .identities
            .iter()
            .filter_map(|i| match i {
                DigitalIdentity::KeyIdentifier { hex } => Some(hex.as_str()),
                _ => None,
            })
            .collect();
        certificates(&self.identities)
            .into_iter()
            .filter(|c| keys.is_empty() || c.subject_key_id().is_some_and(|k| keys.contains(&hex::encode(k).as_str())))
            .collect()
    }
}

fn certificates(ids: &[DigitalIdentity]) -> Vec<&Arc<Certificate>> {
    ids.iter()
        .filter_map(|i| match i {
            DigitalIdentity::Certificate { certificate, .. } => Some(certificate),
            _ => None,
        })
        .collect()
}

/// A service as a list describes it at one time ([`Service::state_at`]).
#[derive(Debug, Clone, Copy)]
pub struct ServiceState<'s> {
    /// ServiceTypeIdentifier then.
    pub service_type: &'s str,
    /// ServiceStatus then.
    pub status: &'s ServiceStatus,
    /// ServiceDigitalIdentity then.
    pub identities: &'s [DigitalIdentity],
    /// ServiceInformationExtensions then.
    pub extensions: &'s ServiceExtensions,
}

/// A previous status of a service (ServiceHistoryInstance).
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    /// ServiceTypeIdentifier at the time.
    pub service_type: String,
    /// ServiceDigitalIdentity at the time.
    pub identities: Vec<DigitalIdentity>,
    /// ServiceStatus.
    pub status: ServiceStatus,
    /// StatusStartingTime.
    #[serde(with = "time::serde::rfc3339")]
    pub status_start: OffsetDateTime,
    /// ServiceInformationExtensions at the time.
    pub extensions: ServiceExtensions,
}

/// One DigitalId of a service.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DigitalIdentity {
    /// X509Certificate.
    Certificate {
        /// The certificate.
        #[serde(skip)]
        certificate: Arc<Certificate>,
        /// Its subject, for reports.
        subject: String,
        /// Its SHA-256.
        sha256: String,
    },
    /// X509SubjectName, as written.
    SubjectName {
        /// The name.
        name: String,
    },
    /// X509SKI: a subject key identifier.
    KeyIdentifier {
        /// Hex.
        hex: String,
    },
    /// Another form (KeyValue, Other), kept as written.
    Other {
        /// The element's local name.
        element: String,
    },
}

/// The service statuses of TS 119 612 (clause 5.5.4) and the legacy ones of TS 102 231 and
/// Directive 1999/93/EC lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceStatus {
    /// `granted`
    Granted,
    /// `withdrawn`
    Withdrawn,
    /// `recognisedatnationallevel`
    RecognisedAtNationalLevel,
    /// `deprecatedatnationallevel`
    DeprecatedAtNationalLevel,
    /// Legacy `undersupervision`
    UnderSupervision,
    /// Legacy `supervisionincessation`
    SupervisionInCessation,
    /// Legacy `supervisionceased`
    SupervisionCeased,
    /// Legacy `supervisionrevoked`
    SupervisionRevoked,
    /// Legacy `accredited`
    Accredited,
    /// Legacy `accreditationceased`
    AccreditationCeased,
    /// Legacy `accreditationrevoked`
    AccreditationRevoked,
    /// Legacy `setbynationallaw`
    SetByNationalLaw,
    /// Legacy `deprecatedbynationallaw`
    DeprecatedByNationalLaw,
    /// A status URI this reader does not know: never a positive status.
    Other(String),
}

impl ServiceStatus {
    /// The status a URI names: one of the ETSI status namespaces (TS 119 612, its first
    /// version's Directive 1999/93/EC one, TS 102 231) followed by a known name, the name
    /// matched case-insensitively (the caller records a deviation when the case differs). Any
    /// other URI is [`ServiceStatus::Other`], never positive.
    ///
    /// ```
    /// use confia::tl::model::ServiceStatus;
    /// assert_eq!(ServiceStatus::from_uri("http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted"), ServiceStatus::Granted);
    /// assert!(!ServiceStatus::from_uri("urn:example:withdrawn/granted").is_positive());
    /// ```
    pub fn from_uri(uri: &str) -> Self {
        const NAMESPACES: [&str; 3] = [
            "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/",
            "http://uri.etsi.org/TrstSvc/eSigDir-1999-93-EC-TrustedList/Svcstatus/",
            "http://uri.etsi.org/TrstSvc/Svcstatus/",
        ];
        let Some(name) = NAMESPACES.iter().find_map(|ns| uri.trim().strip_prefix(ns)) else {
            return Self::Other(uri.trim().to_string());
        };
        match name.to_ascii_lowercase().as_str() {
            "granted" => Self::Granted,
            "withdrawn" => Self::Withdrawn,
            "recognisedatnationallevel" => Self::RecognisedAtNationalLevel,
            "deprecatedatnationallevel" => Self::DeprecatedAtNationalLevel,
            "undersupervision" => Self::UnderSupervision,
            "supervisionincessation" => Self::SupervisionInCessation,
            "supervisionceased" => Self::SupervisionCeased,
            "supervisionrevoked" => Self::SupervisionRevoked,
            "accredited" => Self::Accredited,
            "accreditationceased" => Self::AccreditationCeased,
            "accreditationrevoked" => Self::AccreditationRevoked,
            "setbynationallaw" => Self::SetByNationalLaw,
            "deprecatedbynationallaw" => Self::DeprecatedByNationalLaw,
            _ => Self::Other(uri.trim().to_string()),
        }
    }

    /// Whether the status makes the service's identities trusted (TS 119 615 4.3: granted and
    /// its national and legacy equivalents).
    pub fn is_positive(&self) -> bool {
        matches!(
            self,
            Self::Granted
                | Self::RecognisedAtNationalLevel
                | Self::UnderSupervision
                | Self::SupervisionInCessation
                | Self::Accredited
                | Self::SetByNationalLaw
        )
    }

    /// Whether the status belongs to the legacy (pre-eIDAS) vocabulary.
    pub fn is_legacy(&self) -> bool {
        !matches!(
            self,
            Self::Granted
                | Self::Withdrawn
                | Self::RecognisedAtNationalLevel
                | Self::DeprecatedAtNationalLevel
                | Self::Other(_)
        )
    }
}

/// ServiceInformationExtensions, interpreted where TS 119 612 defines them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServiceExtensions {
    /// AdditionalServiceInformation URIs (e.g. `.../SvcInfoExt/ForeSignatures`).
    pub additional_information: Vec<String>,
    /// Qualifications: qualifiers applying to certificates that meet criteria.
    pub qualifications: Vec<Qualification>,
    /// ExpiredCertsRevocationInfo.
    #[serde(with = "time::serde::rfc3339::option")]
    pub expired_certs_revocation_info: Option<OffsetDateTime>,
    /// TakenOverBy: the provider and territory that took the service over, as written.
    pub taken_over_by: Vec<String>,
    /// Extensions this reader does not interpret, kept as written.
    pub other: Vec<RawExtension>,
}

/// One QualificationElement.
#[derive(Debug, Clone, Serialize)]
pub struct Qualification {
    /// Qualifier URIs (e.g. `.../SvcInfoExt/QCWithSSCD`).
    pub qualifiers: Vec<String>,
    /// The certificates they apply to.
    pub criteria: Criteria,
}

/// A CriteriaList: which certificates a qualification applies to.
#[derive(Debug, Clone, Serialize)]
pub struct Criteria {
    /// `all`, `atLeastOne` or `none`.
    pub assert: String,
    /// PolicySet entries: each a set of policy OIDs that must all be present.
    pub policy_sets: Vec<Vec<String>>,
    /// KeyUsage entries: each a set of (bit name, value) that must all hold.
    pub key_usages: Vec<Vec<(String, bool)>>,
    /// Nested CriteriaList.
    pub nested: Vec<Criteria>,
    /// Criteria this reader does not interpret (for example ExtendedKeyUsage,
    /// CertSubjectDNAttribute), by element name; a list with them is not evaluated as met.
    pub uninterpreted: Vec<String>,
}

/// An extension kept as written: its element and exclusive canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawExtension {
    /// The `Critical` attribute of the enclosing Extension, when there is one.
    pub critical: Option<bool>,
    /// The namespace of the element.
    pub namespace: Option<String>,
    /// Its local name.
    pub element: String,
    /// Its Exclusive C14N form.
    pub xml: String,
}

/// Something a lenient reader accepted that the specification does not allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deviation {
    /// Where (an element path).
    pub at: String,
    /// What.
    pub text: String,
}
