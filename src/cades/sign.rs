//! CAdES-BASELINE-B signing (EN 319 122-1 6.3), attached or detached.

use std::io::Read;
use std::sync::Arc;

use thiserror::Error;
use time::OffsetDateTime;

use crate::asn1::{der, oid};
use crate::crypto::{DigestAlgorithm, Hasher, Signer, SignerError};
use crate::x509::Certificate;

/// Why a signature could not be created.
#[derive(Debug, Error)]
pub enum SignError {
    /// The signer failed.
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// Reading the content failed.
    #[error("reading the content: {0}")]
    Io(#[from] std::io::Error),
    /// A digest the baseline profile does not allow for new signatures.
    #[error("{0} is not allowed for new signatures")]
    DigestNotAllowed(DigestAlgorithm),
}

/// Parameters of a CAdES B-B signature.
#[derive(Debug, Clone)]
pub struct SignOptions {
    /// Digest for the content, the signed attributes and the signing-certificate-v2 reference.
    pub digest: DigestAlgorithm,
    /// Leave the content out of the SignedData.
    pub detached: bool,
    /// The signing-time attribute value (an explicit input: confia never reads the clock here).
    pub signing_time: OffsetDateTime,
    /// Further certificates to embed (the chain up to, optionally, the root).
    pub chain: Vec<Arc<Certificate>>,
}

/// Reads `content` (streamed, never held whole when detached) and produces a DER
/// `ContentInfo` with a CAdES-BASELINE-B `SignedData`.
///
/// ```no_run
/// # use std::sync::Arc;
/// # use confia::{cades, crypto::{DigestAlgorithm, SoftwareSigner}, x509::Certificate};
/// let cert = Arc::new(Certificate::from_pem_or_der(&std::fs::read("signer.pem")?)?.remove(0));
/// let signer = SoftwareSigner::from_pem_or_der(&std::fs::read("signer.key")?, cert)?;
/// let opts = cades::SignOptions {
///     digest: DigestAlgorithm::Sha256,
///     detached: false,
///     signing_time: time::OffsetDateTime::now_utc(),
///     chain: vec![],
/// };
/// let p7m = cades::sign(&mut std::fs::File::open("contract.pdf")?, &signer, &opts)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign(content: &mut dyn Read, signer: &dyn Signer, opts: &SignOptions) -> Result<Vec<u8>, SignError> {
    if opts.digest == DigestAlgorithm::Sha1 {
        return Err(SignError::DigestNotAllowed(opts.digest));
    }
    let mut hasher = Hasher::new(opts.digest);
    let mut attached = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = content.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        if !opts.detached {
            attached.extend_from_slice(&buf[..n]);
        }
    }
    let content_digest = hasher.finalize();
    let cert = signer.certificate();

    let signed_attrs = signed_attributes(cert, &content_digest, opts);
    let (sig_alg, signature) = signer.sign(opts.digest, &signed_attrs)?;
    let sig_alg_id = sig_alg.to_algorithm_identifier().map_err(|e| SignerError::Unsupported(e.to_string()))?;
    let digest_alg_id = der::algorithm(&opts.digest.oid(), None);

    let sid = der::sequence(&[cert.issuer().der(), &der::unsigned_integer(cert.serial())]);
    let signer_info = der::sequence(&[
        &der::small_integer(1),
        &sid,
        &digest_alg_id,
        &der::retag(signed_attrs, 0xa0),
        &sig_alg_id,
        &der::octet_string(&signature),
    ]);

    let mut certs: Vec<&[u8]> = vec![cert.der()];
    for c in &opts.chain {
        if !certs.contains(&c.der()) {
            certs.push(c.der());
        }
    }
    let encap = if opts.detached {
        der::sequence(&[&der::oid(&oid::DATA)])
    } else {
        der::sequence(&[&der::oid(&oid::DATA), &der::context(0, true, &der::octet_string(&attached))])
    };
    let signed_data = der::sequence(&[
        &der::small_integer(1),
        &der::set_of(&[&digest_alg_id]),
        &encap,
        &der::retag(der::set_of(&certs), 0xa0),
        &der::set_of(&[&signer_info]),
    ]);
    Ok(der::sequence(&[&der::oid(&oid::SIGNED_DATA), &der::context(0, true, &signed_data)]))
}

/// The DER `SET OF Attribute` that is signed: content-type, signing-time, message-digest and
/// signing-certificate-v2 (RFC 5035) with issuerSerial.
fn signed_attributes(cert: &Certificate, content_digest: &[u8], opts: &SignOptions) -> Vec<u8> {
    let attr = |o, v: &[u8]| der::sequence(&[&der::oid(&o), &der::set_of(&[v])]);
    let issuer_serial = der::sequence(&[
        &der::sequence(&[&der::context(4, true, cert.issuer().der())]),
        &der::unsigned_integer(cert.serial()),
    ]);
    let cert_hash = der::octet_string(&opts.digest.digest(cert.der()));
    // RFC 5035 4: hashAlgorithm DEFAULT id-sha256, so DER leaves it out for SHA-256.
    let ess_cert_id = if opts.digest == DigestAlgorithm::Sha256 {
        der::sequence(&[&cert_hash, &issuer_serial])
    } else {
        der::sequence(&[&der::algorithm(&opts.digest.oid(), None), &cert_hash, &issuer_serial])
    };
    let signing_certificate_v2 = der::sequence(&[&der::sequence(&[&ess_cert_id])]);
    der::set_of(&[
        &attr(oid::CONTENT_TYPE, &der::oid(&oid::DATA)),
        &attr(oid::SIGNING_TIME, &der::time(opts.signing_time)),
        &attr(oid::MESSAGE_DIGEST, &der::octet_string(content_digest)),
        &attr(oid::SIGNING_CERTIFICATE_V2, &signing_certificate_v2),
    ])
}
