//! The validation policy: which algorithms and key sizes are acceptable, and until when.
//!
//! This version ships the built-in default only (written out in `docs/policy.md`); the TOML
//! policy file arrives with the path-validation work.

use serde::Serialize;
use time::{Date, Month, OffsetDateTime, Time};

use crate::crypto::{DigestAlgorithm, KeyKind, SignatureAlgorithm};

/// Acceptable algorithms and sizes.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    /// The policy's name, shown in reports.
    pub name: String,
    /// Digest algorithms accepted in signatures, each with the date after which a signature
    /// using it is no longer acceptable without proof of existence (None: no end date).
    pub digests: Vec<(DigestAlgorithm, Option<Date>)>,
    /// Minimum RSA modulus in bits, with the date from which it applies, ascending.
    pub rsa_min_bits: Vec<(Date, usize)>,
    /// Minimum EC key size in bits.
    pub ec_min_bits: usize,
}

impl Default for Policy {
    fn default() -> Self {
        let d = |y, m, day| Date::from_calendar_date(y, m, day).unwrap_or(Date::MIN);
        Policy {
            name: "confia default (ETSI TS 119 312 based)".into(),
            digests: vec![
                // TS 119 312 / TS 102 176-1: SHA-1 unsuitable for new signatures since 2009.
                (DigestAlgorithm::Sha1, Some(d(2009, Month::December, 31))),
                (DigestAlgorithm::Sha224, None),
                (DigestAlgorithm::Sha256, None),
                (DigestAlgorithm::Sha384, None),
                (DigestAlgorithm::Sha512, None),
                (DigestAlgorithm::Sha3_256, None),
                (DigestAlgorithm::Sha3_384, None),
                (DigestAlgorithm::Sha3_512, None),
            ],
            rsa_min_bits: vec![(d(1990, Month::January, 1), 1024), (d(2011, Month::January, 1), 1900)],
            ec_min_bits: 256,
        }
    }
}

impl Policy {
    /// SHA-256 of the policy's canonical JSON form, reported with every validation.
    pub fn sha256(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(DigestAlgorithm::Sha256.digest(&json))
    }

    /// Whether `alg` with a key of `key` is acceptable at `at`; `Err` explains why not.
    pub fn check_signature_algorithm(
        &self,
        alg: &SignatureAlgorithm,
        key: KeyKind,
        at: OffsetDateTime,
    ) -> Result<(), String> {
        let day = at.date();
        if alg.scheme != crate::crypto::SignatureScheme::Ed25519 {
            match self.digests.iter().find(|(d, _)| *d == alg.digest) {
                None => return Err(format!("{} is not an accepted digest algorithm", alg.digest)),
                Some((_, Some(end))) if day > *end => {
                    return Err(format!("{} is not acceptable for signatures after {end}", alg.digest));
                }
                _ => {}
            }
        }
        match key {
            KeyKind::Rsa(bits) => {
                let min = self.rsa_min_bits.iter().rev().find(|(from, _)| *from <= day).map_or(0, |(_, b)| *b);
                if bits < min {
                    return Err(format!("RSA key of {bits} bits is below the minimum of {min} bits at {day}"));
                }
            }
            k => {
                if k.bits() < self.ec_min_bits {
                    return Err(format!("{} key below the minimum of {} bits", k.name(), self.ec_min_bits));
                }
            }
        }
        Ok(())
    }
}

/// Midnight UTC of a date, for comparisons with validation times.
pub fn start_of(d: Date) -> OffsetDateTime {
    d.with_time(Time::MIDNIGHT).assume_utc()
}
