//! Hardened XML: parsing into a small DOM fit for canonicalization, and canonicalization itself
//! (C14N 1.0, C14N 1.1, Exclusive C14N 1.0).
//!
//! The parser (quick-xml underneath, see `docs/xml.md`) refuses a DOCTYPE unless the caller
//! allows it, never resolves external entities, bounds input size, depth, node and attribute
//! counts and entity expansion, and keeps namespace context, `xml:*` attributes, comments and
//! processing instructions.
//!
//! ```
//! use confia::xml::{Document, ParseOptions, c14n::{Method, canonicalize}};
//! let doc = Document::parse(b"<a xmlns:z='urn:z'  b='1' ><z:c/></a>", &ParseOptions::default())?;
//! let out = canonicalize(&doc, doc.root(), Method::Exclusive, false, &[])?;
//! assert_eq!(out, b"<a b=\"1\"><z:c xmlns:z=\"urn:z\"></z:c></a>");
//! # Ok::<(), confia::xml::XmlError>(())
//! ```

mod atom;
pub mod c14n;
mod dom;
pub mod dsig;
mod dtd;
pub(crate) mod span;
pub mod xpath;

pub use atom::Atom;
pub use dom::{Attribute, Children, Document, Node, NodeId, NodeKind, ParseOptions};

use thiserror::Error;

/// Largest XML input parsed.
pub const MAX_XML_SIZE: usize = 256 * 1024 * 1024;
/// Deepest element nesting.
pub const MAX_XML_DEPTH: usize = 256;
/// Most nodes (elements, texts, comments, processing instructions) in one document.
pub const MAX_XML_NODES: usize = 4_000_000;
/// Most attributes (namespace declarations included) on one element.
pub const MAX_XML_ATTRIBUTES: usize = 1024;
/// Most characters produced by expanding internal entities in one document (defeats
/// "billion laughs" when a DTD is allowed at all).
pub const MAX_ENTITY_EXPANSION: usize = 1024 * 1024;

/// Why an XML input cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum XmlError {
    /// Not well-formed XML (or not in a supported encoding).
    #[error("malformed XML: {0}")]
    Malformed(String),
    /// A DOCTYPE was present and DTDs are not allowed.
    #[error("the document has a DOCTYPE; DTDs are refused (they enable entity expansion and external fetches)")]
    DtdRefused,
    /// A DTD declares or the document references an external entity.
    #[error("external entity {0:?} refused: confia never fetches external resources while parsing")]
    ExternalEntity(String),
    /// A bound on size, depth or counts was exceeded.
    #[error("XML limit exceeded: {0}")]
    Limit(String),
    /// A namespace prefix is used without a declaration.
    #[error("undeclared namespace prefix {0:?}")]
    UndeclaredPrefix(String),
    /// A canonicalization input that the method does not define.
    #[error("canonicalization: {0}")]
    C14n(String),
}

/// The XML namespace (bound to the `xml` prefix by definition).
pub const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";
