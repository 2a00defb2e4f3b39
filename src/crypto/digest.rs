//! Incremental hashing over every supported digest.

use digest::Digest;

use super::DigestAlgorithm;

/// An incremental hasher for one [`DigestAlgorithm`], so large content can be hashed as a stream.
///
/// ```
/// use confia::crypto::{DigestAlgorithm, Hasher};
/// let mut h = Hasher::new(DigestAlgorithm::Sha256);
/// h.update(b"ab");
/// h.update(b"c");
/// assert_eq!(h.finalize(), DigestAlgorithm::Sha256.digest(b"abc"));
/// ```
#[derive(Clone)]
pub enum Hasher {
    /// SHA-1
    Sha1(sha1::Sha1),
    /// SHA-224
    Sha224(sha2::Sha224),
    /// SHA-256
    Sha256(sha2::Sha256),
    /// SHA-384
    Sha384(sha2::Sha384),
    /// SHA-512
    Sha512(sha2::Sha512),
    /// SHA3-224
    Sha3_224(sha3::Sha3_224),
    /// SHA3-256
    Sha3_256(sha3::Sha3_256),
    /// SHA3-384
    Sha3_384(sha3::Sha3_384),
    /// SHA3-512
    Sha3_512(sha3::Sha3_512),
}

impl Hasher {
    /// A fresh hasher.
    pub fn new(alg: DigestAlgorithm) -> Self {
        match alg {
            DigestAlgorithm::Sha1 => Self::Sha1(Digest::new()),
            DigestAlgorithm::Sha224 => Self::Sha224(Digest::new()),
            DigestAlgorithm::Sha256 => Self::Sha256(Digest::new()),
            DigestAlgorithm::Sha384 => Self::Sha384(Digest::new()),
            DigestAlgorithm::Sha512 => Self::Sha512(Digest::new()),
            DigestAlgorithm::Sha3_224 => Self::Sha3_224(Digest::new()),
            DigestAlgorithm::Sha3_256 => Self::Sha3_256(Digest::new()),
            DigestAlgorithm::Sha3_384 => Self::Sha3_384(Digest::new()),
            DigestAlgorithm::Sha3_512 => Self::Sha3_512(Digest::new()),
        }
    }

    /// Feeds more data.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha1(h) => h.update(data),
            Self::Sha224(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
            Self::Sha384(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
            Self::Sha3_224(h) => h.update(data),
            Self::Sha3_256(h) => h.update(data),
            Self::Sha3_384(h) => h.update(data),
            Self::Sha3_512(h) => h.update(data),
        }
    }

    /// The digest of everything fed so far.
    pub fn finalize(self) -> Vec<u8> {
        match self {
            Self::Sha1(h) => h.finalize().to_vec(),
            Self::Sha224(h) => h.finalize().to_vec(),
            Self::Sha256(h) => h.finalize().to_vec(),
            Self::Sha384(h) => h.finalize().to_vec(),
            Self::Sha512(h) => h.finalize().to_vec(),
            Self::Sha3_224(h) => h.finalize().to_vec(),
            Self::Sha3_256(h) => h.finalize().to_vec(),
            Self::Sha3_384(h) => h.finalize().to_vec(),
            Self::Sha3_512(h) => h.finalize().to_vec(),
        }
    }
}
