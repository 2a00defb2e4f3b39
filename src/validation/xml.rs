//! The validation process for XML signatures (XMLDSig, XAdES at level B-B): the same building
//! blocks and report as for CAdES, over the XMLDSig core and the XAdES signed properties.

use std::collections::HashMap;
use std::sync::Arc;

use super::process::{Checks, Document, apply_level, msg, unreadable_signature};
use super::{FailedSub, IndeterminateSub as Ind, ValidationError, Validator};
use crate::crypto::PublicKey;
use crate::report::{CertificateRef, Level, PolicyRef, Report, SignatureReport};
use crate::revocation::CrlSet;
use crate::trust::TrustPurpose;
use crate::x509::Certificate;
use crate::xades;
use crate::xml::dsig::{self, DSIG_NS, KeySource, ReferenceError, SignatureCheck, SignatureMethod, VerifyInputs};
use crate::xml::{self, NodeId, NodeKind, ParseOptions};

/// Out-of-band inputs of XML signature validation, as xmlsec1 takes them.
#[derive(Default)]
pub struct XmlInputs {
    /// Content of external references, by URI or by file name.
    pub detached: HashMap<String, Vec<u8>>,
    /// Public keys to try besides KeyInfo. A signature verified with a bare key has no signing
    /// certificate: INDETERMINATE / NO_SIGNING_CERTIFICATE_FOUND, never TOTAL_PASSED.
    pub public_keys: Vec<PublicKey>,
    /// The HMAC key, for HMAC signatures (again never TOTAL_PASSED: no certificate).
    pub hmac_key: Option<Vec<u8>>,
}

impl Validator {
    /// Validates the XML signatures of a document (XMLDSig or XAdES). DTDs are refused.
    pub fn validate_xml(&self, input: &[u8], extra: XmlInputs) -> Result<Report, ValidationError> {
        let doc = xml::Document::parse(input, &ParseOptions::default())?;
        self.validate_xml_document(&doc, extra)
    }

    /// Validates the XML signatures of a document already parsed (with DTDs refused, as
    /// [`Validator::validate_xml`] parses it): for callers that read the document too, such as
    /// trusted-list verification.
    pub fn validate_xml_document(&self, doc: &xml::Document, extra: XmlInputs) -> Result<Report, ValidationError> {
        let top: Vec<NodeId> =
            dsig::find_signatures(doc).into_iter().filter(|&s| !nested_in_signature(doc, s)).collect();
        if top.is_empty() {
            return Err(ValidationError::NoSignature);
        }
        // Content supplied for a document whose references are all internal would be silently
        // ignored: refuse it, as for CMS signatures that carry their content.
        if !extra.detached.is_empty() && !has_external_reference(doc) {
            return Err(ValidationError::UnexpectedDetachedContent);
        }
        let inputs = VerifyInputs {
            certificates: self.config().certificates.clone(),
            detached: extra.detached,
            public_keys: extra.public_keys,
            hmac_key: extra.hmac_key.as_deref(),
        };
        let mut signatures = Vec::new();
        for (i, &s) in top.iter().enumerate() {
            signatures.push(self.validate_xml_signature(doc, s, &inputs, format!("S{}", i + 1), None)?);
        }
        Ok(self.xml_report(signatures))
    }

    /// Validates one ds:Signature element of a parsed document (with its counter-signatures),
    /// and no other: for callers that decide which signature speaks for the document, such as
    /// trusted lists, whose signature is the one child of the list element. The report holds
    /// that one signature as `S1`.
    pub fn validate_xml_signature_element(
        &self,
        doc: &xml::Document,
        signature: NodeId,
        extra: XmlInputs,
    ) -> Result<Report, ValidationError> {
        if !matches!(&doc.node(signature).kind, NodeKind::Element { local, namespace: Some(ns), .. } if local == "Signature" && ns == DSIG_NS)
        {
            return Err(ValidationError::NoSignature);
        }
        let inputs = VerifyInputs {
            certificates: self.config().certificates.clone(),
            detached: extra.detached,
            public_keys: extra.public_keys,
            hmac_key: extra.hmac_key.as_deref(),
        };
        let s = self.validate_xml_signature(doc, signature, &inputs, "S1".into(), None)?;
        Ok(self.xml_report(vec![s]))
    }

    fn xml_report(&self, signatures: Vec<SignatureReport>) -> Report {
        let config = self.config();
        Report {
            validation_time: config.time,
            policy: PolicyRef { name: config.policy.name.clone(), sha256: config.policy.sha256() },
            revocation_checked: config.revocation_required(),
            trust_snapshot: config.trust.snapshot(),
            signatures,
        }
    }

    fn validate_xml_signature(
        &self,
        doc: &xml::Document,
        sig: NodeId,
        inputs: &VerifyInputs<'_>,
        id: String,
        countersigned: Option<NodeId>,
    ) -> Result<SignatureReport, ValidationError> {
        // A Signature element that cannot even be read (no SignedInfo, say) is reported as a
        // failed signature, so it neither hides the others nor passes.
        let check = match dsig::verify(doc, sig, inputs) {
            Ok(c) => c,
            Err(e @ crate::xml::XmlError::Malformed(_)) => {
                return Ok(unreadable_signature(id, "SIGNATURE_UNREADABLE", e.to_string()));
            }
            Err(e) => return Err(e.into()),
        };
        let props = xades::own_signed_properties(doc, sig);
        let mut r = SignatureReport::new(id.clone(), format_name(doc, props).into());
        r.signature_intact = check.signature_intact == Ok(true);
        match check.method {
            Some(SignatureMethod::Asymmetric(alg)) => {
                r.signature_algorithm = Some(alg.to_string());
                r.digest_algorithm = Some(alg.digest.to_string());
            }
            Some(SignatureMethod::Hmac(d, _)) => {
                r.signature_algorithm = Some(format!("HMAC with {d}"));
                r.digest_algorithm = Some(d.to_string());
            }
            None => {}
        }
        let mut checks = Checks::default();
        if let Some(p) = props {
            r.properties = xades::properties::read(doc, p);
            for dof in &r.properties.data_object_formats {
                let target = dof.object_reference.strip_prefix('#').unwrap_or(&dof.object_reference);
                // A DataObjectFormat may describe a Manifest entry as well as a SignedInfo reference.
                let mut all =
                    check.references.iter().chain(check.references.iter().flat_map(|x| x.manifest.iter().flatten()));
                if !all.any(|x| x.id.as_deref() == Some(target)) {
                    let text = format!(
                        "DataObjectFormat names {:?}, which is not a Reference of this signature",
                        dof.object_reference
                    );
                    r.messages.push(msg(Level::Warning, "DATA_OBJECT_FORMAT_UNMATCHED", text));
                }
            }
        }

        // FC: the signed properties are the signature's own (wrapping), references resolve.
        match xades::check_signed_properties_binding(doc, &check) {
            Ok(()) => {}
            Err(e @ xades::BindingError::Wrapped(_)) => {
                r.messages.push(msg(Level::Error, "SIGNED_PROPERTIES_NOT_BOUND", e.to_string()));
                checks.cv_indeterminate.get_or_insert(Ind::SignedDataNotFound);
            }
            // Unsigned properties cannot identify the signing certificate.
            Err(e @ xades::BindingError::NotReferenced) => {
                r.messages.push(msg(Level::Error, "SIGNED_PROPERTIES_NOT_SIGNED", e.to_string()));
                checks.isc.get_or_insert(Ind::NoSigningCertificateFound);
            }
        }
        self.reference_checks(&check, &mut r, &mut checks);
        // A counter-signature signs the SignatureValue of the signature it counter-signs
        // (EN 319 132-1 5.2.7): one of its references must select exactly that element.
        if let Some(sv) = countersigned
            && !check.references.iter().any(|x| x.target == Some(sv))
        {
            let text = "the counter-signature does not reference the SignatureValue it counter-signs".to_string();
            r.messages.push(msg(Level::Error, "COUNTER_SIGNATURE_NOT_BOUND", text));
            checks.cv_indeterminate.get_or_insert(Ind::SignedDataNotFound);
            r.data_intact = Some(false);
        }
        if !check.signed_data_found() {
            let text = "the signature signs no data object that was found".to_string();
            r.messages.push(msg(Level::Error, "SIGNED_DATA_NOT_FOUND", text));
            checks.cv_indeterminate.get_or_insert(Ind::SignedDataNotFound);
        }

        // CV: the signature value. EN 319 102-1 5.2.7 (as DSS): signed data that cannot be
        // found is decided first; a value over data that is missing proves nothing either way.
        let data_missing = checks.cv_indeterminate == Some(Ind::SignedDataNotFound);
        match &check.signature_intact {
            Ok(true) => {}
            Ok(false) => {
                r.messages.push(msg(Level::Error, "SIGNATURE_INVALID", "the SignatureValue does not verify".into()));
                if !data_missing {
                    checks.cv_failed.get_or_insert(FailedSub::SigCryptoFailure);
                }
            }
            Err(e) => {
                r.messages.push(msg(Level::Error, "UNSUPPORTED_ALGORITHM", e.clone()));
                checks.cv_indeterminate.get_or_insert(Ind::CryptoConstraintsFailure);
            }
        }

        // ISC: the certificate whose key verified the value; when none did, the KeyInfo
        // certificate the SigningCertificate property names, or else the first one, so that a
        // broken value is reported against the certificate it claims (EN 319 102-1 5.2.3).
        let signer = match &check.key {
            Some(KeySource::Certificate(c)) => Some(c.clone()),
            _ => {
                let named = props.and_then(|p| {
                    check.certificates.iter().find(|c| signing_certificate_bound(doc, p, c).is_ok()).cloned()
                });
                named.or_else(|| check.certificates.first().cloned())
            }
        };
        if signer.is_none() {
            let why = match &check.key {
                Some(_) => "the signature was verified with a bare key, not a certificate",
                None => "no signing certificate in KeyInfo or among the supplied ones",
            };
            r.messages.push(msg(Level::Error, "NO_SIGNING_CERTIFICATE", why.into()));
            checks.isc.get_or_insert(Ind::NoSigningCertificateFound);
        }
        if let (Some(cert), Some(p)) = (&signer, props) {
            match signing_certificate_bound(doc, p, cert) {
                Ok(true) => {}
                Ok(false) => r.messages.push(msg(
                    Level::Warning,
                    "SIGNING_CERTIFICATE_ISSUER_SERIAL",
                    "the SigningCertificate digest matches, but its issuer and serial name another certificate".into(),
                )),
                Err(why) => {
                    r.messages.push(msg(Level::Error, "SIGNING_CERTIFICATE_MISMATCH", why));
                    checks.isc.get_or_insert(Ind::NoSigningCertificateFound);
                }
            }
            r.signing_time = signing_time(doc, p);
        }

        // XCV and SAV over the signer's path.
        if let Some(cert) = &signer {
            r.signer = Some(CertificateRef::of(cert));
            let mut certificates = check.certificates.clone();
            certificates.extend(self.config().certificates.iter().cloned());
            let d = Document {
                certificates,
                anchors: self.config().trust.anchors(TrustPurpose::Signing),
                revocation_anchors: self.config().trust.anchors(TrustPurpose::Revocation),
                crls: CrlSet::new(),
                has_validation_data: false,
                notes: Vec::new(),
                config: self.config(),
            };
            self.certificate_checks(cert, &d, &mut r, &mut checks);
            // SAV: the signature's algorithm and key, and every reference digest (the XML
            // counterpart of the CMS message digest), against the policy at validation time.
            let config = self.config();
            if let (Some(SignatureMethod::Asymmetric(alg)), Ok(key)) = (check.method, cert.public_key())
                && let Err(v) = config.policy.check_signature_algorithm(&alg, key.kind(), config.time)
                && apply_level(v.level, &mut r.messages, "CRYPTO_CONSTRAINTS", format!("signature: {}", v.text))
            {
                checks.sav.get_or_insert(Ind::CryptoConstraintsFailureNoPoe);
            }
            let entries =
                check.references.iter().chain(check.references.iter().flat_map(|x| x.manifest.iter().flatten()));
            for reference in entries {
                let Some(d) = reference.digest else { continue };
                if let Err(v) = config.policy.check_digest_algorithm(d, config.time) {
                    let text = format!("reference {:?}: {}", reference.uri.as_deref().unwrap_or(""), v.text);
                    if apply_level(v.level, &mut r.messages, "CRYPTO_CONSTRAINTS", text) {
                        checks.sav.get_or_insert(Ind::CryptoConstraintsFailureNoPoe);
                    }
                }
            }
        }
        if props.is_some() && has_unsigned(doc, sig, "SignatureTimeStamp") {
            r.messages.push(msg(
                Level::Info,
                "TIMESTAMP_NOT_VALIDATED",
                "signature time-stamps are present but not validated: this version validates at level B-B".into(),
            ));
        }
        r.verdict = checks.verdict();
        let value = xades::properties::signature_value(doc, sig);
        for (j, cs) in xades::properties::counter_signatures(doc, sig).into_iter().enumerate() {
            let c = self.validate_xml_signature(doc, cs, inputs, format!("{id}-C{}", j + 1), value)?;
            r.counter_signatures.push(c);
        }
        Ok(r)
    }

    fn reference_checks(&self, check: &SignatureCheck, r: &mut SignatureReport, checks: &mut Checks) {
        let mut all = true;
        for reference in &check.references {
            let uri = reference.uri.clone().unwrap_or_default();
            match &reference.intact {
                Ok(true) => {}
                Ok(false) => {
                    all = false;
                    r.messages.push(msg(
                        Level::Error,
                        "HASH_MISMATCH",
                        format!("the digest of reference {uri:?} does not match"),
                    ));
                    checks.cv_failed.get_or_insert(FailedSub::HashFailure);
                }
                Err(e @ ReferenceError::DuplicateId(_)) => {
                    all = false;
                    r.messages.push(msg(Level::Error, "DUPLICATE_ID", format!("reference {uri:?}: {e}")));
                    checks.format = true;
                }
                Err(e) => {
                    all = false;
                    r.messages.push(msg(Level::Error, "SIGNED_DATA_NOT_FOUND", format!("reference {uri:?}: {e}")));
                    checks.cv_indeterminate.get_or_insert(Ind::SignedDataNotFound);
                }
            }
        }
        // Manifest entries (XMLDSig 5.1), as DSS weighs them: an entry that is found must match
        // its digest; one that cannot be found is a warning (when nothing signed is found at
        // all, `signed_data_found` has already made that SIGNED_DATA_NOT_FOUND).
        for entry in check.references.iter().flat_map(|x| x.manifest.iter().flatten()) {
            let uri = entry.uri.clone().unwrap_or_default();
            match &entry.intact {
                Ok(true) => {}
                Ok(false) => {
                    all = false;
                    let text = format!("manifest entry {uri:?} does not match its digest");
                    r.messages.push(msg(Level::Error, "MANIFEST_HASH_MISMATCH", text));
                    checks.cv_failed.get_or_insert(FailedSub::HashFailure);
                }
                Err(e) => {
                    let text = format!("manifest entry {uri:?}: {e}");
                    r.messages.push(msg(Level::Warning, "MANIFEST_ENTRY_NOT_FOUND", text));
                }
            }
        }
        r.data_intact = Some(all && !check.references.is_empty());
    }
}

/// Whether any ds:Reference of the document points outside it.
fn has_external_reference(doc: &xml::Document) -> bool {
    doc.subtree(doc.root()).any(|n| match &doc.node(n).kind {
        NodeKind::Element { local, namespace: Some(ns), attributes, .. } if local == "Reference" && ns == DSIG_NS => {
            attributes.iter().any(|a| a.local == "URI" && !a.value.is_empty() && !a.value.starts_with('#'))
        }
        _ => false,
    })
}

fn nested_in_signature(doc: &xml::Document, s: NodeId) -> bool {
    let mut cur = doc.node(s).parent;
    while let Some(p) = cur {
        if matches!(&doc.node(p).kind, NodeKind::Element { local, namespace: Some(ns), .. } if local == "Signature" && ns == DSIG_NS)
        {
            return true;
        }
        cur = doc.node(p).parent;
    }
    false
}

/// The first descendant of `n` with this XAdES local name (any XAdES version).
fn xades_child(doc: &xml::Document, n: NodeId, name: &str) -> Option<NodeId> {
    doc.subtree(n).find(|&d| {
        matches!(&doc.node(d).kind, NodeKind::Element { local, namespace: Some(ns), .. }
            if local == name && xades::XADES_NAMESPACES.contains(&ns.as_str()))
    })
}

fn has_unsigned(doc: &xml::Document, sig: NodeId, name: &str) -> bool {
    xades_child(doc, sig, "UnsignedSignatureProperties").is_some_and(|u| xades_child(doc, u, name).is_some())
}

/// EN 319 132-1 names: XAdES-BASELINE-B (1.3.2 with SigningTime and SigningCertificateV2),
/// XAdES-BES for other XAdES signatures, XMLDSig without qualifying properties.
fn format_name(doc: &xml::Document, props: Option<NodeId>) -> &'static str {
    let Some(p) = props else { return "XMLDSig" };
    let v2 = xades_child(doc, p, "SigningCertificateV2").is_some();
    if v2 && xades_child(doc, p, "SigningTime").is_some() { "XAdES-BASELINE-B" } else { "XAdES-BES" }
}

fn signing_time(doc: &xml::Document, props: NodeId) -> Option<time::OffsetDateTime> {
    let t = dsig::text(doc, xades_child(doc, props, "SigningTime")?);
    time::OffsetDateTime::parse(t.trim(), &time::format_description::well_known::Rfc3339).ok()
}

/// XAdES SigningCertificate(V2) (EN 319 132-1 5.2.2): one of its Certs has the digest of
/// `cert`. `Ok(true)` when that Cert's issuer and serial agree too, `Ok(false)` when they do not
/// (a warning, as DSS weighs it); properties without the property are `Ok(true)`.
fn signing_certificate_bound(doc: &xml::Document, props: NodeId, cert: &Arc<Certificate>) -> Result<bool, String> {
    let Some(refs) = xades::properties::signing_certificate_references(doc, props) else { return Ok(true) };
    match refs.iter().find(|r| r.digest_matches(cert)) {
        Some(r) => Ok(r.issuer_serial_matches(cert)),
        None => match refs.iter().find_map(|r| r.digest.as_ref().err()) {
            Some(e) if refs.len() == 1 => Err(format!("SigningCertificate: {e}")),
            _ => Err("the SigningCertificate digest does not match the certificate that verifies the signature".into()),
        },
    }
}
