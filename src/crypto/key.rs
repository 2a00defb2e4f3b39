//! Public keys read from SubjectPublicKeyInfo, and signature verification with them.

use digest::Digest;
use rsa::{BoxedUint, Pkcs1v15Sign, pss::Pss};
use signature::hazmat::PrehashVerifier;

use super::{CryptoError, DigestAlgorithm, SignatureAlgorithm, SignatureScheme};
use crate::asn1::{self, der, oid};

/// Smallest and largest RSA moduli confia will even attempt to verify with. Whether a key size
/// is acceptable is the policy's decision; this only keeps arithmetic bounded.
const RSA_VERIFY_BITS: std::ops::RangeInclusive<usize> = 512..=16384;

/// The kind and size of a key, for policy decisions and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// RSA with the modulus size in bits.
    Rsa(usize),
    /// ECDSA on NIST P-256.
    P256,
    /// ECDSA on NIST P-384.
    P384,
    /// ECDSA on NIST P-521.
    P521,
    /// ECDSA on brainpoolP256r1 (RFC 5639).
    BrainpoolP256,
    /// ECDSA on brainpoolP384r1 (RFC 5639).
    BrainpoolP384,
    /// Ed25519.
    Ed25519,
    /// DSA with the size of p in bits.
    Dsa(usize),
}

impl KeyKind {
    /// Effective size in bits (the modulus for RSA, the field for curves).
    pub fn bits(self) -> usize {
        match self {
            Self::Rsa(b) | Self::Dsa(b) => b,
            Self::P256 | Self::Ed25519 | Self::BrainpoolP256 => 256,
            Self::P384 | Self::BrainpoolP384 => 384,
            Self::P521 => 521,
        }
    }

    /// A short name such as `RSA-2048` or `P-256`.
    pub fn name(self) -> String {
        match self {
            Self::Rsa(b) => format!("RSA-{b}"),
            Self::P256 => "P-256".into(),
            Self::P384 => "P-384".into(),
            Self::P521 => "P-521".into(),
            Self::BrainpoolP256 => "brainpoolP256r1".into(),
            Self::BrainpoolP384 => "brainpoolP384r1".into(),
            Self::Ed25519 => "Ed25519".into(),
            Self::Dsa(b) => format!("DSA-{b}"),
        }
    }
}

/// A public key able to verify signatures.
#[derive(Debug, Clone)]
pub enum PublicKey {
    /// RSA
    Rsa(Box<rsa::PublicKey>, usize),
    /// P-256
    P256(p256::ecdsa::VerifyingKey),
    /// P-384
    P384(p384::ecdsa::VerifyingKey),
    /// P-521
    P521(p521::ecdsa::VerifyingKey),
    /// brainpoolP256r1
    BrainpoolP256(ecdsa::VerifyingKey<bp256::BrainpoolP256r1>),
    /// brainpoolP384r1
    BrainpoolP384(ecdsa::VerifyingKey<bp384::BrainpoolP384r1>),
    /// Ed25519
    Ed25519(ed25519_dalek::VerifyingKey),
    /// DSA, with the size of p in bits
    Dsa(Box<dsa::VerifyingKey>, usize),
}

impl PublicKey {
    /// Reads a PEM `PUBLIC KEY` or a DER `SubjectPublicKeyInfo`.
    pub fn from_pem_or_der(data: &[u8]) -> Result<Self, CryptoError> {
        match crate::pem::decode_all(data, &["PUBLIC KEY"]) {
            Some(blocks) => match blocks.first() {
                Some(der) => Self::from_spki_der(der),
                None => Err(CryptoError::InvalidKey("no PUBLIC KEY block in the PEM data".into())),
            },
            None => Self::from_spki_der(data),
        }
    }

    /// Reads a DER `SubjectPublicKeyInfo`.
    pub fn from_spki_der(spki: &[u8]) -> Result<Self, CryptoError> {
        let bad = |m: String| CryptoError::InvalidKey(m);
        let el = asn1::read_single(spki, "SubjectPublicKeyInfo").map_err(|e| bad(e.to_string()))?;
        let mut r = el.children();
        let alg = r.required("algorithm").map_err(|e| bad(e.to_string()))?;
        let (alg_oid, params) = asn1::algorithm_identifier(&alg).map_err(|e| bad(e.to_string()))?;
        let bits = r.required("subjectPublicKey").and_then(|b| b.bit_string_bytes()).map_err(|e| bad(e.to_string()))?;
        match alg_oid {
            o if o == oid::RSA_ENCRYPTION => rsa_from_pkcs1(bits),
            o if o == oid::EC_PUBLIC_KEY => {
                let curve = params
                    .ok_or_else(|| bad("EC key without curve".into()))?
                    .oid()
                    .map_err(|_| bad("EC key with explicit curve parameters (not supported)".into()))?;
                let e = |x: signature::Error| bad(format!("EC point: {x}"));
                match curve {
                    c if c == oid::SECP256R1 => {
                        Ok(Self::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(bits).map_err(e)?))
                    }
                    c if c == oid::SECP384R1 => {
                        Ok(Self::P384(p384::ecdsa::VerifyingKey::from_sec1_bytes(bits).map_err(e)?))
                    }
                    c if c == oid::SECP521R1 => {
                        Ok(Self::P521(p521::ecdsa::VerifyingKey::from_sec1_bytes(bits).map_err(e)?))
                    }
                    c if c == oid::BRAINPOOL_P256R1 => Ok(Self::BrainpoolP256(
                        ecdsa::VerifyingKey::<bp256::BrainpoolP256r1>::from_sec1_bytes(bits).map_err(e)?,
                    )),
                    c if c == oid::BRAINPOOL_P384R1 => Ok(Self::BrainpoolP384(
                        ecdsa::VerifyingKey::<bp384::BrainpoolP384r1>::from_sec1_bytes(bits).map_err(e)?,
                    )),
                    c => Err(CryptoError::UnsupportedAlgorithm(format!("elliptic curve {c}"))),
                }
            }
            o if o == oid::ED25519 => {
                let raw: [u8; 32] = bits.try_into().map_err(|_| bad("Ed25519 key is not 32 bytes".into()))?;
                Ok(Self::Ed25519(ed25519_dalek::VerifyingKey::from_bytes(&raw).map_err(|e| bad(e.to_string()))?))
            }
            o if o == oid::DSA => dsa_key(params.as_ref(), bits),
            // RSASSA-PSS-only keys (RFC 4055 1.2) carry the same RSAPublicKey.
            o if o == oid::RSASSA_PSS => rsa_from_pkcs1(bits),
            o => Err(CryptoError::UnsupportedAlgorithm(format!("public key algorithm {o}"))),
        }
    }

    /// The key's kind and size.
    pub fn kind(&self) -> KeyKind {
        match self {
            Self::Rsa(_, bits) => KeyKind::Rsa(*bits),
            Self::P256(_) => KeyKind::P256,
            Self::P384(_) => KeyKind::P384,
            Self::P521(_) => KeyKind::P521,
            Self::BrainpoolP256(_) => KeyKind::BrainpoolP256,
            Self::BrainpoolP384(_) => KeyKind::BrainpoolP384,
            Self::Ed25519(_) => KeyKind::Ed25519,
            Self::Dsa(_, bits) => KeyKind::Dsa(*bits),
        }
    }

    /// Verifies `signature` over `message` with algorithm `alg`.
    ///
    /// The message is hashed here (Ed25519 signs the message itself).
    pub fn verify(&self, alg: &SignatureAlgorithm, message: &[u8], signature: &[u8]) -> Result<(), CryptoError> {
        if alg.scheme == SignatureScheme::Ed25519 {
            let Self::Ed25519(k) = self else { return Err(self.mismatch(alg)) };
            let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| CryptoError::BadSignature)?;
            return k.verify_strict(message, &sig).map_err(|_| CryptoError::BadSignature);
        }
        let hash = alg.digest.digest(message);
        self.verify_prehash(alg, &hash, signature)
    }

    /// Verifies `signature` over an already computed digest.
    pub fn verify_prehash(&self, alg: &SignatureAlgorithm, hash: &[u8], signature: &[u8]) -> Result<(), CryptoError> {
        match (self, alg.scheme) {
            (Self::Rsa(k, _), SignatureScheme::RsaPkcs1v15) => rsa_pkcs1_verify(k, alg.digest, hash, signature),
            (Self::Rsa(k, _), SignatureScheme::RsaPss { salt_len }) => {
                rsa_pss_verify(k, alg.digest, salt_len, hash, signature)
            }
            (Self::P256(k), SignatureScheme::Ecdsa) => {
                let s = p256::ecdsa::Signature::from_der(signature).map_err(|_| CryptoError::BadSignature)?;
                k.verify_prehash(hash, &s).map_err(|_| CryptoError::BadSignature)
            }
            (Self::P384(k), SignatureScheme::Ecdsa) => {
                let s = p384::ecdsa::Signature::from_der(signature).map_err(|_| CryptoError::BadSignature)?;
                k.verify_prehash(hash, &s).map_err(|_| CryptoError::BadSignature)
            }
            (Self::P521(k), SignatureScheme::Ecdsa) => {
                let s = p521::ecdsa::Signature::from_der(signature).map_err(|_| CryptoError::BadSignature)?;
                k.verify_prehash(hash, &s).map_err(|_| CryptoError::BadSignature)
            }
            (Self::BrainpoolP256(k), SignatureScheme::Ecdsa) => {
                let s = bp256::r1::ecdsa::Signature::from_der(signature).map_err(|_| CryptoError::BadSignature)?;
                k.verify_prehash(hash, &s).map_err(|_| CryptoError::BadSignature)
            }
            (Self::BrainpoolP384(k), SignatureScheme::Ecdsa) => {
                let s = bp384::r1::ecdsa::Signature::from_der(signature).map_err(|_| CryptoError::BadSignature)?;
                k.verify_prehash(hash, &s).map_err(|_| CryptoError::BadSignature)
            }
            (Self::Dsa(k, _), SignatureScheme::Dsa) => {
                let s = dsa::Signature::try_from(signature).map_err(|_| CryptoError::BadSignature)?;
                k.verify_prehash(hash, &s).map_err(|_| CryptoError::BadSignature)
            }
            _ => Err(self.mismatch(alg)),
        }
    }

    fn mismatch(&self, alg: &SignatureAlgorithm) -> CryptoError {
        let key = match self {
            Self::Rsa(..) => "RSA",
            Self::P256(_) | Self::P384(_) | Self::P521(_) | Self::BrainpoolP256(_) | Self::BrainpoolP384(_) => "EC",
            Self::Ed25519(_) => "Ed25519",
            Self::Dsa(..) => "DSA",
        };
        CryptoError::KeyMismatch { algorithm: alg.to_string(), key }
    }
}

/// RFC 3279 2.3.2: `Dss-Parms ::= SEQUENCE { p, q, g INTEGER }` in the algorithm parameters,
/// `DSAPublicKey ::= INTEGER` (y) in the key bits. Parameters inherited from the issuer are
/// not supported. Only the FIPS 186-4 sizes (1024/160, 2048/224, 2048/256, 3072/256) load.
fn dsa_key(params: Option<&asn1::Element<'_>>, bits: &[u8]) -> Result<PublicKey, CryptoError> {
    let bad = |m: String| CryptoError::InvalidKey(format!("DSA key: {m}"));
    let params = params.ok_or_else(|| bad("parameters inherited from the issuer are not supported".into()))?;
    let mut r = params.children();
    let mut int = |name: &'static str| -> Result<dsa::BoxedUint, CryptoError> {
        let v = r.required(name).and_then(|e| e.unsigned_integer()).map_err(|e| bad(e.to_string()))?;
        big(v).ok_or_else(|| bad(format!("{name} out of range")))
    };
    let (p, q, g) = (int("p")?, int("q")?, int("g")?);
    r.finish("Dss-Parms").map_err(|e| bad(e.to_string()))?;
    let y = asn1::read_single(bits, "DSAPublicKey")
        .and_then(|e| e.unsigned_integer().map(<[u8]>::to_vec))
        .map_err(|e| bad(e.to_string()))?;
    let y = big(&y).ok_or_else(|| bad("y out of range".into()))?;
    let p_bits = p.bit_width() as usize;
    let components =
        dsa::Components::from_components(p, q, g).map_err(|_| bad("unsupported or invalid p, q, g".into()))?;
    let key = dsa::VerifyingKey::from_components(components, y).map_err(|_| bad("invalid y".into()))?;
    Ok(PublicKey::Dsa(Box::new(key), p_bits))
}

/// A big-endian magnitude as a `BoxedUint` (at most 3072 bits: the largest DSA size).
fn big(v: &[u8]) -> Option<dsa::BoxedUint> {
    let v = &v[v.iter().take_while(|&&b| b == 0).count()..];
    if v.is_empty() || v.len() > 384 {
        return None;
    }
    dsa::BoxedUint::from_be_slice(v, (v.len() * 8) as u32).ok()
}

/// RFC 8017 A.1.1: `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`.
fn rsa_from_pkcs1(bits: &[u8]) -> Result<PublicKey, CryptoError> {
    let bad = |m: String| CryptoError::InvalidKey(m);
    let el = asn1::read_single(bits, "RSAPublicKey").map_err(|e| bad(e.to_string()))?;
    let mut r = el.children();
    let n = r.required("modulus").and_then(|e| e.unsigned_integer()).map_err(|e| bad(e.to_string()))?;
    let e = r.required("publicExponent").and_then(|e| e.unsigned_integer()).map_err(|e| bad(e.to_string()))?;
    r.finish("RSAPublicKey").map_err(|e| bad(e.to_string()))?;
    let n_bits = n.len() * 8 - n.first().map_or(8, |b| b.leading_zeros() as usize);
    let precision = |v: &[u8]| (v.len() as u32 * 8).max(64);
    let n_u = BoxedUint::from_be_slice(n, precision(n)).map_err(|e| bad(format!("{e:?}")))?;
    let e_u = BoxedUint::from_be_slice(e, precision(e)).map_err(|e| bad(format!("{e:?}")))?;
    let key = rsa::PublicKey::new_with_size_limits(n_u, e_u, RSA_VERIFY_BITS).map_err(|e| bad(format!("RSA: {e}")))?;
    Ok(PublicKey::Rsa(Box::new(key), n_bits))
}

fn pkcs1_scheme(d: DigestAlgorithm) -> Pkcs1v15Sign {
    match d {
        DigestAlgorithm::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
        DigestAlgorithm::Sha224 => Pkcs1v15Sign::new::<sha2::Sha224>(),
        DigestAlgorithm::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
        DigestAlgorithm::Sha384 => Pkcs1v15Sign::new::<sha2::Sha384>(),
        DigestAlgorithm::Sha512 => Pkcs1v15Sign::new::<sha2::Sha512>(),
        DigestAlgorithm::Sha3_224 => Pkcs1v15Sign::new::<sha3::Sha3_224>(),
        DigestAlgorithm::Sha3_256 => Pkcs1v15Sign::new::<sha3::Sha3_256>(),
        DigestAlgorithm::Sha3_384 => Pkcs1v15Sign::new::<sha3::Sha3_384>(),
        DigestAlgorithm::Sha3_512 => Pkcs1v15Sign::new::<sha3::Sha3_512>(),
    }
}

fn rsa_pkcs1_verify(k: &rsa::PublicKey, d: DigestAlgorithm, hash: &[u8], sig: &[u8]) -> Result<(), CryptoError> {
    if k.verify(pkcs1_scheme(d), hash, sig).is_ok() {
        return Ok(());
    }
    // Some producers write the DigestInfo's AlgorithmIdentifier without the NULL parameters;
    // RFC 8017 9.2 note 1 asks verifiers to accept both forms.
    let digest_info = der::sequence(&[&der::algorithm(&d.oid(), None), &der::octet_string(hash)]);
    k.verify(Pkcs1v15Sign::new_unprefixed(), &digest_info, sig).map_err(|_| CryptoError::BadSignature)
}

fn rsa_pss_verify(
    k: &rsa::PublicKey,
    d: DigestAlgorithm,
    salt: usize,
    hash: &[u8],
    sig: &[u8],
) -> Result<(), CryptoError> {
    fn with<D: Digest + digest::FixedOutputReset + Default>(
        k: &rsa::PublicKey,
        salt: usize,
        hash: &[u8],
        sig: &[u8],
    ) -> Result<(), CryptoError> {
        k.verify(Pss::<D>::new_with_salt(salt), hash, sig).map_err(|_| CryptoError::BadSignature)
    }
    match d {
        DigestAlgorithm::Sha1 => with::<sha1::Sha1>(k, salt, hash, sig),
        DigestAlgorithm::Sha224 => with::<sha2::Sha224>(k, salt, hash, sig),
        DigestAlgorithm::Sha256 => with::<sha2::Sha256>(k, salt, hash, sig),
        DigestAlgorithm::Sha384 => with::<sha2::Sha384>(k, salt, hash, sig),
        DigestAlgorithm::Sha512 => with::<sha2::Sha512>(k, salt, hash, sig),
        DigestAlgorithm::Sha3_224 => with::<sha3::Sha3_224>(k, salt, hash, sig),
        DigestAlgorithm::Sha3_256 => with::<sha3::Sha3_256>(k, salt, hash, sig),
        DigestAlgorithm::Sha3_384 => with::<sha3::Sha3_384>(k, salt, hash, sig),
        DigestAlgorithm::Sha3_512 => with::<sha3::Sha3_512>(k, salt, hash, sig),
    }
}
