//! Shared strings for names: a document repeats a few element names, prefixes and namespace
//! URIs (and indentation) thousands of times, so the parser keeps one copy of each.

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Deref;

use arcstr::ArcStr;

/// An immutable, cheaply cloned string, shared between the nodes that use it (one pointer
/// wide, so an optional name costs 8 bytes).
///
/// It reads as a `str` (through `Deref`) and compares with string slices:
///
/// ```
/// use confia::xml::{Document, NodeKind, ParseOptions};
/// let doc = Document::parse(b"<a xmlns='urn:x'><b/></a>", &ParseOptions::default())?;
/// let NodeKind::Element { local, namespace, .. } = &doc.node(doc.root()).kind else { unreachable!() };
/// assert!(local == "a" && namespace.as_deref() == Some("urn:x"));
/// # Ok::<(), confia::xml::XmlError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Atom(ArcStr);

impl Atom {
    /// The string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Atom {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Atom {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Atom {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Atom {
    fn from(s: &str) -> Self {
        Atom(ArcStr::from(s))
    }
}

impl From<String> for Atom {
    fn from(s: String) -> Self {
        Atom(ArcStr::from(s))
    }
}

impl PartialEq<str> for Atom {
    fn eq(&self, other: &str) -> bool {
        self.0.as_str() == other
    }
}

impl PartialEq<&str> for Atom {
    fn eq(&self, other: &&str) -> bool {
        self.0.as_str() == *other
    }
}

impl PartialEq<String> for Atom {
    fn eq(&self, other: &String) -> bool {
        self.0.as_str() == other.as_str()
    }
}

impl fmt::Debug for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0.as_str(), f)
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The atoms of one parse.
#[derive(Default)]
pub(super) struct Atoms {
    set: HashSet<Atom>,
    /// Qualified names already split: one lookup per element or attribute name.
    qnames: HashMap<Atom, (Option<Atom>, Atom)>,
    /// The last whitespace run seen of each length: indentation repeats with its depth, so
    /// most runs are found without hashing.
    blanks: Vec<Option<Atom>>,
}

impl Atoms {
    /// The shared copy of `s`.
    pub(super) fn get(&mut self, s: &str) -> Atom {
        if let Some(a) = self.set.get(s) {
            return a.clone();
        }
        let a = Atom::from(s);
        self.set.insert(a.clone());
        a
    }

    /// The prefix and local name of a qualified name; `None` when `q` is not one (Namespaces
    /// in XML 1.0 `QName`: an optional NCName prefix, a colon, an NCName).
    pub(super) fn qname(&mut self, q: &str) -> Option<(Option<Atom>, Atom)> {
        if let Some(split) = self.qnames.get(q) {
            return Some(split.clone());
        }
        let split = match q.split_once(':') {
            Some((p, l)) if is_ncname(p) && is_ncname(l) => (Some(self.get(p)), self.get(l)),
            None if is_ncname(q) => (None, self.get(q)),
            _ => return None,
        };
        let key = self.get(q);
        self.qnames.insert(key, split.clone());
        Some(split)
    }

    /// The shared copy of a short whitespace run.
    pub(super) fn blank(&mut self, s: &str) -> Atom {
        if self.blanks.len() <= s.len() {
            self.blanks.resize(s.len() + 1, None);
        }
        if let Some(a) = &self.blanks[s.len()]
            && *a == *s
        {
            return a.clone();
        }
        let a = self.get(s);
        self.blanks[s.len()] = Some(a.clone());
        a
    }
}

/// Namespaces in XML 1.0 `NCName`: an XML 1.0 (fifth edition) `Name` without colons.
pub(super) fn is_ncname(s: &str) -> bool {
    let start = |c: char| {
        matches!(c, 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
            | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}'
            | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
            | '\u{10000}'..='\u{EFFFF}')
    };
    let rest = |c: char| {
        start(c) || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
    };
    let mut chars = s.chars();
    chars.next().is_some_and(start) && chars.all(rest)
}
