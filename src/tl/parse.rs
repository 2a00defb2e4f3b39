//! Reading a trusted list document into the [`TrustedList`] model, strictly or leniently.

use std::borrow::Cow;
use std::sync::Arc;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::model::*;
use super::{Mode, TlError};
use crate::x509::Certificate;
use crate::xml::c14n::{Method, canonicalize};
use crate::xml::dsig::text;
use crate::xml::{Document, NodeId, NodeKind, ParseOptions};

/// The TS 119 612 (and TS 102 231) namespace family: `http://uri.etsi.org/02231/...`.
pub const TSL_NAMESPACE: &str = "http://uri.etsi.org/02231/v2#";

/// Most providers, services, pointers or history entries read from one list.
pub const MAX_ENTRIES: usize = 100_000;

struct Reader<'d> {
    doc: &'d Document,
    mode: Mode,
    deviations: Vec<Deviation>,
}

impl<'d> Reader<'d> {
    fn deviate(&mut self, at: &str, text: String) -> Result<(), TlError> {
        let d = Deviation { at: at.to_string(), text };
        match self.mode {
            Mode::Strict => Err(TlError::NotCompliant(d)),
            Mode::Lenient => {
                self.deviations.push(d);
                Ok(())
            }
        }
    }

    /// Records a problem that is not a deviation from TS 119 612 (a certificate the X.509
    /// decoder refuses, say) in either mode: the list stays readable, the entry is reported.
    fn record(&mut self, at: &str, text: String) {
        self.deviations.push(Deviation { at: at.to_string(), text });
    }

    fn local(&self, n: NodeId) -> Option<&'d str> {
        match &self.doc.node(n).kind {
            NodeKind::Element { local, .. } => Some(local.as_str()),
            _ => None,
        }
    }

    fn attr(&self, n: NodeId, name: &str) -> Option<&'d str> {
        match &self.doc.node(n).kind {
            NodeKind::Element { attributes, .. } => {
                attributes.iter().find(|a| a.local == name && a.namespace.is_none()).map(|a| a.value.as_str())
            }
            _ => None,
        }
    }

    fn lang(&self, n: NodeId) -> Option<String> {
        match &self.doc.node(n).kind {
            NodeKind::Element { attributes, .. } => attributes
                .iter()
                .find(|a| a.local == "lang" && a.namespace.as_deref() == Some(crate::xml::XML_NAMESPACE))
                .map(|a| a.value.clone()),
            _ => None,
        }
    }

    /// Element children named `name` (any namespace: extensions use several ETSI ones).
    fn kids(&self, n: NodeId, name: &'static str) -> Vec<NodeId> {
        self.doc.children(n).filter(|&c| self.local(c) == Some(name)).take(MAX_ENTRIES).collect()
    }

    fn kid(&self, n: NodeId, name: &'static str) -> Option<NodeId> {
        self.doc.children(n).find(|&c| self.local(c) == Some(name))
    }

    fn required(&self, n: NodeId, name: &'static str, at: &str) -> Result<NodeId, TlError> {
        self.kid(n, name).ok_or_else(|| TlError::Missing(format!("{at}/{name}")))
    }

    fn text_of(&self, n: NodeId) -> String {
        text(self.doc, n).trim().to_string()
    }

    /// Multilingual names (`Name` children), `xml:lang` required by TS 119 612.
    fn names(&mut self, n: Option<NodeId>, at: &str) -> Result<Vec<LangText>, TlError> {
        let Some(n) = n else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for name in self.kids(n, "Name") {
            let lang = self.lang(name);
            if lang.is_none() {
                self.deviate(at, "a Name without xml:lang".into())?;
            }
            out.push(LangText { lang, text: self.text_of(name) });
        }
        Ok(out)
    }

    /// An xsd:dateTime; lenient mode reads one without a time zone as UTC.
    fn date(&mut self, n: NodeId, at: &str) -> Result<OffsetDateTime, TlError> {
        let t = self.text_of(n);
        if let Ok(d) = OffsetDateTime::parse(&t, &Rfc3339) {
            return Ok(d);
        }
        let with_zone = format!("{t}Z");
        match OffsetDateTime::parse(&with_zone, &Rfc3339) {
            Ok(d) => {
                self.deviate(at, format!("date {t:?} without a time zone, read as UTC"))?;
                Ok(d)
            }
            Err(_) => Err(TlError::Malformed(format!("{at}: not a date-time: {t:?}"))),
        }
    }

    fn raw(&self, n: NodeId, critical: Option<bool>) -> RawExtension {
        let (namespace, element) = match &self.doc.node(n).kind {
            NodeKind::Element { namespace, local, .. } => (namespace.as_deref().map(str::to_string), local.to_string()),
            _ => (None, String::new()),
        };
        let xml = canonicalize(self.doc, n, Method::Exclusive, false, &[])
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        RawExtension { critical, namespace, element, xml }
    }

    fn certificate(&mut self, n: NodeId, at: &str) -> Result<Option<Arc<Certificate>>, TlError> {
        use base64::Engine;
        let compact: String = self.text_of(n).chars().filter(|c| !c.is_whitespace()).collect();
        let der = match base64::engine::general_purpose::STANDARD.decode(compact) {
            Ok(d) => d,
            Err(_) => {
                self.deviate(at, "an X509Certificate that is not base64".into())?;
                return Ok(None);
            }
        };
        match Certificate::from_der(&der) {
            Ok(c) => Ok(Some(Arc::new(c))),
            Err(e) => {
                self.record(at, format!("an X509Certificate confia cannot decode is left out: {e}"));
                Ok(None)
            }
        }
    }

    fn identities(&mut self, sdi: Option<NodeId>, at: &str) -> Result<Vec<DigitalIdentity>, TlError> {
        let Some(sdi) = sdi else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for id in self.kids(sdi, "DigitalId") {
            for c in self.doc.children(id).collect::<Vec<_>>() {
                let Some(local) = self.local(c) else { continue };
                match local {
                    "X509Certificate" => {
                        if let Some(cert) = self.certificate(c, at)? {
                            out.push(DigitalIdentity::Certificate {
                                subject: cert.subject().to_string(),
                                sha256: cert.sha256_hex(),
                                certificate: cert,
                            });
                        }
                    }
                    "X509SubjectName" => out.push(DigitalIdentity::SubjectName { name: self.text_of(c) }),
                    "X509SKI" => {
                        use base64::Engine;
                        let compact: String = self.text_of(c).chars().filter(|c| !c.is_whitespace()).collect();
                        match base64::engine::general_purpose::STANDARD.decode(compact) {
                            Ok(ski) => out.push(DigitalIdentity::KeyIdentifier { hex: hex::encode(ski) }),
                            Err(_) => self.deviate(at, "an X509SKI that is not base64".into())?,
                        }
                    }
                    other => out.push(DigitalIdentity::Other { element: other.to_string() }),
                }
            }
        }
        Ok(out)
    }

    /// A ServiceStatus. Legacy (pre-eIDAS) statuses are normal in a service's history; as a
    /// current status they are a deviation.
    fn status(&mut self, n: NodeId, at: &str, history: bool) -> Result<ServiceStatus, TlError> {
        let uri = self.text_of(n);
        let status = ServiceStatus::from_uri(&uri);
        let last = uri.rsplit('/').next().unwrap_or("");
        if matches!(status, ServiceStatus::Other(_)) {
            self.deviate(at, format!("unknown service status {uri:?} (never trusted)"))?;
        } else if last.chars().any(|c| c.is_ascii_uppercase()) {
            self.deviate(at, format!("service status {uri:?} is not written in lower case"))?;
        } else if status.is_legacy() && !history {
            self.deviate(at, format!("legacy service status {uri:?} (TS 102 231 / Directive 1999/93/EC)"))?;
        }
        Ok(status)
    }

    fn criteria(&mut self, n: NodeId) -> Criteria {
        let mut c = Criteria {
            assert: self.attr(n, "assert").unwrap_or("all").to_string(),
            policy_sets: Vec::new(),
            key_usages: Vec::new(),
            nested: Vec::new(),
            uninterpreted: Vec::new(),
        };
        for k in self.doc.children(n).collect::<Vec<_>>() {
            match self.local(k) {
                Some("PolicySet") => {
                    let oids = self
                        .kids(k, "PolicyIdentifier")
                        .into_iter()
                        .filter_map(|p| self.kid(p, "Identifier"))
                        .map(|i| {
                            let t = self.text_of(i);
                            t.strip_prefix("urn:oid:").unwrap_or(&t).to_string()
                        })
                        .collect();
                    c.policy_sets.push(oids);
                }
                Some("KeyUsage") => {
                    let bits = self
                        .kids(k, "KeyUsageBit")
                        .into_iter()
                        .map(|b| (self.attr(b, "name").unwrap_or("").to_string(), self.text_of(b) == "true"))
                        .collect();
                    c.key_usages.push(bits);
                }
                Some("CriteriaList") => {
                    let nested = self.criteria(k);
                    c.nested.push(nested);
                }
                Some(other) => c.uninterpreted.push(other.to_string()),
                None => {}
            }
        }
        c
    }

    fn extensions(&mut self, sie: Option<NodeId>, at: &str) -> Result<ServiceExtensions, TlError> {
        let mut out = ServiceExtensions::default();
        let Some(sie) = sie else { return Ok(out) };
        for ext in self.kids(sie, "Extension") {
            let critical = self.attr(ext, "Critical").map(|v| v == "true" || v == "1");
            for e in self.doc.children(ext).collect::<Vec<_>>() {
                match self.local(e) {
                    Some("AdditionalServiceInformation") => {
                        if let Some(u) = self.kid(e, "URI") {
                            out.additional_information.push(self.text_of(u));
                        }
                    }
                    Some("Qualifications") => {
                        for q in self.kids(e, "QualificationElement") {
                            let qualifiers = self
                                .kid(q, "Qualifiers")
                                .map(|qs| {
                                    self.kids(qs, "Qualifier")
                                        .into_iter()
                                        .filter_map(|x| self.attr(x, "uri").map(str::to_string))
                                        .collect()
                                })
                                .unwrap_or_default();
                            let criteria = match self.kid(q, "CriteriaList") {
                                Some(cl) => self.criteria(cl),
                                None => {
                                    self.deviate(at, "a QualificationElement without CriteriaList".into())?;
                                    continue;
                                }
                            };
                            out.qualifications.push(Qualification { qualifiers, criteria });
                        }
                    }
                    Some("ExpiredCertsRevocationInfo") => {
                        out.expired_certs_revocation_info = Some(self.date(e, at)?);
                    }
                    Some("TakenOverBy") => out.taken_over_by.push(self.text_of(e)),
                    Some(_) => out.other.push(self.raw(e, critical)),
                    None => {}
                }
            }
        }
        Ok(out)
    }

    fn service(&mut self, s: NodeId, at: &str) -> Result<Service, TlError> {
        let si = self.required(s, "ServiceInformation", at)?;
        let service_type = self.text_of(self.required(si, "ServiceTypeIdentifier", at)?);
        let names = self.names(self.kid(si, "ServiceName"), at)?;
        let identities = self.identities(self.kid(si, "ServiceDigitalIdentity"), at)?;
        let status = self.status(self.required(si, "ServiceStatus", at)?, at, false)?;
        let status_start = self.date(self.required(si, "StatusStartingTime", at)?, at)?;
        let extensions = self.extensions(self.kid(si, "ServiceInformationExtensions"), at)?;
        let mut history = Vec::new();
        if let Some(h) = self.kid(s, "ServiceHistory") {
            for hi in self.kids(h, "ServiceHistoryInstance") {
                let hat = format!("{at}/ServiceHistoryInstance");
                history.push(HistoryEntry {
                    service_type: self.text_of(self.required(hi, "ServiceTypeIdentifier", &hat)?),
                    identities: self.identities(self.kid(hi, "ServiceDigitalIdentity"), &hat)?,
                    status: self.status(self.required(hi, "ServiceStatus", &hat)?, &hat, true)?,
                    status_start: self.date(self.required(hi, "StatusStartingTime", &hat)?, &hat)?,
                    extensions: self.extensions(self.kid(hi, "ServiceInformationExtensions"), &hat)?,
                });
            }
        }
        Ok(Service { service_type, names, identities, status, status_start, extensions, history })
    }

    fn pointer(&mut self, p: NodeId, at: &str) -> Result<Pointer, TlError> {
        let location = self.text_of(self.required(p, "TSLLocation", at)?);
        let mut signers = Vec::new();
        if let Some(sdis) = self.kid(p, "ServiceDigitalIdentities") {
            for sdi in self.kids(sdis, "ServiceDigitalIdentity") {
                for id in self.identities(Some(sdi), at)? {
                    if let DigitalIdentity::Certificate { certificate, .. } = id {
                        signers.push(certificate);
                    }
                }
            }
        }
        let mut out = Pointer {
            location,
            territory: None,
            list_type: None,
            mime_type: None,
            signer_sha256: signers.iter().map(|c| c.sha256_hex()).collect(),
            signers,
            other_information: Vec::new(),
        };
        if let Some(ai) = self.kid(p, "AdditionalInformation") {
            for oi in self.kids(ai, "OtherInformation") {
                for e in self.doc.children(oi).collect::<Vec<_>>() {
                    match self.local(e) {
                        Some("TSLType") => out.list_type = Some(self.text_of(e)),
                        Some("SchemeTerritory") => out.territory = Some(self.text_of(e)),
                        Some("MimeType") => out.mime_type = Some(self.text_of(e)),
                        Some("SchemeOperatorName" | "SchemeTypeCommunityRules") => {}
                        Some(_) => out.other_information.push(self.raw(e, None)),
                        None => {}
                    }
                }
            }
        }
        Ok(out)
    }
}

/// Reads a trusted list (the document element `TrustServiceStatusList`). Signature checking
/// is separate (`super::verify`); this only reads.
///
/// An owned `input` is released once the document is parsed.
pub fn parse<'a>(input: impl Into<Cow<'a, [u8]>>, mode: Mode) -> Result<TrustedList, TlError> {
    let input = input.into();
    let doc = Document::parse(&input, &ParseOptions::default())?;
    drop(input);
    read(&doc, mode)
}

/// The SchemeTerritory of a list, read without decoding the rest (to choose the signers a list
/// of lists pins for it before verifying it).
///
/// ```
/// let xml = br#"<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#"><SchemeInformation>
///   <SchemeTerritory>PE</SchemeTerritory></SchemeInformation></TrustServiceStatusList>"#;
/// assert_eq!(confia::tl::parse::territory(xml).as_deref(), Some("PE"));
/// ```
pub fn territory(input: &[u8]) -> Option<String> {
    let doc = Document::parse(input, &ParseOptions::default()).ok()?;
    let r = Reader { doc: &doc, mode: Mode::Lenient, deviations: Vec::new() };
    let si = r.kid(doc.root(), "SchemeInformation")?;
    r.kid(si, "SchemeTerritory").map(|t| r.text_of(t))
}

/// Reads a trusted list from a parsed document.
pub fn read(doc: &Document, mode: Mode) -> Result<TrustedList, TlError> {
    let mut r = Reader { doc, mode, deviations: Vec::new() };
    let root = doc.root();
    match &doc.node(root).kind {
        NodeKind::Element { local, namespace, .. } if local == "TrustServiceStatusList" => {
            if !namespace.as_deref().is_some_and(|n| n.starts_with("http://uri.etsi.org/02231/")) {
                return Err(TlError::NotAList(format!(
                    "TrustServiceStatusList in namespace {:?}",
                    namespace.as_deref().unwrap_or("")
                )));
            }
        }
        NodeKind::Element { local, .. } => return Err(TlError::NotAList(format!("document element {local}"))),
        _ => return Err(TlError::NotAList("no document element".into())),
    }
    let at = "SchemeInformation";
    let si = r.required(root, "SchemeInformation", "TrustServiceStatusList")?;
    let version = match r.kid(si, "TSLVersionIdentifier") {
        Some(v) => {
            let t = r.text_of(v);
            t.parse().map_err(|_| TlError::Malformed(format!("TSLVersionIdentifier {t:?}")))?
        }
        None => {
            r.deviate(at, "no TSLVersionIdentifier".into())?;
            0
        }
    };
    if !matches!(version, 0 | 5 | 6) {
        r.deviate(at, format!("TSLVersionIdentifier {version} (TS 119 612 lists are version 5 or 6)"))?;
    }
    let seq_text = r.text_of(r.required(si, "TSLSequenceNumber", at)?);
    let sequence: u64 = seq_text.parse().map_err(|_| TlError::Malformed(format!("TSLSequenceNumber {seq_text:?}")))?;
    let list_type = r.text_of(r.required(si, "TSLType", at)?);
    let operator = r.names(r.kid(si, "SchemeOperatorName"), at)?;
    let scheme_information_uris = r
        .kid(si, "SchemeInformationURI")
        .map(|s| r.kids(s, "URI").into_iter().map(|u| r.text_of(u)).collect())
        .unwrap_or_default();
    let territory = match r.kid(si, "SchemeTerritory") {
        Some(t) => r.text_of(t),
        None => {
            r.deviate(at, "no SchemeTerritory".into())?;
            String::new()
        }
    };
    let issue_date = r.date(r.required(si, "ListIssueDateTime", at)?, at)?;
    let next_update = match r.kid(si, "NextUpdate").and_then(|n| r.kid(n, "dateTime")) {
        Some(d) => Some(r.date(d, at)?),
        None => None,
    };
    let mut pointers = Vec::new();
    if let Some(ps) = r.kid(si, "PointersToOtherTSL") {
        for p in r.kids(ps, "OtherTSLPointer") {
            pointers.push(r.pointer(p, "PointersToOtherTSL/OtherTSLPointer")?);
        }
    }
    let mut providers = Vec::new();
    if let Some(list) = r.kid(root, "TrustServiceProviderList") {
        for tsp in r.kids(list, "TrustServiceProvider") {
            let info = r.required(tsp, "TSPInformation", "TrustServiceProvider")?;
            let names = r.names(r.kid(info, "TSPName"), "TSPInformation")?;
            let trade_names = r.names(r.kid(info, "TSPTradeName"), "TSPInformation")?;
            let label = names.first().map(|n| n.text.clone()).unwrap_or_default();
            let mut services = Vec::new();
            if let Some(ss) = r.kid(tsp, "TSPServices") {
                for s in r.kids(ss, "TSPService") {
                    services.push(r.service(s, &format!("TrustServiceProvider[{label}]/TSPService"))?);
                }
            }
            providers.push(Provider { names, trade_names, services });
        }
    }
    Ok(TrustedList {
        version,
        sequence,
        list_type,
        operator,
        scheme_information_uris,
        territory,
        issue_date,
        next_update,
        pointers,
        providers,
        deviations: r.deviations,
    })
}
