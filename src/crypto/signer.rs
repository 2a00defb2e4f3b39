//! Creating signature values: the [`Signer`] trait and software keys.

use std::sync::Arc;

use signature::hazmat::PrehashSigner;
use thiserror::Error;

use super::{DigestAlgorithm, PublicKey, SignatureAlgorithm, SignatureScheme};
use crate::asn1::{self, Tag, oid};
use crate::x509::Certificate;

/// Why a key cannot be loaded or a signature value not produced.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignerError {
    /// The key file is not a readable private key.
    #[error("unreadable private key: {0}")]
    InvalidKey(String),
    /// The key does not belong to the certificate.
    #[error("the private key does not match the certificate's public key")]
    KeyCertificateMismatch,
    /// An algorithm or digest the key cannot sign with.
    #[error("unsupported for signing: {0}")]
    Unsupported(String),
    /// The signing operation itself failed.
    #[error("signing failed: {0}")]
    Failed(String),
}

/// Something that produces signature values for one certificate: a software key today,
/// a PKCS#11 token or a remote signing service later.
pub trait Signer: Send + Sync {
    /// The signer's certificate.
    fn certificate(&self) -> &Arc<Certificate>;

    /// Signs `message` (the DER signed attributes, for CMS) with `digest`, returning the
    /// algorithm used and the signature value as CMS encodes it (DER `ECDSA-Sig-Value` for ECDSA).
    fn sign(&self, digest: DigestAlgorithm, message: &[u8]) -> Result<(SignatureAlgorithm, Vec<u8>), SignerError>;
}

enum SoftwareKey {
    // RSA private-key operations run in ring (constant-time, not affected by RUSTSEC-2023-0071).
    Rsa(ring::rsa::KeyPair),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

/// A private key held in memory, with its certificate.
pub struct SoftwareSigner {
    key: SoftwareKey,
    certificate: Arc<Certificate>,
}

impl std::fmt::Debug for SoftwareSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SoftwareSigner({:?})", self.certificate)
    }
}

impl SoftwareSigner {
    /// Loads a private key from PEM (`PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`) or DER
    /// PKCS#8, and checks that it belongs to `certificate`.
    pub fn from_pem_or_der(data: &[u8], certificate: Arc<Certificate>) -> Result<Self, SignerError> {
        if crate::pem::looks_like_pem(data) {
            let blocks = pem::parse_many(data).map_err(|e| SignerError::InvalidKey(e.to_string()))?;
            for b in &blocks {
                let key = match b.tag() {
                    "PRIVATE KEY" => pkcs8_key(b.contents())?,
                    "RSA PRIVATE KEY" => SoftwareKey::Rsa(
                        ring::rsa::KeyPair::from_der(b.contents())
                            .map_err(|e| SignerError::InvalidKey(e.to_string()))?,
                    ),
                    "EC PRIVATE KEY" => sec1_key(b.contents())?,
                    "ENCRYPTED PRIVATE KEY" => {
                        return Err(SignerError::InvalidKey(
                            "encrypted PKCS#8 is not supported; use a PKCS#12 file with --password-file".into(),
                        ));
                    }
                    _ => continue,
                };
                return Self::new(key, certificate);
            }
            return Err(SignerError::InvalidKey("no private key in the PEM file".into()));
        }
        Self::new(pkcs8_key(data)?, certificate)
    }

    fn new(key: SoftwareKey, certificate: Arc<Certificate>) -> Result<Self, SignerError> {
        let cert_key = certificate.public_key().as_ref().map_err(|e| SignerError::InvalidKey(e.to_string()))?;
        let matches = match (&key, cert_key) {
            (SoftwareKey::Rsa(k), PublicKey::Rsa(..)) => spki_key_bits(certificate.spki_der()).is_some_and(|b| {
                use ring::signature::KeyPair;
                b == k.public_key().as_ref()
            }),
            (SoftwareKey::P256(k), PublicKey::P256(v)) => k.verifying_key() == v,
            (SoftwareKey::P384(k), PublicKey::P384(v)) => k.verifying_key() == v,
            (SoftwareKey::Ed25519(k), PublicKey::Ed25519(v)) => k.verifying_key() == *v,
            _ => false,
        };
        if !matches {
            return Err(SignerError::KeyCertificateMismatch);
        }
        Ok(SoftwareSigner { key, certificate })
    }
}

fn spki_key_bits(spki: &[u8]) -> Option<Vec<u8>> {
    let el = asn1::read_single(spki, "SubjectPublicKeyInfo").ok()?;
    let mut r = el.children();
    r.required("algorithm").ok()?;
    r.required("subjectPublicKey").ok()?.bit_string_bytes().ok().map(<[u8]>::to_vec)
}

/// RFC 5208 / RFC 5958 `PrivateKeyInfo`: the algorithm decides which implementation loads it.
fn pkcs8_key(der: &[u8]) -> Result<SoftwareKey, SignerError> {
    let bad = |m: String| SignerError::InvalidKey(m);
    let el = asn1::read_single(der, "PrivateKeyInfo").map_err(|e| bad(e.to_string()))?;
    let mut r = el.children();
    r.required("version").map_err(|e| bad(e.to_string()))?;
    let (alg, params) = asn1::algorithm_identifier(&r.required("privateKeyAlgorithm").map_err(|e| bad(e.to_string()))?)
        .map_err(|e| bad(e.to_string()))?;
    match alg {
        a if a == oid::RSA_ENCRYPTION => {
            Ok(SoftwareKey::Rsa(ring::rsa::KeyPair::from_pkcs8(der).map_err(|e| bad(format!("RSA key: {e}")))?))
        }
        a if a == oid::EC_PUBLIC_KEY => {
            use p256::pkcs8::DecodePrivateKey;
            let curve = params.and_then(|p| p.oid().ok()).ok_or_else(|| bad("EC key without a named curve".into()))?;
            match curve {
                c if c == oid::SECP256R1 => {
                    Ok(SoftwareKey::P256(p256::ecdsa::SigningKey::from_pkcs8_der(der).map_err(|e| bad(e.to_string()))?))
                }
                c if c == oid::SECP384R1 => {
                    Ok(SoftwareKey::P384(p384::ecdsa::SigningKey::from_pkcs8_der(der).map_err(|e| bad(e.to_string()))?))
                }
                c => Err(SignerError::Unsupported(format!("signing with curve {c}"))),
            }
        }
        a if a == oid::ED25519 => {
            use ed25519_dalek::pkcs8::DecodePrivateKey;
            Ok(SoftwareKey::Ed25519(Box::new(
                ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(|e| bad(e.to_string()))?,
            )))
        }
        a => Err(SignerError::Unsupported(format!("private key algorithm {a}"))),
    }
}

/// RFC 5915 `ECPrivateKey` (PEM `EC PRIVATE KEY`).
fn sec1_key(der: &[u8]) -> Result<SoftwareKey, SignerError> {
    let bad = |m: String| SignerError::InvalidKey(m);
    let el = asn1::read_single(der, "ECPrivateKey").map_err(|e| bad(e.to_string()))?;
    let mut r = el.children();
    r.required("version").map_err(|e| bad(e.to_string()))?;
    let _ = r.required("privateKey").map_err(|e| bad(e.to_string()))?;
    let curve = r
        .optional(Tag::context(0, true))
        .ok()
        .flatten()
        .and_then(|p| p.children().required("namedCurve").ok())
        .and_then(|c| c.oid().ok())
        .ok_or_else(|| bad("EC key without a named curve".into()))?;
    match curve {
        c if c == oid::SECP256R1 => {
            Ok(SoftwareKey::P256(p256::SecretKey::from_sec1_der(der).map_err(|e| bad(e.to_string()))?.into()))
        }
        c if c == oid::SECP384R1 => {
            Ok(SoftwareKey::P384(p384::SecretKey::from_sec1_der(der).map_err(|e| bad(e.to_string()))?.into()))
        }
        c => Err(SignerError::Unsupported(format!("signing with curve {c}"))),
    }
}

impl Signer for SoftwareSigner {
    fn certificate(&self) -> &Arc<Certificate> {
        &self.certificate
    }

    fn sign(&self, digest: DigestAlgorithm, message: &[u8]) -> Result<(SignatureAlgorithm, Vec<u8>), SignerError> {
        let failed = |e: String| SignerError::Failed(e);
        match &self.key {
            SoftwareKey::Rsa(k) => {
                let enc: &'static dyn ring::signature::RsaEncoding = match digest {
                    DigestAlgorithm::Sha256 => &ring::signature::RSA_PKCS1_SHA256,
                    DigestAlgorithm::Sha384 => &ring::signature::RSA_PKCS1_SHA384,
                    DigestAlgorithm::Sha512 => &ring::signature::RSA_PKCS1_SHA512,
                    d => return Err(SignerError::Unsupported(format!("RSA signing with {d}"))),
                };
                let mut sig = vec![0u8; k.public().modulus_len()];
                k.sign(enc, &ring::rand::SystemRandom::new(), message, &mut sig).map_err(|e| failed(e.to_string()))?;
                Ok((SignatureAlgorithm { scheme: SignatureScheme::RsaPkcs1v15, digest }, sig))
            }
            SoftwareKey::P256(k) => {
                let s: p256::ecdsa::Signature =
                    k.sign_prehash(&digest.digest(message)).map_err(|e| failed(e.to_string()))?;
                Ok((SignatureAlgorithm { scheme: SignatureScheme::Ecdsa, digest }, s.to_der().as_bytes().to_vec()))
            }
            SoftwareKey::P384(k) => {
                let s: p384::ecdsa::Signature =
                    k.sign_prehash(&digest.digest(message)).map_err(|e| failed(e.to_string()))?;
                Ok((SignatureAlgorithm { scheme: SignatureScheme::Ecdsa, digest }, s.to_der().as_bytes().to_vec()))
            }
            SoftwareKey::Ed25519(k) => {
                use ed25519_dalek::Signer as _;
                let s = k.sign(message);
                Ok((SignatureAlgorithm { scheme: SignatureScheme::Ed25519, digest }, s.to_bytes().to_vec()))
            }
        }
    }
}
