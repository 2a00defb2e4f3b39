//! Validation of a certificate on its own: the X.509 certificate validation building block
//! (EN 319 102-1 5.2.6) with RFC 5280 path validation and revocation, outside any signature.

use std::sync::Arc;

use super::IndeterminateSub as Ind;
use super::Validator;
use super::Verdict;
use super::process::{msg, path_crypto, path_revocation, path_sub};
use crate::report::{CertificateRef, CertificateReport, Level, PolicyRef};
use crate::trust::TrustPurpose;
use crate::x509::{self, Certificate, PathOptions};

impl Validator {
    /// Validates `cert` at the configured time: a path to an anchor through the configured
    /// certificates that passes RFC 5280 6.1 with the configured policy inputs, the end entity's
    /// validity, and revocation of every certificate but the anchor.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use confia::{trust::TrustAnchors, validation::{ValidationConfig, Validator, Verdict}, x509::Certificate};
    ///
    /// let root = Arc::new(Certificate::from_pem_or_der(include_bytes!("../../test-vectors/pki/root.pem"))?.remove(0));
    /// let mut anchors = TrustAnchors::new();
    /// anchors.add(root.clone());
    /// let at = time::macros::datetime!(2030-01-01 0:00 UTC);
    /// let report = Validator::new(ValidationConfig::new(at, Arc::new(anchors))).validate_certificate(root);
    /// assert_eq!(report.verdict, Verdict::Passed); // an anchor is valid by configuration
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate_certificate(&self, cert: Arc<Certificate>) -> CertificateReport {
        let config = self.config();
        let time = config.time;
        let mut report = CertificateReport {
            validation_time: time,
            policy: PolicyRef { name: config.policy.name.clone(), sha256: config.policy.sha256() },
            revocation_checked: config.revocation_required(),
            certificate: CertificateRef::of(&cert),
            verdict: Verdict::Passed,
            path: Vec::new(),
            policies: Vec::new(),
            revocation: Vec::new(),
            messages: Vec::new(),
        };
        let anchors = config.trust.anchors(TrustPurpose::Signing);
        let opts = PathOptions {
            anchors: &anchors,
            intermediates: &config.certificates,
            time,
            policy: config.path_policy.clone(),
        };
        let path = match x509::build_path(&cert, &opts) {
            Ok(p) => p,
            Err(e) => {
                report.messages.push(msg(Level::Error, "NO_VALID_PATH", e.to_string()));
                report.verdict = Verdict::Indeterminate(path_sub(&e));
                return report;
            }
        };
        report.path = path.certs.iter().map(|c| c.sha256_hex()).collect();
        report.policies = path.policies.iter().map(|o| o.to_string()).collect();
        let mut xcv: Option<Ind> = None;
        if let Err(e) = x509::check_leaf(&cert, time) {
            report.messages.push(msg(Level::Error, "END_ENTITY", e.to_string()));
            xcv = Some(path_sub(&e));
        }
        let crypto = path_crypto(config, &path, &mut report.messages);
        let mut rev: Option<Ind> = None;
        report.revocation = path_revocation(
            config,
            &path,
            config.revocation.as_ref(),
            &config.trust.anchors(TrustPurpose::Revocation),
            &config.certificates,
            &mut report.messages,
            &mut rev,
        );
        report.verdict = match xcv.or(rev).or(crypto) {
            Some(i) => Verdict::Indeterminate(i),
            None => Verdict::Passed,
        };
        report
    }
}
