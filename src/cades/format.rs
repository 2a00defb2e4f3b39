//! Which CAdES level a SignerInfo claims, from the attributes it carries.

use std::fmt;

use crate::asn1::oid;
use crate::cms::SignerInfo;

/// The format of one signature as reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CadesFormat {
    /// CMS without the CAdES signing-certificate attribute (or without signed attributes).
    Cms,
    /// CAdES-BES: signing certificate bound, but not every baseline B-B attribute present.
    Bes,
    /// CAdES-BASELINE-B (EN 319 122-1 6.3)
    BaselineB,
    /// CAdES-BASELINE-T: a signature time-stamp is present.
    BaselineT,
    /// CAdES-BASELINE-LT: validation data is present as well.
    BaselineLt,
    /// CAdES-BASELINE-LTA: an archive-time-stamp-v3 is present.
    BaselineLta,
    /// Legacy CAdES-A (archive-time-stamp v1/v2, EN 319 122-2 era).
    LegacyA,
}

impl fmt::Display for CadesFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Cms => "CMS",
            Self::Bes => "CAdES-BES",
            Self::BaselineB => "CAdES-BASELINE-B",
            Self::BaselineT => "CAdES-BASELINE-T",
            Self::BaselineLt => "CAdES-BASELINE-LT",
            Self::BaselineLta => "CAdES-BASELINE-LTA",
            Self::LegacyA => "CAdES-A",
        })
    }
}

/// Detects the format. `counter_signature` relaxes the content-type requirement (RFC 5652 11.1:
/// counter-signatures carry none); `has_validation_data` tells whether the SignedData carries
/// certificates and CRLs beyond the signer's own.
pub fn detect_format(si: &SignerInfo<'_>, counter_signature: bool, has_validation_data: bool) -> CadesFormat {
    // A SignerInfo without signed attributes is never CAdES.
    let Some(signed) = &si.signed_attrs else { return CadesFormat::Cms };
    let has = |o| signed.all(o).next().is_some();
    let signing_cert = has(oid::SIGNING_CERTIFICATE_V2) || has(oid::SIGNING_CERTIFICATE);
    if !signing_cert || !has(oid::MESSAGE_DIGEST) {
        return CadesFormat::Cms;
    }
    // EN 319 122-1 6.3: content-type (not in counter-signatures), message-digest, signing-time
    // and signing-certificate(-v2) make B-B.
    let baseline_b = has(oid::SIGNING_TIME) && (counter_signature || has(oid::CONTENT_TYPE));
    if !baseline_b {
        return CadesFormat::Bes;
    }
    let unsigned_has = |o| si.unsigned_attrs.as_ref().is_some_and(|u| u.all(o).next().is_some());
    if unsigned_has(oid::ARCHIVE_TIME_STAMP_V3) {
        return CadesFormat::BaselineLta;
    }
    if unsigned_has(oid::ARCHIVE_TIME_STAMP_V2) || unsigned_has(oid::ARCHIVE_TIME_STAMP_V1) {
        return CadesFormat::LegacyA;
    }
    if !unsigned_has(oid::SIGNATURE_TIME_STAMP) {
        return CadesFormat::BaselineB;
    }
    let attrs_lt = unsigned_has(oid::CERTIFICATE_VALUES) && unsigned_has(oid::REVOCATION_VALUES);
    if attrs_lt || has_validation_data { CadesFormat::BaselineLt } else { CadesFormat::BaselineT }
}
