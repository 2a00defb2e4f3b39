//! ETSI EN 319 102-1 indications and sub-indications (clause 5.1.3).

use std::fmt;

use serde::Serialize;
use serde::ser::SerializeStruct;

/// The main status of a validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Indication {
    /// Every check passed.
    TotalPassed,
    /// Proven invalid (the signature is broken or the data was altered).
    TotalFailed,
    /// Neither proven valid nor invalid with the information available.
    Indeterminate,
}

/// Sub-indications that accompany TOTAL_FAILED (EN 319 102-1 table 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FailedSub {
    /// The signature is not conformant to a supported format.
    FormatFailure,
    /// A digest of signed data does not match.
    HashFailure,
    /// The signature value does not verify with the signer's key.
    SigCryptoFailure,
    /// The signing certificate was revoked before the signing time (with proof of existence).
    Revoked,
    /// The signing certificate expired before the signing time (with proof of existence).
    Expired,
    /// The signing certificate was not yet valid at the signing time.
    NotYetValid,
}

/// Sub-indications that accompany INDETERMINATE (EN 319 102-1 table 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)] // each variant is the standard's own name, explained in docs/validation.md
pub enum IndeterminateSub {
    SigConstraintsFailure,
    ChainConstraintsFailure,
    CertificateChainGeneralFailure,
    CryptoConstraintsFailure,
    Expired,
    NotYetValid,
    FormatFailure,
    PolicyProcessingError,
    SignaturePolicyNotAvailable,
    TimestampOrderFailure,
    NoSigningCertificateFound,
    NoCertificateChainFound,
    RevokedNoPoe,
    RevokedCaNoPoe,
    OutOfBoundsNoPoe,
    OutOfBoundsNotRevoked,
    RevocationOutOfBoundsNoPoe,
    CryptoConstraintsFailureNoPoe,
    NoPoe,
    TryLater,
    SignedDataNotFound,
    Custom,
}

/// An indication together with its sub-indication; only the pairs the standard allows exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// TOTAL_PASSED (no sub-indication)
    Passed,
    /// TOTAL_FAILED with its sub-indication
    Failed(FailedSub),
    /// INDETERMINATE with its sub-indication
    Indeterminate(IndeterminateSub),
}

impl Verdict {
    /// The main indication.
    pub fn indication(&self) -> Indication {
        match self {
            Self::Passed => Indication::TotalPassed,
            Self::Failed(_) => Indication::TotalFailed,
            Self::Indeterminate(_) => Indication::Indeterminate,
        }
    }

    /// The sub-indication's standard name, if any.
    pub fn sub_indication(&self) -> Option<String> {
        let v = match self {
            Self::Passed => return None,
            Self::Failed(s) => serde_json::to_value(s),
            Self::Indeterminate(s) => serde_json::to_value(s),
        };
        v.ok().and_then(|v| v.as_str().map(str::to_owned))
    }
}

impl Serialize for Verdict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Verdict", 2)?;
        st.serialize_field("indication", &self.indication())?;
        st.serialize_field("sub_indication", &self.sub_indication())?;
        st.end()
    }
}

impl fmt::Display for Indication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TotalPassed => "TOTAL_PASSED",
            Self::TotalFailed => "TOTAL_FAILED",
            Self::Indeterminate => "INDETERMINATE",
        })
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sub_indication() {
            Some(s) => write!(f, "{} ({s})", self.indication()),
            None => write!(f, "{}", self.indication()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_standard() {
        let v = Verdict::Indeterminate(IndeterminateSub::NoSigningCertificateFound);
        assert_eq!(v.sub_indication().as_deref(), Some("NO_SIGNING_CERTIFICATE_FOUND"));
        assert_eq!(Verdict::Failed(FailedSub::HashFailure).to_string(), "TOTAL_FAILED (HASH_FAILURE)");
        let json = serde_json::to_value(Verdict::Passed).unwrap();
        assert_eq!(json, serde_json::json!({"indication": "TOTAL_PASSED", "sub_indication": null}));
    }
}
