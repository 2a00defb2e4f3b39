//! The validation policy: which algorithms and key sizes are acceptable and until when, what
//! revocation information is required, and how strictly the checks on which users
//! legitimately differ are applied. Read from TOML (`docs/policy.md` writes the default out in
//! full); every report carries the policy's SHA-256 so that a validation can be replayed.
//!
//! ```
//! let p = confia::policy::Policy::from_toml(confia::policy::DEFAULT_POLICY_TOML)?;
//! assert_eq!(p, confia::policy::Policy::default());
//! # Ok::<(), confia::policy::PolicyError>(())
//! ```

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::{Date, OffsetDateTime, Time};

use crate::crypto::{DigestAlgorithm, KeyKind, SignatureAlgorithm};

/// The built-in policy, as a policy file. `Policy::default()` is this file, parsed.
pub const DEFAULT_POLICY_TOML: &str = include_str!("policy/default.toml");

/// How a check whose outcome users legitimately weigh differently affects the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ConstraintLevel {
    /// A failed check decides the indication.
    Fail,
    /// A failed check is reported as a warning only.
    Warn,
    /// A failed check is reported as information only.
    Inform,
    /// The check is not reported.
    Ignore,
}

/// A digest algorithm the policy accepts, with the last day it is acceptable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigestRule {
    /// The algorithm, by its name (`SHA-256`, `SHA3-512`, ...).
    pub algorithm: DigestAlgorithm,
    /// The last day a signature or certificate using it is acceptable without proof of
    /// existence before then (`YYYY-MM-DD`); absent: no end date.
    #[serde(default, with = "optional_date", skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
}

/// Keys of at least `min_bits` are acceptable until a date (ETSI TS 119 312's form: each
/// size is recommended up to a year).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeRule {
    /// The minimum size in bits.
    pub min_bits: usize,
    /// The last day keys of this size are acceptable (`YYYY-MM-DD`); absent: no end date.
    #[serde(default, with = "optional_date", skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
}

/// Acceptable key sizes per key algorithm, and how far the policy's data reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySizes {
    /// RSA modulus sizes with their end dates.
    pub rsa: Vec<SizeRule>,
    /// ECDSA curve sizes with their end dates.
    pub ecdsa: Vec<SizeRule>,
    /// Whether Ed25519 keys are accepted (ETSI TS 119 312 does not list EdDSA).
    pub ed25519: bool,
}

/// What revocation information is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevocationRules {
    /// Whether every certificate of a path but the anchor needs a usable revocation answer.
    pub required: bool,
    /// Freshness: a CRL whose thisUpdate is more than this many days before the validation
    /// time is not used, even within its nextUpdate. Absent: nextUpdate alone decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_crl_age_days: Option<u32>,
}

/// Levels of the checks users legitimately differ on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constraints {
    /// The signer certificate's keyUsage allows digitalSignature or nonRepudiation.
    pub signer_key_usage: ConstraintLevel,
    /// The signature carries a signing-time attribute.
    pub signing_time: ConstraintLevel,
    /// Usable revocation information exists for the signer (end-entity) certificate. A
    /// certificate found revoked is never relaxed by this level.
    pub signer_revocation: ConstraintLevel,
    /// A trusted list that provides trust is not past its next update (a closed list, one
    /// without a next update, counts as past it once issued). At FAIL such a list provides
    /// no anchors. Absent from a policy file: WARN (as DSS's `TLNotExpired`).
    #[serde(default = "warn")]
    pub trusted_list_next_update: ConstraintLevel,
}

fn warn() -> ConstraintLevel {
    ConstraintLevel::Warn
}

/// How far the algorithm data reaches: an end date later than `data_as_of` is a forecast
/// that a newer edition of the source may extend, so passing it is reported at
/// `after_data_date` rather than failing (as DSS does with its policy's update date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlgorithmData {
    /// Where the dates come from (shown in reports).
    pub source: String,
    /// The day the data was last brought up to date (`YYYY-MM-DD`).
    #[serde(with = "date")]
    pub data_as_of: Date,
    /// The level for end dates after `data_as_of` that have passed.
    pub after_data_date: ConstraintLevel,
}

/// A validation policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The policy's name, shown in reports.
    pub name: String,
    /// Provenance of the algorithm dates.
    pub algorithms: AlgorithmData,
    /// Accepted digest algorithms (TOML `[[digest]]` tables).
    #[serde(rename = "digest")]
    pub digests: Vec<DigestRule>,
    /// Minimum key sizes.
    pub keys: KeySizes,
    /// Revocation requirements.
    pub revocation: RevocationRules,
    /// Constraint levels.
    pub constraints: Constraints,
}

/// Why a policy file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PolicyError {
    /// Not valid TOML, or not a policy (the message names the line).
    #[error("{0}")]
    Syntax(String),
    /// Well-formed but inconsistent.
    #[error("{0}")]
    Invalid(String),
}

impl Default for Policy {
    fn default() -> Self {
        // The file is part of the crate and tested to parse; an empty policy (nothing
        // acceptable) would fail closed should that ever break.
        Policy::from_toml(DEFAULT_POLICY_TOML).unwrap_or_else(|_| Policy {
            name: "unusable built-in policy".into(),
            algorithms: AlgorithmData {
                source: String::new(),
                data_as_of: Date::MIN,
                after_data_date: ConstraintLevel::Fail,
            },
            digests: Vec::new(),
            keys: KeySizes { rsa: Vec::new(), ecdsa: Vec::new(), ed25519: false },
            revocation: RevocationRules { required: true, max_crl_age_days: None },
            constraints: Constraints {
                signer_key_usage: ConstraintLevel::Fail,
                signing_time: ConstraintLevel::Fail,
                signer_revocation: ConstraintLevel::Fail,
                trusted_list_next_update: ConstraintLevel::Fail,
            },
        })
    }
}

impl Policy {
    /// Reads a policy from TOML text; errors name the line.
    pub fn from_toml(text: &str) -> Result<Self, PolicyError> {
        let p: Policy = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            let msg = e.message().replace('\n', " ");
            PolicyError::Syntax(match line {
                Some(l) => format!("line {l}: {msg}"),
                None => msg,
            })
        })?;
        p.check()?;
        Ok(p)
    }

    fn check(&self) -> Result<(), PolicyError> {
        if self.name.trim().is_empty() {
            return Err(PolicyError::Invalid("the policy needs a name".into()));
        }
        if self.digests.is_empty() {
            return Err(PolicyError::Invalid("the policy accepts no digest algorithm".into()));
        }
        for (i, d) in self.digests.iter().enumerate() {
            if self.digests[..i].iter().any(|e| e.algorithm == d.algorithm) {
                return Err(PolicyError::Invalid(format!("digest {} is listed twice", d.algorithm)));
            }
        }
        Ok(())
    }

    /// SHA-256 of the policy's canonical JSON form, reported with every validation.
    pub fn sha256(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(DigestAlgorithm::Sha256.digest(&json))
    }

    /// Whether `alg` with a key of `key` is acceptable at `at`; `Err` says why not and at
    /// which level the finding counts (see [`AlgorithmData`]).
    pub fn check_signature_algorithm(
        &self,
        alg: &SignatureAlgorithm,
        key: KeyKind,
        at: OffsetDateTime,
    ) -> Result<(), AlgorithmViolation> {
        let day = at.date();
        let fail = |text: String| AlgorithmViolation { text, level: ConstraintLevel::Fail };
        if alg.scheme != crate::crypto::SignatureScheme::Ed25519 {
            self.check_digest_algorithm(alg.digest, at)?;
        }
        let (rules, name) = match key {
            KeyKind::Rsa(_) => (&self.keys.rsa, "RSA"),
            KeyKind::Ed25519 if self.keys.ed25519 => return Ok(()),
            KeyKind::Ed25519 => return Err(fail("Ed25519 keys are not accepted".into())),
            // DSA is verified for interoperability with old signatures; the policy model has no
            // accepted DSA sizes yet, so it never passes an algorithm check.
            KeyKind::Dsa(bits) => {
                return Err(fail(format!("DSA key of {bits} bits: DSA is not accepted by this policy")));
            }
            _ => (&self.keys.ecdsa, "ECDSA"),
        };
        let expired = |what: String, end: Date| self.expired(what, end);
        let bits = key.bits();
        let fitting: Vec<&SizeRule> = rules.iter().filter(|r| r.min_bits <= bits).collect();
        if fitting.is_empty() {
            return Err(fail(format!("{name} key of {bits} bits is below every accepted size")));
        }
        if fitting.iter().any(|r| r.until.is_none_or(|u| day <= u)) {
            return Ok(());
        }
        // The rule that lasts longest decides how the expiry is reported.
        let end = fitting.iter().filter_map(|r| r.until).max().unwrap_or(Date::MIN);
        Err(expired(format!("{name} key of {bits} bits"), end))
    }
}

impl Policy {
    /// Whether digest `d` is acceptable at `at` (for signatures, references and data
    /// digests alike); `Err` says why not and at which level the finding counts.
    pub fn check_digest_algorithm(&self, d: DigestAlgorithm, at: OffsetDateTime) -> Result<(), AlgorithmViolation> {
        match self.digests.iter().find(|r| r.algorithm == d) {
            None => Err(AlgorithmViolation {
                text: format!("{d} is not an accepted digest algorithm"),
                level: ConstraintLevel::Fail,
            }),
            Some(DigestRule { until: Some(end), .. }) if at.date() > *end => Err(self.expired(d.to_string(), *end)),
            _ => Ok(()),
        }
    }

    fn expired(&self, what: String, end: Date) -> AlgorithmViolation {
        AlgorithmViolation {
            text: format!("{what} is not acceptable after {end} ({})", self.algorithms.source),
            level: if end > self.algorithms.data_as_of {
                self.algorithms.after_data_date
            } else {
                ConstraintLevel::Fail
            },
        }
    }
}

/// An algorithm or key size outside the policy, with the level it counts at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgorithmViolation {
    /// What is not acceptable, and why.
    pub text: String,
    /// [`ConstraintLevel::Fail`], or the policy's level for dates beyond its data.
    pub level: ConstraintLevel,
}

/// Midnight UTC of a date, for comparisons with validation times.
pub fn start_of(d: Date) -> OffsetDateTime {
    d.with_time(Time::MIDNIGHT).assume_utc()
}

const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

mod date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.format(super::DATE_FORMAT).map_err(serde::ser::Error::custom)?)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s, super::DATE_FORMAT)
            .map_err(|_| serde::de::Error::custom(format!("{s:?} is not a date (YYYY-MM-DD)")))
    }
}

mod optional_date {
    use serde::{Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => super::date::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        super::date::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_is_the_default_policy() {
        let p = Policy::from_toml(DEFAULT_POLICY_TOML).expect("default policy parses");
        assert!(p.digests.iter().any(|d| d.algorithm == DigestAlgorithm::Sha1 && d.until.is_some()));
        assert!(p.keys.rsa.iter().any(|r| r.min_bits == 1900));
        assert_eq!(p.constraints.signer_key_usage, ConstraintLevel::Fail);
        assert!(p.revocation.required);
    }

    #[test]
    fn errors_name_the_line() {
        let bad = DEFAULT_POLICY_TOML.replacen("algorithm = \"SHA-256\"", "algorithm = \"SHA-257\"", 1);
        assert_ne!(bad, DEFAULT_POLICY_TOML);
        let line = bad.lines().position(|l| l.contains("SHA-257")).unwrap() + 1;
        let e = Policy::from_toml(&bad).unwrap_err().to_string();
        assert!(e.starts_with(&format!("line {line}:")), "{e}");
        let e = Policy::from_toml("name = \"x\"\nfoo = 1\n").unwrap_err().to_string();
        assert!(e.contains("line"), "{e}");
        assert!(Policy::from_toml("name = ").is_err());
    }

    #[test]
    fn algorithm_dates_follow_ts_119_312_and_the_data_date() {
        use crate::crypto::{SignatureAlgorithm, SignatureScheme};
        let p = Policy::default();
        let at = |y: i32| start_of(Date::from_calendar_date(y, time::Month::June, 1).unwrap());
        let rsa_sha256 = SignatureAlgorithm { scheme: SignatureScheme::RsaPkcs1v15, digest: DigestAlgorithm::Sha256 };
        assert!(p.check_signature_algorithm(&rsa_sha256, KeyKind::Rsa(2048), at(2024)).is_ok());
        // RSA 2048 passes its TS 119 312 V1.4.2 date in 2026: beyond the data, a warning.
        let late = p.check_signature_algorithm(&rsa_sha256, KeyKind::Rsa(2048), at(2027)).unwrap_err();
        assert_eq!(late.level, ConstraintLevel::Warn, "{}", late.text);
        assert!(p.check_signature_algorithm(&rsa_sha256, KeyKind::Rsa(3072), at(2027)).is_ok());
        // A 1024-bit key after 2009 is a failure: that date is within the data.
        let old = p.check_signature_algorithm(&rsa_sha256, KeyKind::Rsa(1024), at(2012)).unwrap_err();
        assert_eq!(old.level, ConstraintLevel::Fail);
        let sha1 = SignatureAlgorithm { scheme: SignatureScheme::RsaPkcs1v15, digest: DigestAlgorithm::Sha1 };
        assert_eq!(
            p.check_signature_algorithm(&sha1, KeyKind::Rsa(2048), at(2015)).unwrap_err().level,
            ConstraintLevel::Fail
        );
        assert!(p.check_signature_algorithm(&sha1, KeyKind::Rsa(2048), at(2005)).is_ok());
        assert!(p.check_signature_algorithm(&rsa_sha256, KeyKind::Rsa(512), at(2005)).is_err());
    }

    #[test]
    fn the_hash_changes_with_the_content() {
        let a = Policy::default();
        let mut b = a.clone();
        b.constraints.signing_time = ConstraintLevel::Fail;
        assert_ne!(a.sha256(), b.sha256());
    }
}
