//! Distinguished names: the raw encoding plus a normalized form for comparison.

use std::fmt;

use x509_parser::x509::{RelativeDistinguishedName, X509Name};

/// A distinguished name as it appears in a certificate or CRL.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Name {
    der: Vec<u8>,
    /// One normalized string per RDN, in order: equality and subtree (prefix) comparisons
    /// work on these.
    rdns: Vec<String>,
    /// emailAddress attribute values (for rfc822Name constraints, RFC 5280 4.2.1.10).
    emails: Vec<String>,
    display: String,
}

impl Name {
    pub(crate) fn from_parsed(n: &X509Name<'_>) -> Self {
        let emails = n
            .iter_rdn()
            .flat_map(|r| r.iter())
            .filter(|a| a.attr_type().as_bytes() == crate::asn1::oid::EMAIL_ADDRESS.as_bytes())
            .filter_map(|a| a.as_str().ok().map(str::to_owned))
            .collect();
        Name { der: n.as_raw().to_vec(), rdns: normalize(n), emails, display: n.to_string() }
    }

    /// Parses a DER `Name`.
    pub fn from_der(der: &[u8]) -> Option<Self> {
        use x509_parser::prelude::FromDer;
        let (rest, n) = X509Name::from_der(der).ok()?;
        rest.is_empty().then(|| Self::from_parsed(&n))
    }

    /// The normalized RDNs [`Name::matches`] compares (one string per RDN): two names match
    /// exactly when these are equal or their encodings are, so this is a lookup key.
    pub fn normalized(&self) -> &[String] {
        &self.rdns
    }

    /// The DER encoding of the `Name`.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Whether two names denote the same entity: identical encodings, or equal after the
    /// RFC 5280 7.1 / RFC 4518 simplifications confia applies (case folding and whitespace
    /// compression of string attributes, ignoring the string type).
    pub fn matches(&self, other: &Name) -> bool {
        (!self.der.is_empty() && self.der == other.der) || (!self.rdns.is_empty() && self.rdns == other.rdns)
    }

    /// This name with one more RDN appended (a distribution point's nameRelativeToCRLIssuer).
    /// The result has no DER encoding of its own; it compares by its normalized RDNs.
    pub(crate) fn with_rdn(&self, rdn: &RelativeDistinguishedName<'_>) -> Name {
        let mut rdns = self.rdns.clone();
        rdns.push(normalize_rdn(rdn));
        let shown: Vec<String> = rdn.iter().map(|a| a.as_str().unwrap_or("?").to_string()).collect();
        Name {
            der: Vec::new(),
            rdns,
            emails: self.emails.clone(),
            display: format!("{}, {}", self.display, shown.join("+")),
        }
    }

    /// Whether the name has no RDN (an empty subject).
    pub fn is_empty(&self) -> bool {
        self.rdns.is_empty()
    }

    /// Whether this name lies in the directoryName subtree rooted at `base`: its RDN sequence
    /// starts with `base`'s (RFC 5280 4.2.1.10, compared per RFC 5280 7.1).
    pub fn is_within(&self, base: &Name) -> bool {
        self.rdns.starts_with(&base.rdns)
    }

    /// The emailAddress attribute values in the name.
    pub fn email_addresses(&self) -> &[String] {
        &self.emails
    }
}

fn normalize(n: &X509Name<'_>) -> Vec<String> {
    n.iter_rdn().map(normalize_rdn).collect()
}

fn normalize_rdn(rdn: &RelativeDistinguishedName<'_>) -> String {
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
    attrs.join("+")
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
