//! Canonical XML: C14N 1.0 (W3C REC-xml-c14n-20010315), C14N 1.1 (REC-xml-c14n11-20080502)
//! and Exclusive C14N 1.0 (REC-xml-exc-c14n-20020718), with and without comments, over a whole
//! document or over the subtree of one element (the node sets XMLDSig references select).

use super::{Atom, Attribute, Children, Document, NodeId, NodeKind, XML_NAMESPACE, XmlError};
use crate::crypto::Hasher;

/// A canonicalization algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Canonical XML 1.0 (inclusive).
    Inclusive,
    /// Canonical XML 1.1 (inclusive; xml:id is not inherited into a subtree).
    Inclusive11,
    /// Exclusive XML Canonicalization 1.0.
    Exclusive,
}

impl Method {
    /// The algorithm URI, with or without comments.
    pub fn uri(self, with_comments: bool) -> &'static str {
        match (self, with_comments) {
            (Self::Inclusive, false) => "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
            (Self::Inclusive, true) => "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
            (Self::Inclusive11, false) => "http://www.w3.org/2006/12/xml-c14n11",
            (Self::Inclusive11, true) => "http://www.w3.org/2006/12/xml-c14n11#WithComments",
            (Self::Exclusive, false) => "http://www.w3.org/2001/10/xml-exc-c14n#",
            (Self::Exclusive, true) => "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
        }
    }

    /// The algorithm and comment mode an URI names.
    pub fn from_uri(uri: &str) -> Option<(Method, bool)> {
        [Self::Inclusive, Self::Inclusive11, Self::Exclusive]
            .into_iter()
            .flat_map(|m| [(m, false), (m, true)])
            .find(|(m, c)| m.uri(*c) == uri)
    }
}

/// Canonicalizes the whole document: the document element and the comments (with
/// `with_comments`) and processing instructions around it.
pub fn canonicalize_document(doc: &Document, method: Method, with_comments: bool) -> Result<Vec<u8>, XmlError> {
    canonicalize_subset(doc, None, &[], method, with_comments, &[])
}

/// Canonicalizes a document subset: the whole document (`apex` `None`) or the subtree of
/// `apex`, without the subtrees of the elements in `exclude` (what the enveloped-signature
/// transform removes).
pub fn canonicalize_subset(
    doc: &Document,
    apex: Option<NodeId>,
    exclude: &[NodeId],
    method: Method,
    with_comments: bool,
    inclusive_prefixes: &[String],
) -> Result<Vec<u8>, XmlError> {
    let mut filter = NodeFilter::default();
    if !exclude.is_empty() {
        filter.subtract(exclude.iter().copied())?;
    }
    canonicalize_filtered(doc, apex, &filter, method, with_comments, inclusive_prefixes)
}

/// How one XPath Filter 2.0 step combines its node set with the filter so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOp {
    /// Keep only nodes also in the step's subtrees.
    Intersect,
    /// Remove the step's subtrees.
    Subtract,
    /// Add the step's subtrees back.
    Union,
}

/// Most steps one [`NodeFilter`] holds.
pub const MAX_FILTER_STEPS: usize = 64;

/// A node set described as XPath Filter 2.0 describes one (and the enveloped-signature
/// transform, a subtraction). The filter is a sequence of stages, one per transform; a node is
/// kept when every stage keeps it (each transform narrows its input). Within a stage, starting
/// from every node, each step intersects, subtracts or unites the subtrees of its selected
/// nodes, in order.
#[derive(Debug, Clone, Default)]
pub struct NodeFilter {
    steps: Vec<FilterStep>,
}

#[derive(Debug, Clone)]
struct FilterStep {
    /// The transform (stage) the step belongs to.
    stage: usize,
    op: FilterOp,
    roots: std::collections::HashSet<NodeId>,
    /// The step selected the document root: every node.
    document: bool,
}

impl NodeFilter {
    /// Appends a stage (one transform's filter) made of `steps`: an operation, the selected
    /// nodes (each stands for its subtree), and whether the document root node was selected.
    pub fn push_stage(&mut self, steps: Vec<(FilterOp, Vec<NodeId>, bool)>) -> Result<(), XmlError> {
        if self.steps.len() + steps.len() > MAX_FILTER_STEPS {
            return Err(XmlError::Limit(format!("more than {MAX_FILTER_STEPS} node-set filter steps")));
        }
        let stage = self.steps.last().map_or(0, |s| s.stage + 1);
        for (op, roots, document) in steps {
            self.steps.push(FilterStep { stage, op, roots: roots.into_iter().collect(), document });
        }
        Ok(())
    }

    /// Appends a stage removing the subtrees of `roots` (the enveloped-signature transform).
    pub fn subtract(&mut self, roots: impl IntoIterator<Item = NodeId>) -> Result<(), XmlError> {
        self.push_stage(vec![(FilterOp::Subtract, roots.into_iter().collect(), false)])
    }

    /// The element whose whole subtree is the node set, when the filter is a single
    /// intersection with one element (XPath Filter 2.0 selecting one element).
    pub fn sole_subtree(&self) -> Option<NodeId> {
        match self.steps.as_slice() {
            [FilterStep { op: FilterOp::Intersect, roots, document: false, .. }] if roots.len() == 1 => {
                roots.iter().next().copied()
            }
            _ => None,
        }
    }

    /// Whether the filter has no step (every node passes).
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Bit k: node `n` lies in the subtrees of step k, given its parent's bits.
    fn bits_below(&self, parent: u64, n: NodeId) -> u64 {
        let mut bits = parent;
        for (k, s) in self.steps.iter().enumerate() {
            if s.document || s.roots.contains(&n) {
                bits |= 1 << k;
            }
        }
        bits
    }

    /// The bits of the parent of `n`, from its ancestors.
    fn bits_above(&self, doc: &Document, n: NodeId) -> u64 {
        let mut chain = Vec::new();
        let mut cur = doc.node(n).parent;
        while let Some(p) = cur {
            chain.push(p);
            cur = doc.node(p).parent;
        }
        // Top-level nodes lie under the document root only.
        let top = self.steps.iter().enumerate().filter(|(_, s)| s.document).fold(0, |b, (k, _)| b | 1 << k);
        chain.iter().rev().fold(top, |bits, &p| self.bits_below(bits, p))
    }

    fn member(&self, bits: u64) -> bool {
        let mut kept = true;
        let mut in_stage = true;
        for (k, s) in self.steps.iter().enumerate() {
            if k > 0 && s.stage != self.steps[k - 1].stage {
                kept &= in_stage;
                in_stage = true;
            }
            let inside = bits & (1 << k) != 0;
            in_stage = match s.op {
                FilterOp::Intersect => in_stage && inside,
                FilterOp::Subtract => in_stage && !inside,
                FilterOp::Union => in_stage || inside,
            };
        }
        kept && in_stage
    }
}

/// Canonicalizes the nodes of the document (`apex` `None`) or of the subtree of `apex` that
/// `filter` keeps. Elements left out still contribute their kept descendants, with namespace
/// and `xml:*` context taken from the nearest element that is output (C14N 1.0 2.3, 2.4).
pub fn canonicalize_filtered(
    doc: &Document,
    apex: Option<NodeId>,
    filter: &NodeFilter,
    method: Method,
    with_comments: bool,
    inclusive_prefixes: &[String],
) -> Result<Vec<u8>, XmlError> {
    let mut out = Out { buf: Vec::new(), hasher: None };
    render(doc, apex, filter, method, with_comments, inclusive_prefixes, &mut out)?;
    Ok(out.buf)
}

/// As [`canonicalize_filtered`], feeding the canonical octets to `hasher` as they are produced
/// instead of collecting them: a digest over a large document never holds its canonical form.
///
/// ```
/// use confia::crypto::{DigestAlgorithm, Hasher};
/// use confia::xml::{Document, ParseOptions, c14n::{Method, NodeFilter, canonicalize_filtered, canonicalize_filtered_into}};
/// let doc = Document::parse(b"<a b='1'><c/></a>", &ParseOptions::default())?;
/// let filter = NodeFilter::default();
/// let mut h = Hasher::new(DigestAlgorithm::Sha256);
/// canonicalize_filtered_into(&doc, None, &filter, Method::Inclusive, false, &[], &mut h)?;
/// let whole = canonicalize_filtered(&doc, None, &filter, Method::Inclusive, false, &[])?;
/// assert_eq!(h.finalize(), DigestAlgorithm::Sha256.digest(&whole));
/// # Ok::<(), confia::xml::XmlError>(())
/// ```
pub fn canonicalize_filtered_into(
    doc: &Document,
    apex: Option<NodeId>,
    filter: &NodeFilter,
    method: Method,
    with_comments: bool,
    inclusive_prefixes: &[String],
    hasher: &mut Hasher,
) -> Result<(), XmlError> {
    let mut out = Out { buf: Vec::with_capacity(2 * CHUNK), hasher: Some(hasher) };
    render(doc, apex, filter, method, with_comments, inclusive_prefixes, &mut out)?;
    out.flush();
    Ok(())
}

/// Bytes collected before they are fed to a hasher.
const CHUNK: usize = 16 * 1024;

/// Where canonical octets go: a buffer for the caller, or a hasher fed in chunks.
struct Out<'h> {
    buf: Vec<u8>,
    hasher: Option<&'h mut Hasher>,
}

impl Out<'_> {
    fn push(&mut self, b: u8) {
        self.buf.push(b);
    }

    fn extend_from_slice(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= CHUNK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if let Some(h) = self.hasher.as_deref_mut() {
            h.update(&self.buf);
            self.buf.clear();
        }
    }
}

fn render(
    doc: &Document,
    apex: Option<NodeId>,
    filter: &NodeFilter,
    method: Method,
    with_comments: bool,
    inclusive_prefixes: &[String],
    out: &mut Out<'_>,
) -> Result<(), XmlError> {
    let prefixes: Vec<String> =
        inclusive_prefixes.iter().map(|p| if p == "#default" { String::new() } else { p.clone() }).collect();
    let ctx = Ctx { doc, method, with_comments, inclusive_prefixes: &prefixes, filter };
    if let Some(element) = apex {
        if !matches!(doc.node(element).kind, NodeKind::Element { .. }) {
            return Err(XmlError::C14n("the apex of a subtree must be an element".into()));
        }
        let scope = scope_at(doc, element);
        let bits = filter.bits_above(doc, element);
        walk(&ctx, element, &scope, &Vec::new(), bits, None, out);
        return Ok(());
    }
    let top_bits = filter.bits_above(doc, doc.root());
    let mut after_root = false;
    for &n in doc.top_level() {
        let piece = match &doc.node(n).kind {
            NodeKind::Element { .. } => {
                let scope = scope_at(doc, n);
                walk(&ctx, n, &scope, &Vec::new(), top_bits, None, out);
                after_root = true;
                continue;
            }
            _ if !filter.member(filter.bits_below(top_bits, n)) => continue,
            NodeKind::Comment(c) if with_comments => format!("<!--{c}-->"),
            NodeKind::Pi { target, data } => pi(target, data),
            _ => continue,
        };
        // C14N 2.3: a line feed separates top-level nodes from the document element.
        if after_root {
            out.push(b'\n');
            out.extend_from_slice(piece.as_bytes());
        } else {
            out.extend_from_slice(piece.as_bytes());
            out.push(b'\n');
        }
    }
    Ok(())
}

/// Canonicalizes the subtree of `element` (the element, its attributes and namespaces in
/// scope, and its descendants). `inclusive_prefixes` is Exclusive C14N's InclusiveNamespaces
/// PrefixList (`#default` for the default namespace); other methods ignore it.
pub fn canonicalize(
    doc: &Document,
    element: NodeId,
    method: Method,
    with_comments: bool,
    inclusive_prefixes: &[String],
) -> Result<Vec<u8>, XmlError> {
    canonicalize_subset(doc, Some(element), &[], method, with_comments, inclusive_prefixes)
}

/// What stays the same through one canonicalization.
struct Ctx<'a> {
    doc: &'a Document,
    method: Method,
    with_comments: bool,
    inclusive_prefixes: &'a [String],
    filter: &'a NodeFilter,
}

fn pi(target: &str, data: &str) -> String {
    if data.is_empty() { format!("<?{target}?>") } else { format!("<?{target} {data}?>") }
}

/// Namespaces in scope, as (prefix, URI) borrowed from the document, sorted by prefix.
type Scope<'d> = Vec<(&'d str, &'d str)>;

/// The namespaces in scope at `id` (nearest declaration wins; `xmlns=""` undeclares).
fn scope_at(doc: &Document, id: NodeId) -> Scope<'_> {
    let mut chain = Vec::new();
    let mut cur = Some(id);
    while let Some(n) = cur {
        chain.push(n);
        cur = doc.node(n).parent;
    }
    let mut scope: Scope<'_> = Vec::new();
    for &n in chain.iter().rev() {
        if let NodeKind::Element { ns_decls, .. } = &doc.node(n).kind
            && let Some(s) = scope_below(&scope, ns_decls)
        {
            scope = s;
        }
    }
    scope
}

/// The namespaces in scope at an element whose parent has `parent` in scope, or `None` when
/// it declares none.
fn scope_below<'d>(parent: &[(&'d str, &'d str)], decls: &'d [(Atom, Atom)]) -> Option<Scope<'d>> {
    if decls.is_empty() {
        return None;
    }
    let mut v: Scope<'d> = parent.iter().filter(|(p, _)| !decls.iter().any(|(d, _)| d == p)).copied().collect();
    // An empty URI undeclares the default namespace (`xmlns=""`): it is not in scope.
    v.extend(decls.iter().filter(|(_, u)| !u.is_empty()).map(|(p, u)| (p.as_str(), u.as_str())));
    v.sort_unstable();
    Some(v)
}

/// Namespace declarations in effect in the output (prefix, URI): a handful at most, so a
/// vector searched linearly beats hashing.
type Rendered<'d> = Vec<(&'d str, &'d str)>;

/// Renders element `id` if the filter keeps it, and its kept descendants. `in_scope`: its
/// namespaces in scope; `rendered`: the namespace declarations in effect in the output from
/// output ancestors; `parent_bits`: the filter bits of its parent; `output_parent`: the
/// nearest ancestor that is output (`xml:*` attributes are inherited from the ones between).
fn walk<'d>(
    ctx: &Ctx<'d>,
    id: NodeId,
    in_scope: &[(&'d str, &'d str)],
    rendered: &Rendered<'d>,
    parent_bits: u64,
    output_parent: Option<NodeId>,
    out: &mut Out<'_>,
) {
    let (doc, method, inclusive_prefixes) = (ctx.doc, ctx.method, ctx.inclusive_prefixes);
    let NodeKind::Element { prefix, local, attributes, .. } = &doc.node(id).kind else { return };
    let children = doc.children(id);
    let bits = ctx.filter.bits_below(parent_bits, id);
    if !ctx.filter.member(bits) {
        // Left out: its kept descendants are output in the context of `output_parent`.
        children_of(ctx, children, in_scope, rendered, bits, output_parent, out);
        return;
    }
    let apex = output_parent.is_none_or(|p| Some(p) != doc.node(id).parent);
    let uri_of = |p: &str| in_scope.iter().find(|(q, _)| *q == p).map(|(_, u)| *u).unwrap_or("");

    // Which namespace declarations to write. Inclusive methods render everything in scope at
    // each output element, so below an output parent an element that declares nothing has
    // nothing new to render (the common case, and the costly one to recompute).
    let declares = matches!(&doc.node(id).kind, NodeKind::Element { ns_decls, .. } if !ns_decls.is_empty());
    let mut ns_out: Vec<(&'d str, &'d str)> = Vec::new();
    if method == Method::Exclusive || apex || declares {
        let mut candidates: Vec<&'d str> = match method {
            Method::Exclusive => {
                // Exc-C14N 3: visibly utilized prefixes, plus the InclusiveNamespaces list.
                let mut v = vec![prefix.as_deref().unwrap_or("")];
                v.extend(attributes.iter().filter_map(|a| a.prefix.as_deref()).filter(|p| *p != "xml"));
                v.extend(inclusive_prefixes.iter().map(String::as_str));
                v
            }
            _ => {
                let mut v: Vec<&'d str> = in_scope.iter().map(|(p, _)| *p).collect();
                v.push("");
                v
            }
        };
        candidates.sort_unstable();
        candidates.dedup();
        for p in candidates {
            let u = uri_of(p);
            let before = rendered.iter().find(|(q, _)| *q == p).map(|(_, u)| *u).unwrap_or("");
            // xmlns="" only undoes a default namespace the output has in effect; a prefix is
            // declared when its binding differs from the output's.
            if u != before && (p.is_empty() || !u.is_empty()) {
                ns_out.push((p, u));
            }
        }
    }

    // Attributes, with xml:* ones inherited at the apex of a subtree (C14N 1.0 2.4; 1.1 3.2
    // leaves xml:id and xml:base out of that inheritance). Exclusive C14N inherits none.
    let mut attrs: Vec<&'d Attribute> = attributes.iter().collect();
    if apex && method != Method::Exclusive {
        let mut cur = doc.node(id).parent;
        while let Some(p) = cur.filter(|&p| Some(p) != output_parent) {
            if let NodeKind::Element { attributes: pa, .. } = &doc.node(p).kind {
                for a in pa.iter().filter(|a| a.namespace.as_deref() == Some(XML_NAMESPACE)) {
                    let skip = method == Method::Inclusive11 && (a.local == "id" || a.local == "base");
                    let present =
                        attrs.iter().any(|b| b.namespace.as_deref() == Some(XML_NAMESPACE) && b.local == a.local);
                    if !skip && !present {
                        attrs.push(a);
                    }
                }
            }
            cur = doc.node(p).parent;
        }
    }
    if attrs.len() > 1 {
        attrs.sort_by(|a, b| {
            (a.namespace.as_deref().unwrap_or(""), a.local.as_str())
                .cmp(&(b.namespace.as_deref().unwrap_or(""), b.local.as_str()))
        });
    }

    out.push(b'<');
    write_qname(prefix.as_deref(), local, out);
    for (p, u) in &ns_out {
        if p.is_empty() {
            out.extend_from_slice(b" xmlns=\"");
        } else {
            out.extend_from_slice(b" xmlns:");
            out.extend_from_slice(p.as_bytes());
            out.extend_from_slice(b"=\"");
        }
        escape_attr(u, out);
        out.push(b'"');
    }
    for a in &attrs {
        out.push(b' ');
        write_qname(a.prefix.as_deref(), &a.local, out);
        out.extend_from_slice(b"=\"");
        escape_attr(&a.value, out);
        out.push(b'"');
    }
    out.push(b'>');

    // Most elements declare nothing new: their children share the parent's map.
    let inner_owned;
    let inner = if ns_out.is_empty() {
        rendered
    } else {
        let mut m: Rendered<'d> =
            rendered.iter().filter(|(p, _)| !ns_out.iter().any(|(q, _)| q == p)).copied().collect();
        m.extend(ns_out);
        inner_owned = m;
        &inner_owned
    };
    children_of(ctx, children, in_scope, inner, bits, Some(id), out);
    out.extend_from_slice(b"</");
    write_qname(prefix.as_deref(), local, out);
    out.push(b'>');
}

fn write_qname(prefix: Option<&str>, local: &str, out: &mut Out<'_>) {
    if let Some(p) = prefix {
        out.extend_from_slice(p.as_bytes());
        out.push(b':');
    }
    out.extend_from_slice(local.as_bytes());
}

/// Renders the kept nodes among `children` of an element whose filter bits are `bits`.
fn children_of<'d>(
    ctx: &Ctx<'d>,
    children: Children<'d>,
    in_scope: &[(&'d str, &'d str)],
    rendered: &Rendered<'d>,
    bits: u64,
    output_parent: Option<NodeId>,
    out: &mut Out<'_>,
) {
    let doc = ctx.doc;
    for c in children {
        let kept = || ctx.filter.is_empty() || ctx.filter.member(ctx.filter.bits_below(bits, c));
        match &doc.node(c).kind {
            NodeKind::Element { ns_decls, .. } => {
                let below = scope_below(in_scope, ns_decls);
                walk(ctx, c, below.as_deref().unwrap_or(in_scope), rendered, bits, output_parent, out)
            }
            NodeKind::Text(t) if kept() => escape_text(t, out),
            NodeKind::Comment(t) if ctx.with_comments && kept() => {
                out.extend_from_slice(b"<!--");
                out.extend_from_slice(t.as_bytes());
                out.extend_from_slice(b"-->");
            }
            NodeKind::Pi { target, data } if kept() => out.extend_from_slice(pi(target, data).as_bytes()),
            _ => {}
        }
    }
}

/// C14N 2.3: `&`, `<`, `>` and carriage return are escaped in text.
fn escape_text(t: &str, out: &mut Out<'_>) {
    escape(t, out, |b| match b {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'>' => Some(b"&gt;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

/// C14N 2.3: `&`, `<`, `"` and tab, line feed and carriage return are escaped in attributes.
fn escape_attr(v: &str, out: &mut Out<'_>) {
    escape(v, out, |b| match b {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'"' => Some(b"&quot;"),
        b'\t' => Some(b"&#x9;"),
        b'\n' => Some(b"&#xA;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

/// Copies `s`, replacing the ASCII bytes `replace` names (never part of a multi-byte UTF-8
/// sequence, so byte-wise scanning is exact), in runs rather than byte by byte.
fn escape(s: &str, out: &mut Out<'_>, replace: impl Fn(u8) -> Option<&'static [u8]>) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(r) = replace(b) {
            out.extend_from_slice(&bytes[start..i]);
            out.extend_from_slice(r);
            start = i + 1;
        }
    }
    out.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::ParseOptions;

    fn c14n(xml: &str, method: Method) -> String {
        let doc = Document::parse(xml.as_bytes(), &ParseOptions::default()).unwrap();
        String::from_utf8(canonicalize_document(&doc, method, false).unwrap()).unwrap()
    }

    #[test]
    fn attributes_sort_by_namespace_then_name_and_namespaces_by_prefix() {
        let x = r#"<e xmlns:b="urn:b" xmlns:a="urn:a" b:x="1" a:y="2" z="3" a="4"/>"#;
        assert_eq!(
            c14n(x, Method::Inclusive),
            r#"<e xmlns:a="urn:a" xmlns:b="urn:b" a="4" z="3" a:y="2" b:x="1"></e>"#
        );
    }

    #[test]
    fn exclusive_renders_only_visibly_utilized_namespaces() {
        let x = r#"<r xmlns:u="urn:u" xmlns:v="urn:v"><u:a><b/></u:a></r>"#;
        let doc = Document::parse(x.as_bytes(), &ParseOptions::default()).unwrap();
        let a = doc.children(doc.root()).next().unwrap();
        let exc = String::from_utf8(canonicalize(&doc, a, Method::Exclusive, false, &[]).unwrap()).unwrap();
        assert_eq!(exc, r#"<u:a xmlns:u="urn:u"><b></b></u:a>"#);
        let inc = String::from_utf8(canonicalize(&doc, a, Method::Inclusive, false, &[]).unwrap()).unwrap();
        assert_eq!(inc, r#"<u:a xmlns:u="urn:u" xmlns:v="urn:v"><b></b></u:a>"#);
    }

    #[test]
    fn default_namespace_is_undone_with_xmlns_empty() {
        assert_eq!(
            c14n(r#"<a xmlns="urn:x"><b xmlns=""/></a>"#, Method::Inclusive),
            r#"<a xmlns="urn:x"><b xmlns=""></b></a>"#
        );
        assert_eq!(c14n(r#"<a><b xmlns=""/></a>"#, Method::Inclusive), "<a><b></b></a>");
    }

    #[test]
    fn text_and_attribute_escaping() {
        assert_eq!(
            c14n("<a t='&quot;&lt;&#9;'>&amp;&gt;&#13;</a>", Method::Inclusive),
            "<a t=\"&quot;&lt;&#x9;\">&amp;&gt;&#xD;</a>"
        );
    }

    #[test]
    fn dtds_are_refused_by_default() {
        let x = "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>";
        assert_eq!(Document::parse(x.as_bytes(), &ParseOptions::default()).unwrap_err(), XmlError::DtdRefused);
        let doc = Document::parse(x.as_bytes(), &ParseOptions { allow_dtd: true }).unwrap();
        assert_eq!(
            String::from_utf8(canonicalize_document(&doc, Method::Inclusive, false).unwrap()).unwrap(),
            "<a>x</a>"
        );
        let ext = "<!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><a>&e;</a>";
        assert!(matches!(
            Document::parse(ext.as_bytes(), &ParseOptions { allow_dtd: true }),
            Err(XmlError::ExternalEntity(_))
        ));
    }

    #[test]
    fn entity_expansion_is_bounded() {
        let mut x = String::from(
            "<!DOCTYPE a [<!ENTITY e0 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'>",
        );
        for i in 1..8 {
            x.push_str(&format!("<!ENTITY e{i} '{}'>", format!("&e{};", i - 1).repeat(10)));
        }
        x.push_str("]><a>&e7;</a>");
        assert!(matches!(Document::parse(x.as_bytes(), &ParseOptions { allow_dtd: true }), Err(XmlError::Limit(_))));
    }
}
