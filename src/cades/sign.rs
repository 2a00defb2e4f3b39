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
    /// The signing time lies outside the signer certificate's validity period.
    #[error("the signing certificate is not valid at the signing time {0}")]
    CertificateNotValid(OffsetDateTime),
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
    if !signer.certificate().is_valid_at(opts.signing_time) {
        return Err(SignError::CertificateNotValid(opts.signing_time));
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
    // The content is written once into the output: headers are computed from its length
    // rather than by wrapping it element by element (which copied it at every level).
    let data_oid = der::oid(&oid::DATA);
    let (e_content_headers, content): (Vec<u8>, &[u8]) = if opts.detached {
        (Vec::new(), &[])
    } else {
        let os = der::header(0x04, attached.len());
        let explicit = der::header(0xa0, os.len() + attached.len());
        ([explicit, os].concat(), &attached)
    };
    let encap_header = der::header(0x30, data_oid.len() + e_content_headers.len() + content.len());
    let before =
        [der::small_integer(1), der::set_of(&[&digest_alg_id]), encap_header, data_oid, e_content_headers].concat();
    let after = [der::retag(der::set_of(&certs), 0xa0), der::set_of(&[&signer_info])].concat();
    let sd_len = before.len() + content.len() + after.len();
    let sd_header = der::header(0x30, sd_len);
    let explicit = der::header(0xa0, sd_header.len() + sd_len);
    let sd_oid = der::oid(&oid::SIGNED_DATA);
    let ci_header = der::header(0x30, sd_oid.len() + explicit.len() + sd_header.len() + sd_len);
    let total = ci_header.len() + sd_oid.len() + explicit.len() + sd_header.len() + sd_len;
    let mut out = Vec::with_capacity(total);
    for part in [&ci_header[..], &sd_oid, &explicit, &sd_header, &before, content, &after] {
        out.extend_from_slice(part);
    }
    Ok(out)
}

/// `SigningCertificateV2` (RFC 5035 3) naming `cert` by digest and issuerSerial.
fn signing_certificate_v2(cert: &Certificate, digest: DigestAlgorithm) -> Vec<u8> {
    let issuer_serial = cert.issuer_serial_der();
    let cert_hash = der::octet_string(&digest.digest(cert.der()));
    // RFC 5035 4: hashAlgorithm DEFAULT id-sha256, so DER leaves it out for SHA-256.
    let ess_cert_id = if digest == DigestAlgorithm::Sha256 {
        der::sequence(&[&cert_hash, &issuer_serial])
    } else {
        der::sequence(&[&der::algorithm(&digest.oid(), None), &cert_hash, &issuer_serial])
    };
    der::sequence(&[&der::sequence(&[&ess_cert_id])])
}

/// The DER `SET OF Attribute` that is signed: content-type, signing-time, message-digest and
/// signing-certificate-v2 (RFC 5035) with issuerSerial.
fn signed_attributes(cert: &Certificate, content_digest: &[u8], opts: &SignOptions) -> Vec<u8> {
    let attr = |o, v: &[u8]| der::sequence(&[&der::oid(&o), &der::set_of(&[v])]);
    let signing_certificate_v2 = signing_certificate_v2(cert, opts.digest);
    der::set_of(&[
        &attr(oid::CONTENT_TYPE, &der::oid(&oid::DATA)),
        &attr(oid::SIGNING_TIME, &der::time(opts.signing_time)),
        &attr(oid::MESSAGE_DIGEST, &der::octet_string(content_digest)),
        &attr(oid::SIGNING_CERTIFICATE_V2, &signing_certificate_v2),
    ])
}

/// Adds a counter-signature (RFC 5652 11.4) by `signer` to the first SignerInfo of a DER
/// `ContentInfo`. The counter-signature's message-digest covers that SignerInfo's signature
/// value; its signed attributes are signing-time, message-digest and signing-certificate-v2
/// (no content-type, as RFC 5652 11.4 requires).
pub fn counter_sign(signed: &[u8], signer: &dyn Signer, opts: &SignOptions) -> Result<Vec<u8>, CounterSignError> {
    use crate::asn1::{Tag, read_single};
    let ci = read_single(signed, "ContentInfo")?;
    let mut r = ci.children();
    let ct = r.required("contentType")?;
    let explicit = r.required("content")?;
    let sd = explicit.children().required("SignedData")?;
    if ct.oid()? != oid::SIGNED_DATA || ci.indefinite || explicit.indefinite || sd.indefinite {
        return Err(CounterSignError::NotDerSignedData);
    }
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let mut sr = sd.children();
    let mut signer_infos = None;
    let cert = signer.certificate();
    let mut has_certificates = false;
    while let Some(el) = sr.next()? {
        if el.tag == Tag::SET && sr.is_empty() {
            signer_infos = Some(el);
        } else if el.tag == Tag::context(0, true) && parts.len() == 3 {
            // certificates: add the counter-signer's own, so that it can be identified.
            has_certificates = true;
            let mut certs: Vec<&[u8]> = Vec::new();
            let mut cr = el.children();
            while let Some(c) = cr.next()? {
                certs.push(c.raw);
            }
            if !certs.contains(&cert.der()) {
                certs.push(cert.der());
            }
            parts.push(der::retag(der::set_of(&certs), 0xa0));
        } else {
            if !has_certificates && parts.len() == 3 {
                has_certificates = true;
                parts.push(der::retag(der::set_of(&[cert.der()]), 0xa0));
            }
            parts.push(el.raw.to_vec());
        }
    }
    let set = signer_infos.ok_or(CounterSignError::NotDerSignedData)?;
    let mut infos = set.children();
    let first = infos.required("SignerInfo")?;
    let parsed = crate::cms::SignerInfo::read(first).map_err(|e| CounterSignError::Cms(e.to_string()))?;
    if parsed.unsigned_attrs.is_some() {
        return Err(CounterSignError::HasUnsignedAttributes);
    }
    let digest = opts.digest.digest(parsed.signature);
    let attr = |o, v: &[u8]| der::sequence(&[&der::oid(&o), &der::set_of(&[v])]);
    let signed_attrs = der::set_of(&[
        &attr(oid::SIGNING_TIME, &der::time(opts.signing_time)),
        &attr(oid::MESSAGE_DIGEST, &der::octet_string(&digest)),
        &attr(oid::SIGNING_CERTIFICATE_V2, &signing_certificate_v2(cert, opts.digest)),
    ]);
    let (alg, value) = signer.sign(opts.digest, &signed_attrs)?;
    let counter = der::sequence(&[
        &der::small_integer(1),
        &der::sequence(&[cert.issuer().der(), &der::unsigned_integer(cert.serial())]),
        &der::algorithm(&opts.digest.oid(), None),
        &der::retag(signed_attrs, 0xa0),
        &alg.to_algorithm_identifier().map_err(|e| SignerError::Unsupported(e.to_string()))?,
        &der::octet_string(&value),
    ]);
    let unsigned = der::retag(der::set_of(&[&attr(oid::COUNTER_SIGNATURE, &counter)]), 0xa1);
    let mut first_children: Vec<u8> = first.contents.to_vec();
    first_children.extend_from_slice(&unsigned);
    let mut new_infos = vec![der::tlv(0x30, &first_children)];
    while let Some(other) = infos.next()? {
        new_infos.push(other.raw.to_vec());
    }
    let refs: Vec<&[u8]> = new_infos.iter().map(Vec::as_slice).collect();
    parts.push(der::set_of(&refs));
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    let signed_data = der::sequence(&refs);
    Ok(der::sequence(&[&der::oid(&oid::SIGNED_DATA), &der::context(0, true, &signed_data)]))
}

/// Why a counter-signature could not be added.
#[derive(Debug, Error)]
pub enum CounterSignError {
    /// The input is not a definite-length DER ContentInfo with SignedData.
    #[error("not a DER CMS SignedData")]
    NotDerSignedData,
    /// Adding to existing unsigned attributes is not supported yet.
    #[error("the SignerInfo already has unsigned attributes")]
    HasUnsignedAttributes,
    /// A structural error.
    #[error("malformed input: {0}")]
    Asn1(#[from] crate::asn1::Asn1Error),
    /// The SignerInfo could not be read.
    #[error("malformed SignerInfo: {0}")]
    Cms(String),
    /// The signer failed.
    #[error(transparent)]
    Signer(#[from] SignerError),
}
