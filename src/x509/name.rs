//! Distinguished names: the raw encoding plus a normalized form for comparison.

use std::fmt;

use x509_parser::x509::X509Name;

/// A distinguished name as it appears in a certificate or CRL.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Name {
    der: Vec<u8>,
    normalized: String,
    display: String,
}

impl Name {
    pub(crate) fn from_parsed(n: &X509Name<'_>) -> Self {
        Name { der: n.as_raw().to_vec(), normalized: normalize(n), display: n.to_string() }
    }

    /// Parses a DER `Name`.
    pub fn from_der(der: &[u8]) -> Option<Self> {
        use x509_parser::prelude::FromDer;
        let (rest, n) = X509Name::from_der(der).ok()?;
        rest.is_empty().then(|| Self::from_parsed(&n))
    }

    /// The DER encoding of the `Name`.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Whether two names denote the same entity: identical encodings, or equal after the
    /// RFC 5280 7.1 / RFC 4518 simplifications confia applies (case folding and whitespace
    /// compression of string attributes, ignoring the string type).
    pub fn matches(&self, other: &Name) -> bool {
        self.der == other.der || (!self.normalized.is_empty() && self.normalized == other.normalized)
    }
}

fn normalize(n: &X509Name<'_>) -> String {
    let mut out = String::new();
    for rdn in n.iter_rdn() {
        let mut attrs: Vec<String> = rdn
            .iter()
            .map(|a| {
                let v = match a.as_str() {
                    Ok(s) => s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase(),
                    Err(_) => hex::encode(a.attr_value().data),
                };
                format!("{}={}", a.attr_type(), v)
            })
            .collect();
        attrs.sort();
        out.push_str(&attrs.join("+"));
        out.push('/');
    }
    out
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({})", self.display)
    }
}
