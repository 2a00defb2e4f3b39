//! GeneralName (RFC 5280 4.2.1.6) in the forms name constraints can restrict, and the
//! subtree matching rules of RFC 5280 4.2.1.10.

use x509_parser::extensions::GeneralName as Parsed;

use super::Name;

/// A general name as confia compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeneralName {
    /// rfc822Name: a mailbox, or in a constraint a host or a domain (leading dot).
    Email(String),
    /// dNSName.
    Dns(String),
    /// uniformResourceIdentifier, or in a constraint a host or a domain (leading dot).
    Uri(String),
    /// iPAddress: 4 or 16 octets in a name; address followed by mask (8 or 32) in a constraint.
    Ip(Vec<u8>),
    /// directoryName.
    Directory(Name),
    /// Any other form (otherName, x400Address, ediPartyName, registeredID), kept by its
    /// GeneralName tag number so that a constraint on it can fail closed.
    Other(u8),
}

/// The kinds of general name, for grouping constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameKind {
    /// rfc822Name
    Email,
    /// dNSName
    Dns,
    /// uniformResourceIdentifier
    Uri,
    /// iPAddress
    Ip,
    /// directoryName
    Directory,
    /// any other form, by tag number
    Other(u8),
}

impl GeneralName {
    pub(crate) fn from_parsed(n: &Parsed<'_>) -> Self {
        match n {
            Parsed::RFC822Name(s) => Self::Email((*s).to_string()),
            Parsed::DNSName(s) => Self::Dns((*s).to_string()),
            Parsed::URI(s) => Self::Uri((*s).to_string()),
            Parsed::IPAddress(b) => Self::Ip(b.to_vec()),
            Parsed::DirectoryName(d) => Self::Directory(Name::from_parsed(d)),
            Parsed::OtherName(..) => Self::Other(0),
            Parsed::X400Address(_) => Self::Other(3),
            Parsed::EDIPartyName(_) => Self::Other(5),
            Parsed::RegisteredID(_) => Self::Other(8),
            Parsed::Invalid(tag, _) => Self::Other(tag.0.min(255) as u8),
        }
    }

    /// The kind of this name.
    pub fn kind(&self) -> NameKind {
        match self {
            Self::Email(_) => NameKind::Email,
            Self::Dns(_) => NameKind::Dns,
            Self::Uri(_) => NameKind::Uri,
            Self::Ip(_) => NameKind::Ip,
            Self::Directory(_) => NameKind::Directory,
            Self::Other(t) => NameKind::Other(*t),
        }
    }

    /// Whether two names denote the same thing (directory names compared per RFC 5280 7.1,
    /// DNS names and URI hosts without regard to case).
    pub fn same_as(&self, other: &GeneralName) -> bool {
        match (self, other) {
            (Self::Directory(a), Self::Directory(b)) => a.matches(b),
            (Self::Dns(a), Self::Dns(b)) => a.eq_ignore_ascii_case(b),
            (Self::Email(a), Self::Email(b)) | (Self::Uri(a), Self::Uri(b)) => a == b,
            (Self::Ip(a), Self::Ip(b)) => a == b,
            _ => false,
        }
    }

    /// Whether this name (from a certificate) lies in the subtree `base` (from a name
    /// constraint) of the same kind. Names of different kinds never match.
    pub fn is_within(&self, base: &GeneralName) -> bool {
        match (self, base) {
            (Self::Dns(n), Self::Dns(b)) => dns_within(n, b),
            (Self::Email(n), Self::Email(b)) => email_within(n, b),
            (Self::Uri(n), Self::Uri(b)) => uri_host(n).is_some_and(|h| host_within(&h, b)),
            (Self::Ip(n), Self::Ip(b)) => ip_within(n, b),
            (Self::Directory(n), Self::Directory(b)) => n.is_within(b),
            // Forms confia cannot compare: not within, so a permitted subtree of that form
            // rejects the name and an excluded one does not exclude it.
            _ => false,
        }
    }
}

impl GeneralName {
    /// RFC 5280 4.2.1.6: a name in a certificate is well-formed: a dNSName is a preferred-syntax
    /// host name (RFC 1034 3.5, a leading `*.` label allowed), an iPAddress has 4 or 16 octets.
    pub fn check_name_syntax(&self) -> Result<(), String> {
        match self {
            Self::Dns(d) => {
                let host = d.strip_prefix("*.").unwrap_or(d);
                if is_host_name(host) { Ok(()) } else { Err(format!("dNSName {d:?}")) }
            }
            Self::Ip(b) if b.len() != 4 && b.len() != 16 => Err(format!("iPAddress of {} octets", b.len())),
            _ => Ok(()),
        }
    }

    /// RFC 5280 4.2.1.10: a constraint is well-formed: a dNSName constraint is a host name
    /// (empty, or with a leading dot, allowed), an iPAddress constraint an address with a
    /// contiguous mask (8 or 32 octets).
    pub fn check_constraint_syntax(&self) -> Result<(), String> {
        match self {
            Self::Dns(d) => {
                let host = d.strip_prefix('.').unwrap_or(d);
                if d.is_empty() || is_host_name(host) { Ok(()) } else { Err(format!("dNSName {d:?}")) }
            }
            Self::Ip(b) => {
                if b.len() != 8 && b.len() != 32 {
                    return Err(format!("iPAddress constraint of {} octets", b.len()));
                }
                let mask = &b[b.len() / 2..];
                let bits: Vec<bool> = mask.iter().flat_map(|m| (0..8).rev().map(move |i| m >> i & 1 == 1)).collect();
                if bits.windows(2).any(|w| !w[0] && w[1]) {
                    return Err("iPAddress constraint with a non-contiguous mask".into());
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// RFC 1034 3.5 preferred name syntax (letters, digits, hyphens; labels of 1 to 63 octets not
/// starting or ending with a hyphen), case-insensitive; a trailing dot is not allowed.
fn is_host_name(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// RFC 5280 4.2.1.10: a dNSName constraint matches the name itself and any name formed by
/// adding labels to its left. A leading dot (a common legacy form) means subdomains only.
fn dns_within(name: &str, base: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let base = base.trim_end_matches('.').to_ascii_lowercase();
    if base.is_empty() {
        return true;
    }
    if let Some(domain) = base.strip_prefix('.') {
        return name.len() > domain.len() + 1 && name.ends_with(&base);
    }
    name == base || (name.len() > base.len() && name.ends_with(&base) && name[..name.len() - base.len()].ends_with('.'))
}

/// A host (from a URI or the domain of a mailbox) against a host or `.domain` constraint.
fn host_within(host: &str, base: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let base = base.to_ascii_lowercase();
    match base.strip_prefix('.') {
        Some(_) => host.ends_with(&base) && host.len() > base.len(),
        None => host == base,
    }
}

/// RFC 5280 4.2.1.10: an rfc822Name constraint is a mailbox (exact), a host (all mailboxes at
/// it) or a domain with a leading dot (mailboxes at any host in it).
fn email_within(name: &str, base: &str) -> bool {
    let Some((local, domain)) = name.rsplit_once('@') else { return false };
    match base.rsplit_once('@') {
        Some((blocal, bdomain)) => local == blocal && domain.eq_ignore_ascii_case(bdomain),
        None => host_within(domain, base),
    }
}

/// The host of a URI with an authority (`scheme://[user@]host[:port]/...`); a URI without one
/// cannot be checked against a host constraint (RFC 5280 4.2.1.10).
fn uri_host(uri: &str) -> Option<String> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host =
        if let Some(v6) = host_port.strip_prefix('[') { v6.split(']').next()? } else { host_port.split(':').next()? };
    (!host.is_empty()).then(|| host.to_string())
}

/// RFC 5280 4.2.1.10: an iPAddress constraint is an address and a mask of twice its length.
fn ip_within(name: &[u8], base: &[u8]) -> bool {
    if base.len() != 2 * name.len() || !(name.len() == 4 || name.len() == 16) {
        return false;
    }
    let (addr, mask) = base.split_at(name.len());
    name.iter().zip(addr).zip(mask).all(|((n, a), m)| n & m == a & m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_subtrees() {
        assert!(dns_within("example.com", "example.com"));
        assert!(dns_within("www.Example.com", "example.com"));
        assert!(!dns_within("wwwexample.com", "example.com"));
        assert!(!dns_within("example.com", ".example.com"));
        assert!(dns_within("a.example.com", ".example.com"));
        assert!(dns_within("anything", ""));
    }

    #[test]
    fn email_subtrees() {
        assert!(email_within("a@example.com", "a@example.com"));
        assert!(!email_within("b@example.com", "a@example.com"));
        assert!(email_within("b@example.com", "example.com"));
        assert!(!email_within("b@mail.example.com", "example.com"));
        assert!(email_within("b@mail.example.com", ".example.com"));
        assert!(!email_within("b@example.com", ".example.com"));
    }

    #[test]
    fn uri_and_ip_subtrees() {
        assert_eq!(uri_host("http://user@host.example.com:80/x").as_deref(), Some("host.example.com"));
        assert_eq!(uri_host("urn:isbn:1234"), None);
        assert!(host_within("host.example.com", ".example.com"));
        assert!(ip_within(&[192, 168, 1, 7], &[192, 168, 0, 0, 255, 255, 0, 0]));
        assert!(!ip_within(&[10, 0, 0, 1], &[192, 168, 0, 0, 255, 255, 0, 0]));
        assert!(!ip_within(&[10, 0, 0, 1], &[10, 0, 0, 0]));
    }
}
