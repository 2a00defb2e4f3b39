//! XMLDSig core validation (W3C XML Signature 1.1, section 3.2): each Reference's digest over
//! the data its URI and transforms select, and the SignatureValue over the canonical
//! SignedInfo, with a key from KeyInfo (X509Certificate, KeyValue) or supplied by the caller.
//!
//! This is the cryptographic core only: whether the key is trusted is the validation process's
//! question. Reference resolution resists signature wrapping by requiring every Id a signature
//! references to be unique in the document, and reports the element that was digested.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine;
use hmac::{KeyInit, Mac};

use super::c14n::{
    FilterOp, Method, NodeFilter, canonicalize_filtered, canonicalize_filtered_into, canonicalize_subset,
};
use super::{Document, NodeId, NodeKind, XmlError};
use crate::asn1::{der, oid};
use crate::crypto::{DigestAlgorithm, Hasher, PublicKey, SignatureAlgorithm, SignatureScheme};
use crate::x509::Certificate;

/// The XMLDSig namespace.
pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The XMLDSig 1.1 namespace (ECKeyValue).
pub const DSIG11_NS: &str = "http://www.w3.org/2009/xmldsig11#";

/// Most References one SignedInfo (or Manifest) may hold.
pub const MAX_REFERENCES: usize = 1024;
/// Most Transforms in one Reference.
pub const MAX_TRANSFORMS: usize = 16;

/// How a SignatureValue is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureMethod {
    /// A public-key signature.
    Asymmetric(SignatureAlgorithm),
    /// HMAC with a digest, and the HMACOutputLength in bits when given.
    Hmac(DigestAlgorithm, Option<usize>),
}

/// DigestMethod URIs (XMLDSig 1.1 6.2, RFC 6931 2.1, RFC 9231).
const DIGEST_METHODS: &[(&str, DigestAlgorithm)] = &[
    ("http://www.w3.org/2000/09/xmldsig#sha1", DigestAlgorithm::Sha1),
    ("http://www.w3.org/2001/04/xmldsig-more#sha224", DigestAlgorithm::Sha224),
    ("http://www.w3.org/2001/04/xmlenc#sha256", DigestAlgorithm::Sha256),
    ("http://www.w3.org/2001/04/xmldsig-more#sha384", DigestAlgorithm::Sha384),
    ("http://www.w3.org/2001/04/xmlenc#sha512", DigestAlgorithm::Sha512),
    ("http://www.w3.org/2007/05/xmldsig-more#sha3-224", DigestAlgorithm::Sha3_224),
    ("http://www.w3.org/2007/05/xmldsig-more#sha3-256", DigestAlgorithm::Sha3_256),
    ("http://www.w3.org/2007/05/xmldsig-more#sha3-384", DigestAlgorithm::Sha3_384),
    ("http://www.w3.org/2007/05/xmldsig-more#sha3-512", DigestAlgorithm::Sha3_512),
];

/// The digest algorithm an XMLDSig DigestMethod URI names.
pub fn digest_method(uri: &str) -> Option<DigestAlgorithm> {
    DIGEST_METHODS.iter().find(|(u, _)| *u == uri).map(|&(_, d)| d)
}

/// The DigestMethod URI of a digest algorithm.
pub fn digest_method_uri(digest: DigestAlgorithm) -> Option<&'static str> {
    DIGEST_METHODS.iter().find(|(_, d)| *d == digest).map(|&(u, _)| u)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum MethodKind {
    Pkcs1,
    Pss,
    Ecdsa,
    Ed25519,
    Dsa,
    Hmac,
}

/// SignatureMethod URIs (XMLDSig 1.1 6.4, RFC 6931, RFC 9231). The first URI listed for a
/// method is the one written when signing.
const SIGNATURE_METHODS: &[(&str, MethodKind, DigestAlgorithm)] = {
    use DigestAlgorithm as D;
    use MethodKind as K;
    &[
        ("http://www.w3.org/2000/09/xmldsig#rsa-sha1", K::Pkcs1, D::Sha1),
        ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha224", K::Pkcs1, D::Sha224),
        ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", K::Pkcs1, D::Sha256),
        ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", K::Pkcs1, D::Sha384),
        ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", K::Pkcs1, D::Sha512),
        ("http://www.w3.org/2007/05/xmldsig-more#sha1-rsa-MGF1", K::Pss, D::Sha1),
        ("http://www.w3.org/2007/05/xmldsig-more#sha224-rsa-MGF1", K::Pss, D::Sha224),
        ("http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1", K::Pss, D::Sha256),
        ("http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1", K::Pss, D::Sha384),
        ("http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1", K::Pss, D::Sha512),
        ("http://www.w3.org/2007/05/xmldsig-more#sha3-224-rsa-MGF1", K::Pss, D::Sha3_224),
        ("http://www.w3.org/2007/05/xmldsig-more#sha3-256-rsa-MGF1", K::Pss, D::Sha3_256),
        ("http://www.w3.org/2007/05/xmldsig-more#sha3-384-rsa-MGF1", K::Pss, D::Sha3_384),
        ("http://www.w3.org/2007/05/xmldsig-more#sha3-512-rsa-MGF1", K::Pss, D::Sha3_512),
        ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1", K::Ecdsa, D::Sha1),
        ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha224", K::Ecdsa, D::Sha224),
        ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", K::Ecdsa, D::Sha256),
        ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", K::Ecdsa, D::Sha384),
        ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512", K::Ecdsa, D::Sha512),
        ("http://www.w3.org/2021/04/xmldsig-more#ecdsa-sha3-224", K::Ecdsa, D::Sha3_224),
        ("http://www.w3.org/2021/04/xmldsig-more#ecdsa-sha3-256", K::Ecdsa, D::Sha3_256),
        ("http://www.w3.org/2021/04/xmldsig-more#ecdsa-sha3-384", K::Ecdsa, D::Sha3_384),
        ("http://www.w3.org/2021/04/xmldsig-more#ecdsa-sha3-512", K::Ecdsa, D::Sha3_512),
        ("http://www.w3.org/2007/05/xmldsig-more#ecdsa-sha3-224", K::Ecdsa, D::Sha3_224),
        ("http://www.w3.org/2007/05/xmldsig-more#ecdsa-sha3-256", K::Ecdsa, D::Sha3_256),
        ("http://www.w3.org/2007/05/xmldsig-more#ecdsa-sha3-384", K::Ecdsa, D::Sha3_384),
        ("http://www.w3.org/2007/05/xmldsig-more#ecdsa-sha3-512", K::Ecdsa, D::Sha3_512),
        ("http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519", K::Ed25519, D::Sha512),
        ("http://www.w3.org/2000/09/xmldsig#dsa-sha1", K::Dsa, D::Sha1),
        ("http://www.w3.org/2009/xmldsig11#dsa-sha256", K::Dsa, D::Sha256),
        ("http://www.w3.org/2000/09/xmldsig#hmac-sha1", K::Hmac, D::Sha1),
        ("http://www.w3.org/2001/04/xmldsig-more#hmac-sha224", K::Hmac, D::Sha224),
        ("http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", K::Hmac, D::Sha256),
        ("http://www.w3.org/2001/04/xmldsig-more#hmac-sha384", K::Hmac, D::Sha384),
        ("http://www.w3.org/2001/04/xmldsig-more#hmac-sha512", K::Hmac, D::Sha512),
    ]
};

fn method_of(kind: MethodKind, digest: DigestAlgorithm) -> SignatureMethod {
    let asym = |scheme| SignatureMethod::Asymmetric(SignatureAlgorithm { scheme, digest });
    match kind {
        MethodKind::Pkcs1 => asym(SignatureScheme::RsaPkcs1v15),
        // XMLDSig's RSA-PSS URIs fix the salt length to the digest length (RFC 6931 2.3.10).
        MethodKind::Pss => asym(SignatureScheme::RsaPss { salt_len: digest.output_len() }),
        MethodKind::Ecdsa => asym(SignatureScheme::Ecdsa),
        MethodKind::Ed25519 => asym(SignatureScheme::Ed25519),
        MethodKind::Dsa => asym(SignatureScheme::Dsa),
        MethodKind::Hmac => SignatureMethod::Hmac(digest, None),
    }
}

/// The method a SignatureMethod URI names (XMLDSig 1.1 6.4, RFC 6931, RFC 9231).
pub fn signature_method(uri: &str) -> Option<SignatureMethod> {
    SIGNATURE_METHODS.iter().find(|(u, ..)| *u == uri).map(|&(_, k, d)| method_of(k, d))
}

/// The SignatureMethod URI written for a public-key signature algorithm.
pub fn signature_method_uri(alg: &SignatureAlgorithm) -> Option<&'static str> {
    let wanted = SignatureMethod::Asymmetric(*alg);
    SIGNATURE_METHODS.iter().find(|&&(_, k, d)| method_of(k, d) == wanted).map(|&(u, ..)| u)
}

/// What the caller supplies besides the document.
#[derive(Default)]
pub struct VerifyInputs<'a> {
    /// Public keys to try (out of band, like xmlsec1's `--pubkey-pem`).
    pub public_keys: Vec<PublicKey>,
    /// Certificates whose keys may be tried when KeyInfo only names them.
    pub certificates: Vec<Arc<Certificate>>,
    /// The HMAC key, for HMAC signatures.
    pub hmac_key: Option<&'a [u8]>,
    /// Content of external references, by URI (or by file name, the last path segment).
    pub detached: HashMap<String, Vec<u8>>,
}

/// Where the verifying key came from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// A certificate in KeyInfo/X509Data (or supplied) whose key verifies.
    Certificate(Arc<Certificate>),
    /// KeyInfo/KeyValue.
    KeyValue,
    /// A key supplied by the caller.
    Supplied,
    /// The HMAC key supplied by the caller.
    Hmac,
}

/// The result of one Reference.
#[derive(Debug, Clone)]
pub struct ReferenceCheck {
    /// Its Id attribute, if any.
    pub id: Option<String>,
    /// Its URI attribute, if any.
    pub uri: Option<String>,
    /// Its Type attribute, if any.
    pub reference_type: Option<String>,
    /// Its DigestMethod, when supported.
    pub digest: Option<DigestAlgorithm>,
    /// The element its URI selected, for same-document references.
    pub target: Option<NodeId>,
    /// `Ok(true)`: the digest matches; `Ok(false)`: it does not; `Err`: it could not be computed.
    pub intact: Result<bool, ReferenceError>,
    /// When the reference selects a ds:Manifest: the results of its own References
    /// (XMLDSig 5.1: validated and reported separately from core validation).
    pub manifest: Option<Vec<ReferenceCheck>>,
}

/// Why a Reference's digest could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// The Id it references occurs more than once: signature wrapping, it selects nothing.
    #[error("Id {0:?} occurs more than once")]
    DuplicateId(String),
    /// Anything else: unresolvable URI, unsupported transform or algorithm, malformed element.
    #[error("{0}")]
    Other(String),
}

impl From<String> for ReferenceError {
    fn from(s: String) -> Self {
        ReferenceError::Other(s)
    }
}

impl From<&str> for ReferenceError {
    fn from(s: &str) -> Self {
        ReferenceError::Other(s.to_string())
    }
}

/// The result of the core validation of one Signature element.
#[derive(Debug, Clone)]
pub struct SignatureCheck {
    /// The Signature element.
    pub signature: NodeId,
    /// `Ok(true)` when a key verifies the SignatureValue over the canonical SignedInfo.
    pub signature_intact: Result<bool, String>,
    /// The SignatureMethod, when supported.
    pub method: Option<SignatureMethod>,
    /// The key that verified it.
    pub key: Option<KeySource>,
    /// Certificates carried in KeyInfo/X509Data.
    pub certificates: Vec<Arc<Certificate>>,
    /// The SignedInfo References in order.
    pub references: Vec<ReferenceCheck>,
}

impl SignatureCheck {
    /// The signature value verifies and every Reference's digest matches.
    pub fn crypto_valid(&self) -> bool {
        self.signature_intact == Ok(true)
            && !self.references.is_empty()
            && self.references.iter().all(|r| r.intact == Ok(true))
    }

    /// Whether the signature signs data that was found (as DSS judges it): a data reference
    /// (neither the XAdES SignedProperties nor a Manifest) that resolved, or a Manifest entry
    /// that resolved. Manifest entries that cannot be found matter only when nothing else is.
    pub fn signed_data_found(&self) -> bool {
        self.references.iter().any(|r| match &r.manifest {
            Some(entries) => entries.iter().any(|e| e.intact.is_ok()),
            None => r.reference_type.as_deref() != Some(crate::xades::SIGNED_PROPERTIES_TYPE) && r.intact.is_ok(),
        })
    }
}

/// Every `ds:Signature` element in document order.
pub fn find_signatures(doc: &Document) -> Vec<NodeId> {
    doc.subtree(doc.root()).filter(|&n| is(doc, n, DSIG_NS, "Signature")).collect()
}

fn is(doc: &Document, n: NodeId, ns: &str, name: &str) -> bool {
    matches!(&doc.node(n).kind, NodeKind::Element { local, namespace: Some(u), .. } if local == name && u == ns)
}

fn child(doc: &Document, n: NodeId, ns: &str, name: &str) -> Option<NodeId> {
    doc.children(n).find(|&c| is(doc, c, ns, name))
}

fn children<'d>(doc: &'d Document, n: NodeId, ns: &'d str, name: &'d str) -> impl Iterator<Item = NodeId> + 'd {
    doc.children(n).filter(move |&c| is(doc, c, ns, name))
}

fn attr(doc: &Document, n: NodeId, name: &str) -> Option<String> {
    match &doc.node(n).kind {
        NodeKind::Element { attributes, .. } => {
            attributes.iter().find(|a| a.local == name && a.namespace.is_none()).map(|a| a.value.clone())
        }
        _ => None,
    }
}

/// The text content of an element (its descendant text nodes in order).
pub fn text(doc: &Document, n: NodeId) -> String {
    let mut s = String::new();
    for d in doc.subtree(n) {
        if let NodeKind::Text(t) = &doc.node(d).kind {
            s.push_str(t);
        }
    }
    s
}

fn base64(s: &str) -> Result<Vec<u8>, String> {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(compact).map_err(|e| format!("not base64: {e}"))
}

/// Elements by Id value (attributes `Id`, `ID`, `id`, `xml:id`, or declared ID by a DTD).
pub(crate) fn ids(doc: &Document) -> HashMap<String, Vec<NodeId>> {
    let mut m: HashMap<String, Vec<NodeId>> = HashMap::new();
    for n in doc.subtree(doc.root()) {
        if let NodeKind::Element { attributes, .. } = &doc.node(n).kind {
            for a in attributes {
                let id_like = a.is_dtd_id
                    || (a.namespace.is_none() && matches!(a.local.as_str(), "Id" | "ID" | "id"))
                    || (a.namespace.as_deref() == Some(super::XML_NAMESPACE) && a.local == "id");
                if id_like {
                    let v = m.entry(a.value.clone()).or_default();
                    if !v.contains(&n) {
                        v.push(n);
                    }
                }
            }
        }
    }
    m
}

/// The data a Reference selects, as it moves through the transforms.
enum Data {
    /// A node set: the document (`apex` `None`) or a subtree, as `filter` narrows it.
    Nodes {
        apex: Option<NodeId>,
        filter: NodeFilter,
        comments: bool,
    },
    Octets(Vec<u8>),
}

/// Validates the Signature element `sig`.
pub fn verify(doc: &Document, sig: NodeId, inputs: &VerifyInputs<'_>) -> Result<SignatureCheck, XmlError> {
    let bad = |m: &str| XmlError::Malformed(format!("Signature: {m}"));
    let signed_info = child(doc, sig, DSIG_NS, "SignedInfo").ok_or_else(|| bad("no SignedInfo"))?;
    let ids = ids(doc);
    let mut check = SignatureCheck {
        signature: sig,
        signature_intact: Err("not checked".into()),
        method: None,
        key: None,
        certificates: Vec::new(),
        references: Vec::new(),
    };

    // References (XMLDSig 3.2.1)
    let refs: Vec<NodeId> = children(doc, signed_info, DSIG_NS, "Reference").collect();
    if refs.len() > MAX_REFERENCES {
        return Err(XmlError::Limit(format!("more than {MAX_REFERENCES} references")));
    }
    for r in refs {
        let mut rc = reference(doc, r, sig, &ids, inputs);
        if let Some(m) = rc.target.filter(|&t| is(doc, t, DSIG_NS, "Manifest")) {
            let entries: Vec<NodeId> = children(doc, m, DSIG_NS, "Reference").take(MAX_REFERENCES + 1).collect();
            if entries.len() > MAX_REFERENCES {
                return Err(XmlError::Limit(format!("more than {MAX_REFERENCES} manifest references")));
            }
            rc.manifest = Some(entries.into_iter().map(|e| reference(doc, e, sig, &ids, inputs)).collect());
        }
        check.references.push(rc);
    }

    // SignatureValue over the canonical SignedInfo (3.2.2)
    let c14n_el =
        child(doc, signed_info, DSIG_NS, "CanonicalizationMethod").ok_or_else(|| bad("no CanonicalizationMethod"))?;
    let c14n_uri = attr(doc, c14n_el, "Algorithm").unwrap_or_default();
    let sm_el = child(doc, signed_info, DSIG_NS, "SignatureMethod").ok_or_else(|| bad("no SignatureMethod"))?;
    let sm_uri = attr(doc, sm_el, "Algorithm").unwrap_or_default();
    let sv_el = child(doc, sig, DSIG_NS, "SignatureValue").ok_or_else(|| bad("no SignatureValue"))?;
    check.certificates = keyinfo_certificates(doc, sig);
    if Method::from_uri(&c14n_uri).is_none() {
        check.signature_intact = Err(format!("unsupported canonicalization {c14n_uri}"));
        return Ok(check);
    }
    let canonical = signed_info_octets(doc, sig)?;
    let value = match base64(&text(doc, sv_el)) {
        Ok(v) => v,
        Err(e) => {
            check.signature_intact = Err(format!("SignatureValue {e}"));
            return Ok(check);
        }
    };
    let Some(mut sm) = signature_method(&sm_uri) else {
        check.signature_intact = Err(format!("unsupported signature method {sm_uri}"));
        return Ok(check);
    };
    check.method = Some(sm);
    if let SignatureMethod::Hmac(d, _) = sm {
        let len = child(doc, sm_el, DSIG_NS, "HMACOutputLength").map(|n| text(doc, n).trim().parse::<usize>());
        match len {
            Some(Ok(bits)) => sm = SignatureMethod::Hmac(d, Some(bits)),
            Some(Err(_)) => {
                check.signature_intact = Err("malformed HMACOutputLength".into());
                return Ok(check);
            }
            None => {}
        }
    }
    let (intact, key) = match sm {
        SignatureMethod::Hmac(d, bits) => {
            let r = verify_hmac(d, bits, inputs.hmac_key, &canonical, &value);
            let key = inputs.hmac_key.map(|_| KeySource::Hmac);
            (r, key)
        }
        SignatureMethod::Asymmetric(alg) => {
            let keys = KeySources { inputs, carried: &check.certificates, ids: &ids };
            verify_asymmetric(doc, sig, &alg, &canonical, &value, &keys)
        }
    };
    check.signature_intact = intact;
    check.key = key;
    Ok(check)
}

fn inclusive_prefixes(doc: &Document, method_el: NodeId) -> Vec<String> {
    children(doc, method_el, "http://www.w3.org/2001/10/xml-exc-c14n#", "InclusiveNamespaces")
        .next()
        .and_then(|n| attr(doc, n, "PrefixList"))
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Processes one Reference: dereference, transform, digest, compare.
fn reference(
    doc: &Document,
    r: NodeId,
    sig: NodeId,
    ids: &HashMap<String, Vec<NodeId>>,
    inputs: &VerifyInputs<'_>,
) -> ReferenceCheck {
    let uri = attr(doc, r, "URI");
    let mut out = ReferenceCheck {
        id: attr(doc, r, "Id"),
        digest: child(doc, r, DSIG_NS, "DigestMethod").and_then(|m| digest_method(&attr(doc, m, "Algorithm")?)),
        uri: uri.clone(),
        reference_type: attr(doc, r, "Type"),
        target: None,
        intact: Err(ReferenceError::Other(String::new())),
        manifest: None,
    };
    out.intact = (|| -> Result<bool, ReferenceError> {
        let dv = child(doc, r, DSIG_NS, "DigestValue").ok_or("no DigestValue")?;
        let expected = base64(&text(doc, dv)).map_err(|e| format!("DigestValue {e}"))?;
        let (_, actual) = reference_digest(doc, r, sig, ids, inputs, &mut out.target)?;
        Ok(actual == expected)
    })();
    out
}

/// The digest Reference `r` of signature `sig` commits to: dereference its URI (XMLDSig
/// 4.4.3.2, 4.4.3.3), apply its transforms (4.4.3.4) and the implicit c14n of a node set,
/// digest with its DigestMethod. `target` receives the element a same-document URI selected.
fn reference_digest(
    doc: &Document,
    r: NodeId,
    sig: NodeId,
    ids: &HashMap<String, Vec<NodeId>>,
    inputs: &VerifyInputs<'_>,
    target: &mut Option<NodeId>,
) -> Result<(DigestAlgorithm, Vec<u8>), ReferenceError> {
    let uri = attr(doc, r, "URI");
    let dm = child(doc, r, DSIG_NS, "DigestMethod").ok_or("no DigestMethod")?;
    let dm_uri = attr(doc, dm, "Algorithm").unwrap_or_default();
    let alg = digest_method(&dm_uri).ok_or_else(|| format!("unsupported digest method {dm_uri}"))?;
    let mut data = match uri.as_deref() {
        None => return Err("a Reference without URI needs an application-defined object".into()),
        Some("") => Data::Nodes { apex: None, filter: NodeFilter::default(), comments: false },
        Some("#xpointer(/)") => Data::Nodes { apex: None, filter: NodeFilter::default(), comments: true },
        Some(u) if u.starts_with('#') => {
            let (id, comments) = match u.strip_prefix("#xpointer(id(").and_then(|x| x.strip_suffix("))")) {
                Some(quoted) => (quoted.trim_matches(|c| c == '\'' || c == '"').to_string(), true),
                None => (u[1..].to_string(), false),
            };
            let found = match ids.get(&id).map(Vec::as_slice) {
                Some([one]) => *one,
                Some([]) | None => return Err(format!("no element with Id {id:?}").into()),
                // Signature wrapping defence: an Id that is not unique selects nothing.
                Some(_) => return Err(ReferenceError::DuplicateId(id)),
            };
            *target = Some(found);
            Data::Nodes { apex: Some(found), filter: NodeFilter::default(), comments }
        }
        Some(u) => {
            let name = u.rsplit('/').next().unwrap_or(u);
            let bytes = inputs
                .detached
                .get(u)
                .or_else(|| inputs.detached.get(name))
                .or_else(|| inputs.detached.get(&percent_decode(name)))
                .ok_or_else(|| format!("external reference {u} not supplied"))?;
            Data::Octets(bytes.clone())
        }
    };
    // XMLDSig 4.4.3.2: a node set left at the end is converted by Canonical XML without
    // comments, so comments an xpointer URI kept only count through an explicit #WithComments
    // transform.
    let mut last_c14n = (Method::Inclusive, false, Vec::new());
    if let Some(ts) = child(doc, r, DSIG_NS, "Transforms") {
        let list: Vec<NodeId> = children(doc, ts, DSIG_NS, "Transform").collect();
        if list.len() > MAX_TRANSFORMS {
            return Err(format!("more than {MAX_TRANSFORMS} transforms").into());
        }
        for (i, &t) in list.iter().enumerate() {
            let t_uri = attr(doc, t, "Algorithm").unwrap_or_default();
            // A final canonicalization of a node set is streamed into the digest below rather
            // than collected (a trusted list's canonical form is as large as the list).
            if let (true, Some((method, with_comments)), Data::Nodes { comments, .. }) =
                (i + 1 == list.len(), Method::from_uri(&t_uri), &data)
            {
                last_c14n = (method, *comments && with_comments, inclusive_prefixes(doc, t));
                break;
            }
            data = transform(doc, &t_uri, t, sig, data)?;
        }
    }
    match data {
        Data::Octets(o) => Ok((alg, alg.digest(&o))),
        Data::Nodes { apex, filter, .. } => {
            // A filter that keeps one element's subtree selects that element, as `#id` would.
            if apex.is_none() && target.is_none() {
                *target = filter.sole_subtree();
            }
            let (method, comments, prefixes) = last_c14n;
            let mut hasher = Hasher::new(alg);
            canonicalize_filtered_into(doc, apex, &filter, method, comments, &prefixes, &mut hasher)
                .map_err(|e| e.to_string())?;
            Ok((alg, hasher.finalize()))
        }
    }
}

/// A URI path segment with its `%XX` escapes decoded (a file name as the user knows it).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (b[i], b.get(i + 1).and_then(|&c| hex(c)), b.get(i + 2).and_then(|&c| hex(c))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, ..) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Computes the digest that Reference element `reference` of signature `sig` commits to, as
/// validation computes it: what a signer writes into its DigestValue.
pub fn compute_reference_digest(
    doc: &Document,
    sig: NodeId,
    reference: NodeId,
    inputs: &VerifyInputs<'_>,
) -> Result<(DigestAlgorithm, Vec<u8>), ReferenceError> {
    reference_digest(doc, reference, sig, &ids(doc), inputs, &mut None)
}

/// The canonical form of the SignedInfo of signature `sig` under its CanonicalizationMethod:
/// the octets the SignatureValue is computed over (XMLDSig 3.1.2, 3.2.2).
pub fn signed_info_octets(doc: &Document, sig: NodeId) -> Result<Vec<u8>, XmlError> {
    let bad = |m: &str| XmlError::Malformed(format!("Signature: {m}"));
    let signed_info = child(doc, sig, DSIG_NS, "SignedInfo").ok_or_else(|| bad("no SignedInfo"))?;
    let c14n_el =
        child(doc, signed_info, DSIG_NS, "CanonicalizationMethod").ok_or_else(|| bad("no CanonicalizationMethod"))?;
    let c14n_uri = attr(doc, c14n_el, "Algorithm").unwrap_or_default();
    let (method, comments) = Method::from_uri(&c14n_uri)
        .ok_or_else(|| XmlError::C14n(format!("unsupported canonicalization {c14n_uri}")))?;
    canonicalize_subset(doc, Some(signed_info), &[], method, comments, &inclusive_prefixes(doc, c14n_el))
}

fn transform(doc: &Document, uri: &str, t: NodeId, sig: NodeId, data: Data) -> Result<Data, String> {
    match uri {
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature" => match data {
            Data::Nodes { apex, mut filter, comments } => {
                filter.subtract([sig]).map_err(|e| e.to_string())?;
                Ok(Data::Nodes { apex, filter, comments })
            }
            Data::Octets(_) => Err("enveloped-signature transform over octets".into()),
        },
        "http://www.w3.org/2000/09/xmldsig#base64" => {
            let s = match data {
                Data::Nodes { apex, .. } => text(doc, apex.unwrap_or(doc.root())),
                Data::Octets(o) => String::from_utf8(o).map_err(|_| "base64 transform over non-text octets")?,
            };
            Ok(Data::Octets(base64(&s)?))
        }
        "http://www.w3.org/TR/1999/REC-xpath-19991116" => {
            let x = child(doc, t, DSIG_NS, "XPath").ok_or("XPath transform without an XPath element")?;
            let expr = text(doc, x);
            let excluded = xpath_not_ancestor_or_self(doc, x, &expr).ok_or_else(|| {
                format!("unsupported XPath expression {:?} (only not(ancestor-or-self::p:name))", expr.trim())
            })?;
            exclude_elements(data, excluded)
        }
        "http://www.w3.org/2002/06/xmldsig-filter2" => {
            let Data::Nodes { apex, mut filter, comments } = data else {
                return Err("an XPath Filter 2.0 transform over octets".into());
            };
            let mut steps = Vec::new();
            for x in children(doc, t, FILTER2_NS, "XPath") {
                let op = match attr(doc, x, "Filter").as_deref() {
                    Some("intersect") => FilterOp::Intersect,
                    Some("subtract") => FilterOp::Subtract,
                    Some("union") => FilterOp::Union,
                    other => return Err(format!("XPath Filter 2.0: unknown Filter {other:?}")),
                };
                let sel = super::xpath::select(doc, x, &text(doc, x)).map_err(|e| e.to_string())?;
                steps.push((op, sel.elements, sel.document));
            }
            filter.push_stage(steps).map_err(|e| e.to_string())?;
            Ok(Data::Nodes { apex, filter, comments })
        }
        u => match Method::from_uri(u) {
            Some((method, with_comments)) => match data {
                Data::Nodes { apex, filter, comments } => {
                    let prefixes = inclusive_prefixes(doc, t);
                    let c = comments && with_comments;
                    Ok(Data::Octets(
                        canonicalize_filtered(doc, apex, &filter, method, c, &prefixes).map_err(|e| e.to_string())?,
                    ))
                }
                Data::Octets(o) => {
                    // Octets are parsed (without DTD) and canonicalized as a whole document.
                    let d = Document::parse(&o, &super::ParseOptions::default()).map_err(|e| e.to_string())?;
                    Ok(Data::Octets(
                        super::c14n::canonicalize_document(&d, method, with_comments).map_err(|e| e.to_string())?,
                    ))
                }
            },
            None => Err(format!("unsupported transform {u}")),
        },
    }
}

/// The XPath Filter 2.0 namespace.
pub const FILTER2_NS: &str = "http://www.w3.org/2002/06/xmldsig-filter2";

fn exclude_elements(data: Data, elements: Vec<NodeId>) -> Result<Data, String> {
    match data {
        Data::Nodes { apex, mut filter, comments } => {
            filter.subtract(elements).map_err(|e| e.to_string())?;
            Ok(Data::Nodes { apex, filter, comments })
        }
        Data::Octets(_) => Err("an XPath transform over octets".into()),
    }
}

/// The elements `{uri}local` for a `prefix:local` name resolved at `context`.
fn elements_named(doc: &Document, context: NodeId, qname: &str) -> Option<Vec<NodeId>> {
    let (prefix, local) = qname.split_once(':')?;
    let uri = doc.in_scope_namespaces(context).into_iter().find(|(p, _)| p == prefix).map(|(_, u)| u)?;
    Some(doc.subtree(doc.root()).filter(|&n| is(doc, n, &uri, local)).collect())
}

/// XPath 1.0 `not(ancestor-or-self::p:name)` (the enveloped-signature idiom of XMLDSig 6.6.3):
/// the node set without the subtrees of every `p:name` element. Other expressions: `None`.
fn xpath_not_ancestor_or_self(doc: &Document, context: NodeId, expr: &str) -> Option<Vec<NodeId>> {
    let compact: String = expr.chars().filter(|c| !c.is_whitespace()).collect();
    let qname = compact.strip_prefix("not(ancestor-or-self::")?.strip_suffix(')')?;
    elements_named(doc, context, qname)
}

/// Certificates in KeyInfo/X509Data/X509Certificate.
fn keyinfo_certificates(doc: &Document, sig: NodeId) -> Vec<Arc<Certificate>> {
    let Some(ki) = child(doc, sig, DSIG_NS, "KeyInfo") else { return Vec::new() };
    children(doc, ki, DSIG_NS, "X509Data")
        .flat_map(|x| children(doc, x, DSIG_NS, "X509Certificate").collect::<Vec<_>>())
        .filter_map(|c| base64(&text(doc, c)).ok())
        .filter_map(|der| Certificate::from_der(&der).ok().map(Arc::new))
        .collect()
}

/// Where keys to try come from.
struct KeySources<'a> {
    inputs: &'a VerifyInputs<'a>,
    carried: &'a [Arc<Certificate>],
    ids: &'a HashMap<String, Vec<NodeId>>,
}

fn verify_asymmetric(
    doc: &Document,
    sig: NodeId,
    alg: &SignatureAlgorithm,
    message: &[u8],
    value: &[u8],
    keys: &KeySources<'_>,
) -> (Result<bool, String>, Option<KeySource>) {
    // XMLDSig ECDSA and DSA values are r || s (XMLDSig 1.1 6.4.1, 6.4.3); the crypto layer
    // takes DER. Some producers wrongly emit DER; that form is tried second.
    let mut forms = vec![value.to_vec()];
    if matches!(alg.scheme, SignatureScheme::Ecdsa | SignatureScheme::Dsa) {
        forms.clear();
        if !value.is_empty() && value.len().is_multiple_of(2) {
            let (r, s) = value.split_at(value.len() / 2);
            forms.push(der::sequence(&[&der::unsigned_integer(r), &der::unsigned_integer(s)]));
        }
        if value.first() == Some(&0x30) {
            forms.push(value.to_vec());
        }
    }
    let ok = |k: &PublicKey| forms.iter().any(|v| k.verify(alg, message, v).is_ok());
    for k in &keys.inputs.public_keys {
        if ok(k) {
            return (Ok(true), Some(KeySource::Supplied));
        }
    }
    for c in keys.carried.iter().chain(keys.inputs.certificates.iter()) {
        if c.public_key().as_ref().is_ok_and(ok) {
            return (Ok(true), Some(KeySource::Certificate(c.clone())));
        }
    }
    for k in key_values(doc, sig, keys.ids) {
        if ok(&k) {
            return (Ok(true), Some(KeySource::KeyValue));
        }
    }
    (Ok(false), None)
}

fn verify_hmac(
    d: DigestAlgorithm,
    bits: Option<usize>,
    key: Option<&[u8]>,
    message: &[u8],
    value: &[u8],
) -> Result<bool, String> {
    let key = key.ok_or("no HMAC key supplied")?;
    let full = d.output_len() * 8;
    let bits = bits.unwrap_or(full);
    // XMLDSig 1.1 6.3.1: at least 80 bits and at least half the hash output.
    if bits < 80 || bits < full / 2 || bits > full || !bits.is_multiple_of(8) {
        return Err(format!("HMACOutputLength {bits} refused (minimum max(80, {}))", full / 2));
    }
    let mac = match d {
        DigestAlgorithm::Sha1 => hmac_of::<sha1::Sha1>(key, message),
        DigestAlgorithm::Sha224 => hmac_of::<sha2::Sha224>(key, message),
        DigestAlgorithm::Sha256 => hmac_of::<sha2::Sha256>(key, message),
        DigestAlgorithm::Sha384 => hmac_of::<sha2::Sha384>(key, message),
        DigestAlgorithm::Sha512 => hmac_of::<sha2::Sha512>(key, message),
        other => return Err(format!("HMAC with {other} is not supported")),
    };
    Ok(mac.len() * 8 >= bits && value.len() == bits / 8 && constant_time_eq(&mac[..bits / 8], value))
}

fn hmac_of<D>(key: &[u8], message: &[u8]) -> Vec<u8>
where
    D: digest::Digest + digest::common::BlockSizeUser + Clone,
{
    match <hmac::SimpleHmac<D> as KeyInit>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(message);
            m.finalize().into_bytes().to_vec()
        }
        // HMAC accepts keys of any length; an error here leaves nothing that could match.
        Err(_) => Vec::new(),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Keys from KeyInfo: KeyValue (RSAKeyValue, DSAKeyValue, XMLDSig 1.1 ECKeyValue with a named
/// curve), XMLDSig 1.1 DEREncodedKeyValue, a same-document RetrievalMethod to a key value, and a
/// same-document KeyInfoReference to another KeyInfo.
fn key_values(doc: &Document, sig: NodeId, ids: &HashMap<String, Vec<NodeId>>) -> Vec<PublicKey> {
    let Some(ki) = child(doc, sig, DSIG_NS, "KeyInfo") else { return Vec::new() };
    let mut infos = vec![ki];
    for r in children(doc, ki, DSIG11_NS, "KeyInfoReference") {
        if let Some(id) = attr(doc, r, "URI").and_then(|u| u.strip_prefix('#').map(str::to_string)) {
            // As for references: an Id that is not unique selects nothing.
            if let Some([one]) = ids.get(&id).map(Vec::as_slice)
                && is(doc, *one, DSIG_NS, "KeyInfo")
            {
                infos.push(*one);
            }
        }
    }
    let mut keys = Vec::new();
    for info in infos {
        for kv in children(doc, info, DSIG_NS, "KeyValue") {
            keys.extend(doc.children(kv).find_map(|k| key_value(doc, k)));
        }
        // RetrievalMethod (XMLDSig 4.5.3), same-document only: a KeyValue or one of its
        // members elsewhere in the document, selected by a unique Id.
        for rm in children(doc, info, DSIG_NS, "RetrievalMethod") {
            let Some(id) = attr(doc, rm, "URI").and_then(|u| u.strip_prefix('#').map(str::to_string)) else {
                continue;
            };
            if let Some([one]) = ids.get(&id).map(Vec::as_slice) {
                let found = if is(doc, *one, DSIG_NS, "KeyValue") {
                    doc.children(*one).find_map(|k| key_value(doc, k))
                } else {
                    key_value(doc, *one)
                };
                keys.extend(found);
            }
        }
        for d in children(doc, info, DSIG11_NS, "DEREncodedKeyValue") {
            if let Some(k) = base64(&text(doc, d)).ok().and_then(|spki| PublicKey::from_spki_der(&spki).ok()) {
                keys.push(k);
            }
        }
    }
    keys
}

/// One KeyValue member: RSAKeyValue, DSAKeyValue or XMLDSig 1.1 ECKeyValue.
fn key_value(doc: &Document, kv: NodeId) -> Option<PublicKey> {
    if is(doc, kv, DSIG_NS, "RSAKeyValue") {
        let rsa = kv;
        let n = base64(&text(doc, child(doc, rsa, DSIG_NS, "Modulus")?)).ok()?;
        let e = base64(&text(doc, child(doc, rsa, DSIG_NS, "Exponent")?)).ok()?;
        let rsa_key = der::sequence(&[&der::unsigned_integer(&n), &der::unsigned_integer(&e)]);
        let spki =
            der::sequence(&[&der::algorithm(&oid::RSA_ENCRYPTION, Some(&der::null())), &der::bit_string(&rsa_key)]);
        return PublicKey::from_spki_der(&spki).ok();
    }
    if is(doc, kv, DSIG_NS, "DSAKeyValue") {
        let d = kv;
        // XMLDSig 4.5.2.1: P, Q, G and Y (J, Seed, PgenCounter are not needed to verify).
        let int = |name: &str| -> Option<Vec<u8>> {
            Some(der::unsigned_integer(&base64(&text(doc, child(doc, d, DSIG_NS, name)?)).ok()?))
        };
        let params = der::sequence(&[&int("P")?, &int("Q")?, &int("G")?]);
        let spki = der::sequence(&[&der::algorithm(&oid::DSA, Some(&params)), &der::bit_string(&int("Y")?)]);
        return PublicKey::from_spki_der(&spki).ok();
    }
    if !is(doc, kv, DSIG11_NS, "ECKeyValue") {
        return None;
    }
    let ec = kv;
    let curve_uri = attr(doc, child(doc, ec, DSIG11_NS, "NamedCurve")?, "URI")?;
    let curve = match curve_uri.strip_prefix("urn:oid:")? {
        "1.2.840.10045.3.1.7" => oid::SECP256R1,
        "1.3.132.0.34" => oid::SECP384R1,
        "1.3.132.0.35" => oid::SECP521R1,
        "1.3.36.3.3.2.8.1.1.7" => oid::BRAINPOOL_P256R1,
        "1.3.36.3.3.2.8.1.1.11" => oid::BRAINPOOL_P384R1,
        _ => return None,
    };
    let point = base64(&text(doc, child(doc, ec, DSIG11_NS, "PublicKey")?)).ok()?;
    let spki =
        der::sequence(&[&der::algorithm(&oid::EC_PUBLIC_KEY, Some(&der::oid(&curve))), &der::bit_string(&point)]);
    PublicKey::from_spki_der(&spki).ok()
}
