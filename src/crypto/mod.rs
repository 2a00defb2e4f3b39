//! Algorithms, digests, signature verification and the [`Signer`] trait.
//!
//! Verification uses the RustCrypto crates (`rsa` 0.10, `p256`/`p384`/`p521` 0.14, `ed25519-dalek` 3):
//! only public-key operations run there. RSA private-key operations (signing) run in `ring`, which
//! is not affected by RUSTSEC-2023-0071; see `docs/crypto.md`.

mod algorithm;
mod digest;
mod key;
pub mod pkcs12;
mod signer;

pub use algorithm::{DigestAlgorithm, SignatureAlgorithm, SignatureScheme};
pub use digest::Hasher;
pub use key::{KeyKind, PublicKey};
pub use signer::{Signer, SignerError, SoftwareSigner};

use thiserror::Error;

/// Why a signature could not be checked or did not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CryptoError {
    /// An algorithm confia does not implement (or refuses, such as MD5).
    #[error("unsupported algorithm: {0}")]
    UnsupportedAlgorithm(String),
    /// A key that cannot be decoded or is not usable.
    #[error("invalid public key: {0}")]
    InvalidKey(String),
    /// The signature algorithm does not fit the key (an RSA scheme with an EC key, say).
    #[error("signature algorithm {algorithm} does not match a {key} key")]
    KeyMismatch {
        /// The signature algorithm.
        algorithm: String,
        /// The key type.
        key: &'static str,
    },
    /// The signature value does not verify.
    #[error("signature value does not verify")]
    BadSignature,
}
