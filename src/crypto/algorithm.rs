//! Typed digest and signature algorithms, read from X.509/CMS AlgorithmIdentifiers.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::CryptoError;
use crate::asn1::{self, Element, Oid, Tag, oid};

/// A message digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum DigestAlgorithm {
    /// SHA-1: verification of legacy signatures only, subject to policy.
    #[serde(rename = "SHA-1")]
    Sha1,
    /// SHA-224
    #[serde(rename = "SHA-224")]
    Sha224,
    /// SHA-256
    #[serde(rename = "SHA-256")]
    Sha256,
    /// SHA-384
    #[serde(rename = "SHA-384")]
    Sha384,
    /// SHA-512
    #[serde(rename = "SHA-512")]
    Sha512,
    /// SHA3-224
    #[serde(rename = "SHA3-224")]
    Sha3_224,
    /// SHA3-256
    #[serde(rename = "SHA3-256")]
    Sha3_256,
    /// SHA3-384
    #[serde(rename = "SHA3-384")]
    Sha3_384,
    /// SHA3-512
    #[serde(rename = "SHA3-512")]
    Sha3_512,
}

impl DigestAlgorithm {
    /// Every supported digest.
    pub const ALL: [DigestAlgorithm; 9] = [
        Self::Sha1,
        Self::Sha224,
        Self::Sha256,
        Self::Sha384,
        Self::Sha512,
        Self::Sha3_224,
        Self::Sha3_256,
        Self::Sha3_384,
        Self::Sha3_512,
    ];

    /// The digest for an OID, if supported.
    pub fn from_oid(o: &Oid) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.oid() == *o)
    }

    /// The algorithm's OID.
    pub fn oid(self) -> Oid {
        match self {
            Self::Sha1 => oid::SHA1,
            Self::Sha224 => oid::SHA224,
            Self::Sha256 => oid::SHA256,
            Self::Sha384 => oid::SHA384,
            Self::Sha512 => oid::SHA512,
            Self::Sha3_224 => oid::SHA3_224,
            Self::Sha3_256 => oid::SHA3_256,
            Self::Sha3_384 => oid::SHA3_384,
            Self::Sha3_512 => oid::SHA3_512,
        }
    }

    /// The usual name, e.g. `SHA-256`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA-1",
            Self::Sha224 => "SHA-224",
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
            Self::Sha3_224 => "SHA3-224",
            Self::Sha3_256 => "SHA3-256",
            Self::Sha3_384 => "SHA3-384",
            Self::Sha3_512 => "SHA3-512",
        }
    }

    /// Length of the digest in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha224 | Self::Sha3_224 => 28,
            Self::Sha256 | Self::Sha3_256 => 32,
            Self::Sha384 | Self::Sha3_384 => 48,
            Self::Sha512 | Self::Sha3_512 => 64,
        }
    }

    /// Hashes `data` in one call.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut h = super::Hasher::new(self);
        h.update(data);
        h.finalize()
    }

    /// Reads a digest `AlgorithmIdentifier`; parameters may be absent or NULL (RFC 5754 3).
    pub fn from_algorithm_identifier(el: &Element<'_>) -> Result<Self, CryptoError> {
        let (o, params) =
            asn1::algorithm_identifier(el).map_err(|e| CryptoError::UnsupportedAlgorithm(e.to_string()))?;
        if let Some(p) = params
            && (p.tag != Tag::NULL || !p.contents.is_empty())
        {
            return Err(CryptoError::UnsupportedAlgorithm(format!("digest {o} with parameters")));
        }
        Self::from_oid(&o).ok_or_else(|| CryptoError::UnsupportedAlgorithm(digest_name_or_oid(&o)))
    }
}

fn digest_name_or_oid(o: &Oid) -> String {
    if *o == oid::MD5 { "MD5 digest (refused)".into() } else { format!("digest algorithm {o}") }
}

impl fmt::Display for DigestAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The padding or signature scheme, independent of the digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5 (RFC 8017 8.2)
    RsaPkcs1v15,
    /// RSASSA-PSS (RFC 8017 8.1) with MGF1 over the same digest and the given salt length.
    RsaPss {
        /// Salt length in bytes.
        salt_len: usize,
    },
    /// ECDSA over the key's curve, DER-encoded `ECDSA-Sig-Value`.
    Ecdsa,
    /// Ed25519 (RFC 8032, pure): signs the message itself.
    Ed25519,
    /// DSA (FIPS 186-4), DER-encoded `Dss-Sig-Value`; verification only.
    Dsa,
}

/// A complete signature algorithm: scheme and digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignatureAlgorithm {
    /// The scheme.
    pub scheme: SignatureScheme,
    /// The digest applied to the message (for Ed25519, the digest used by the surrounding
    /// structure, e.g. CMS message-digest; Ed25519 itself signs the message).
    pub digest: DigestAlgorithm,
}

impl SignatureAlgorithm {
    /// Reads a signature `AlgorithmIdentifier`. `digest_hint` is the digest named elsewhere (the
    /// SignerInfo's digestAlgorithm): CMS allows the bare `rsaEncryption` and `id-ecPublicKey`
    /// OIDs as signature algorithms, whose digest comes from there.
    pub fn from_algorithm_identifier(
        el: &Element<'_>,
        digest_hint: Option<DigestAlgorithm>,
    ) -> Result<Self, CryptoError> {
        let (o, params) =
            asn1::algorithm_identifier(el).map_err(|e| CryptoError::UnsupportedAlgorithm(e.to_string()))?;
        let null_or_absent = params.is_none_or(|p| p.tag == Tag::NULL && p.contents.is_empty());
        let pkcs1 = |digest| Ok(Self { scheme: SignatureScheme::RsaPkcs1v15, digest });
        let ec = |digest| Ok(Self { scheme: SignatureScheme::Ecdsa, digest });
        use DigestAlgorithm as D;
        let hint =
            || digest_hint.ok_or_else(|| CryptoError::UnsupportedAlgorithm(format!("{o} without a digest algorithm")));
        let r = match o {
            // RFC 4055 5 / RFC 3279 2.2.1: PKCS#1 v1.5 parameters are NULL, absent is tolerated.
            x if x == oid::RSA_ENCRYPTION => pkcs1(hint()?),
            x if x == oid::SHA1_WITH_RSA => pkcs1(D::Sha1),
            x if x == oid::SHA224_WITH_RSA => pkcs1(D::Sha224),
            x if x == oid::SHA256_WITH_RSA => pkcs1(D::Sha256),
            x if x == oid::SHA384_WITH_RSA => pkcs1(D::Sha384),
            x if x == oid::SHA512_WITH_RSA => pkcs1(D::Sha512),
            x if x == oid::SHA3_224_WITH_RSA => pkcs1(D::Sha3_224),
            x if x == oid::SHA3_256_WITH_RSA => pkcs1(D::Sha3_256),
            x if x == oid::SHA3_384_WITH_RSA => pkcs1(D::Sha3_384),
            x if x == oid::SHA3_512_WITH_RSA => pkcs1(D::Sha3_512),
            x if x == oid::RSASSA_PSS => return pss_parameters(params.as_ref()),
            // RFC 5758 3.2: ECDSA parameters are absent.
            x if x == oid::EC_PUBLIC_KEY => ec(hint()?),
            // RFC 3279 2.2.2 / RFC 5758 3.1: DSA parameters are absent.
            x if x == oid::DSA_WITH_SHA1 => Ok(Self { scheme: SignatureScheme::Dsa, digest: D::Sha1 }),
            x if x == oid::DSA_WITH_SHA224 => Ok(Self { scheme: SignatureScheme::Dsa, digest: D::Sha224 }),
            x if x == oid::DSA_WITH_SHA256 => Ok(Self { scheme: SignatureScheme::Dsa, digest: D::Sha256 }),
            x if x == oid::ECDSA_WITH_SHA1 => ec(D::Sha1),
            x if x == oid::ECDSA_WITH_SHA224 => ec(D::Sha224),
            x if x == oid::ECDSA_WITH_SHA256 => ec(D::Sha256),
            x if x == oid::ECDSA_WITH_SHA384 => ec(D::Sha384),
            x if x == oid::ECDSA_WITH_SHA512 => ec(D::Sha512),
            x if x == oid::ECDSA_WITH_SHA3_224 => ec(D::Sha3_224),
            x if x == oid::ECDSA_WITH_SHA3_256 => ec(D::Sha3_256),
            x if x == oid::ECDSA_WITH_SHA3_384 => ec(D::Sha3_384),
            x if x == oid::ECDSA_WITH_SHA3_512 => ec(D::Sha3_512),
            // RFC 8410 3: parameters absent.
            x if x == oid::ED25519 => {
                Ok(Self { scheme: SignatureScheme::Ed25519, digest: digest_hint.unwrap_or(D::Sha512) })
            }
            x if x == oid::MD5_WITH_RSA => {
                Err(CryptoError::UnsupportedAlgorithm("md5WithRSAEncryption (refused)".into()))
            }
            other => Err(CryptoError::UnsupportedAlgorithm(format!("signature algorithm {other}"))),
        };
        if !null_or_absent {
            return Err(CryptoError::UnsupportedAlgorithm(format!(
                "signature algorithm {o} with unexpected parameters"
            )));
        }
        r
    }

    /// The OID and DER parameters to write for this algorithm in an `AlgorithmIdentifier`.
    pub fn to_algorithm_identifier(&self) -> Result<Vec<u8>, CryptoError> {
        use crate::asn1::der;
        use DigestAlgorithm as D;
        let null = der::null();
        Ok(match (self.scheme, self.digest) {
            (SignatureScheme::RsaPkcs1v15, d) => {
                let o = match d {
                    D::Sha1 => oid::SHA1_WITH_RSA,
                    D::Sha224 => oid::SHA224_WITH_RSA,
                    D::Sha256 => oid::SHA256_WITH_RSA,
                    D::Sha384 => oid::SHA384_WITH_RSA,
                    D::Sha512 => oid::SHA512_WITH_RSA,
                    D::Sha3_224 => oid::SHA3_224_WITH_RSA,
                    D::Sha3_256 => oid::SHA3_256_WITH_RSA,
                    D::Sha3_384 => oid::SHA3_384_WITH_RSA,
                    D::Sha3_512 => oid::SHA3_512_WITH_RSA,
                };
                der::algorithm(&o, Some(&null))
            }
            (SignatureScheme::Ecdsa, d) => {
                let o = match d {
                    D::Sha1 => oid::ECDSA_WITH_SHA1,
                    D::Sha224 => oid::ECDSA_WITH_SHA224,
                    D::Sha256 => oid::ECDSA_WITH_SHA256,
                    D::Sha384 => oid::ECDSA_WITH_SHA384,
                    D::Sha512 => oid::ECDSA_WITH_SHA512,
                    D::Sha3_224 => oid::ECDSA_WITH_SHA3_224,
                    D::Sha3_256 => oid::ECDSA_WITH_SHA3_256,
                    D::Sha3_384 => oid::ECDSA_WITH_SHA3_384,
                    D::Sha3_512 => oid::ECDSA_WITH_SHA3_512,
                };
                der::algorithm(&o, None)
            }
            (SignatureScheme::Ed25519, _) => der::algorithm(&oid::ED25519, None),
            (SignatureScheme::Dsa, D::Sha1) => der::algorithm(&oid::DSA_WITH_SHA1, None),
            (SignatureScheme::Dsa, D::Sha224) => der::algorithm(&oid::DSA_WITH_SHA224, None),
            (SignatureScheme::Dsa, D::Sha256) => der::algorithm(&oid::DSA_WITH_SHA256, None),
            (SignatureScheme::Dsa, d) => {
                return Err(CryptoError::UnsupportedAlgorithm(format!("DSA with {d}")));
            }
            (SignatureScheme::RsaPss { .. }, _) => {
                return Err(CryptoError::UnsupportedAlgorithm("writing RSASSA-PSS parameters".into()));
            }
        })
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.scheme {
            SignatureScheme::RsaPkcs1v15 => write!(f, "RSA PKCS#1 v1.5 with {}", self.digest),
            SignatureScheme::RsaPss { salt_len } => write!(f, "RSASSA-PSS with {} (salt {salt_len})", self.digest),
            SignatureScheme::Ecdsa => write!(f, "ECDSA with {}", self.digest),
            SignatureScheme::Ed25519 => f.write_str("Ed25519"),
            SignatureScheme::Dsa => write!(f, "DSA with {}", self.digest),
        }
    }
}

/// RFC 4055 3.1: `RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] DEFAULT sha1,
/// maskGenAlgorithm [1] DEFAULT mgf1SHA1, saltLength [2] DEFAULT 20, trailerField [3] DEFAULT 1 }`.
fn pss_parameters(params: Option<&Element<'_>>) -> Result<SignatureAlgorithm, CryptoError> {
    let bad = |m: &str| CryptoError::UnsupportedAlgorithm(format!("RSASSA-PSS parameters: {m}"));
    let p = params.ok_or_else(|| bad("absent"))?;
    let p = p.expect(Tag::SEQUENCE, "RSASSA-PSS-params").map_err(|e| bad(&e.to_string()))?;
    let mut r = p.children();
    let mut digest = DigestAlgorithm::Sha1;
    let mut mgf_digest = DigestAlgorithm::Sha1;
    let mut salt_len = 20usize;
    let a = |e: crate::asn1::Asn1Error| bad(&e.to_string());
    if let Some(h) = r.optional(Tag::context(0, true)).map_err(a)? {
        digest = DigestAlgorithm::from_algorithm_identifier(&h.children().required("hashAlgorithm").map_err(a)?)?;
    }
    if let Some(m) = r.optional(Tag::context(1, true)).map_err(a)? {
        let (mo, mp) = asn1::algorithm_identifier(&m.children().required("maskGenAlgorithm").map_err(a)?).map_err(a)?;
        if mo != oid::MGF1 {
            return Err(bad(&format!("mask generation function {mo}")));
        }
        mgf_digest = DigestAlgorithm::from_algorithm_identifier(&mp.ok_or_else(|| bad("MGF1 without digest"))?)?;
    }
    if let Some(s) = r.optional(Tag::context(2, true)).map_err(a)? {
        let v = s.children().required("saltLength").map_err(a)?.small_integer().map_err(a)?;
        salt_len = usize::try_from(v).map_err(|_| bad("negative salt length"))?;
    }
    if let Some(t) = r.optional(Tag::context(3, true)).map_err(a)?
        && t.children().required("trailerField").map_err(a)?.small_integer().map_err(a)? != 1
    {
        return Err(bad("trailer field other than 1"));
    }
    r.finish("RSASSA-PSS-params").map_err(a)?;
    if mgf_digest != digest {
        return Err(bad("MGF1 digest differs from the message digest"));
    }
    Ok(SignatureAlgorithm { scheme: SignatureScheme::RsaPss { salt_len }, digest })
}
