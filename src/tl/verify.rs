//! Verifying a trusted list's signature against its pinned signers.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;
use time::OffsetDateTime;

use super::model::{Deviation, TrustedList};
use super::{Mode, TlError};
use crate::crypto::{KeyKind, SignatureAlgorithm};
use crate::policy::{AlgorithmViolation, ConstraintLevel, Policy};
use crate::report::{Level, Message, SignatureReport};
use crate::trust::TrustAnchors;
use crate::validation::{
    FailedSub, IndeterminateSub, RevocationChecking, ValidationConfig, Validator, Verdict, XmlInputs,
};
use crate::x509::Certificate;
use crate::xml::c14n::Method;
use crate::xml::dsig::{DSIG_NS, SignatureMethod, find_signatures};
use crate::xml::{Document, NodeId, NodeKind, ParseOptions};

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
    /// SHA-256 of the list of lists whose pointer pinned this list's signer, when the caller
    /// took the signers from one (set by that caller): the list is then only as current as
    /// the list of lists ([`super::ListTrust`] judges both).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned_by: Option<String>,
    /// When the pinned certificate that signed the list expires: the issue date is the
    /// signer's own claim, so a list used after this has no proof that it was issued while the
    /// certificate was valid ([`super::ListTrust`] does not use it then).
    #[serde(with = "time::serde::rfc3339::option")]
    pub signer_not_after: Option<OffsetDateTime>,
    /// The list signature's algorithm and the pinned signer's key, to judge them at the time
    /// the list is used as well as when it was signed ([`crypto_at`]).
    #[serde(skip)]
    pub(crate) signed_with: Option<(SignatureAlgorithm, KeyKind)>,
}

/// What the policy says of the list signature's algorithm and key at `t`, when `t` is after
/// the list's issue date: a key too weak by now must not pass because the list dates itself
/// back to when it was not.
pub(super) fn crypto_at(report: &ListReport, policy: &Policy, t: OffsetDateTime) -> Option<AlgorithmViolation> {
    let (alg, key) = report.signed_with?;
    if t <= report.issue_date {
        return None;
    }
    policy.check_signature_algorithm(&alg, key, t).err()
}

/// The time a list is verified for. Its signature is always checked at the list's issue time
/// (a list is a statement made when it was issued, which is how a list serves validations at
/// other times); what varies is whether its currency is judged too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListTime {
    /// The list is in use at this time: a next update before it (or a closed list) is reported
    /// and the policy's `trusted_list_next_update` decides, and a time before the list's issue
    /// date is reported as a warning (the list did not exist yet).
    UsedAt(OffsetDateTime),
    /// As issued only: its currency is left to whoever uses it (a trust source judges it at each
    /// validation time).
    Issued,
}

/// Reads `input` as a trusted list and verifies its signature at the list's issue time with
/// `signers` pinned as trust anchors (no revocation data is required for a pinned signer), and
/// judges its currency for the use `when` names. The certificate that signed the list must be
/// one of `signers`.
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
    let signed_at = list.issue_date;
    let used_at = match when {
        ListTime::UsedAt(t) => t,
        ListTime::Issued => signed_at,
    };
    if used_at < list.issue_date {
        warnings.push(Message {
            level: Level::Warning,
            code: "LIST_NOT_YET_ISSUED",
            text: format!("the list was issued at {}, after the time asked", crate::report::rfc3339(list.issue_date)),
        });
    }
    // A list past its next update (or closed) at the time asked: the policy's level decides,
    // FAIL making the list INDETERMINATE (a newer list is due: TRY_LATER).
    let level = policy.constraints.trusted_list_next_update;
    let stale = super::trust::is_expired(&list, used_at) && level != ConstraintLevel::Ignore;
    if stale {
        let due = match list.next_update {
            Some(n) => format!("the list's next update ({}) is before the validation time", crate::report::rfc3339(n)),
            None => "the list is closed (no next update)".into(),
        };
        crate::validation::apply_level(level, &mut warnings, "NEXT_UPDATE_PASSED", due);
    }
    let refused_as_stale = stale && level == ConstraintLevel::Fail;

    let mut anchors = TrustAnchors::new();
    for s in signers {
        anchors.add(s.clone());
    }
    let mut config = ValidationConfig::new(signed_at, Arc::new(anchors));
    config.revocation_checking = RevocationChecking::Disabled;
    let report_policy = policy.clone();
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
        pinned_by: None,
        signer_not_after: None,
        signed_with: None,
    };
    if signers.is_empty() {
        report.warnings.push(Message {
            level: Level::Error,
            code: "NO_PINNED_SIGNER",
            text: "no signer certificate is pinned for this list".into(),
        });
        return Ok((list, report));
    }
    let signature = match list_signature(&doc) {
        Ok(s) => s,
        Err(why) => {
            report.verdict = Verdict::Failed(FailedSub::FormatFailure);
            report.warnings.push(Message { level: Level::Error, code: "LIST_SIGNATURE_SCOPE", text: why });
            return Ok((list, report));
        }
    };
    match validator.validate_xml_signature_element(&doc, signature, XmlInputs::default()) {
        Ok(r) => {
            let s = r.signatures.into_iter().next();
            report.verdict = s.as_ref().map(|s| s.verdict).unwrap_or(report.verdict);
            // The pinned certificates are the list's signers (TS 119 612 5.3.13), not CAs
            // whose every subordinate may sign it: the signing certificate must be one of them.
            let signer = s.as_ref().and_then(|s| s.signer.as_ref()).map(|c| c.sha256.clone());
            let pinned = signer.and_then(|h| signers.iter().find(|p| p.sha256_hex() == h));
            report.signer_not_after = pinned.map(|c| c.not_after());
            report.signed_with = signature_algorithm(&doc, signature)
                .zip(pinned.and_then(|c| c.public_key().as_ref().ok().map(|k| k.kind())));
            if report.verdict == Verdict::Passed && pinned.is_none() {
                report.verdict = Verdict::Indeterminate(IndeterminateSub::NoSigningCertificateFound);
                report.warnings.push(Message {
                    level: Level::Error,
                    code: "LIST_SIGNER_NOT_PINNED",
                    text: "the list is signed by a certificate that chains to a pinned one but is not itself pinned"
                        .into(),
                });
            }
            report.signature = s;
            // Used after the signer's certificate expired: nothing proves the list existed while
            // it was valid (EN 319 102-1: OUT_OF_BOUNDS_NO_POE), whatever issue date it claims.
            if let (ListTime::UsedAt(t), Some(not_after)) = (when, report.signer_not_after)
                && not_after < t
                && report.verdict == Verdict::Passed
            {
                report.verdict = Verdict::Indeterminate(IndeterminateSub::OutOfBoundsNoPoe);
                report.warnings.push(Message {
                    level: Level::Error,
                    code: "LIST_SIGNER_EXPIRED",
                    text: format!(
                        "the list's signing certificate expired at {}, before the time the list is used",
                        crate::report::rfc3339(not_after)
                    ),
                });
            }
            if let ListTime::UsedAt(t) = when
                && report.verdict == Verdict::Passed
                && let Some(v) = crypto_at(&report, &report_policy, t)
            {
                let text = format!("the list's signature at the time it is used: {}", v.text);
                if crate::validation::apply_level(v.level, &mut report.warnings, "LIST_CRYPTO_CONSTRAINTS", text) {
                    report.verdict = Verdict::Indeterminate(IndeterminateSub::CryptoConstraintsFailureNoPoe);
                }
            }
            if refused_as_stale && report.verdict == Verdict::Passed {
                report.verdict = Verdict::Indeterminate(IndeterminateSub::TryLater);
            }
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

/// The list's own signature: the one ds:Signature of the document (signatures nested in it,
/// such as XAdES counter-signatures, aside), a child of the list element, with one SignedInfo
/// among whose references one selects the whole list (`URI=""`, the list element's Id, or their
/// XPointer forms) through nothing but the enveloped-signature transform and canonicalization.
/// Every reference of that SignedInfo is verified before the list passes, so that one covers
/// the list; anything narrower, or a second signature that could be validated in its place,
/// would let unsigned content pass as listed.
fn list_signature(doc: &Document) -> Result<NodeId, String> {
    let root = doc.root();
    let element = |n: NodeId, name: &str| matches!(&doc.node(n).kind, NodeKind::Element { local, namespace: Some(ns), .. } if local == name && ns == DSIG_NS);
    let inside_signature =
        |s: NodeId| std::iter::successors(doc.node(s).parent, |&p| doc.node(p).parent).any(|p| element(p, "Signature"));
    let outer: Vec<NodeId> = find_signatures(doc).into_iter().filter(|&s| !inside_signature(s)).collect();
    let [sig] = outer.as_slice() else {
        return Err(format!("the list carries {} signatures; exactly one is required", outer.len()));
    };
    if doc.node(*sig).parent != Some(root) {
        return Err("the list's signature is not a child of the list element".into());
    }
    let signed_infos: Vec<NodeId> = doc.children(*sig).filter(|&c| element(c, "SignedInfo")).collect();
    let [signed_info] = signed_infos.as_slice() else {
        return Err(format!(
            "the list's signature has {} SignedInfo elements; exactly one is required",
            signed_infos.len()
        ));
    };
    let attr = |n: NodeId, name: &str| match &doc.node(n).kind {
        NodeKind::Element { attributes, .. } => {
            attributes.iter().find(|a| a.local == name && a.namespace.is_none()).map(|a| a.value.clone())
        }
        _ => None,
    };
    let root_id = attr(root, "Id");
    let whole = |uri: &str| {
        uri.is_empty()
            || uri == "#xpointer(/)"
            || root_id.as_ref().is_some_and(|id| {
                [format!("#{id}"), format!("#xpointer(id('{id}'))"), format!("#xpointer(id(\"{id}\"))")]
                    .iter()
                    .any(|u| u == uri)
            })
    };
    let plain = |reference: NodeId| {
        doc.children(reference).filter(|&t| element(t, "Transforms")).flat_map(|ts| doc.children(ts)).all(|t| {
            let uri = attr(t, "Algorithm").unwrap_or_default();
            !element(t, "Transform") || uri == ENVELOPED || Method::from_uri(&uri).is_some()
        })
    };
    let covers = doc
        .children(*signed_info)
        .filter(|&r| element(r, "Reference"))
        .any(|r| attr(r, "URI").is_some_and(|u| whole(&u)) && plain(r));
    if covers {
        Ok(*sig)
    } else {
        Err("the list's signature has no reference to the whole list (URI=\"\" or the list's Id, enveloped-signature and canonicalization transforms only)".into())
    }
}

/// The signature algorithm the SignatureMethod of `signature`'s SignedInfo names.
fn signature_algorithm(doc: &Document, signature: NodeId) -> Option<SignatureAlgorithm> {
    let child = |n: NodeId, name: &str| {
        doc.children(n).find(|&c| {
            matches!(&doc.node(c).kind, NodeKind::Element { local, namespace: Some(ns), .. } if local == name && ns == DSIG_NS)
        })
    };
    let method = child(child(signature, "SignedInfo")?, "SignatureMethod")?;
    let NodeKind::Element { attributes, .. } = &doc.node(method).kind else { return None };
    let uri = attributes.iter().find(|a| a.local == "Algorithm" && a.namespace.is_none())?;
    match crate::xml::dsig::signature_method(&uri.value)? {
        SignatureMethod::Asymmetric(alg) => Some(alg),
        SignatureMethod::Hmac(..) => None,
    }
}

/// The enveloped-signature transform.
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

#[cfg(test)]
mod tests {
    use super::*;

    /// A list element (Id `L`) around `body`, with `signature` as its last child.
    fn list(body: &str, signature: &str) -> Document {
        let xml = format!(
            "<TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\" xmlns:ds=\"{DSIG_NS}\" Id=\"L\">\
             <SchemeInformation Id=\"S\">{body}</SchemeInformation>{signature}</TrustServiceStatusList>"
        );
        Document::parse(xml.as_bytes(), &ParseOptions::default()).unwrap()
    }

    fn signature(uri: &str, transforms: &[&str]) -> String {
        let ts: String =
            transforms.iter().map(|t| format!("<ds:Transform Algorithm=\"{t}\"/>")).collect::<Vec<_>>().concat();
        format!(
            "<ds:Signature><ds:SignedInfo><ds:Reference URI=\"{uri}\"><ds:Transforms>{ts}</ds:Transforms>\
             </ds:Reference></ds:SignedInfo><ds:SignatureValue>AA==</ds:SignatureValue></ds:Signature>"
        )
    }

    const EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

    #[test]
    fn the_list_signature_must_cover_the_whole_list_and_be_the_only_one() {
        let ok = signature("", &[ENVELOPED, EXC]);
        for uri in ["", "#L", "#xpointer(id('L'))", "#xpointer(/)"] {
            let doc = list("", &signature(uri, &[ENVELOPED, EXC]));
            assert!(list_signature(&doc).is_ok(), "{uri}: {:?}", list_signature(&doc));
        }
        let refused = [
            // A narrower reference, or one that transforms content away.
            list("", &signature("#S", &[ENVELOPED, EXC])),
            list("", &signature("", &[ENVELOPED, "http://www.w3.org/2002/06/xmldsig-filter2"])),
            list("", &signature("", &[ENVELOPED, "http://www.w3.org/TR/1999/REC-xpath-19991116"])),
            list("", &signature("", &["http://www.w3.org/2000/09/xmldsig#base64"])),
            // A second signature elsewhere that a validator could take for the list's own.
            list(&signature("#S", &[EXC]), &ok),
            // Two signatures as children of the list element, or one that is not a child.
            list("", &format!("{ok}{ok}")),
            list(&ok, ""),
            // A second SignedInfo, read by the scope check but not by verification.
            list("", &ok.replace("</ds:SignedInfo>", "</ds:SignedInfo><ds:SignedInfo/>")),
            list("", ""),
        ];
        for (i, doc) in refused.iter().enumerate() {
            assert!(list_signature(doc).is_err(), "case {i} was accepted");
        }
        // A counter-signature nested in the list's own signature is not a second signature.
        let nested =
            ok.replace("</ds:Signature>", &format!("<ds:Object>{}</ds:Object></ds:Signature>", signature("#x", &[])));
        assert!(list_signature(&list("", &nested)).is_ok());
    }
}
