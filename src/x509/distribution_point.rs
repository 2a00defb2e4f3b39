//! CRL distribution points (RFC 5280 4.2.1.13) and the reason sets CRLs are partitioned by.

use std::fmt;

use x509_parser::extensions::{DistributionPointName, ReasonFlags};

use super::{GeneralName, Name};
use crate::asn1::{self, Element, Tag};

/// A set of revocation reasons (the ReasonFlags bits 1 to 8 of RFC 5280 4.2.1.13).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct ReasonSet(u16);

impl ReasonSet {
    /// No reason.
    pub const EMPTY: ReasonSet = ReasonSet(0);
    /// Every reason: keyCompromise, cACompromise, affiliationChanged, superseded,
    /// cessationOfOperation, certificateHold, privilegeWithdrawn, aACompromise.
    pub const ALL: ReasonSet = ReasonSet(0b1_1111_1110);

    pub(crate) fn from_parsed(f: &ReasonFlags) -> Self {
        ReasonSet(f.flags & Self::ALL.0)
    }
    /// The reasons in both sets.
    pub fn intersection(self, other: ReasonSet) -> ReasonSet {
        ReasonSet(self.0 & other.0)
    }
    /// The reasons in either set.
    pub fn union(self, other: ReasonSet) -> ReasonSet {
        ReasonSet(self.0 | other.0)
    }
    /// Whether every reason of `self` is in `other`.
    pub fn is_subset_of(self, other: ReasonSet) -> bool {
        self.0 & !other.0 == 0
    }
}

impl fmt::Debug for ReasonSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReasonSet({:#011b})", self.0)
    }
}

/// One DistributionPoint of a certificate's cRLDistributionPoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributionPoint {
    /// The distribution point's names (fullName, or nameRelativeToCRLIssuer completed to a
    /// directory name); `None` when the field is absent.
    pub names: Option<Vec<GeneralName>>,
    /// The reasons its CRLs cover; `None` means all.
    pub reasons: Option<ReasonSet>,
    /// cRLIssuer: who issues its CRLs when that is not the certificate's issuer.
    pub crl_issuer: Vec<GeneralName>,
}

/// The names a DistributionPointName denotes; a name relative to the CRL issuer is appended
/// to `crl_issuer` (RFC 5280 4.2.1.13).
pub(crate) fn point_names(n: &DistributionPointName<'_>, crl_issuer: &Name) -> Vec<GeneralName> {
    match n {
        DistributionPointName::FullName(names) => names.iter().map(GeneralName::from_parsed).collect(),
        DistributionPointName::NameRelativeToCRLIssuer(rdn) => {
            vec![GeneralName::Directory(crl_issuer.with_rdn(rdn))]
        }
    }
}

/// The nameRelativeToCRLIssuer of a DistributionPoint or IssuingDistributionPoint SEQUENCE, as
/// a DER SET (re-tagged from `[1] IMPLICIT`), read with confia's own reader because x509-parser
/// misreads that form.
pub(crate) fn relative_rdn_der(point: &Element<'_>) -> Option<Vec<u8>> {
    let mut fields = point.children();
    let dpn = fields.optional(Tag::context(0, true)).ok()??;
    let inner = asn1::read_single(dpn.contents, "DistributionPointName").ok()?;
    (inner.tag == Tag::context(1, true)).then(|| asn1::der::tlv(0x31, inner.contents))
}

/// `base` extended by the RDN whose DER SET is `rdn_der`.
pub(crate) fn relative_name(rdn_der: &[u8], base: &Name) -> Option<Name> {
    use x509_parser::prelude::FromDer;
    use x509_parser::x509::RelativeDistinguishedName;
    let (rest, rdn) = RelativeDistinguishedName::from_der(rdn_der).ok()?;
    rest.is_empty().then(|| base.with_rdn(&rdn))
}
