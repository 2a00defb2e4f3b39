//! Certification path building and the checks this version applies (RFC 5280 section 6,
//! first cut: signatures, validity, basic constraints, key usage, critical extensions).
//!
//! Building is a depth-first search over candidate issuers (RFC 4158): when a candidate fails,
//! the next one is tried, so a cross-certificate or a second CA with the same name does not hide
//! a valid path. The work is capped by [`MAX_DEPTH`] and [`MAX_SIGNATURE_CHECKS`].

use std::sync::Arc;

use thiserror::Error;
use time::OffsetDateTime;

use super::validate::{PolicyInputs, process_path};
use super::{AnchorSet, Certificate};
use crate::asn1::Oid;

/// Longest path searched, counting the end entity and the anchor.
pub const MAX_DEPTH: usize = 10;

/// Most issuer-signature verifications one search may perform.
pub const MAX_SIGNATURE_CHECKS: usize = 64;

/// Inputs of path building.
#[derive(Debug, Clone)]
pub struct PathOptions<'a> {
    /// Trust anchors (certificates trusted by configuration).
    pub anchors: &'a AnchorSet,
    /// Other certificates that may serve as intermediates (embedded or supplied).
    pub intermediates: &'a [Arc<Certificate>],
    /// The validation time.
    pub time: OffsetDateTime,
    /// The certificate-policy inputs of RFC 5280 6.1.1.
    pub policy: PolicyInputs,
}

/// A path from the end entity (first) to a trust anchor (last).
#[derive(Debug, Clone)]
pub struct CertPath {
    /// The certificates, end entity first, anchor last. One element when the end entity is
    /// itself an anchor.
    pub certs: Vec<Arc<Certificate>>,
    /// The user-constrained policy set (RFC 5280 6.1.6); empty when no policy is valid for the
    /// path and none was required; `anyPolicy` when any policy is.
    pub policies: Vec<Oid>,
}

impl CertPath {
    /// The end-entity certificate.
    pub fn leaf(&self) -> &Arc<Certificate> {
        &self.certs[0]
    }
    /// The trust anchor.
    pub fn anchor(&self) -> &Arc<Certificate> {
        &self.certs[self.certs.len() - 1]
    }
    /// The issuer of `certs[i]` in the path, if `i` is not the anchor.
    pub fn issuer_of(&self, i: usize) -> Option<&Arc<Certificate>> {
        self.certs.get(i + 1)
    }
}

/// Why no acceptable path was found, or why the found path fails a check.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PathError {
    /// No chain of issuers leads to a trust anchor.
    #[error("no certification path to a trust anchor: {0}")]
    NoPath(String),
    /// The certificate is outside its validity period at the validation time.
    #[error("certificate {subject} is expired at the validation time (notAfter {not_after})")]
    Expired {
        /// Subject of the certificate.
        subject: String,
        /// Its notAfter.
        not_after: OffsetDateTime,
        /// Whether it is the end entity.
        end_entity: bool,
    },
    /// The certificate is not yet valid at the validation time.
    #[error("certificate {subject} is not yet valid at the validation time (notBefore {not_before})")]
    NotYetValid {
        /// Subject of the certificate.
        subject: String,
        /// Its notBefore.
        not_before: OffsetDateTime,
        /// Whether it is the end entity.
        end_entity: bool,
    },
    /// A constraint of RFC 5280 (basic constraints, key usage, critical extension) fails.
    #[error("{0}")]
    Constraint(String),
}

/// Builds and checks a path from `leaf` to one of the anchors.
///
/// Issuer-dependent checks (name chaining, signature, the issuer being a CA allowed to sign
/// certificates, path length, the issuer's validity) prune candidates during the search. The
/// end entity's own checks are separate ([`check_end_entity`]) so that a path is reported even
/// when its end entity fails them.
pub fn build_path(leaf: &Arc<Certificate>, opts: &PathOptions<'_>) -> Result<CertPath, PathError> {
    let mut search = Search { opts, signature_checks: 0, best_failure: None };
    let mut path = vec![leaf.clone()];
    if search.is_anchor(leaf) {
        return Ok(CertPath { certs: path, policies: vec![crate::asn1::oid::ANY_POLICY] });
    }
    if let Some(policies) = search.extend(&mut path) {
        return Ok(CertPath { certs: path, policies });
    }
    Err(search
        .best_failure
        .unwrap_or_else(|| PathError::NoPath(format!("no issuer certificate found for {}", leaf.issuer()))))
}

struct Search<'o, 'a> {
    opts: &'o PathOptions<'a>,
    signature_checks: usize,
    /// The most informative reason a candidate was rejected; a candidate that reached an anchor
    /// but failed a constraint says more than "no issuer found".
    best_failure: Option<PathError>,
}

impl Search<'_, '_> {
    fn is_anchor(&self, c: &Certificate) -> bool {
        self.opts.anchors.contains(c)
    }

    /// Tries to complete `path` (whose last element is not an anchor) up to an anchor whose
    /// complete path passes RFC 5280 6.1; returns its user-constrained policy set.
    fn extend(&mut self, path: &mut Vec<Arc<Certificate>>) -> Option<Vec<Oid>> {
        if path.len() >= MAX_DEPTH {
            self.note(PathError::NoPath(format!("path longer than {MAX_DEPTH} certificates")));
            return None;
        }
        let child = path[path.len() - 1].clone();
        // Anchors first: a trusted copy of a CA wins over an untrusted one with the same name.
        let candidates: Vec<(Arc<Certificate>, bool)> = self
            .opts
            .anchors
            .issuers_of(&child)
            .map(|a| (a.clone(), true))
            .chain(
                self.opts
                    .intermediates
                    .iter()
                    .filter(|c| !self.is_anchor(c) && may_have_issued(c, &child))
                    .map(|c| (c.clone(), false)),
            )
            .collect();
        for (candidate, anchor) in candidates {
            // RFC 4158 5.2: no certificate twice in one path.
            if path.iter().any(|p| p.sha256() == candidate.sha256()) {
                continue;
            }
            if self.signature_checks >= MAX_SIGNATURE_CHECKS {
                self.note(PathError::NoPath(format!("gave up after {MAX_SIGNATURE_CHECKS} signature checks")));
                return None;
            }
            self.signature_checks += 1;
            if let Err(e) = child.verify_signed_by(&candidate) {
                self.note(PathError::NoPath(format!(
                    "signature of {} does not verify with the key of {}: {e}",
                    child.subject(),
                    candidate.subject()
                )));
                continue;
            }
            let checked = if anchor {
                check_anchor(&candidate, self.opts.time)
            } else {
                check_intermediate(&candidate, path, self.opts.time)
            };
            if let Err(e) = checked {
                self.note(e);
                continue;
            }
            path.push(candidate);
            let found = if anchor {
                match process_path(path, &self.opts.policy) {
                    Ok(policies) => Some(policies),
                    Err(e) => {
                        self.note(e);
                        None
                    }
                }
            } else {
                self.extend(path)
            };
            if found.is_some() {
                return found;
            }
            path.pop();
        }
        None
    }

    fn note(&mut self, e: PathError) {
        let rank = |e: &PathError| match e {
            PathError::NoPath(_) => 0,
            _ => 1,
        };
        if self.best_failure.as_ref().is_none_or(|b| rank(&e) >= rank(b)) {
            self.best_failure = Some(e);
        }
    }
}

/// RFC 5280 6.1.3 (a)(4): the issuer name of the child is the subject name of the candidate;
/// RFC 5280 4.2.1.1: when both key identifiers are present they must agree.
fn may_have_issued(candidate: &Certificate, child: &Certificate) -> bool {
    if !child.issuer().matches(candidate.subject()) {
        return false;
    }
    match (child.authority_key_id(), candidate.subject_key_id()) {
        (Some(aki), Some(ski)) => aki == ski,
        _ => true,
    }
}

/// Checks for a non-anchor CA certificate at position `path.len()`.
fn check_intermediate(ca: &Certificate, path: &[Arc<Certificate>], time: OffsetDateTime) -> Result<(), PathError> {
    check_validity(ca, time, false)?;
    check_is_ca(ca)?;
    check_path_length(ca, path)?;
    check_key_cert_sign(ca)?;
    check_critical_extensions(ca)
}

/// A trust anchor that issues a certificate of the path: confia takes the anchor certificate's
/// own content as its constraints (RFC 5280 6.1.1 (d) leaves this to the implementation):
/// valid at the validation time, a CA if it is a v3 certificate, keyCertSign if keyUsage is
/// present, and well-formed. Its name constraints apply too (see `validate`).
fn check_anchor(anchor: &Certificate, time: OffsetDateTime) -> Result<(), PathError> {
    check_validity(anchor, time, false)?;
    if anchor.version() >= 3 {
        check_is_ca(anchor)?;
    }
    check_key_cert_sign(anchor)?;
    check_profile(anchor)
}

/// RFC 5280 6.1.3 (a)(2): the certificate is valid at the validation time.
fn check_validity(c: &Certificate, time: OffsetDateTime, end_entity: bool) -> Result<(), PathError> {
    let subject = c.subject().to_string();
    if time < c.not_before() {
        return Err(PathError::NotYetValid { subject, not_before: c.not_before(), end_entity });
    }
    if time > c.not_after() {
        return Err(PathError::Expired { subject, not_after: c.not_after(), end_entity });
    }
    Ok(())
}

/// RFC 5280 6.1.4 (k): an intermediate must assert cA in basicConstraints.
fn check_is_ca(ca: &Certificate) -> Result<(), PathError> {
    match ca.basic_constraints() {
        Some(bc) if bc.ca => Ok(()),
        _ => {
            Err(PathError::Constraint(format!("{} is used as a CA but basicConstraints does not say cA", ca.subject())))
        }
    }
}

/// RFC 5280 6.1.4 (l)-(m): pathLenConstraint counts the non-self-issued intermediates below.
fn check_path_length(ca: &Certificate, path: &[Arc<Certificate>]) -> Result<(), PathError> {
    let Some(limit) = ca.basic_constraints().and_then(|b| b.path_len) else { return Ok(()) };
    let below = path.iter().skip(1).filter(|c| !c.is_self_issued()).count();
    if below > limit as usize {
        return Err(PathError::Constraint(format!(
            "{} allows {limit} intermediate CA certificate(s) below it, the path has {below}",
            ca.subject()
        )));
    }
    Ok(())
}

/// RFC 5280 6.1.4 (n): if keyUsage is present, keyCertSign must be set.
fn check_key_cert_sign(ca: &Certificate) -> Result<(), PathError> {
    match ca.key_usage() {
        Some(ku) if !ku.key_cert_sign() => Err(PathError::Constraint(format!(
            "{} issued a certificate but its keyUsage lacks keyCertSign",
            ca.subject()
        ))),
        _ => Ok(()),
    }
}

/// RFC 5280 4.1 and 4.2: the certificate's own structure is conforming.
fn check_profile(c: &Certificate) -> Result<(), PathError> {
    match c.profile_violations().first() {
        Some(v) => Err(PathError::Constraint(format!("{}: {v}", c.subject()))),
        None => Ok(()),
    }
}

/// RFC 5280 6.1.4 (o) / 6.1.5 (f): every critical extension must be processed.
fn check_critical_extensions(c: &Certificate) -> Result<(), PathError> {
    check_profile(c)?;
    if let Some(o) = c.unprocessed_critical_extensions().first() {
        return Err(PathError::Constraint(format!("{} has an unsupported critical extension {o}", c.subject())));
    }
    if let Some(o) = c.malformed_extensions().first() {
        return Err(PathError::Constraint(format!("{} has a malformed extension {o}", c.subject())));
    }
    Ok(())
}

/// End-entity checks for a signer: [`check_leaf`] and [`check_signer_key_usage`].
pub fn check_end_entity(leaf: &Certificate, time: OffsetDateTime) -> Result<(), PathError> {
    check_leaf(leaf, time)?;
    check_signer_key_usage(leaf)
}

/// A key usage fit for signatures (EN 319 412-2 4.3.2: digitalSignature or nonRepudiation,
/// either suffices); no keyUsage at all allows every use (RFC 5280 4.2.1.3).
pub fn check_signer_key_usage(leaf: &Certificate) -> Result<(), PathError> {
    match leaf.key_usage() {
        Some(ku) if !ku.digital_signature() && !ku.non_repudiation() => Err(PathError::Constraint(format!(
            "the signer certificate's keyUsage allows neither digitalSignature nor nonRepudiation ({})",
            leaf.subject()
        ))),
        _ => Ok(()),
    }
}

/// The checks of RFC 5280 6.1.3 (a)(2) and 6.1.5 (f) on the end entity, whatever it is for:
/// no unprocessed critical extension, and validity at the validation time.
pub fn check_leaf(leaf: &Certificate, time: OffsetDateTime) -> Result<(), PathError> {
    check_critical_extensions(leaf)?;
    check_validity(leaf, time, true)
}
