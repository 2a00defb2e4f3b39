//! Which CAdES level a SignerInfo claims, from the attributes it carries.

use std::fmt;

use crate::asn1::oid;
use crate::cms::SignerInfo;

/// The level of a CAdES signature, by the attributes present (not yet by their validity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CadesLevel {
    /// Signed attributes only.
    B,
    /// A signature time-stamp.
    T,
    /// Validation data as well (certificate and revocation values, or certificates and CRLs
    /// in the SignedData).
    Lt,
    /// Archive time-stamps.
    Lta,
}

/// The format of one signature as reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CadesFormat {
    /// CMS without the CAdES signing-certificate attribute (or without signed attributes).
    Cms,
    /// An EN 319 122-1 baseline signature: `CAdES-BASELINE-B`, `-T`, `-LT`, `-LTA`.
    Baseline(CadesLevel),
    /// A CAdES signature that does not meet the baseline's B-B requirements (no signing-time,
    /// say), named with the TS 101 733 forms: `CAdES-BES`, `CAdES-T`, `CAdES-XL`, `CAdES-A`.
    Extended(CadesLevel),
}

impl fmt::Display for CadesFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = |l: &CadesLevel| match l {
            CadesLevel::B => "B",
            CadesLevel::T => "T",
            CadesLevel::Lt => "LT",
            CadesLevel::Lta => "LTA",
        };
        match self {
            Self::Cms => f.write_str("CMS"),
            Self::Baseline(l) => write!(f, "CAdES-BASELINE-{}", level(l)),
            Self::Extended(CadesLevel::B) => f.write_str("CAdES-BES"),
            Self::Extended(CadesLevel::T) => f.write_str("CAdES-T"),
            Self::Extended(CadesLevel::Lt) => f.write_str("CAdES-XL"),
            Self::Extended(CadesLevel::Lta) => f.write_str("CAdES-A"),
        }
    }
}

/// Detects the format. `counter_signature` relaxes the content-type requirement (RFC 5652 11.1:
/// counter-signatures carry none); `has_validation_data` tells whether the SignedData carries
/// revocation data.
pub fn detect_format(si: &SignerInfo<'_>, counter_signature: bool, has_validation_data: bool) -> CadesFormat {
    // A SignerInfo without signed attributes is never CAdES.
    let Some(signed) = &si.signed_attrs else { return CadesFormat::Cms };
    let has = |o| signed.all(o).next().is_some();
    let signing_cert = has(oid::SIGNING_CERTIFICATE_V2) || has(oid::SIGNING_CERTIFICATE);
    if !signing_cert || !has(oid::MESSAGE_DIGEST) {
        return CadesFormat::Cms;
    }
    let unsigned_has = |o| si.unsigned_attrs.as_ref().is_some_and(|u| u.all(o).next().is_some());
    let archive = [oid::ARCHIVE_TIME_STAMP_V3, oid::ARCHIVE_TIME_STAMP_V2, oid::ARCHIVE_TIME_STAMP_V1];
    let level = if archive.into_iter().any(unsigned_has) {
        CadesLevel::Lta
    } else if !unsigned_has(oid::SIGNATURE_TIME_STAMP) {
        CadesLevel::B
    } else if (unsigned_has(oid::CERTIFICATE_VALUES) && unsigned_has(oid::REVOCATION_VALUES)) || has_validation_data {
        CadesLevel::Lt
    } else {
        CadesLevel::T
    };
    // EN 319 122-1 6.3: content-type (not in counter-signatures), message-digest, signing-time
    // and signing-certificate(-v2) make B-B; archive-time-stamp-v3 is the baseline's LTA form.
    let baseline = has(oid::SIGNING_TIME)
        && (counter_signature || has(oid::CONTENT_TYPE))
        && (level != CadesLevel::Lta || unsigned_has(oid::ARCHIVE_TIME_STAMP_V3));
    if baseline { CadesFormat::Baseline(level) } else { CadesFormat::Extended(level) }
}
