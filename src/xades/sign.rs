//! XAdES-BASELINE-B signing (EN 319 132-1 6.3): enveloped, enveloping or detached, with
//! SigningTime, SigningCertificateV2 and DataObjectFormat.
//!
//! The signature is written as text around the user's bytes (an enveloped document is not
//! re-serialized: only the Signature element is inserted before the document element's end
//! tag). Every digest is then computed by the same code that validates references, over the
//! parsed result, and the finished signature is verified before it is returned.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine;
use thiserror::Error;
use time::OffsetDateTime;

use super::{COUNTERSIGNED_SIGNATURE_TYPE, SIGNED_PROPERTIES_TYPE};
use crate::asn1;
use crate::crypto::{DigestAlgorithm, KeyKind, PublicKey, SignatureAlgorithm, SignatureScheme, Signer, SignerError};
use crate::x509::Certificate;
use crate::xml::c14n::Method;
use crate::xml::dsig::{self, DSIG_NS, KeySource, VerifyInputs};
use crate::xml::span::root_span;
use crate::xml::{Document, NodeId, ParseOptions, XmlError};

/// The XAdES namespace written by confia.
pub const XADES_132: &str = "http://uri.etsi.org/01903/v1.3.2#";

/// Where the signature goes relative to the signed data (EN 319 132-1 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packaging {
    /// The signature becomes the last child of the signed XML document's element.
    Enveloped,
    /// The data goes inside the signature, in a ds:Object: an XML document's element as is,
    /// anything else base64-encoded.
    Enveloping,
    /// The data stays outside; the reference names it by this URI (a file name, usually).
    Detached {
        /// The Reference URI (written percent-encoded where a URI needs it).
        uri: String,
    },
}

/// Parameters of a XAdES B-B signature.
#[derive(Debug, Clone)]
pub struct SignOptions {
    /// Digest for the references, the signature and the signing-certificate reference.
    pub digest: DigestAlgorithm,
    /// Enveloped, enveloping or detached.
    pub packaging: Packaging,
    /// The SigningTime value (an explicit input: confia never reads the clock here).
    pub signing_time: OffsetDateTime,
    /// Further certificates for KeyInfo (the chain up to, optionally, the root).
    pub chain: Vec<Arc<Certificate>>,
    /// The DataObjectFormat MimeType of the signed data.
    pub mime_type: String,
    /// Canonicalization of SignedInfo and of the XML references (Exclusive C14N by default).
    pub canonicalization: Method,
}

impl SignOptions {
    /// SHA-256, Exclusive C14N, no chain, the given packaging, time and MIME type.
    pub fn new(packaging: Packaging, signing_time: OffsetDateTime, mime_type: impl Into<String>) -> Self {
        SignOptions {
            digest: DigestAlgorithm::Sha256,
            packaging,
            signing_time,
            chain: Vec::new(),
            mime_type: mime_type.into(),
            canonicalization: Method::Exclusive,
        }
    }
}

/// Why a XAdES signature could not be created.
#[derive(Debug, Error)]
pub enum SignError {
    /// The signer failed.
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// An enveloped signature needs an XML document, and the document must be usable.
    #[error("the document to sign: {0}")]
    Document(#[from] XmlError),
    /// Only UTF-8 documents are signed in place (re-encoding would change the user's bytes).
    #[error("the document to sign is not UTF-8 (declared or actual encoding {0}); convert it first")]
    NotUtf8(String),
    /// A digest the baseline profile does not allow for new signatures.
    #[error("{0} is not allowed for new signatures")]
    DigestNotAllowed(DigestAlgorithm),
    /// The signing time lies outside the signer certificate's validity period.
    #[error("the signing certificate is not valid at the signing time {0}")]
    CertificateNotValid(OffsetDateTime),
    /// A key that XMLDSig cannot express or that confia does not sign with.
    #[error("unsupported signing key: {0}")]
    UnsupportedKey(String),
    /// The generated Ids collide with Ids already in the document.
    #[error("the document already uses the Id {0:?}")]
    IdCollision(String),
    /// The new signature would invalidate a signature the document already carries (an
    /// enveloped signature covers the whole document, earlier signatures included).
    #[error("{0}")]
    WouldBreak(String),
    /// The signature to counter-sign cannot be found or referenced.
    #[error("cannot counter-sign: {0}")]
    Target(String),
    /// The finished signature did not verify: a bug, never returned as a signature.
    #[error("internal error: the new signature does not verify ({0})")]
    SelfCheck(String),
}

/// Signs `content` and returns the signed document (enveloped, enveloping) or the detached
/// signature document.
///
/// ```
/// # use std::sync::Arc;
/// # use confia::{crypto::SoftwareSigner, x509::Certificate, xades::sign::{sign, Packaging, SignOptions}};
/// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/pki");
/// let cert = Arc::new(Certificate::from_pem_or_der(&std::fs::read(dir.join("signer-rsa.pem"))?)?.remove(0));
/// let signer = SoftwareSigner::from_pem_or_der(&std::fs::read(dir.join("signer-rsa.key"))?, cert)?;
/// let at = time::macros::datetime!(2026-12-04 09:00 UTC);
/// let opts = SignOptions::new(Packaging::Enveloped, at, "text/xml");
/// let signed = sign(b"<invoice><total>10</total></invoice>", &signer, &opts)?;
/// assert!(signed.ends_with(b"</ds:Signature></invoice>"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign(content: &[u8], signer: &dyn Signer, opts: &SignOptions) -> Result<Vec<u8>, SignError> {
    let text: String;
    let placement = match &opts.packaging {
        Packaging::Enveloped => {
            text = xml_input(content)?;
            Placement::Enveloped(&text)
        }
        Packaging::Enveloping => match xml_input(content) {
            Ok(t) => {
                text = t;
                Placement::EnvelopingXml(&text)
            }
            Err(_) => Placement::EnvelopingBase64,
        },
        Packaging::Detached { uri } => Placement::Detached(uri),
    };
    let inputs = detached_inputs(opts, content);
    let (out, _) = produce(content, placement, signer, opts, &inputs)?;
    Ok(out.into_bytes())
}

/// Adds a XAdES counter-signature (EN 319 132-1 5.2.7) to the first top-level signature of
/// `signed` (the signature with Id `target` when given): a ds:Signature whose reference of
/// Type `CountersignedSignature` selects that signature's SignatureValue, placed in its
/// UnsignedSignatureProperties. The rest of the document is kept byte for byte, and every
/// signature that verified before still verifies after.
///
/// `opts.packaging` and `opts.mime_type` are not used.
pub fn counter_sign(
    signed: &[u8],
    target: Option<&str>,
    signer: &dyn Signer,
    opts: &SignOptions,
) -> Result<Vec<u8>, SignError> {
    let text = xml_input(signed)?;
    let doc = Document::parse(signed, &ParseOptions::default())?;
    let sigs = dsig::find_signatures(&doc);
    let master = match target {
        Some(id) => sigs.iter().copied().find(|&s| has_id(&doc, s, id)),
        None => sigs.first().copied(),
    }
    .ok_or_else(|| SignError::Target("no such signature in the document".into()))?;
    let value = super::properties::signature_value(&doc, master)
        .ok_or_else(|| SignError::Target("the signature has no SignatureValue".into()))?;
    let value_id = super::attr(&doc, value, "Id")
        .ok_or_else(|| SignError::Target("the SignatureValue has no Id, so it cannot be referenced".into()))?
        .to_string();
    let qp = super::properties::own_qualifying_properties(&doc, master)
        .ok_or_else(|| SignError::Target("the signature has no XAdES QualifyingProperties".into()))?;
    let ns = super::element(&doc, qp).and_then(|(_, ns)| ns).unwrap_or(XADES_132).to_string();

    // Where the CounterSignature goes: the end of the UnsignedSignatureProperties, creating
    // UnsignedProperties / UnsignedSignatureProperties as needed.
    let spans = crate::xml::span::element_spans(text.as_bytes())?;
    let elements: Vec<NodeId> =
        doc.subtree(doc.root()).filter(|&n| matches!(doc.node(n).kind, crate::xml::NodeKind::Element { .. })).collect();
    if spans.len() != elements.len() {
        return Err(SignError::SelfCheck("element positions do not match the parsed document".into()));
    }
    let span_of = |n: NodeId| elements.iter().position(|&e| e == n).map(|i| spans[i]);
    let child =
        |n: NodeId, name: &str| doc.children(n).find(|&c| super::element(&doc, c) == Some((name, Some(ns.as_str()))));
    let decl = format!(" xmlns:xades=\"{ns}\"");
    let (at_span, open, close) = match child(qp, "UnsignedProperties") {
        Some(up) => match child(up, "UnsignedSignatureProperties") {
            Some(usp) => {
                (span_of(usp), format!("<xades:CounterSignature{decl}>"), "</xades:CounterSignature>".to_string())
            }
            None => (
                span_of(up),
                format!("<xades:UnsignedSignatureProperties{decl}><xades:CounterSignature>"),
                "</xades:CounterSignature></xades:UnsignedSignatureProperties>".to_string(),
            ),
        },
        None => (
            span_of(qp),
            format!("<xades:UnsignedProperties{decl}><xades:UnsignedSignatureProperties><xades:CounterSignature>"),
            "</xades:CounterSignature></xades:UnsignedSignatureProperties></xades:UnsignedProperties>".to_string(),
        ),
    };
    let at_span = at_span.ok_or_else(|| SignError::SelfCheck("element position not found".into()))?;
    if at_span.empty {
        return Err(SignError::Target("the properties element is written empty (<x/>); not supported".into()));
    }
    let placement = Placement::Counter { doc: &text, at: at_span.content_end, open, close, value_id: value_id.clone() };
    let (out, (new_doc, new_sig)) = produce(signed, placement, signer, opts, &VerifyInputs::default())?;

    // The counter-signature selects the counter-signed value.
    let check = dsig::verify(&new_doc, new_sig, &VerifyInputs::default())?;
    let selects = check.references.first().and_then(|r| r.target).is_some_and(|t| {
        has_id(&new_doc, t, &value_id) && super::element(&new_doc, t) == Some(("SignatureValue", Some(DSIG_NS)))
    });
    if !selects {
        return Err(SignError::SelfCheck("the counter-signature does not select the counter-signed value".into()));
    }
    Ok(out.into_bytes())
}

fn has_id(doc: &Document, n: NodeId, id: &str) -> bool {
    super::attr(doc, n, "Id") == Some(id)
}

/// Writes the signature into `placement`: digests computed by the validation code over the
/// parsed template, SignedInfo signed, the result verified. Returns the output text and the
/// parsed output with the new Signature element.
fn produce(
    content: &[u8],
    placement: Placement<'_>,
    signer: &dyn Signer,
    opts: &SignOptions,
    inputs: &VerifyInputs<'_>,
) -> Result<(String, (Document, NodeId)), SignError> {
    if opts.digest == DigestAlgorithm::Sha1 {
        return Err(SignError::DigestNotAllowed(opts.digest));
    }
    let cert = signer.certificate().clone();
    if !cert.is_valid_at(opts.signing_time) {
        return Err(SignError::CertificateNotValid(opts.signing_time));
    }
    let algorithm = algorithm_for(&cert, opts.digest)?;
    let method_uri = dsig::signature_method_uri(&algorithm)
        .ok_or_else(|| SignError::UnsupportedKey(format!("no XMLDSig method for {algorithm}")))?;
    let digest_uri = dsig::digest_method_uri(opts.digest).ok_or(SignError::DigestNotAllowed(opts.digest))?;

    // Ids: derived from what is signed, so the same inputs give the same document.
    let mut seed = crate::crypto::Hasher::new(DigestAlgorithm::Sha256);
    seed.update(cert.der());
    seed.update(&opts.signing_time.unix_timestamp_nanos().to_be_bytes());
    seed.update(content);
    let id = format!("id-{}", &hex::encode(seed.finalize())[..32]);

    let parts = Parts {
        id: &id,
        opts,
        cert: &cert,
        method_uri,
        digest_uri,
        c14n: opts.canonicalization.uri(false),
        content,
        placement,
    };

    // 1. Template with empty values: the reference digests do not depend on them.
    let template = parts.assemble("", "", "");
    let (doc, sig) = parse_own(&template, &id)?;
    let refs = signed_info_references(&doc, sig);
    let mut digests = Vec::new();
    for r in refs {
        let (_, d) = dsig::compute_reference_digest(&doc, sig, r, inputs)
            .map_err(|e| SignError::SelfCheck(format!("reference digest: {e}")))?;
        digests.push(b64(&d));
    }
    let [data_digest, props_digest] = <[String; 2]>::try_from(digests)
        .map_err(|_| SignError::SelfCheck("the template does not have two references".into()))?;

    // 2. SignedInfo with the digests, canonicalized as validation does, then signed.
    // Exclusive C14N of SignedInfo does not depend on where the Signature sits (no inherited
    // namespaces or xml:* attributes), so the Signature element alone is parsed; inclusive
    // methods need the whole document.
    let with_digests = if opts.canonicalization == Method::Exclusive {
        parts.signature(&data_digest, &props_digest, "")
    } else {
        parts.assemble(&data_digest, &props_digest, "")
    };
    let (doc, sig) = parse_own(&with_digests, &id)?;
    let signed_info = dsig::signed_info_octets(&doc, sig)?;
    let (used, value) = signer.sign(opts.digest, &signed_info)?;
    if used.scheme != algorithm.scheme {
        return Err(SignError::SelfCheck(format!("the signer used {used}, SignedInfo announces {algorithm}")));
    }
    let value = match algorithm.scheme {
        SignatureScheme::Ecdsa => ecdsa_der_to_fixed(&value, curve_bytes(&cert)?)?,
        _ => value,
    };

    // 3. The finished document, verified before anyone sees it.
    let out = parts.assemble(&data_digest, &props_digest, &b64(&value));
    let (doc, sig) = parse_own(&out, &id)?;
    let check = dsig::verify(&doc, sig, inputs)?;
    let by_signer = matches!(&check.key, Some(KeySource::Certificate(c)) if c.der() == cert.der());
    if !check.crypto_valid() || !by_signer {
        return Err(SignError::SelfCheck(format!("{:?}", check.signature_intact)));
    }
    // Signatures the document carried and that verified must still verify.
    if let Placement::Enveloped(original) | Placement::Counter { doc: original, .. } = &parts.placement
        && original.contains("Signature")
    {
        let before = Document::parse(original.as_bytes(), &ParseOptions::default())?;
        let intact =
            |d: &Document, s: NodeId| dsig::verify(d, s, &VerifyInputs::default()).is_ok_and(|c| c.crypto_valid());
        let was: Vec<bool> = dsig::find_signatures(&before).into_iter().map(|s| intact(&before, s)).collect();
        let now: Vec<bool> =
            dsig::find_signatures(&doc).into_iter().filter(|&s| s != sig).map(|s| intact(&doc, s)).collect();
        if was.len() != now.len() || was.iter().zip(&now).any(|(w, n)| *w && !*n) {
            return Err(SignError::WouldBreak(
                "the document carries a signature that the new signature would invalidate; counter-sign it \
                 (--counter-sign) or sign it detached or enveloping instead"
                    .into(),
            ));
        }
    }
    Ok((out, (doc, sig)))
}

/// Where the new signature goes and what its data reference selects.
enum Placement<'a> {
    /// Last child of this document's element.
    Enveloped(&'a str),
    /// This document's element inside a ds:Object.
    EnvelopingXml(&'a str),
    /// The content base64-encoded inside a ds:Object.
    EnvelopingBase64,
    /// A reference to this URI.
    Detached(&'a str),
    /// Inserted at byte `at` of `doc` between `open` and `close`, counter-signing the
    /// SignatureValue with Id `value_id`.
    Counter { doc: &'a str, at: usize, open: String, close: String, value_id: String },
}

/// The algorithm the certificate's key signs with under `digest`.
fn algorithm_for(cert: &Certificate, digest: DigestAlgorithm) -> Result<SignatureAlgorithm, SignError> {
    let key = cert.public_key().as_ref().map_err(|e| SignError::UnsupportedKey(e.to_string()))?;
    let scheme = match key.kind() {
        KeyKind::Rsa(_) => SignatureScheme::RsaPkcs1v15,
        KeyKind::P256 | KeyKind::P384 | KeyKind::P521 | KeyKind::BrainpoolP256 | KeyKind::BrainpoolP384 => {
            SignatureScheme::Ecdsa
        }
        KeyKind::Dsa(_) => {
            return Err(SignError::UnsupportedKey("DSA (confia verifies DSA, never signs with it)".into()));
        }
        // Ed25519 signs the message itself; XMLDSig's URI implies SHA-512 internally.
        KeyKind::Ed25519 => {
            return Ok(SignatureAlgorithm { scheme: SignatureScheme::Ed25519, digest: DigestAlgorithm::Sha512 });
        }
    };
    Ok(SignatureAlgorithm { scheme, digest })
}

/// The byte length of r and s for the certificate's curve (XMLDSig 1.1 6.4.3).
fn curve_bytes(cert: &Certificate) -> Result<usize, SignError> {
    match cert.public_key().as_ref().map(PublicKey::kind) {
        Ok(KeyKind::P256 | KeyKind::BrainpoolP256) => Ok(32),
        Ok(KeyKind::P384 | KeyKind::BrainpoolP384) => Ok(48),
        Ok(KeyKind::P521) => Ok(66),
        _ => Err(SignError::UnsupportedKey("ECDSA value for a non-EC key".into())),
    }
}

/// DER `ECDSA-Sig-Value` to XMLDSig's fixed-length `r || s`.
fn ecdsa_der_to_fixed(der: &[u8], n: usize) -> Result<Vec<u8>, SignError> {
    let bad = |m: String| SignError::Signer(SignerError::Failed(format!("ECDSA value: {m}")));
    let seq = asn1::read_single(der, "ECDSA-Sig-Value").map_err(|e| bad(e.to_string()))?;
    let mut r = seq.children();
    let mut out = Vec::with_capacity(2 * n);
    for name in ["r", "s"] {
        let int = r.required(name).map_err(|e| bad(e.to_string()))?;
        let mag = int.contents;
        let mag = &mag[mag.iter().take_while(|&&b| b == 0).count()..];
        if mag.len() > n {
            return Err(bad(format!("{name} longer than the curve")));
        }
        out.extend(std::iter::repeat_n(0, n - mag.len()));
        out.extend_from_slice(mag);
    }
    Ok(out)
}

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// The input as an XML document confia may sign in place: UTF-8, well-formed, no DTD.
fn xml_input(content: &[u8]) -> Result<String, SignError> {
    let text = std::str::from_utf8(content).map_err(|_| SignError::NotUtf8("not valid UTF-8".into()))?;
    // An ASCII document is a UTF-8 one; anything else declared would be re-encoded.
    let ascii = |e: &str| ["us-ascii", "ascii"].iter().any(|a| e.eq_ignore_ascii_case(a)) && text.is_ascii();
    if let Some(enc) = declared_encoding(text)
        && !enc.eq_ignore_ascii_case("utf-8")
        && !enc.eq_ignore_ascii_case("utf8")
        && !ascii(&enc)
    {
        return Err(SignError::NotUtf8(enc));
    }
    Document::parse(content, &ParseOptions::default())?;
    Ok(text.to_string())
}

/// The `encoding` pseudo-attribute of the XML declaration, if any.
fn declared_encoding(text: &str) -> Option<String> {
    let decl = text.trim_start_matches('\u{feff}');
    let decl = &decl[..decl.strip_prefix("<?xml")?.find("?>")? + 5];
    let at = decl.find("encoding")? + "encoding".len();
    let rest = decl[at..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next()?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_string())
}

fn detached_inputs<'a>(opts: &SignOptions, content: &[u8]) -> VerifyInputs<'a> {
    let mut detached = HashMap::new();
    if let Packaging::Detached { uri } = &opts.packaging {
        detached.insert(percent_encode(uri), content.to_vec());
    }
    VerifyInputs { detached, ..VerifyInputs::default() }
}

fn parse_own(text: &str, id: &str) -> Result<(Document, NodeId), SignError> {
    let doc = Document::parse(text.as_bytes(), &ParseOptions::default())?;
    let sig = dsig::find_signatures(&doc)
        .into_iter()
        .find(|&s| matches!(&doc.node(s).kind, crate::xml::NodeKind::Element { attributes, .. } if attributes.iter().any(|a| a.local == "Id" && a.value == id)))
        .ok_or_else(|| SignError::SelfCheck("the new Signature element is not found".into()))?;
    // The Ids confia wrote must be the only ones with these values, or validation would
    // (rightly) refuse the references as ambiguous: the same Id map validation uses.
    let ids = dsig::ids(&doc);
    for suffix in ["", "-ref", "-props", "-object", "-value"] {
        let wanted = format!("{id}{suffix}");
        if ids.get(&wanted).is_some_and(|n| n.len() > 1) {
            return Err(SignError::IdCollision(wanted));
        }
    }
    Ok((doc, sig))
}

fn signed_info_references(doc: &Document, sig: NodeId) -> Vec<NodeId> {
    let is = |n: NodeId, name: &str| matches!(&doc.node(n).kind, crate::xml::NodeKind::Element { local, namespace: Some(ns), .. } if local == name && ns == DSIG_NS);
    doc.children(sig)
        .filter(|&n| is(n, "SignedInfo"))
        .flat_map(|si| doc.children(si).filter(|&n| is(n, "Reference")).collect::<Vec<_>>())
        .collect()
}

/// Characters kept as they are in a Reference URI; everything else is percent-encoded
/// (RFC 3986 unreserved characters plus the path separators a relative reference uses).
fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Escapes text for element content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
    out
}

/// Everything the signature text is made of.
struct Parts<'a> {
    id: &'a str,
    opts: &'a SignOptions,
    cert: &'a Certificate,
    method_uri: &'a str,
    digest_uri: &'a str,
    c14n: &'a str,
    content: &'a [u8],
    placement: Placement<'a>,
}

impl Parts<'_> {
    /// The output document with these DigestValues and SignatureValue (base64).
    fn assemble(&self, data_digest: &str, props_digest: &str, signature_value: &str) -> String {
        let signature = self.signature(data_digest, props_digest, signature_value);
        match &self.placement {
            Placement::Enveloped(doc) => {
                // root_span succeeds: `doc` was parsed by xml_input.
                let Ok(span) = root_span(doc.as_bytes()) else { return String::new() };
                let mut out = String::with_capacity(doc.len() + signature.len() + 16);
                out.push_str(&doc[..span.content_end]);
                if span.empty {
                    out.push('>');
                    out.push_str(&signature);
                    out.push_str("</");
                    out.push_str(element_name(&doc[span.start..]));
                    out.push('>');
                } else {
                    out.push_str(&signature);
                }
                out.push_str(&doc[span.content_end + if span.empty { 2 } else { 0 }..]);
                out
            }
            Placement::Counter { doc, at, open, close, .. } => {
                [&doc[..*at], open, &signature, close, &doc[*at..]].concat()
            }
            _ => format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{signature}\n"),
        }
    }

    fn signature(&self, data_digest: &str, props_digest: &str, signature_value: &str) -> String {
        let id = self.id;
        let (dm, c14n) = (self.digest_uri, self.c14n);
        let data_reference = match &self.placement {
            Placement::Enveloped(_) => format!(
                "<ds:Reference Id=\"{id}-ref\" URI=\"\"><ds:Transforms>\
                 <ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>\
                 <ds:Transform Algorithm=\"{c14n}\"/></ds:Transforms>"
            ),
            Placement::EnvelopingXml(_) => format!(
                "<ds:Reference Id=\"{id}-ref\" URI=\"#{id}-object\"><ds:Transforms>\
                 <ds:Transform Algorithm=\"{c14n}\"/></ds:Transforms>"
            ),
            Placement::EnvelopingBase64 => format!(
                "<ds:Reference Id=\"{id}-ref\" URI=\"#{id}-object\"><ds:Transforms>\
                 <ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#base64\"/></ds:Transforms>"
            ),
            Placement::Detached(uri) => {
                format!("<ds:Reference Id=\"{id}-ref\" URI=\"{}\">", escape(&percent_encode(uri)))
            }
            Placement::Counter { value_id, .. } => format!(
                "<ds:Reference Id=\"{id}-ref\" Type=\"{COUNTERSIGNED_SIGNATURE_TYPE}\" URI=\"#{}\"><ds:Transforms>\
                 <ds:Transform Algorithm=\"{c14n}\"/></ds:Transforms>",
                escape(value_id)
            ),
        };
        let mut key_info = String::from("<ds:KeyInfo><ds:X509Data>");
        let mut seen = vec![self.cert.der()];
        key_info.push_str(&format!("<ds:X509Certificate>{}</ds:X509Certificate>", b64(self.cert.der())));
        for c in &self.opts.chain {
            if !seen.contains(&c.der()) {
                seen.push(c.der());
                key_info.push_str(&format!("<ds:X509Certificate>{}</ds:X509Certificate>", b64(c.der())));
            }
        }
        key_info.push_str("</ds:X509Data></ds:KeyInfo>");
        let object = match &self.placement {
            Placement::EnvelopingXml(doc) => match root_span(doc.as_bytes()) {
                Ok(span) => format!("<ds:Object Id=\"{id}-object\">{}</ds:Object>", &doc[span.start..span.end]),
                Err(_) => String::new(),
            },
            Placement::EnvelopingBase64 => format!(
                "<ds:Object Id=\"{id}-object\" Encoding=\"http://www.w3.org/2000/09/xmldsig#base64\">{}</ds:Object>",
                b64(self.content)
            ),
            _ => String::new(),
        };
        format!(
            "<ds:Signature xmlns:ds=\"{DSIG_NS}\" Id=\"{id}\"><ds:SignedInfo>\
             <ds:CanonicalizationMethod Algorithm=\"{c14n}\"/>\
             <ds:SignatureMethod Algorithm=\"{method}\"/>\
             {data_reference}<ds:DigestMethod Algorithm=\"{dm}\"/><ds:DigestValue>{data_digest}</ds:DigestValue></ds:Reference>\
             <ds:Reference Type=\"{SIGNED_PROPERTIES_TYPE}\" URI=\"#{id}-props\"><ds:Transforms>\
             <ds:Transform Algorithm=\"{c14n}\"/></ds:Transforms>\
             <ds:DigestMethod Algorithm=\"{dm}\"/><ds:DigestValue>{props_digest}</ds:DigestValue></ds:Reference>\
             </ds:SignedInfo><ds:SignatureValue Id=\"{id}-value\">{signature_value}</ds:SignatureValue>\
             {key_info}<ds:Object>{properties}</ds:Object>{object}</ds:Signature>",
            method = self.method_uri,
            properties = self.qualifying_properties(),
        )
    }

    fn qualifying_properties(&self) -> String {
        let id = self.id;
        let dm = self.digest_uri;
        let time = self
            .opts
            .signing_time
            .to_offset(time::UtcOffset::UTC)
            .replace_nanosecond(0)
            .ok()
            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
            .unwrap_or_default();
        let cert_digest = b64(&self.opts.digest.digest(self.cert.der()));
        let issuer_serial = b64(&self.cert.issuer_serial_der());
        // A counter-signature signs a SignatureValue, which has no format to describe.
        let data_object_properties = match self.placement {
            Placement::Counter { .. } => String::new(),
            _ => format!(
                "<xades:SignedDataObjectProperties><xades:DataObjectFormat ObjectReference=\"#{id}-ref\">\
                 <xades:MimeType>{}</xades:MimeType></xades:DataObjectFormat></xades:SignedDataObjectProperties>",
                escape(&self.opts.mime_type)
            ),
        };
        format!(
            "<xades:QualifyingProperties xmlns:xades=\"{XADES_132}\" Target=\"#{id}\">\
             <xades:SignedProperties Id=\"{id}-props\"><xades:SignedSignatureProperties>\
             <xades:SigningTime>{time}</xades:SigningTime>\
             <xades:SigningCertificateV2><xades:Cert><xades:CertDigest>\
             <ds:DigestMethod Algorithm=\"{dm}\"/><ds:DigestValue>{cert_digest}</ds:DigestValue>\
             </xades:CertDigest><xades:IssuerSerialV2>{issuer_serial}</xades:IssuerSerialV2></xades:Cert>\
             </xades:SigningCertificateV2></xades:SignedSignatureProperties>\
             {data_object_properties}</xades:SignedProperties></xades:QualifyingProperties>",
        )
    }
}

/// The qualified name at the start of an element tag (`<p:name ...`).
fn element_name(tag: &str) -> &str {
    let rest = &tag[1..];
    let end = rest.find(|c: char| c.is_whitespace() || c == '/' || c == '>').unwrap_or(rest.len());
    &rest[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_values_are_padded_to_the_curve() {
        // r = 1, s = 0x80 (needs a leading zero in DER)
        let der = [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80];
        let v = ecdsa_der_to_fixed(&der, 4).unwrap();
        assert_eq!(v, [0, 0, 0, 1, 0, 0, 0, 0x80]);
        assert!(ecdsa_der_to_fixed(&der, 0).is_err());
    }

    #[test]
    fn declared_encodings_are_read() {
        assert_eq!(declared_encoding("<?xml version='1.0' encoding='ISO-8859-1'?><a/>").as_deref(), Some("ISO-8859-1"));
        assert_eq!(declared_encoding("<?xml version=\"1.0\"?><a/>"), None);
        assert_eq!(declared_encoding("<a/>"), None);
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(percent_encode("my file ñ.pdf"), "my%20file%20%C3%B1.pdf");
        assert_eq!(percent_encode("dir/a-b_c.txt"), "dir/a-b_c.txt");
    }
}
