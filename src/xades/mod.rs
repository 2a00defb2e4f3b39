//! XAdES (ETSI EN 319 132-1) reading on top of the XMLDSig core. This first part binds the
//! signed qualifying properties to the signature: the SignedProperties a signature references
//! must be the one inside its own QualifyingProperties (the element whose Target names the
//! signature), or a wrapped copy elsewhere could stand in for it.

pub mod properties;
pub mod sign;

use crate::xml::dsig::SignatureCheck;
use crate::xml::{Document, NodeId, NodeKind};

/// The XAdES namespaces confia reads, newest first (1.4.1 only adds unsigned properties).
pub const XADES_NAMESPACES: [&str; 4] = [
    "http://uri.etsi.org/01903/v1.3.2#",
    "http://uri.etsi.org/01903/v1.4.1#",
    "http://uri.etsi.org/01903/v1.2.2#",
    "http://uri.etsi.org/01903/v1.1.1#",
];

/// The Reference Type of a counter-signature's reference to the counter-signed SignatureValue.
pub const COUNTERSIGNED_SIGNATURE_TYPE: &str = "http://uri.etsi.org/01903#CountersignedSignature";

/// The Reference Type of a SignedProperties reference.
pub const SIGNED_PROPERTIES_TYPE: &str = "http://uri.etsi.org/01903#SignedProperties";

fn element(doc: &Document, n: NodeId) -> Option<(&str, Option<&str>)> {
    match &doc.node(n).kind {
        NodeKind::Element { local, namespace, .. } => Some((local.as_str(), namespace.as_deref())),
        _ => None,
    }
}

fn attr<'d>(doc: &'d Document, n: NodeId, name: &str) -> Option<&'d str> {
    match &doc.node(n).kind {
        NodeKind::Element { attributes, .. } => {
            attributes.iter().find(|a| a.local == name && a.namespace.is_none()).map(|a| a.value.as_str())
        }
        _ => None,
    }
}

/// The SignedProperties element of signature `sig`: the child of the QualifyingProperties in one
/// of the signature's ds:Object elements whose Target is `#` + the signature's Id.
/// `None` when the signature carries no XAdES properties.
pub fn own_signed_properties(doc: &Document, sig: NodeId) -> Option<NodeId> {
    let qp = properties::own_qualifying_properties(doc, sig)?;
    let ns = element(doc, qp)?.1?;
    doc.children(qp).find(|&c| element(doc, c) == Some(("SignedProperties", Some(ns))))
}

/// Why the signed properties are not bound to the signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BindingError {
    /// A SignedProperties reference selects another element than the signature's own
    /// SignedProperties (a wrapped or misplaced copy).
    #[error("{0}")]
    Wrapped(String),
    /// The signature carries SignedProperties but does not reference them: they are not signed.
    #[error("the signature does not reference its SignedProperties: they are not signed")]
    NotReferenced,
}

/// EN 319 132-1 binding: every reference to a SignedProperties element (by Type, or by
/// targeting a SignedProperties element) selects the signature's own SignedProperties, and the
/// signature references it.
pub fn check_signed_properties_binding(doc: &Document, check: &SignatureCheck) -> Result<(), BindingError> {
    let own = own_signed_properties(doc, check.signature);
    let mut referenced = false;
    for r in &check.references {
        let targets_props = r.target.is_some_and(
            |t| matches!(element(doc, t), Some(("SignedProperties", Some(ns))) if XADES_NAMESPACES.contains(&ns)),
        );
        if r.reference_type.as_deref() == Some(SIGNED_PROPERTIES_TYPE) || targets_props {
            match (r.target, own) {
                (Some(t), Some(o)) if t == o => referenced = true,
                _ => {
                    return Err(BindingError::Wrapped(format!(
                        "the SignedProperties reference {} does not select the signature's own SignedProperties \
                         (wrapped or misplaced properties)",
                        r.uri.as_deref().unwrap_or("")
                    )));
                }
            }
        }
    }
    if own.is_some() && !referenced {
        return Err(BindingError::NotReferenced);
    }
    Ok(())
}
