//! Verifying a trusted list's signature against its pinned signers.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;
use time::OffsetDateTime;

use super::model::{Deviation, TrustedList};
use super::{Mode, TlError};
use crate::policy::Policy;
use crate::report::{Level, Message, SignatureReport};
use crate::trust::TrustAnchors;
use crate::validation::{
    FailedSub, IndeterminateSub, RevocationChecking, ValidationConfig, Validator, Verdict, XmlInputs,
};
use crate::x509::Certificate;
use crate::xml::dsig::{DSIG_NS, find_signatures};
use crate::xml::{Document, NodeKind, ParseOptions};

/// The result of verifying one list.
#[derive(Debug, Clone, Serialize)]
pub struct ListReport {
    /// SchemeTerritory.
    pub territory: String,
    /// TSLType.
    #[serde(rename = "type")]
    pub list_type: String,
    /// TSLSequenceNumber.
    pub sequence: u64,
    /// ListIssueDateTime.
    #[serde(with = "time::serde::rfc3339")]
    pub issue_date: OffsetDateTime,
    /// NextUpdate.
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_update: Option<OffsetDateTime>,
    /// SHA-256 of the list document as read.
    pub sha256: String,
    /// The list's indication (TOTAL_PASSED only when its signature covers the list and
    /// verifies with a pinned signer under the policy).
    #[serde(flatten)]
    pub verdict: Verdict,
    /// Number of services listed.
    pub services: usize,
    /// Number of pointers to other lists.
    pub pointers: usize,
    /// The signature's own report.
    pub signature: Option<SignatureReport>,
    /// Deviations read in lenient mode, and findings about the list itself.
    pub warnings: Vec<Message>,
}

/// When a list's signature is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListTime {
    /// At this time (a next update before it is warned about).
    At(OffsetDateTime),
    /// At the list's own issue time: a list is a statement made when it was issued, so this is
    /// how lists serve as trust for validations at other times.
    Issued,
}

/// Reads `input` as a trusted list and verifies its signature at `when` with `signers` pinned
/// as trust anchors (no revocation data is required for a pinned signer).
///
/// `input` is borrowed or owned: an owned buffer is released as soon as the list is parsed,
/// which lowers the peak memory of a verification by the size of the list.
pub fn verify_list<'a>(
    input: impl Into<Cow<'a, [u8]>>,
    signers: &[Arc<Certificate>],
    when: ListTime,
    mode: Mode,
    policy: Policy,
) -> Result<(TrustedList, ListReport), TlError> {
    let input = input.into();
    let sha256 = hex::encode(crate::crypto::DigestAlgorithm::Sha256.digest(&input));
    let doc = Document::parse(&input, &ParseOptions::default())?;
    drop(input);
    let list = super::parse::read(&doc, mode)?;
    let mut warnings: Vec<Message> = list.deviations.iter().map(deviation).collect();
    let at = match when {
        ListTime::At(t) => t,
        ListTime::Issued => list.issue_date,
    };
    if let Some(n) = list.next_update
        && n < at
    {
        warnings.push(Message {
            level: Level::Warning,
            code: "NEXT_UPDATE_PASSED",
            text: format!("the list's next update ({}) is before the validation time", crate::report::rfc3339(n)),
        });
    }

    let mut anchors = TrustAnchors::new();
    for s in signers {
        anchors.add(s.clone());
    }
    let mut config = ValidationConfig::new(at, Arc::new(anchors));
    config.revocation_checking = RevocationChecking::Disabled;
    config.policy = policy;
    let validator = Validator::new(config);

    let mut report = ListReport {
        territory: list.territory.clone(),
        list_type: list.list_type.clone(),
        sequence: list.sequence,
        issue_date: list.issue_date,
        next_update: list.next_update,
        sha256,
        verdict: Verdict::Indeterminate(IndeterminateSub::NoSigningCertificateFound),
        services: list.services().count(),
        pointers: list.pointers.len(),
        signature: None,
        warnings,
    };
    if signers.is_empty() {
        report.warnings.push(Message {
            level: Level::Error,
            code: "NO_PINNED_SIGNER",
            text: "no signer certificate is pinned for this list".into(),
        });
        return Ok((list, report));
    }
    if let Err(why) = covers_whole_list(&doc) {
        report.verdict = Verdict::Failed(FailedSub::FormatFailure);
        report.warnings.push(Message { level: Level::Error, code: "LIST_SIGNATURE_SCOPE", text: why });
        return Ok((list, report));
    }
    match validator.validate_xml_document(&doc, XmlInputs::default()) {
        Ok(r) => {
            let s = r.signatures.into_iter().next();
            report.verdict = s.as_ref().map(|s| s.verdict).unwrap_or(report.verdict);
            report.signature = s;
        }
        Err(e) => {
            report.verdict = Verdict::Failed(FailedSub::FormatFailure);
            report.warnings.push(Message {
                level: Level::Error,
                code: "LIST_SIGNATURE_UNREADABLE",
                text: e.to_string(),
            });
        }
    }
    Ok((list, report))
}

fn deviation(d: &Deviation) -> Message {
    Message { level: Level::Warning, code: "LIST_DEVIATION", text: format!("{}: {}", d.at, d.text) }
}

/// A list is signed by one enveloped signature, a child of the list element, whose data
/// reference selects the whole list (`URI=""` or the list's Id): anything narrower would let
/// unsigned content pass as listed.
fn covers_whole_list(doc: &Document) -> Result<(), String> {
    let root = doc.root();
    let sigs: Vec<_> = find_signatures(doc).into_iter().filter(|&s| doc.node(s).parent == Some(root)).collect();
    let [sig] = sigs.as_slice() else {
        return Err(format!("the list carries {} signatures as children of its element; one is required", sigs.len()));
    };
    let root_id = match &doc.node(root).kind {
        NodeKind::Element { attributes, .. } => {
            attributes.iter().find(|a| a.local == "Id" && a.namespace.is_none()).map(|a| format!("#{}", a.value))
        }
        _ => None,
    };
    let element = |n, name: &str| matches!(&doc.node(n).kind, NodeKind::Element { local, namespace: Some(ns), .. } if local == name && ns == DSIG_NS);
    let covers = doc.children(*sig).filter(|&c| element(c, "SignedInfo")).any(|si| {
        doc.children(si).filter(|&r| element(r, "Reference")).any(|r| match &doc.node(r).kind {
            NodeKind::Element { attributes, .. } => attributes
                .iter()
                .find(|a| a.local == "URI")
                .is_some_and(|a| a.value.is_empty() || Some(&a.value) == root_id.as_ref()),
            _ => false,
        })
    });
    if covers { Ok(()) } else { Err("the list signature does not reference the whole list".into()) }
}
