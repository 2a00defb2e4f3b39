//! Reading the XAdES signed properties a signer claims (EN 319 132-1 5.2 and 5.2.x): version,
//! DataObjectFormat, SignaturePolicyIdentifier, SignerRole, CommitmentTypeIndication; and
//! finding counter-signatures (5.2.7) in the signature's own unsigned properties.

use super::{XADES_NAMESPACES, attr, element};
use crate::report::{DataObjectFormat, SignaturePolicy, SignedProperties};
use crate::xml::dsig::{self, DSIG_NS};
use crate::xml::{Document, NodeId};

/// Most entries of one kind read from a signature's properties (bounds the report).
const MAX_ENTRIES: usize = 256;

/// The XAdES version a namespace URI denotes.
pub fn version_of(namespace: &str) -> Option<&'static str> {
    match namespace {
        "http://uri.etsi.org/01903/v1.3.2#" => Some("1.3.2"),
        "http://uri.etsi.org/01903/v1.4.1#" => Some("1.4.1"),
        "http://uri.etsi.org/01903/v1.2.2#" => Some("1.2.2"),
        "http://uri.etsi.org/01903/v1.1.1#" => Some("1.1.1"),
        _ => None,
    }
}

fn is_xades(doc: &Document, n: NodeId, name: &str) -> bool {
    matches!(element(doc, n), Some((local, Some(ns))) if local == name && XADES_NAMESPACES.contains(&ns))
}

/// The descendants of `n` that are XAdES elements named `name`, in document order.
fn all<'d>(doc: &'d Document, n: NodeId, name: &'d str) -> impl Iterator<Item = NodeId> + 'd {
    doc.subtree(n).filter(move |&d| is_xades(doc, d, name)).take(MAX_ENTRIES)
}

fn first(doc: &Document, n: NodeId, name: &str) -> Option<NodeId> {
    all(doc, n, name).next()
}

fn text_of(doc: &Document, n: Option<NodeId>) -> Option<String> {
    let t = dsig::text(doc, n?).trim().to_string();
    (!t.is_empty()).then_some(t)
}

/// An ObjectIdentifier's Identifier as a URI: a bare dotted OID (as the OIDAsURI qualifier
/// writes it) becomes `urn:oid:…`; anything else is kept as written.
fn identifier(doc: &Document, id: NodeId) -> Option<String> {
    let value = text_of(doc, Some(id))?;
    let dotted = value.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    Some(if dotted { format!("urn:oid:{value}") } else { value })
}

/// The properties of the SignedProperties element `props`.
pub fn read(doc: &Document, props: NodeId) -> SignedProperties {
    let mut out = SignedProperties {
        xades_version: element(doc, props).and_then(|(_, ns)| version_of(ns?)).map(str::to_string),
        ..SignedProperties::default()
    };
    for dof in all(doc, props, "DataObjectFormat") {
        out.data_object_formats.push(DataObjectFormat {
            object_reference: attr(doc, dof, "ObjectReference").unwrap_or_default().to_string(),
            mime_type: text_of(doc, first(doc, dof, "MimeType")),
            encoding: text_of(doc, first(doc, dof, "Encoding")),
            description: text_of(doc, first(doc, dof, "Description")),
        });
    }
    if let Some(spi) = first(doc, props, "SignaturePolicyIdentifier") {
        out.signature_policy = if first(doc, spi, "SignaturePolicyImplied").is_some() {
            Some(SignaturePolicy::Implied)
        } else {
            first(doc, spi, "SigPolicyId").map(|id| {
                let digest = first(doc, spi, "SigPolicyHash").and_then(|h| {
                    let children = doc.children(h);
                    let find =
                        |name: &str| children.iter().copied().find(|&c| element(doc, c) == Some((name, Some(DSIG_NS))));
                    let alg = find("DigestMethod").and_then(|m| attr(doc, m, "Algorithm")).unwrap_or("");
                    let value = text_of(doc, find("DigestValue"))?;
                    Some(match dsig::digest_method(alg) {
                        Some(d) => format!("{d}:{value}"),
                        None => format!("{alg}:{value}"),
                    })
                });
                SignaturePolicy::Explicit {
                    identifier: first(doc, id, "Identifier").and_then(|i| identifier(doc, i)).unwrap_or_default(),
                    description: text_of(doc, first(doc, id, "Description")),
                    digest,
                    uris: all(doc, spi, "SPURI").filter_map(|u| text_of(doc, Some(u))).collect(),
                }
            })
        };
    }
    out.claimed_roles = all(doc, props, "ClaimedRole").filter_map(|r| text_of(doc, Some(r))).collect();
    for cti in all(doc, props, "CommitmentTypeIndication") {
        if let Some(id) = first(doc, cti, "CommitmentTypeId").and_then(|c| first(doc, c, "Identifier")) {
            out.commitment_types.extend(identifier(doc, id));
        }
    }
    out
}

/// The QualifyingProperties element of signature `sig` (the one whose Target names it).
pub fn own_qualifying_properties(doc: &Document, sig: NodeId) -> Option<NodeId> {
    let sig_id = attr(doc, sig, "Id")?;
    doc.children(sig)
        .iter()
        .copied()
        .filter(|&c| element(doc, c) == Some(("Object", Some(DSIG_NS))))
        .flat_map(|obj| doc.children(obj).iter().copied())
        .find(|&qp| {
            // Target is a URI reference `#id`; some pre-1.3.2 producers wrote the bare Id.
            let target = attr(doc, qp, "Target").map(|t| t.strip_prefix('#').unwrap_or(t));
            is_xades(doc, qp, "QualifyingProperties") && target == Some(sig_id)
        })
}

/// The ds:Signature elements of the CounterSignature properties in the signature's own
/// UnsignedSignatureProperties, in document order.
pub fn counter_signatures(doc: &Document, sig: NodeId) -> Vec<NodeId> {
    let Some(qp) = own_qualifying_properties(doc, sig) else { return Vec::new() };
    let direct = |n: NodeId, name: &'static str| {
        doc.children(n).iter().copied().filter(move |&c| is_xades(doc, c, name)).collect::<Vec<_>>()
    };
    direct(qp, "UnsignedProperties")
        .into_iter()
        .flat_map(|u| direct(u, "UnsignedSignatureProperties"))
        .flat_map(|u| direct(u, "CounterSignature"))
        .flat_map(|c| {
            doc.children(c)
                .iter()
                .copied()
                .filter(|&s| element(doc, s) == Some(("Signature", Some(DSIG_NS))))
                .collect::<Vec<_>>()
        })
        .take(MAX_ENTRIES)
        .collect()
}

/// The ds:SignatureValue element of a signature.
pub fn signature_value(doc: &Document, sig: NodeId) -> Option<NodeId> {
    doc.children(sig).iter().copied().find(|&c| element(doc, c) == Some(("SignatureValue", Some(DSIG_NS))))
}
