//! The part of XPath 1.0 that XPath Filter 2.0 expressions use in practice: location paths over
//! elements (`/`, `//`, `child::`, `descendant::`, `descendant-or-self::`, `self::`, name tests
//! with namespace prefixes, `*`, `node()`), unions with `|`, and predicates comparing
//! attributes, `name()` and `local-name()` with literals under `and`, `or` and `not()`.
//!
//! Anything else is refused with a message naming it, so an unsupported expression never
//! selects a wrong node set silently. The context node is the document root (XPath Filter 2.0
//! section 3.4); namespace prefixes resolve in the scope of the XPath element.
//!
//! ```
//! use confia::xml::{Document, ParseOptions, xpath};
//! let doc = Document::parse(b"<a><b id='x'/><b id='y'><c/></b></a>", &ParseOptions::default())?;
//! let sel = xpath::select(&doc, doc.root(), "//b[@id='y'] | /a/b/c")?;
//! assert_eq!(sel.elements.len(), 2);
//! assert!(!sel.document);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::{Document, NodeId, NodeKind};

/// Longest expression evaluated.
pub const MAX_EXPRESSION_LEN: usize = 4096;

/// Why an expression cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("XPath {expression:?}: {reason}")]
pub struct XPathError {
    /// The expression.
    pub expression: String,
    /// What is malformed or outside the supported subset.
    pub reason: String,
}

/// The nodes an expression selects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// The document root node was selected (`/`).
    pub document: bool,
    /// Selected elements, in document order.
    pub elements: Vec<NodeId>,
}

/// Evaluates `expr` with the document root as context node; prefixes resolve at `scope`.
pub fn select(doc: &Document, scope: NodeId, expr: &str) -> Result<Selection, XPathError> {
    let fail = |reason: String| XPathError { expression: expr.trim().to_string(), reason };
    if expr.len() > MAX_EXPRESSION_LEN {
        return Err(fail(format!("longer than {MAX_EXPRESSION_LEN} characters")));
    }
    let tokens = tokenize(expr).map_err(fail)?;
    let namespaces = doc.in_scope_namespaces(scope);
    let mut p = Parser { tokens: &tokens, pos: 0, namespaces: &namespaces };
    let union = p.union().map_err(fail)?;
    if p.pos != tokens.len() {
        return Err(fail(format!("unexpected {:?}", tokens[p.pos])));
    }
    let mut sel = Selection::default();
    let mut chosen = vec![false; doc.len()];
    for path in &union {
        for node in eval_path(doc, path) {
            match node {
                None => sel.document = true,
                Some(n) => chosen[n] = true,
            }
        }
    }
    sel.elements = doc.subtree(doc.root()).filter(|&n| chosen[n]).collect();
    Ok(sel)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Slash,
    DoubleSlash,
    Pipe,
    LBracket,
    RBracket,
    LParen,
    RParen,
    At,
    Eq,
    NotEq,
    Star,
    Axis(String),
    Name(String),
    Literal(String),
}

fn tokenize(s: &str) -> Result<Vec<Token>, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                out.push(Token::DoubleSlash);
                i += 2;
            }
            b'!' if b.get(i + 1) == Some(&b'=') => {
                out.push(Token::NotEq);
                i += 2;
            }
            b'/' | b'|' | b'[' | b']' | b'(' | b')' | b'@' | b'=' | b'*' => {
                out.push(match c {
                    b'/' => Token::Slash,
                    b'|' => Token::Pipe,
                    b'[' => Token::LBracket,
                    b']' => Token::RBracket,
                    b'(' => Token::LParen,
                    b')' => Token::RParen,
                    b'@' => Token::At,
                    b'=' => Token::Eq,
                    _ => Token::Star,
                });
                i += 1;
            }
            b'"' | b'\'' => {
                let end = s[i + 1..].find(c as char).ok_or("unterminated literal")?;
                out.push(Token::Literal(s[i + 1..i + 1 + end].to_string()));
                i += end + 2;
            }
            _ if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'-' | b'.') || b[i] >= 0x80)
                {
                    i += 1;
                }
                // A prefix (`p:name`, `p:*`) or an axis (`child::`).
                if b.get(i) == Some(&b':') && b.get(i + 1) == Some(&b':') {
                    out.push(Token::Axis(s[start..i].to_string()));
                    i += 2;
                    continue;
                }
                if b.get(i) == Some(&b':') && b.get(i + 1) == Some(&b'*') {
                    out.push(Token::Name(format!("{}:*", &s[start..i])));
                    i += 2;
                    continue;
                }
                if b.get(i) == Some(&b':') {
                    i += 1;
                    while i < b.len()
                        && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'-' | b'.') || b[i] >= 0x80)
                    {
                        i += 1;
                    }
                }
                out.push(Token::Name(s[start..i].to_string()));
            }
            _ => return Err(format!("unsupported character {:?}", c as char)),
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Axis {
    Child,
    Descendant,
    DescendantOrSelf,
    Itself,
}

#[derive(Debug, Clone)]
enum NameTest {
    /// `node()` or `*` (elements only: the subset selects elements).
    Any,
    /// `p:*`: any element in a namespace.
    Namespace(String),
    /// An expanded name.
    Name(Option<String>, String),
}

#[derive(Debug, Clone)]
struct Step {
    axis: Axis,
    test: NameTest,
    predicates: Vec<Expr>,
}

#[derive(Debug, Clone)]
struct Path {
    /// Starts with `/` (always true here: the context node is the root).
    steps: Vec<Step>,
}

#[derive(Debug, Clone)]
enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Eq(Box<Expr>, Box<Expr>, bool),
    /// An attribute by expanded name.
    Attr(Option<String>, String),
    Literal(String),
    Name,
    LocalName,
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    namespaces: &'a [(String, String)],
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, t: &Token) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, t: &Token) -> Result<(), String> {
        if self.eat(t) { Ok(()) } else { Err(format!("expected {t:?} at token {}", self.pos)) }
    }

    fn union(&mut self) -> Result<Vec<Path>, String> {
        let mut paths = vec![self.path()?];
        while self.eat(&Token::Pipe) {
            paths.push(self.path()?);
        }
        Ok(paths)
    }

    fn path(&mut self) -> Result<Path, String> {
        let mut steps = Vec::new();
        let mut axis_prefix = match self.peek() {
            Some(Token::Slash) => {
                self.pos += 1;
                // `/` alone: the root node.
                if matches!(self.peek(), None | Some(Token::Pipe)) {
                    return Ok(Path { steps });
                }
                None
            }
            Some(Token::DoubleSlash) => {
                self.pos += 1;
                Some(Axis::DescendantOrSelf)
            }
            _ => None,
        };
        loop {
            if let Some(a) = axis_prefix.take() {
                steps.push(Step { axis: a, test: NameTest::Any, predicates: Vec::new() });
            }
            steps.push(self.step()?);
            match self.peek() {
                Some(Token::Slash) => self.pos += 1,
                Some(Token::DoubleSlash) => {
                    self.pos += 1;
                    axis_prefix = Some(Axis::DescendantOrSelf);
                }
                _ => break,
            }
        }
        Ok(Path { steps })
    }

    fn step(&mut self) -> Result<Step, String> {
        let axis = match self.peek() {
            Some(Token::Axis(a)) => {
                let axis = match a.as_str() {
                    "child" => Axis::Child,
                    "descendant" => Axis::Descendant,
                    "descendant-or-self" => Axis::DescendantOrSelf,
                    "self" => Axis::Itself,
                    other => return Err(format!("unsupported axis {other}::")),
                };
                self.pos += 1;
                axis
            }
            Some(Token::At) => return Err("attribute steps are not supported".into()),
            _ => Axis::Child,
        };
        let test = match self.peek().cloned() {
            Some(Token::Star) => {
                self.pos += 1;
                NameTest::Any
            }
            Some(Token::Name(n)) if n == "node" && self.tokens.get(self.pos + 1) == Some(&Token::LParen) => {
                self.pos += 1;
                self.expect(&Token::LParen)?;
                self.expect(&Token::RParen)?;
                NameTest::Any
            }
            Some(Token::Name(n)) if self.tokens.get(self.pos + 1) == Some(&Token::LParen) => {
                return Err(format!("unsupported node test {n}()"));
            }
            Some(Token::Name(n)) => {
                self.pos += 1;
                match n.strip_suffix(":*") {
                    Some(p) => NameTest::Namespace(self.resolve(p)?),
                    None => {
                        let (ns, local) = self.qname(&n)?;
                        NameTest::Name(ns, local)
                    }
                }
            }
            other => return Err(format!("expected a name test, found {other:?}")),
        };
        let mut predicates = Vec::new();
        while self.eat(&Token::LBracket) {
            predicates.push(self.or()?);
            self.expect(&Token::RBracket)?;
        }
        Ok(Step { axis, test, predicates })
    }

    fn resolve(&self, prefix: &str) -> Result<String, String> {
        if prefix == "xml" {
            return Ok(super::XML_NAMESPACE.to_string());
        }
        self.namespaces
            .iter()
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| u.clone())
            .ok_or_else(|| format!("undeclared prefix {prefix:?}"))
    }

    /// A QName: prefixed names resolve in scope; unprefixed ones have no namespace (XPath 1.0).
    fn qname(&self, n: &str) -> Result<(Option<String>, String), String> {
        match n.split_once(':') {
            Some((p, l)) => Ok((Some(self.resolve(p)?), l.to_string())),
            None => Ok((None, n.to_string())),
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut e = self.and()?;
        while self.peek() == Some(&Token::Name("or".into())) {
            self.pos += 1;
            e = Expr::Or(Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut e = self.comparison()?;
        while self.peek() == Some(&Token::Name("and".into())) {
            self.pos += 1;
            e = Expr::And(Box::new(e), Box::new(self.comparison()?));
        }
        Ok(e)
    }

    fn comparison(&mut self) -> Result<Expr, String> {
        let left = self.primary()?;
        let negate = match self.peek() {
            Some(Token::Eq) => false,
            Some(Token::NotEq) => true,
            _ => return Ok(left),
        };
        self.pos += 1;
        let right = self.primary()?;
        Ok(Expr::Eq(Box::new(left), Box::new(right), negate))
    }

    fn primary(&mut self) -> Result<Expr, String> {
        match self.peek().cloned() {
            Some(Token::At) => {
                self.pos += 1;
                match self.peek().cloned() {
                    Some(Token::Name(n)) => {
                        self.pos += 1;
                        let (ns, local) = self.qname(&n)?;
                        Ok(Expr::Attr(ns, local))
                    }
                    other => Err(format!("expected an attribute name, found {other:?}")),
                }
            }
            Some(Token::Literal(l)) => {
                self.pos += 1;
                Ok(Expr::Literal(l))
            }
            Some(Token::LParen) => {
                self.pos += 1;
                let e = self.or()?;
                self.expect(&Token::RParen)?;
                Ok(e)
            }
            Some(Token::Name(f)) if self.tokens.get(self.pos + 1) == Some(&Token::LParen) => {
                self.pos += 2;
                let e = match f.as_str() {
                    "not" => Expr::Not(Box::new(self.or()?)),
                    "name" => Expr::Name,
                    "local-name" => Expr::LocalName,
                    other => return Err(format!("unsupported function {other}()")),
                };
                self.expect(&Token::RParen)?;
                Ok(e)
            }
            other => Err(format!("unsupported expression at {other:?}")),
        }
    }
}

/// Values a predicate expression takes.
enum Value {
    Bool(bool),
    /// A string, or `None` for an empty node set (an absent attribute).
    Str(Option<String>),
}

fn eval(doc: &Document, n: NodeId, e: &Expr) -> Value {
    let truth = |v: Value| match v {
        Value::Bool(b) => b,
        Value::Str(s) => s.is_some(),
    };
    match e {
        Expr::Or(a, b) => Value::Bool(truth(eval(doc, n, a)) || truth(eval(doc, n, b))),
        Expr::And(a, b) => Value::Bool(truth(eval(doc, n, a)) && truth(eval(doc, n, b))),
        Expr::Not(a) => Value::Bool(!truth(eval(doc, n, a))),
        Expr::Eq(a, b, negate) => {
            let (a, b) = (eval(doc, n, a), eval(doc, n, b));
            // XPath 1.0 3.4: a comparison with an empty node set is false either way.
            let r = match (a, b) {
                (Value::Str(Some(x)), Value::Str(Some(y))) => Some(x == y),
                (Value::Bool(x), Value::Bool(y)) => Some(x == y),
                (Value::Bool(x), Value::Str(s)) | (Value::Str(s), Value::Bool(x)) => Some(x == s.is_some()),
                _ => None,
            };
            Value::Bool(r.is_some_and(|r| r != *negate))
        }
        Expr::Attr(ns, local) => Value::Str(match &doc.node(n).kind {
            NodeKind::Element { attributes, .. } => attributes
                .iter()
                .find(|a| a.local == *local && a.namespace.as_deref() == ns.as_deref())
                .map(|a| a.value.clone()),
            _ => None,
        }),
        Expr::Literal(l) => Value::Str(Some(l.clone())),
        Expr::Name | Expr::LocalName => Value::Str(match &doc.node(n).kind {
            NodeKind::Element { prefix: Some(p), local, .. } if matches!(e, Expr::Name) => Some(format!("{p}:{local}")),
            NodeKind::Element { local, .. } => Some(local.to_string()),
            _ => None,
        }),
    }
}

fn matches(doc: &Document, n: NodeId, test: &NameTest) -> bool {
    match (&doc.node(n).kind, test) {
        (NodeKind::Element { .. }, NameTest::Any) => true,
        (NodeKind::Element { namespace, .. }, NameTest::Namespace(ns)) => namespace.as_deref() == Some(ns.as_str()),
        (NodeKind::Element { namespace, local, .. }, NameTest::Name(ns, l)) => {
            local == l && namespace.as_deref() == ns.as_deref()
        }
        _ => false,
    }
}

/// Evaluates a path from the root node; `None` in the result stands for the root node.
fn eval_path(doc: &Document, path: &Path) -> Vec<Option<NodeId>> {
    let mut current: Vec<Option<NodeId>> = vec![None];
    for step in &path.steps {
        let mut next: Vec<Option<NodeId>> = Vec::new();
        let mut seen = vec![false; doc.len()];
        let mut root_seen = false;
        let mut push = |n: Option<NodeId>, next: &mut Vec<Option<NodeId>>| match n {
            None if !root_seen => {
                root_seen = true;
                next.push(None);
            }
            Some(id) if !seen[id] => {
                seen[id] = true;
                next.push(Some(id));
            }
            _ => {}
        };
        for &ctx in &current {
            let children: Vec<NodeId> = match ctx {
                None => vec![doc.root()],
                Some(c) => doc.children(c).collect::<Vec<_>>(),
            };
            let candidates: Vec<Option<NodeId>> = match step.axis {
                Axis::Child => children.into_iter().map(Some).collect(),
                Axis::Descendant => children.into_iter().flat_map(|c| doc.subtree(c)).map(Some).collect(),
                Axis::DescendantOrSelf => {
                    std::iter::once(ctx).chain(children.into_iter().flat_map(|c| doc.subtree(c)).map(Some)).collect()
                }
                Axis::Itself => vec![ctx],
            };
            for cand in candidates {
                let keep = match cand {
                    // The root node passes `node()` only (the `//` step's descendant-or-self).
                    None => {
                        matches!(step.test, NameTest::Any) && step.predicates.is_empty() && step.axis != Axis::Child
                    }
                    Some(n) => {
                        matches(doc, n, &step.test)
                            && step.predicates.iter().all(|p| match eval(doc, n, p) {
                                Value::Bool(b) => b,
                                Value::Str(s) => s.is_some(),
                            })
                    }
                };
                if keep {
                    push(cand, &mut next);
                }
            }
        }
        current = next;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::ParseOptions;

    fn names(doc: &Document, s: &Selection) -> Vec<String> {
        s.elements
            .iter()
            .map(|&n| match &doc.node(n).kind {
                NodeKind::Element { local, attributes, .. } => {
                    let id = attributes.iter().find(|a| a.local == "id").map(|a| a.value.as_str()).unwrap_or("");
                    format!("{local}{id}")
                }
                _ => String::new(),
            })
            .collect()
    }

    #[test]
    fn selects_what_filter2_expressions_in_use_select() {
        let xml = br#"<r xmlns:e="urn:e"><e:x id="1"><t id="2"/></e:x><t id="3"><t id="4"/></t><p sid="a"/><p/></r>"#;
        let doc = Document::parse(xml, &ParseOptions::default()).unwrap();
        let root = doc.root();
        let sel = |e: &str| select(&doc, root, e).unwrap();
        assert_eq!(names(&doc, &sel("//t")), ["t2", "t3", "t4"]);
        assert_eq!(names(&doc, &sel("/r/t")), ["t3"]);
        assert_eq!(names(&doc, &sel("//e:x")), ["x1"]);
        assert_eq!(names(&doc, &sel("//*[@id='4'] | //e:*")), ["x1", "t4"]);
        assert_eq!(names(&doc, &sel("/descendant::*[name()='e:x']")), ["x1"]);
        assert_eq!(names(&doc, &sel("/r/p[not(@sid)]")), ["p"]);
        assert_eq!(names(&doc, &sel("/r/*[@sid=\"a\" or @id=\"3\"]")), ["t3", "p"]);
        assert_eq!(names(&doc, &sel("//*[@id='1']/t")), ["t2"]);
        let all = sel("/");
        assert!(all.document && all.elements.is_empty());
        for bad in ["//t/@id", "//t[position()=1]", "ancestor::t", "//z:t", "//t[", "count(//t)"] {
            assert!(select(&doc, root, bad).is_err(), "{bad} should be refused");
        }
    }
}
