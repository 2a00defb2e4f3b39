//! The document model: an arena of nodes with resolved namespaces.

use std::borrow::Cow;
use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::atom::{Atom, Atoms, is_ncname};
use super::dtd::{self, AttrType, Dtd};
use super::{
    MAX_ENTITY_EXPANSION, MAX_XML_ATTRIBUTES, MAX_XML_DEPTH, MAX_XML_NODES, MAX_XML_SIZE, XML_NAMESPACE, XmlError,
};

/// Index of a node in its [`Document`].
pub type NodeId = usize;

/// How to parse.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Accept a DOCTYPE and apply its internal subset (attribute defaults and types, internal
    /// entities). External entities are refused either way, and nothing is fetched. Off by
    /// default: signatures are validated on documents without DTDs.
    pub allow_dtd: bool,
}

/// An attribute (namespace declarations are kept apart, on the element).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Prefix, if qualified.
    pub prefix: Option<Atom>,
    /// Local name.
    pub local: Atom,
    /// Namespace URI (`None` for unqualified attributes).
    pub namespace: Option<Atom>,
    /// The normalized value.
    pub value: String,
    /// Declared of type ID by the DTD.
    pub is_dtd_id: bool,
}

impl Attribute {
    /// `prefix:local` or `local`.
    pub fn qname(&self) -> String {
        match &self.prefix {
            Some(p) => format!("{p}:{}", self.local),
            None => self.local.to_string(),
        }
    }
}

/// What a node is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// An element.
    Element {
        /// Prefix, if qualified.
        prefix: Option<Atom>,
        /// Local name.
        local: Atom,
        /// Namespace URI, if any.
        namespace: Option<Atom>,
        /// Namespace declarations on this element, in document order: (prefix, URI); the
        /// default namespace has the prefix `""`, and `xmlns=""` the URI `""`.
        ns_decls: Box<[(Atom, Atom)]>,
        /// Attributes in document order (DTD defaults appended).
        attributes: Box<[Attribute]>,
    },
    /// Character data (CDATA sections and references resolved; adjacent pieces merged).
    Text(Atom),
    /// A comment.
    Comment(Atom),
    /// A processing instruction.
    Pi {
        /// Target.
        target: Atom,
        /// Data (without the separating whitespace).
        data: Atom,
    },
}

/// One node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Its parent element (`None` at the top level).
    pub parent: Option<NodeId>,
}

/// A parsed document.
#[derive(Debug, Clone)]
pub struct Document {
    nodes: Vec<Node>,
    top: Vec<NodeId>,
    root: NodeId,
    /// The last node of each node's subtree: nodes are stored in document order, so a
    /// subtree is the contiguous range from a node to its last descendant.
    last: Vec<NodeId>,
}

impl Document {
    /// Parses `input` (UTF-8, UTF-16 with a byte-order mark, or ISO-8859-1 as declared).
    pub fn parse(input: &[u8], options: &ParseOptions) -> Result<Self, XmlError> {
        if input.len() > MAX_XML_SIZE {
            return Err(XmlError::Limit(format!("input larger than {MAX_XML_SIZE} bytes")));
        }
        let text = decode(input)?;
        // Only C0 controls and U+FFFE / U+FFFF (EF BF BE, EF BF BF) can be non-characters in
        // valid UTF-8: look for their bytes first, decode only then.
        let suspicious = text.bytes().any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xbf);
        if suspicious && let Some(c) = text.chars().find(|&c| !is_xml_char(c)) {
            return Err(XmlError::Malformed(format!("character U+{:04X} is not allowed in XML 1.0", c as u32)));
        }
        Builder::new(options).run(&text)
    }

    /// The document element.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// The top-level nodes (comments and processing instructions around the document element).
    pub fn top_level(&self) -> &[NodeId] {
        &self.top
    }

    /// A node.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the document has no node (never true for a parsed document).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The children of an element in document order (none for other nodes).
    pub fn children(&self, id: NodeId) -> Children<'_> {
        Children { last: &self.last, next: id + 1, end: self.last[id] }
    }

    /// The namespaces in scope at element `id`, nearest declaration first wins: (prefix, URI),
    /// sorted by prefix, `xml` excluded, undeclared defaults (`xmlns=""`) excluded.
    pub fn in_scope_namespaces(&self, id: NodeId) -> Vec<(String, String)> {
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut cur = Some(id);
        while let Some(n) = cur {
            if let NodeKind::Element { ns_decls, .. } = &self.nodes[n].kind {
                for (p, u) in ns_decls {
                    seen.entry(p.to_string()).or_insert_with(|| u.to_string());
                }
            }
            cur = self.nodes[n].parent;
        }
        let mut v: Vec<(String, String)> = seen.into_iter().filter(|(_, u)| !u.is_empty()).collect();
        v.sort();
        v
    }

    /// The nodes of the subtree of `id` (itself included) in document order.
    pub fn descendants(&self, id: NodeId) -> Vec<NodeId> {
        self.subtree(id).collect()
    }

    /// The nodes of the subtree of `id` (itself included) in document order, without
    /// allocating.
    pub fn subtree(&self, id: NodeId) -> std::ops::RangeInclusive<NodeId> {
        id..=self.last[id]
    }

    /// The first element (document order) with this namespace and local name.
    pub fn find_element(&self, namespace: Option<&str>, local_name: &str) -> Option<NodeId> {
        self.subtree(self.root).find(|&n| match &self.nodes[n].kind {
            NodeKind::Element { local, namespace: ns, .. } => local == local_name && ns.as_deref() == namespace,
            _ => false,
        })
    }
}

/// The children of an element: each child's subtree ends just before the next child.
#[derive(Debug, Clone)]
pub struct Children<'d> {
    last: &'d [NodeId],
    next: NodeId,
    end: NodeId,
}

impl Iterator for Children<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        if self.next > self.end {
            return None;
        }
        let c = self.next;
        self.next = self.last[c] + 1;
        Some(c)
    }
}

/// Decodes the input to a string by its byte-order mark or encoding declaration (UTF-8 input
/// is used in place).
fn decode(input: &[u8]) -> Result<Cow<'_, str>, XmlError> {
    let utf16 = |bytes: &[u8], le: bool| -> Result<String, XmlError> {
        let units = bytes
            .chunks_exact(2)
            .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| XmlError::Malformed("invalid UTF-16".into()))
    };
    if let Some(rest) = input.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return std::str::from_utf8(rest).map(Cow::Borrowed).map_err(|_| XmlError::Malformed("invalid UTF-8".into()));
    }
    if let Some(rest) = input.strip_prefix(&[0xff, 0xfe]) {
        return utf16(rest, true).map(Cow::Owned);
    }
    if let Some(rest) = input.strip_prefix(&[0xfe, 0xff]) {
        return utf16(rest, false).map(Cow::Owned);
    }
    // Only an XML declaration at the very start names the encoding (a processing instruction or
    // an attribute value that happens to say `encoding=` does not).
    let head = &input[..input.len().min(200)];
    let declared = head.starts_with(b"<?xml") && head.get(5).is_some_and(|b| b" \t\r\n".contains(b));
    let decl_end = if declared { head.windows(2).position(|w| w == b"?>").unwrap_or(0) } else { 0 };
    let decl = String::from_utf8_lossy(&head[..decl_end]).to_ascii_lowercase();
    let encoding = decl
        .split("encoding")
        .nth(1)
        .and_then(|r| r.split(['"', '\'']).nth(1))
        .map(str::to_string)
        .unwrap_or_else(|| "utf-8".into());
    match encoding.as_str() {
        "utf-8" | "utf8" | "us-ascii" | "ascii" => {
            std::str::from_utf8(input).map(Cow::Borrowed).map_err(|_| XmlError::Malformed("invalid UTF-8".into()))
        }
        "iso-8859-1" | "latin1" | "iso_8859-1" => Ok(Cow::Owned(input.iter().map(|&b| char::from(b)).collect())),
        other => Err(XmlError::Malformed(format!("unsupported encoding {other:?}"))),
    }
}

struct Builder<'o> {
    options: &'o ParseOptions,
    nodes: Vec<Node>,
    top: Vec<NodeId>,
    root: Option<NodeId>,
    stack: Vec<NodeId>,
    dtd: Dtd,
    expanded: usize,
    /// Pending character data, flushed into one text node.
    text: String,
    atoms: Atoms,
}

impl<'o> Builder<'o> {
    fn new(options: &'o ParseOptions) -> Self {
        Builder {
            options,
            nodes: Vec::new(),
            top: Vec::new(),
            root: None,
            stack: Vec::new(),
            dtd: Dtd::default(),
            expanded: 0,
            text: String::new(),
            atoms: Atoms::default(),
        }
    }

    fn run(mut self, text: &str) -> Result<Document, XmlError> {
        // Every node but a text node starts with '<'; a text node follows a '>' that is not
        // directly followed by '<' (or starts the document). Counted once, the arena is sized
        // once instead of being copied as it grows.
        let (mut estimate, mut after_gt) = (1, false);
        for &b in text.as_bytes() {
            estimate += usize::from(b == b'<' || after_gt);
            after_gt = b == b'>';
        }
        self.nodes.reserve_exact(estimate.min(MAX_XML_NODES));
        let mut reader = Reader::from_str(text);
        let cfg = reader.config_mut();
        cfg.trim_text(false);
        cfg.check_end_names = true;
        cfg.check_comments = true;
        cfg.expand_empty_elements = false;
        let mal = |e: quick_xml::Error| XmlError::Malformed(e.to_string());
        loop {
            let ev = reader.read_event().map_err(mal)?;
            match ev {
                Event::Decl(_) => {}
                Event::DocType(d) => {
                    if !self.options.allow_dtd {
                        return Err(XmlError::DtdRefused);
                    }
                    if self.root.is_some() {
                        return Err(XmlError::Malformed("DOCTYPE after the document element".into()));
                    }
                    let content = &*d;
                    self.dtd = dtd::parse(content)?;
                }
                Event::Start(s) => {
                    let id = self.element(&s)?;
                    self.stack.push(id);
                    if self.stack.len() > MAX_XML_DEPTH {
                        return Err(XmlError::Limit(format!("elements nested deeper than {MAX_XML_DEPTH}")));
                    }
                }
                Event::Empty(s) => {
                    self.element(&s)?;
                }
                Event::End(_) => {
                    self.flush_text()?;
                    self.stack.pop();
                }
                Event::Text(t) => {
                    if t.contains("]]>") {
                        return Err(XmlError::Malformed("']]>' in character data".into()));
                    }
                    let content = t.xml10_content();
                    self.push_text(&content)?;
                }
                Event::CData(c) => {
                    let raw = &*c;
                    let normalized = raw.replace("\r\n", "\n").replace('\r', "\n");
                    self.push_text(&normalized)?;
                }
                Event::GeneralRef(r) => {
                    if let Some(c) = r.resolve_char_ref().map_err(mal)? {
                        if !is_xml_char(c) {
                            return Err(XmlError::Malformed(format!("character reference to U+{:04X}", c as u32)));
                        }
                        self.push_text(&c.to_string())?;
                    } else {
                        let name = &*r;
                        let value = self.entity_text(name)?;
                        self.push_text(&value)?;
                    }
                }
                Event::Comment(c) => {
                    let raw = &*c;
                    let body = raw.replace("\r\n", "\n").replace('\r', "\n");
                    self.leaf(NodeKind::Comment(body.into()))?;
                }
                Event::PI(p) => {
                    let target = p.target().to_string();
                    if target.eq_ignore_ascii_case("xml") {
                        return Err(XmlError::Malformed(format!(
                            "processing instruction target {target:?} is reserved"
                        )));
                    }
                    if !is_ncname(&target) {
                        return Err(XmlError::Malformed(format!("{target:?} is not a processing instruction target")));
                    }
                    let data = p.content().trim_start().replace("\r\n", "\n").replace('\r', "\n");
                    self.leaf(NodeKind::Pi { target: target.into(), data: data.into() })?;
                }
                Event::Eof => break,
            }
        }
        self.flush_text()?;
        if !self.stack.is_empty() {
            return Err(XmlError::Malformed("unclosed element at end of input".into()));
        }
        let root = self.root.ok_or_else(|| XmlError::Malformed("no document element".into()))?;
        // Children follow their parent in the arena, so one backward pass finds every
        // subtree's end.
        let mut last: Vec<NodeId> = (0..self.nodes.len()).collect();
        for i in (0..self.nodes.len()).rev() {
            if let Some(p) = self.nodes[i].parent {
                last[p] = last[p].max(last[i]);
            }
        }
        self.nodes.shrink_to_fit();
        Ok(Document { nodes: self.nodes, top: self.top, root, last })
    }

    fn add(&mut self, kind: NodeKind) -> Result<NodeId, XmlError> {
        if self.nodes.len() >= MAX_XML_NODES {
            return Err(XmlError::Limit(format!("more than {MAX_XML_NODES} nodes")));
        }
        let parent = self.stack.last().copied();
        self.nodes.push(Node { kind, parent });
        let id = self.nodes.len() - 1;
        if parent.is_none() {
            self.top.push(id);
        }
        Ok(id)
    }

    fn leaf(&mut self, kind: NodeKind) -> Result<NodeId, XmlError> {
        self.flush_text()?;
        self.add(kind)
    }

    fn push_text(&mut self, s: &str) -> Result<(), XmlError> {
        if self.stack.is_empty() {
            // Outside the document element only whitespace may appear; it is not content.
            if !s.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r')) {
                return Err(XmlError::Malformed("character data outside the document element".into()));
            }
            return Ok(());
        }
        self.text.push_str(s);
        Ok(())
    }

    fn flush_text(&mut self) -> Result<(), XmlError> {
        if !self.text.is_empty() {
            // Indentation repeats: shared. Other text gets its own exact-size copy.
            let t = if self.text.len() <= 64 && self.text.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n')) {
                self.atoms.blank(&self.text)
            } else {
                Atom::from(self.text.as_str())
            };
            self.text.clear();
            self.add(NodeKind::Text(t))?;
        }
        Ok(())
    }

    /// The replacement text of a general entity reference in content.
    fn entity_text(&mut self, name: &str) -> Result<String, XmlError> {
        let predefined = match name {
            "lt" => Some("<"),
            "gt" => Some(">"),
            "amp" => Some("&"),
            "apos" => Some("'"),
            "quot" => Some("\""),
            _ => None,
        };
        if let Some(p) = predefined {
            return Ok(p.to_string());
        }
        let value = self.expand_entity(name, 0)?;
        if value.contains('<') {
            return Err(XmlError::Malformed(format!("entity {name:?} contains markup, which confia does not expand")));
        }
        Ok(value)
    }

    /// Expands an internal entity's replacement text (references inside it included).
    fn expand_entity(&mut self, name: &str, depth: usize) -> Result<String, XmlError> {
        if depth > 8 {
            return Err(XmlError::Limit("entity references nested too deeply".into()));
        }
        let raw = self
            .dtd
            .entities
            .get(name)
            .cloned()
            .ok_or_else(|| XmlError::Malformed(format!("undeclared entity {name:?}")))?;
        let out = self.resolve_refs(&raw, depth + 1, false)?;
        self.expanded += out.len();
        if self.expanded > MAX_ENTITY_EXPANSION {
            return Err(XmlError::Limit(format!("entity expansion beyond {MAX_ENTITY_EXPANSION} characters")));
        }
        Ok(out)
    }

    /// Resolves character and entity references in `raw`; with `attribute`, applies attribute
    /// value normalization (XML 1.0 3.3.3) to literal whitespace.
    fn resolve_refs(&mut self, raw: &str, depth: usize, attribute: bool) -> Result<String, XmlError> {
        // Most values hold nothing to resolve or normalize.
        if !raw.bytes().any(|b| matches!(b, b'&' | b'\r' | b'\t' | b'\n' | b'<')) {
            return Ok(raw.to_string());
        }
        let raw = raw.replace("\r\n", "\n").replace('\r', "\n");
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw.as_str();
        while let Some(i) = rest.find(|c| c == '&' || (attribute && matches!(c, '\t' | '\n' | '<'))) {
            out.push_str(&rest[..i]);
            let c = rest[i..].chars().next().unwrap_or('&');
            if c != '&' {
                if c == '<' {
                    return Err(XmlError::Malformed("'<' in an attribute value".into()));
                }
                out.push(' ');
                rest = &rest[i + 1..];
                continue;
            }
            let end = rest[i..].find(';').ok_or_else(|| XmlError::Malformed("unterminated reference".into()))?;
            let name = &rest[i + 1..i + end];
            if let Some(num) = name.strip_prefix('#') {
                let code = match num.strip_prefix('x') {
                    Some(h) => u32::from_str_radix(h, 16),
                    None => num.parse::<u32>(),
                }
                .ok()
                .and_then(char::from_u32)
                .filter(|&c| is_xml_char(c))
                .ok_or_else(|| XmlError::Malformed(format!("bad character reference &{name};")))?;
                out.push(code);
            } else {
                match name {
                    "lt" => out.push('<'),
                    "gt" => out.push('>'),
                    "amp" => out.push('&'),
                    "apos" => out.push('\''),
                    "quot" => out.push('"'),
                    _ => {
                        let value = self.expand_entity(name, depth)?;
                        if attribute {
                            out.push_str(&value.replace(['\t', '\n'], " "));
                        } else {
                            out.push_str(&value);
                        }
                    }
                }
            }
            rest = &rest[i + end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn element(&mut self, s: &BytesStart<'_>) -> Result<NodeId, XmlError> {
        self.flush_text()?;
        if self.stack.is_empty() && self.root.is_some() {
            return Err(XmlError::Malformed("more than one document element".into()));
        }
        let qname = s.name().as_ref().to_string();
        let mut ns_decls: Vec<(String, String)> = Vec::new();
        let mut raw_attrs: Vec<(String, String, bool)> = Vec::new();
        let mut count = 0;
        for a in s.attributes().with_checks(true) {
            let a = a.map_err(|e| XmlError::Malformed(e.to_string()))?;
            count += 1;
            if count > MAX_XML_ATTRIBUTES {
                return Err(XmlError::Limit(format!("more than {MAX_XML_ATTRIBUTES} attributes on an element")));
            }
            let key: &str = a.key.as_ref();
            let value = self.resolve_refs(&a.value, 0, true)?;
            let declared = if self.dtd.attlists.is_empty() {
                None
            } else {
                self.dtd.attlists.get(&qname).and_then(|d| d.iter().find(|d| d.name == key)).cloned()
            };
            let value = match &declared {
                Some(d) if d.kind == AttrType::Tokenized => collapse_spaces(&value),
                _ => value,
            };
            let is_id = declared.is_some_and(|d| d.is_id);
            if key == "xmlns" {
                check_binding("", &value)?;
                ns_decls.push((String::new(), value));
            } else if let Some(p) = key.strip_prefix("xmlns:") {
                if value.is_empty() {
                    return Err(XmlError::Malformed(format!("namespace prefix {p:?} bound to an empty URI")));
                }
                check_binding(p, &value)?;
                // xmlns:xml bound to its own namespace declares nothing new.
                if p != "xml" {
                    ns_decls.push((p.to_string(), value));
                }
            } else {
                raw_attrs.push((key.to_string(), value, is_id));
            }
        }
        // DTD defaults for attributes the element does not carry (XML 1.0 3.3.2).
        if let Some(defs) = self.dtd.attlists.get(&qname).cloned() {
            for d in defs {
                let Some(default) = &d.default else { continue };
                let present = raw_attrs.iter().any(|(k, ..)| *k == d.name)
                    || (d.name == "xmlns" && ns_decls.iter().any(|(p, _)| p.is_empty()))
                    || d.name.strip_prefix("xmlns:").is_some_and(|p| ns_decls.iter().any(|(q, _)| q == p));
                if present {
                    continue;
                }
                let mut value = self.resolve_refs(default, 0, true)?;
                if d.kind == AttrType::Tokenized {
                    value = collapse_spaces(&value);
                }
                if d.name == "xmlns" {
                    check_binding("", &value)?;
                    ns_decls.push((String::new(), value));
                } else if let Some(p) = d.name.strip_prefix("xmlns:") {
                    check_binding(p, &value)?;
                    if p != "xml" {
                        ns_decls.push((p.to_string(), value));
                    }
                } else {
                    raw_attrs.push((d.name.clone(), value, d.is_id));
                }
            }
        }
        let kind = NodeKind::Element {
            prefix: None,
            local: self.atoms.get(""),
            namespace: None,
            ns_decls: ns_decls.into_iter().map(|(p, u)| (self.atoms.get(&p), self.atoms.get(&u))).collect(),
            attributes: Box::default(),
        };
        let id = self.add(kind)?;
        if self.stack.is_empty() {
            self.root = Some(id);
        }
        // Resolve names now that the element's own declarations are in scope.
        let (prefix, local) = self.atoms.qname(&qname).ok_or_else(|| not_a_name(&qname))?;
        let namespace = self.resolve(id, prefix.as_deref(), true)?;
        let mut attributes = Vec::with_capacity(raw_attrs.len());
        for (key, value, is_dtd_id) in raw_attrs {
            let (p, l) = self.atoms.qname(&key).ok_or_else(|| not_a_name(&key))?;
            let ns = match &p {
                Some(p) => self.resolve(id, Some(p), false)?,
                None => None,
            };
            if attributes.iter().any(|a: &Attribute| a.local == l && a.namespace == ns && ns.is_some()) {
                return Err(XmlError::Malformed(format!("attribute {key} repeated under another prefix")));
            }
            attributes.push(Attribute { prefix: p, local: l, namespace: ns, value, is_dtd_id });
        }
        if let NodeKind::Element { prefix: pp, local: ll, namespace: nn, attributes: aa, .. } = &mut self.nodes[id].kind
        {
            *pp = prefix;
            *ll = local;
            *nn = namespace;
            *aa = attributes.into_boxed_slice();
        }
        Ok(id)
    }

    /// The namespace URI of `prefix` at element `id` (`None` prefix: the default namespace,
    /// for elements only).
    fn resolve(&mut self, id: NodeId, prefix: Option<&str>, element: bool) -> Result<Option<Atom>, XmlError> {
        let p = match prefix {
            Some("xml") => return Ok(Some(self.atoms.get(XML_NAMESPACE))),
            Some(p) => p,
            None if !element => return Ok(None),
            None => "",
        };
        let mut cur = Some(id);
        while let Some(n) = cur {
            if let NodeKind::Element { ns_decls, .. } = &self.nodes[n].kind
                && let Some((_, u)) = ns_decls.iter().find(|(q, _)| q == p)
            {
                return Ok((!u.is_empty()).then(|| u.clone()));
            }
            cur = self.nodes[n].parent;
        }
        if p.is_empty() { Ok(None) } else { Err(XmlError::UndeclaredPrefix(p.to_string())) }
    }
}

/// XML 1.0 2.2 `Char`: tab, line feed, carriage return, and the Unicode range without the
/// other C0 controls, surrogates (absent from Rust strings) and U+FFFE / U+FFFF.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn not_a_name(q: &str) -> XmlError {
    XmlError::Malformed(format!("{q:?} is not a qualified XML name"))
}

/// Namespaces in XML 1.0 3: `xml` is bound to its namespace only and nothing else is; `xmlns`
/// and its namespace are never declared.
fn check_binding(prefix: &str, uri: &str) -> Result<(), XmlError> {
    const XMLNS_NAMESPACE: &str = "http://www.w3.org/2000/xmlns/";
    let fine = match prefix {
        "xmlns" => false,
        "xml" => uri == XML_NAMESPACE,
        "" => uri != XML_NAMESPACE && uri != XMLNS_NAMESPACE,
        p => is_ncname(p) && uri != XML_NAMESPACE && uri != XMLNS_NAMESPACE,
    };
    if fine { Ok(()) } else { Err(XmlError::Malformed(format!("namespace declaration of {prefix:?} as {uri:?}"))) }
}

/// XML 1.0 3.3.3 for non-CDATA types: trim spaces and collapse runs of spaces.
fn collapse_spaces(v: &str) -> String {
    v.split(' ').filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &[u8]) -> Result<Document, XmlError> {
        Document::parse(xml, &ParseOptions::default())
    }

    #[test]
    fn what_is_not_well_formed_namespaced_xml_is_refused() {
        for bad in [
            "<1a/>",
            "<:x/>",
            "<a:/>",
            "<a:b:c xmlns:a='urn:a'/>",
            "<a :Id='1'/>",
            "<a xmlns:xml='urn:evil'/>",
            "<a xmlns:xmlns='urn:x'/>",
            "<a xmlns:p='http://www.w3.org/XML/1998/namespace'/>",
            "<a xmlns='http://www.w3.org/2000/xmlns/'/>",
            "<a>x]]>y</a>",
            "<a><?XML x?></a>",
            "<a><?1pi?></a>",
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad} was accepted");
        }
        for good in [
            "<a:b xmlns:a='urn:a' a:c='1'/>",
            "<a xmlns:xml='http://www.w3.org/XML/1998/namespace' xml:lang='es'>x]]y</a>",
            "<a><?xml-stylesheet href='s'?><é·-.1/></a>",
        ] {
            assert!(parse(good.as_bytes()).is_ok(), "{good} was refused: {:?}", parse(good.as_bytes()).err());
        }
    }

    #[test]
    fn only_a_leading_declaration_names_the_encoding() {
        // A processing instruction that says encoding= does not make UTF-8 text Latin-1.
        let doc = parse("<r><?note encoding=\"iso-8859-1\"?>café</r>".as_bytes()).unwrap();
        let text = doc.children(doc.root()).find_map(|c| match &doc.node(c).kind {
            NodeKind::Text(t) => Some(t.to_string()),
            _ => None,
        });
        assert_eq!(text.as_deref(), Some("café"));
        let latin1 = parse(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>caf\xe9</r>").unwrap();
        assert!(
            matches!(&latin1.node(latin1.children(latin1.root()).next().unwrap()).kind, NodeKind::Text(t) if t == "café")
        );
    }
}
