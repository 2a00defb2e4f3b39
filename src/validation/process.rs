//! Running the building blocks for each SignerInfo and combining their results.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use thiserror::Error;
use time::OffsetDateTime;

use super::{FailedSub, IndeterminateSub as Ind, Verdict};
use crate::asn1::{Oid, oid};
use crate::cades::{CadesFormat, detect_format};
use crate::cms::{self, CmsError, SignedData, SignerIdentifier, SignerInfo, SigningCertificateRef};
use crate::crypto::{CryptoError, DigestAlgorithm, Hasher};
use crate::policy::{ConstraintLevel, Policy};
use crate::report::{CertificateRef, Level, Message, PolicyRef, Report, SignatureReport};
use crate::revocation::{self, Crl, CrlSet, RevocationResult, RevocationSource, RevocationStatus};
use crate::trust::{TrustPurpose, TrustSource};
use crate::x509::{self, AnchorSet, CertPath, Certificate, Name, PathError, PathOptions, PolicyInputs};

/// Whether missing revocation information blocks TOTAL_PASSED.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationChecking {
    /// Every certificate of the path but the anchor needs a usable answer (the default).
    Required,
    /// Explicitly disabled; reports say so.
    Disabled,
}

/// Everything a validation depends on besides the signature itself.
#[derive(Clone)]
pub struct ValidationConfig {
    /// The validation time (an explicit input; confia never reads the clock here).
    pub time: OffsetDateTime,
    /// The trust anchors.
    pub trust: Arc<dyn TrustSource>,
    /// Extra certificates that may help build paths (`--cert`).
    pub certificates: Vec<Arc<Certificate>>,
    /// Revocation data supplied by the caller (`--crl`), besides what the signature carries.
    pub revocation: Arc<dyn RevocationSource>,
    /// Whether revocation is required.
    pub revocation_checking: RevocationChecking,
    /// The validation policy.
    pub policy: Policy,
    /// The certificate-policy inputs of RFC 5280 6.1.1 for the signer's path.
    pub path_policy: PolicyInputs,
}

impl ValidationConfig {
    /// Whether revocation information is required: neither disabled explicitly nor by the
    /// policy.
    pub fn revocation_required(&self) -> bool {
        self.revocation_checking == RevocationChecking::Required && self.policy.revocation.required
    }

    /// A configuration with the default policy, required revocation checking and no extra
    /// certificates or CRLs.
    pub fn new(time: OffsetDateTime, trust: Arc<dyn TrustSource>) -> Self {
        ValidationConfig {
            time,
            trust,
            certificates: Vec::new(),
            revocation: Arc::new(CrlSet::new()),
            revocation_checking: RevocationChecking::Required,
            policy: Policy::default(),
            path_policy: PolicyInputs::default(),
        }
    }
}

/// Why no report could be produced at all.
#[derive(Debug, Error)]
pub enum ValidationError {
    /// The input is not a readable CMS SignedData.
    #[error(transparent)]
    Cms(#[from] CmsError),
    /// The SignedData holds no SignerInfo.
    #[error("the SignedData contains no signature")]
    NoSignature,
    /// Detached content was supplied but the signature already encapsulates its content.
    #[error("detached content was given, but the signature carries its own content")]
    UnexpectedDetachedContent,
    /// Reading the detached content failed.
    #[error("reading the detached content: {0}")]
    Io(#[from] std::io::Error),
    /// The input is not usable XML (or carries a DTD).
    #[error(transparent)]
    Xml(#[from] crate::xml::XmlError),
}

/// Validates signatures under one configuration. `Send + Sync`: share it across threads.
pub struct Validator {
    config: ValidationConfig,
}

/// What the signature covers: the content's digests, or (for a counter-signature) the
/// parent's signature value.
enum Subject<'x> {
    Content { digests: Option<&'x HashMap<DigestAlgorithm, Vec<u8>>>, content_type: Oid },
    Counter { parent_signature: &'x [u8] },
}

impl Subject<'_> {
    fn digest(&self, alg: DigestAlgorithm) -> Option<Vec<u8>> {
        match self {
            Subject::Content { digests, .. } => digests.and_then(|d| d.get(&alg).cloned()),
            Subject::Counter { parent_signature } => Some(alg.digest(parent_signature)),
        }
    }
}

/// Per-document material shared by all signers.
pub(super) struct Document<'d> {
    pub(super) certificates: Vec<Arc<Certificate>>,
    pub(super) anchors: Arc<AnchorSet>,
    /// The anchors of CRL issuers' and OCSP responders' paths.
    pub(super) revocation_anchors: Arc<AnchorSet>,
    pub(super) crls: CrlSet,
    pub(super) has_validation_data: bool,
    pub(super) notes: Vec<Message>,
    pub(super) config: &'d ValidationConfig,
}

impl RevocationSource for Document<'_> {
    fn crls_for(&self, cert: &Certificate) -> Vec<Arc<Crl>> {
        let mut v = self.crls.crls_for(cert);
        v.extend(self.config.revocation.crls_for(cert));
        v
    }
}

impl Validator {
    /// A validator for `config`.
    pub fn new(config: ValidationConfig) -> Self {
        Validator { config }
    }

    /// The configuration.
    pub fn config(&self) -> &ValidationConfig {
        &self.config
    }

    /// Validates a CMS/CAdES signature (DER, BER or PEM). `detached` supplies the signed
    /// content of a detached signature; it is read as a stream.
    pub fn validate_cms(&self, input: &[u8], detached: Option<&mut dyn Read>) -> Result<Report, ValidationError> {
        let der_storage;
        let input = match crate::pem::decode_all(input, &["CMS", "PKCS7", "PKCS #7 SIGNED DATA"]) {
            Some(mut blocks) if !blocks.is_empty() => {
                der_storage = blocks.swap_remove(0);
                &der_storage[..]
            }
            _ => input,
        };
        let sd = SignedData::from_ber(input)?;
        if sd.signer_infos.is_empty() {
            return Err(ValidationError::NoSignature);
        }
        let doc = self.document(&sd);

        let needed: Vec<DigestAlgorithm> = {
            let mut v: Vec<_> = sd.signer_infos.iter().filter_map(|s| s.digest_algorithm.clone().ok()).collect();
            v.sort();
            v.dedup();
            v
        };
        let digests = match (&sd.encap_content_info.content, detached) {
            (Some(_), Some(_)) => return Err(ValidationError::UnexpectedDetachedContent),
            (Some(_), None) => {
                let mut hashers: Vec<Hasher> = needed.iter().map(|d| Hasher::new(*d)).collect();
                sd.encap_content_info.for_each_segment(&mut |seg| hashers.iter_mut().for_each(|h| h.update(seg)))?;
                Some(needed.iter().copied().zip(hashers.into_iter().map(Hasher::finalize)).collect())
            }
            (None, Some(reader)) => Some(hash_stream(reader, &needed)?),
            (None, None) => None,
        };
        let subject = Subject::Content { digests: digests.as_ref(), content_type: sd.encap_content_info.content_type };
        let signatures = sd
            .signer_infos
            .iter()
            .enumerate()
            .map(|(i, si)| self.validate_signer(si, &subject, &doc, format!("S{}", i + 1), 0))
            .collect();
        Ok(Report {
            validation_time: self.config.time,
            policy: PolicyRef { name: self.config.policy.name.clone(), sha256: self.config.policy.sha256() },
            revocation_checked: self.config.revocation_required(),
            trust_snapshot: self.config().trust.snapshot(),
            signatures,
        })
    }

    fn document<'d>(&'d self, sd: &SignedData<'_>) -> Document<'d> {
        let mut notes = Vec::new();
        let mut certificates = Vec::new();
        for raw in &sd.certificates {
            match Certificate::from_der(raw) {
                Ok(c) => certificates.push(Arc::new(c)),
                Err(e) => notes.push(msg(Level::Warning, "EMBEDDED_CERTIFICATE_UNREADABLE", e.to_string())),
            }
        }
        if sd.trailing_bytes > 0 {
            notes.push(msg(
                Level::Warning,
                "TRAILING_DATA",
                format!("{} bytes after the signature structure were ignored (they are not signed)", sd.trailing_bytes),
            ));
        }
        if sd.skipped_certificates > 0 {
            notes.push(msg(
                Level::Info,
                "OTHER_CERTIFICATE_FORMATS",
                format!("{} non-X.509 certificate entries were ignored", sd.skipped_certificates),
            ));
        }
        let mut crls = CrlSet::new();
        for raw in &sd.crls {
            match Crl::from_der(raw) {
                Ok(c) => crls.add(Arc::new(c)),
                Err(e) => notes.push(msg(Level::Warning, "EMBEDDED_CRL_UNREADABLE", e.to_string())),
            }
        }
        certificates.extend(self.config.certificates.iter().cloned());
        Document {
            has_validation_data: !sd.crls.is_empty() || !sd.other_revocation_info.is_empty(),
            certificates,
            anchors: self.config.trust.anchors(TrustPurpose::Signing),
            revocation_anchors: self.config.trust.anchors(TrustPurpose::Revocation),
            crls,
            notes,
            config: &self.config,
        }
    }

    fn validate_signer(
        &self,
        si: &SignerInfo<'_>,
        subject: &Subject<'_>,
        doc: &Document<'_>,
        id: String,
        depth: usize,
    ) -> SignatureReport {
        let counter = matches!(subject, Subject::Counter { .. });
        let format = detect_format(si, counter, doc.has_validation_data);
        let mut r = SignatureReport::new(id, format.to_string());
        r.digest_algorithm = si.digest_algorithm.as_ref().ok().map(|d| d.to_string());
        r.signature_algorithm = si.signature_algorithm.as_ref().ok().map(|a| a.to_string());
        r.messages = doc.notes.clone();
        let mut checks = Checks::default();

        // FC: the attributes that must be well-formed.
        let signing_cert_ref = self.format_checks(si, subject, format, &mut r, &mut checks);

        // ISC
        let signer = identify_signer(si, doc, signing_cert_ref.as_ref(), &mut r, &mut checks);

        // CV
        self.crypto_checks(si, subject, signer.as_deref(), &mut r, &mut checks);

        // XCV and SAV
        if let Some(cert) = &signer {
            r.signer = Some(CertificateRef::of(cert));
            self.certificate_checks(cert, doc, &mut r, &mut checks);
            if let (Ok(alg), Ok(key)) = (&si.signature_algorithm, cert.public_key())
                && let Err(v) = self.config.policy.check_signature_algorithm(alg, key.kind(), self.config.time)
                && apply_level(v.level, &mut r.messages, "CRYPTO_CONSTRAINTS", format!("signature: {}", v.text))
            {
                checks.sav.get_or_insert(Ind::CryptoConstraintsFailureNoPoe);
            }
        }

        // Unsigned attributes: counter-signatures are validated, time-stamps announced.
        if let Some(unsigned) = &si.unsigned_attrs {
            for (k, a) in unsigned.all(oid::COUNTER_SIGNATURE).flat_map(|a| a.values.iter()).enumerate() {
                let cid = format!("{}-C{}", r.id, k + 1);
                if depth + 1 >= cms::MAX_COUNTER_SIGNATURE_DEPTH {
                    r.messages.push(msg(
                        Level::Warning,
                        "COUNTER_SIGNATURE_TOO_DEEP",
                        format!("{cid} not validated: nesting limit"),
                    ));
                    continue;
                }
                match SignerInfo::read(*a) {
                    Ok(csi) => {
                        let cs = self.validate_signer(
                            &csi,
                            &Subject::Counter { parent_signature: si.signature },
                            doc,
                            cid,
                            depth + 1,
                        );
                        r.counter_signatures.push(cs);
                    }
                    Err(e) => {
                        // Fail closed: an unreadable counter-signature is reported as one that
                        // failed, so it weighs on the result like any other broken one.
                        r.counter_signatures.push(unreadable_signature(
                            cid,
                            "COUNTER_SIGNATURE_UNREADABLE",
                            e.to_string(),
                        ));
                    }
                }
            }
            let ts = [
                (oid::SIGNATURE_TIME_STAMP, "signature time-stamp"),
                (oid::ARCHIVE_TIME_STAMP_V3, "archive time-stamp (v3)"),
                (oid::ARCHIVE_TIME_STAMP_V2, "archive time-stamp (v2)"),
                (oid::ESC_TIME_STAMP, "CAdES-C time-stamp"),
                (oid::CERT_CRL_TIME_STAMP, "certificates and CRLs time-stamp"),
            ];
            for (o, name) in ts {
                let n = unsigned.all(o).count();
                if n > 0 {
                    r.messages.push(msg(
                        Level::Info,
                        "TIMESTAMP_NOT_VALIDATED",
                        format!("{n} {name}(s) present but not validated: this version validates at level B-B, at the validation time"),
                    ));
                }
            }
        }
        r.verdict = checks.verdict();
        r
    }

    /// FC: content-type and message-digest attributes; returns the signing-certificate reference.
    fn format_checks<'a>(
        &self,
        si: &SignerInfo<'a>,
        subject: &Subject<'_>,
        format: CadesFormat,
        r: &mut SignatureReport,
        checks: &mut Checks,
    ) -> Option<SigningCertificateRef<'a>> {
        let Some(signed) = &si.signed_attrs else {
            r.messages.push(msg(
                Level::Info,
                "NO_SIGNED_ATTRIBUTES",
                "the SignerInfo has no signed attributes: plain CMS, not CAdES".into(),
            ));
            return None;
        };
        // RFC 5652 11.1: content-type is required with signed attributes, except in counter-signatures.
        match (signed.single(oid::CONTENT_TYPE, "content-type"), subject) {
            (Err(e), _) => checks.format_failure(r, e.to_string()),
            (Ok(Some(v)), Subject::Content { content_type, .. }) => match v.oid() {
                Ok(o) if o == *content_type => {}
                Ok(o) => checks
                    .format_failure(r, format!("content-type attribute {o} differs from eContentType {content_type}")),
                Err(e) => checks.format_failure(r, format!("content-type attribute: {e}")),
            },
            (Ok(Some(_)), Subject::Counter { .. }) => r.messages.push(msg(
                Level::Warning,
                "COUNTER_SIGNATURE_CONTENT_TYPE",
                "a counter-signature must not carry a content-type attribute (RFC 5652 11.1)".into(),
            )),
            (Ok(None), Subject::Content { .. }) => r.messages.push(msg(
                Level::Warning,
                "CONTENT_TYPE_MISSING",
                "signed attributes without content-type (RFC 5652 11.1 requires it)".into(),
            )),
            (Ok(None), Subject::Counter { .. }) => {}
        }
        if let Err(e) = signed.single(oid::MESSAGE_DIGEST, "message-digest") {
            checks.format_failure(r, e.to_string());
        }
        match signed.single(oid::SIGNING_TIME, "signing-time") {
            Ok(Some(v)) => match cms::parse_time(&v) {
                Ok(t) => r.signing_time = Some(t),
                Err(e) => checks.format_failure(r, format!("signing-time: {e}")),
            },
            Ok(None)
                if format != CadesFormat::Cms
                    || self.config.policy.constraints.signing_time == ConstraintLevel::Fail =>
            {
                if apply_level(
                    self.config.policy.constraints.signing_time,
                    &mut r.messages,
                    "SIGNING_TIME_MISSING",
                    "no signing-time attribute (required by CAdES-BASELINE-B)".into(),
                ) {
                    checks.sav.get_or_insert(Ind::SigConstraintsFailure);
                }
            }
            Ok(None) => {}
            Err(e) => checks.format_failure(r, e.to_string()),
        }
        let v2 = signed.all(oid::SIGNING_CERTIFICATE_V2).next();
        let v1 = signed.all(oid::SIGNING_CERTIFICATE).next();
        let (attr, is_v2) = match (v2, v1) {
            (Some(a), _) => (a, true),
            (None, Some(a)) => (a, false),
            (None, None) => {
                if format == CadesFormat::Cms {
                    r.messages.push(msg(
                        Level::Info,
                        "NOT_CADES",
                        "no ESS signing-certificate attribute: plain CMS".into(),
                    ));
                }
                return None;
            }
        };
        if signed.all(attr.oid).count() != 1 || attr.values.len() != 1 {
            checks.format_failure(r, "signing-certificate attribute must occur once with one value".into());
            return None;
        }
        match SigningCertificateRef::read(&attr.values[0], is_v2) {
            Ok(s) if !s.certs.is_empty() => Some(s),
            Ok(_) => {
                checks.format_failure(r, "signing-certificate attribute lists no certificate".into());
                None
            }
            Err(e) => {
                checks.format_failure(r, format!("signing-certificate attribute: {e}"));
                None
            }
        }
    }

    /// CV: message digest and signature value.
    fn crypto_checks(
        &self,
        si: &SignerInfo<'_>,
        subject: &Subject<'_>,
        signer: Option<&Certificate>,
        r: &mut SignatureReport,
        checks: &mut Checks,
    ) {
        let digest_alg = match &si.digest_algorithm {
            Ok(d) => Some(*d),
            Err(e) => {
                r.messages.push(msg(Level::Error, "UNSUPPORTED_ALGORITHM", e.to_string()));
                checks.cv_indeterminate.get_or_insert(Ind::CryptoConstraintsFailure);
                None
            }
        };
        let computed = digest_alg.and_then(|d| subject.digest(d));
        if computed.is_none() && digest_alg.is_some() {
            r.messages.push(msg(
                Level::Error,
                "SIGNED_DATA_NOT_FOUND",
                "the signed content was not supplied (detached signature: use --content)".into(),
            ));
            checks.cv_indeterminate.get_or_insert(Ind::SignedDataNotFound);
        }
        // Message digest (RFC 5652 5.4).
        if let Some(signed) = &si.signed_attrs {
            let claimed = signed
                .single(oid::MESSAGE_DIGEST, "message-digest")
                .ok()
                .flatten()
                .and_then(|v| cms::octet_string_value(&v).ok());
            match (&computed, claimed) {
                (Some(c), Some(m)) => {
                    let ok = c.as_slice() == m;
                    r.data_intact = Some(ok);
                    if !ok {
                        r.messages.push(msg(
                            Level::Error,
                            "HASH_MISMATCH",
                            "the message-digest attribute does not match the signed data".into(),
                        ));
                        checks.cv_failed.get_or_insert(FailedSub::HashFailure);
                    }
                }
                (Some(_), None) => {
                    r.data_intact = Some(false);
                    checks.format_failure(r, "signed attributes without a message-digest attribute".into());
                }
                (None, _) => {}
            }
        }
        let Some(cert) = signer else { return };
        let alg = match &si.signature_algorithm {
            Ok(a) => *a,
            Err(e) => {
                r.messages.push(msg(Level::Error, "UNSUPPORTED_ALGORITHM", e.to_string()));
                checks.cv_indeterminate.get_or_insert(Ind::CryptoConstraintsFailure);
                return;
            }
        };
        let key = match cert.public_key() {
            Ok(k) => k,
            Err(e) => {
                r.messages.push(msg(Level::Error, "UNSUPPORTED_KEY", format!("signer key: {e}")));
                checks.cv_indeterminate.get_or_insert(Ind::CryptoConstraintsFailure);
                return;
            }
        };
        let result = match &si.signed_attrs {
            Some(signed) => match key.verify(&alg, &signed.signed_bytes(), si.signature) {
                Err(CryptoError::BadSignature) => match signed.der_reencoding() {
                    Some(der) if key.verify(&alg, &der, si.signature).is_ok() => {
                        r.messages.push(msg(
                            Level::Warning,
                            "SIGNED_ATTRIBUTES_NOT_DER",
                            "the signature covers the DER form of the signed attributes, not the bytes as received \
                             (the attributes were re-ordered or re-encoded after signing)"
                                .into(),
                        ));
                        Ok(())
                    }
                    _ => Err(CryptoError::BadSignature),
                },
                other => other,
            },
            // Without signed attributes the signature covers the content digest itself.
            None => match &computed {
                Some(d) if alg.scheme != crate::crypto::SignatureScheme::Ed25519 => {
                    key.verify_prehash(&alg, d, si.signature)
                }
                Some(_) => Err(CryptoError::UnsupportedAlgorithm("Ed25519 without signed attributes".into())),
                None => return,
            },
        };
        match result {
            Ok(()) => {
                r.signature_intact = true;
                if si.signed_attrs.is_none() {
                    r.data_intact = Some(true);
                }
            }
            Err(CryptoError::BadSignature) => {
                if si.signed_attrs.is_none() {
                    // The content digest and the signature are one check here.
                    r.data_intact = Some(false);
                }
                r.messages.push(msg(
                    Level::Error,
                    "SIGNATURE_INVALID",
                    format!("the signature value does not verify ({alg})"),
                ));
                checks.cv_failed.get_or_insert(FailedSub::SigCryptoFailure);
            }
            Err(e) => {
                r.messages.push(msg(Level::Error, "UNSUPPORTED_ALGORITHM", e.to_string()));
                checks.cv_indeterminate.get_or_insert(Ind::CryptoConstraintsFailure);
            }
        }
    }

    /// XCV: path to an anchor, end-entity checks, revocation of every non-anchor certificate.
    pub(super) fn certificate_checks(
        &self,
        cert: &Arc<Certificate>,
        doc: &Document<'_>,
        r: &mut SignatureReport,
        checks: &mut Checks,
    ) {
        let time = self.config.time;
        let opts = PathOptions {
            anchors: &doc.anchors,
            intermediates: &doc.certificates,
            time,
            policy: self.config.path_policy.clone(),
        };
        let path = match x509::build_path(cert, &opts) {
            Ok(p) => p,
            Err(e) => {
                r.messages.push(msg(Level::Error, "NO_CERTIFICATE_CHAIN", e.to_string()));
                checks.xcv.get_or_insert(path_sub(&e));
                return;
            }
        };
        r.chain = path.certs.iter().map(|c| c.sha256_hex()).collect();
        let provenance = self.config.trust.provenance(path.anchor()).map(|p| format!(" ({p})")).unwrap_or_default();
        r.messages.push(msg(
            Level::Info,
            "TRUST_ANCHOR",
            format!("path ends at the trust anchor {}{provenance}", path.anchor().subject()),
        ));
        r.messages.extend(self.config.trust.findings(path.anchor()));
        if let Err(e) = x509::check_leaf(cert, time) {
            r.messages.push(msg(Level::Error, "SIGNER_CERTIFICATE", e.to_string()));
            checks.xcv.get_or_insert(path_sub(&e));
        }
        if let Err(e) = x509::check_signer_key_usage(cert)
            && apply_level(
                self.config.policy.constraints.signer_key_usage,
                &mut r.messages,
                "SIGNER_KEY_USAGE",
                e.to_string(),
            )
        {
            checks.xcv.get_or_insert(path_sub(&e));
        }
        if let Some(i) = path_crypto(&self.config, &path, &mut r.messages) {
            checks.xcv.get_or_insert(i);
        }
        r.revocation = path_revocation(
            &self.config,
            &path,
            doc,
            &doc.revocation_anchors,
            &doc.certificates,
            &mut r.messages,
            &mut checks.revocation,
        );
    }
}

/// The policy's algorithm constraints on every certificate signature of `path` (the anchor's own
/// is not relied on); returns the sub-indication when one fails at level FAIL.
pub(super) fn path_crypto(config: &ValidationConfig, path: &CertPath, messages: &mut Vec<Message>) -> Option<Ind> {
    let mut failed = None;
    for w in path.certs.windows(2) {
        let (c, issuer) = (&w[0], &w[1]);
        if let (Ok(alg), Ok(k)) = (c.signature_algorithm(), issuer.public_key())
            && let Err(v) = config.policy.check_signature_algorithm(alg, k.kind(), config.time)
        {
            let text = format!("certificate {}: {}", c.subject(), v.text);
            if apply_level(v.level, messages, "CRYPTO_CONSTRAINTS", text) {
                failed = Some(Ind::CryptoConstraintsFailureNoPoe);
            }
        }
    }
    failed
}

/// Revocation of every certificate of `path` but the anchor, under the configuration's
/// policy; findings go to `messages` and the revocation block's sub-indication to `outcome`.
pub(super) fn path_revocation(
    config: &ValidationConfig,
    path: &CertPath,
    source: &dyn RevocationSource,
    anchors: &AnchorSet,
    certificates: &[Arc<Certificate>],
    messages: &mut Vec<Message>,
    outcome: &mut Option<Ind>,
) -> Vec<RevocationResult> {
    let mut results = Vec::new();
    let required = config.revocation_required();
    if !required && path.certs.len() > 1 {
        messages.push(msg(
            Level::Warning,
            "REVOCATION_NOT_CHECKED",
            "revocation information is not required (--no-revocation-check or the policy); CRLs at hand are still \
             consulted and a revocation they show still counts"
                .into(),
        ));
    }
    let ctx = revocation::CrlContext {
        source,
        anchors,
        certificates,
        time: config.time,
        depth: 0,
        signer_in_check: None,
        max_crl_age: config.policy.revocation.max_crl_age_days.map(|d| time::Duration::days(i64::from(d))),
    };
    for w in path.certs.windows(2) {
        let res = revocation::check_crls(&w[0], &w[1], &ctx);
        if !required && matches!(res.status, RevocationStatus::Unknown) {
            // Not required and not available: say so, without deciding anything.
            let mut nc = not_checked(&w[0]);
            nc.notes.extend(res.notes);
            results.push(nc);
            continue;
        }
        let signer = results.is_empty();
        let level = if signer { config.policy.constraints.signer_revocation } else { ConstraintLevel::Fail };
        revocation_outcome(signer, level, &res, messages, outcome);
        results.push(res);
    }
    results
}

fn hash_stream(
    reader: &mut dyn Read,
    algs: &[DigestAlgorithm],
) -> Result<HashMap<DigestAlgorithm, Vec<u8>>, std::io::Error> {
    let mut hashers: Vec<Hasher> = algs.iter().map(|d| Hasher::new(*d)).collect();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hashers.iter_mut().for_each(|h| h.update(&buf[..n]));
    }
    Ok(algs.iter().copied().zip(hashers.into_iter().map(Hasher::finalize)).collect())
}

/// ISC: the certificate named by `sid`, confirmed by the signing-certificate attribute.
fn identify_signer(
    si: &SignerInfo<'_>,
    doc: &Document<'_>,
    ess: Option<&SigningCertificateRef<'_>>,
    r: &mut SignatureReport,
    checks: &mut Checks,
) -> Option<Arc<Certificate>> {
    let sid_issuer = match &si.sid {
        SignerIdentifier::IssuerAndSerial { issuer, .. } => Name::from_der(issuer),
        SignerIdentifier::SubjectKeyId(_) => None,
    };
    let matches_sid = |c: &Certificate| match &si.sid {
        SignerIdentifier::IssuerAndSerial { serial, .. } => {
            c.serial() == *serial && sid_issuer.as_ref().is_some_and(|n| n.matches(c.issuer()))
        }
        SignerIdentifier::SubjectKeyId(k) => c.subject_key_id() == Some(*k) || spki_sha1(c).as_deref() == Some(*k),
    };
    let mut candidates: Vec<Arc<Certificate>> = Vec::new();
    for c in doc.certificates.iter().chain(doc.anchors.iter()) {
        if matches_sid(c) && !candidates.iter().any(|x| x.sha256() == c.sha256()) {
            candidates.push(c.clone());
        }
    }
    if candidates.is_empty() {
        r.messages.push(msg(
            Level::Error,
            "NO_SIGNING_CERTIFICATE",
            "the signer certificate is neither in the signature nor among the supplied certificates".into(),
        ));
        checks.isc.get_or_insert(Ind::NoSigningCertificateFound);
        return None;
    }
    let Some(ess) = ess else {
        return candidates.into_iter().next();
    };
    // EN 319 122-1 5.2.2.3: the first ESSCertID identifies the signing certificate.
    let id = &ess.certs[0];
    let bound = |c: &Certificate| -> Result<(), String> {
        let alg = id.hash_algorithm.clone().map_err(|e| e.to_string())?;
        if alg.digest(c.der()) != id.cert_hash {
            return Err("certificate digest differs".into());
        }
        if let Some((names, serial)) = &id.issuer_serial {
            if *serial != c.serial() {
                return Err("issuerSerial serial number differs".into());
            }
            if !names.iter().filter_map(|n| Name::from_der(n)).any(|n| n.matches(c.issuer())) {
                return Err("issuerSerial issuer differs".into());
            }
        }
        Ok(())
    };
    let mut first_error = None;
    for c in &candidates {
        match bound(c) {
            Ok(()) => return Some(c.clone()),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    r.messages.push(msg(
        Level::Error,
        "SIGNING_CERTIFICATE_MISMATCH",
        format!(
            "the signing-certificate{} attribute does not match the signer certificate: {}",
            if ess.v2 { "-v2" } else { "" },
            first_error.unwrap_or_default()
        ),
    ));
    checks.isc.get_or_insert(Ind::NoSigningCertificateFound);
    // The sid still names a certificate: its key is used for the cryptographic check only.
    candidates.into_iter().next()
}

/// RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits, for signers whose
/// certificate lacks the extension.
fn spki_sha1(c: &Certificate) -> Option<Vec<u8>> {
    let el = crate::asn1::read_single(c.spki_der(), "SubjectPublicKeyInfo").ok()?;
    let mut rd = el.children();
    rd.required("algorithm").ok()?;
    let bits = rd.required("subjectPublicKey").ok()?.bit_string_bytes().ok()?;
    Some(DigestAlgorithm::Sha1.digest(bits))
}

/// The report for a signature structure that cannot even be read: TOTAL_FAILED /
/// FORMAT_FAILURE, nothing intact.
pub(super) fn unreadable_signature(id: String, code: &'static str, text: String) -> SignatureReport {
    let mut r = SignatureReport::new(id, "unreadable".into());
    r.verdict = Verdict::Failed(FailedSub::FormatFailure);
    r.messages.push(msg(Level::Error, code, text));
    r
}

pub(super) fn path_sub(e: &PathError) -> Ind {
    match e {
        PathError::NoPath(_) => Ind::NoCertificateChainFound,
        PathError::Expired { .. } => Ind::OutOfBoundsNoPoe,
        PathError::NotYetValid { .. } => Ind::NotYetValid,
        PathError::Constraint(_) => Ind::ChainConstraintsFailure,
    }
}

pub(super) fn not_checked(c: &Certificate) -> RevocationResult {
    RevocationResult {
        certificate: c.sha256_hex(),
        subject: c.subject().to_string(),
        status: RevocationStatus::NotChecked,
        source: None,
        this_update: None,
        next_update: None,
        revocation_date: None,
        reason: None,
        notes: vec!["revocation checking disabled".into()],
    }
}

/// Turns one certificate's revocation result into messages and the revocation block's
/// sub-indication (the first problem wins; a revocation outranks a missing answer).
pub(super) fn revocation_outcome(
    signer: bool,
    missing_level: ConstraintLevel,
    res: &RevocationResult,
    messages: &mut Vec<Message>,
    outcome: &mut Option<Ind>,
) {
    let whose = if signer { "signer certificate" } else { "CA certificate" };
    match res.status {
        RevocationStatus::Good | RevocationStatus::NotChecked => {}
        RevocationStatus::Revoked => {
            let when = res
                .revocation_date
                .and_then(|d| d.format(&time::format_description::well_known::Rfc3339).ok())
                .unwrap_or_default();
            let reason = res.reason.clone().map(|x| format!(", reason {x}")).unwrap_or_default();
            messages.push(msg(Level::Error, "REVOKED", format!("{whose} {} revoked on {when}{reason}", res.subject)));
            // EN 319 102-1 5.2.6: without proof that the signature existed before the
            // revocation, the result is INDETERMINATE, not TOTAL_FAILED.
            *outcome = Some(outcome.map_or(if signer { Ind::RevokedNoPoe } else { Ind::RevokedCaNoPoe }, |prev| {
                if prev == Ind::TryLater { if signer { Ind::RevokedNoPoe } else { Ind::RevokedCaNoPoe } } else { prev }
            }));
        }
        RevocationStatus::OnHold | RevocationStatus::Unknown => {
            let (code, text) = if res.status == RevocationStatus::OnHold {
                ("ON_HOLD", format!("{whose} {} is suspended (certificateHold)", res.subject))
            } else {
                (
                    "NO_REVOCATION_DATA",
                    format!("no usable revocation information for {whose} {}: {}", res.subject, res.notes.join("; ")),
                )
            };
            if apply_level(missing_level, messages, code, text) {
                outcome.get_or_insert(Ind::TryLater);
            }
        }
    }
}

/// Reports a failed check at the policy's level; returns whether it decides the result.
pub(crate) fn apply_level(
    level: ConstraintLevel,
    messages: &mut Vec<Message>,
    code: &'static str,
    text: String,
) -> bool {
    let level = match level {
        ConstraintLevel::Fail => Level::Error,
        ConstraintLevel::Warn => Level::Warning,
        ConstraintLevel::Inform => Level::Info,
        ConstraintLevel::Ignore => return false,
    };
    messages.push(msg(level, code, text));
    level == Level::Error
}

/// The first failure of each building block; combined in [`Checks::verdict`].
#[derive(Default)]
pub(super) struct Checks {
    pub(super) format: bool,
    pub(super) isc: Option<Ind>,
    pub(super) cv_failed: Option<FailedSub>,
    pub(super) cv_indeterminate: Option<Ind>,
    pub(super) xcv: Option<Ind>,
    pub(super) revocation: Option<Ind>,
    pub(super) sav: Option<Ind>,
}

impl Checks {
    fn format_failure(&mut self, r: &mut SignatureReport, text: String) {
        r.messages.push(msg(Level::Error, "FORMAT_FAILURE", text));
        self.format = true;
    }

    /// EN 319 102-1 5.3.4: FC, then ISC, then CV (a proven failure wins over any
    /// INDETERMINATE of the later blocks), then XCV, then SAV.
    pub(super) fn verdict(&self) -> Verdict {
        if self.format {
            return Verdict::Failed(FailedSub::FormatFailure);
        }
        if let Some(f) = self.cv_failed {
            return Verdict::Failed(f);
        }
        if let Some(i) = self.isc {
            return Verdict::Indeterminate(i);
        }
        if let Some(i) = self.cv_indeterminate {
            return Verdict::Indeterminate(i);
        }
        if let Some(i) = self.xcv.filter(|i| *i != Ind::CryptoConstraintsFailureNoPoe) {
            return Verdict::Indeterminate(i);
        }
        if let Some(i) = self.revocation {
            return Verdict::Indeterminate(i);
        }
        if let Some(i) = self.xcv.or(self.sav) {
            return Verdict::Indeterminate(i);
        }
        Verdict::Passed
    }
}

pub(super) fn msg(level: Level, code: &'static str, text: String) -> Message {
    Message { level, code, text }
}
