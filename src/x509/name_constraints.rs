//! The nameConstraints extension (RFC 5280 4.2.1.10) and its application to the certificates
//! below a CA (RFC 5280 6.1.3 (b) and (c)).

use super::Certificate;
use super::general_name::GeneralName;

/// The subtrees a CA permits and excludes. Applying each CA's constraints in turn is the same as
/// intersecting the permitted subtrees and uniting the excluded ones (RFC 5280 6.1.4 (g)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameConstraints {
    /// permittedSubtrees: `None` when absent (no restriction).
    pub permitted: Option<Vec<GeneralName>>,
    /// excludedSubtrees.
    pub excluded: Vec<GeneralName>,
}

/// The names of a certificate that name constraints apply to: the subject DN (when not empty),
/// its emailAddress attributes as rfc822Names, and every subjectAltName.
pub fn constrained_names(c: &Certificate) -> Vec<GeneralName> {
    let mut names = Vec::new();
    if !c.subject().is_empty() {
        names.push(GeneralName::Directory(c.subject().clone()));
    }
    names.extend(c.subject().email_addresses().iter().cloned().map(GeneralName::Email));
    names.extend(c.subject_alt_names().iter().cloned());
    names
}

impl NameConstraints {
    /// RFC 5280 6.1.3 (b): every name of a kind the permitted subtrees restrict lies in one of
    /// them; (c): no name lies in an excluded subtree. Names of a kind no subtree mentions are
    /// unrestricted, so a DNS-only constraint never rejects a subject DN.
    pub fn check(&self, names: &[GeneralName]) -> Result<(), String> {
        for name in names {
            if let Some(permitted) = &self.permitted {
                let same_kind: Vec<&GeneralName> = permitted.iter().filter(|p| p.kind() == name.kind()).collect();
                if !same_kind.is_empty() && !same_kind.iter().any(|p| name.is_within(p)) {
                    return Err(format!("{} is outside the permitted subtrees", describe(name)));
                }
            }
            if let Some(ex) = self.excluded.iter().find(|e| name.is_within(e)) {
                return Err(format!("{} is in the excluded subtree {}", describe(name), describe(ex)));
            }
        }
        Ok(())
    }
}

fn describe(n: &GeneralName) -> String {
    match n {
        GeneralName::Email(s) => format!("rfc822Name {s}"),
        GeneralName::Dns(s) => format!("dNSName {s}"),
        GeneralName::Uri(s) => format!("URI {s}"),
        GeneralName::Ip(b) => format!("iPAddress {}", hex::encode(b)),
        GeneralName::Directory(d) => format!("directoryName {d}"),
        GeneralName::Other(t) => format!("general name of tag [{t}]"),
    }
}
