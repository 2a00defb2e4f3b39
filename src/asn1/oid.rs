//! Object identifiers as small copyable values, and the ones confia knows by name.

use std::fmt;

use super::Asn1Error;

/// Longest OID contents (in DER octets) that [`Oid`] holds. Real OIDs, including
/// UUID-derived `2.25.*` arcs, stay far below it.
pub const MAX_OID_LEN: usize = 64;

/// An OBJECT IDENTIFIER, held as its DER contents octets.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Oid {
    len: u8,
    bytes: [u8; MAX_OID_LEN],
}

impl Oid {
    /// Builds an OID from its arcs at compile time.
    ///
    /// ```
    /// use confia::asn1::Oid;
    /// const SHA256: Oid = Oid::from_arcs(&[2, 16, 840, 1, 101, 3, 4, 2, 1]);
    /// assert_eq!(SHA256.to_string(), "2.16.840.1.101.3.4.2.1");
    /// ```
    pub const fn from_arcs(arcs: &[u64]) -> Oid {
        let mut bytes = [0u8; MAX_OID_LEN];
        let mut len = 0usize;
        let mut i = 1;
        while i < arcs.len() {
            let v = if i == 1 { arcs[0] * 40 + arcs[1] } else { arcs[i] };
            // base-128, most significant group first
            let mut groups = 1;
            let mut t = v >> 7;
            while t > 0 {
                groups += 1;
                t >>= 7;
            }
            let mut g = groups;
            while g > 0 {
                g -= 1;
                let mut b = ((v >> (7 * g)) & 0x7f) as u8;
                if g > 0 {
                    b |= 0x80;
                }
                bytes[len] = b;
                len += 1;
            }
            i += 1;
        }
        Oid { len: len as u8, bytes }
    }

    /// Reads the contents octets of a DER OBJECT IDENTIFIER.
    pub fn from_der_contents(c: &[u8]) -> Result<Oid, Asn1Error> {
        // X.690 8.19: non-empty, each subidentifier minimally encoded, last octet terminates.
        if c.is_empty() || c.len() > MAX_OID_LEN || c[c.len() - 1] & 0x80 != 0 {
            return Err(Asn1Error::InvalidValue("OBJECT IDENTIFIER"));
        }
        let mut start = true;
        for b in c {
            if start && *b == 0x80 {
                return Err(Asn1Error::InvalidValue("OBJECT IDENTIFIER"));
            }
            start = b & 0x80 == 0;
        }
        let mut bytes = [0u8; MAX_OID_LEN];
        bytes[..c.len()].copy_from_slice(c);
        Ok(Oid { len: c.len() as u8, bytes })
    }

    /// Parses dotted decimal notation, e.g. `"1.2.840.113549.1.7.2"`.
    pub fn parse(dotted: &str) -> Option<Oid> {
        let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().ok()).collect::<Option<_>>()?;
        if arcs.len() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40) {
            return None;
        }
        if arcs.iter().any(|a| *a > (u64::MAX >> 8)) || arcs.len() > MAX_OID_LEN / 2 {
            return None;
        }
        Some(Oid::from_arcs(&arcs))
    }

    /// The DER contents octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut v: u64 = 0;
        for b in self.as_bytes() {
            v = (v << 7) | u64::from(b & 0x7f);
            if b & 0x80 == 0 {
                if first {
                    let (a, b) = if v < 40 {
                        (0, v)
                    } else if v < 80 {
                        (1, v - 40)
                    } else {
                        (2, v - 80)
                    };
                    write!(f, "{a}.{b}")?;
                    first = false;
                } else {
                    write!(f, ".{v}")?;
                }
                v = 0;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Oid({self})")
    }
}

macro_rules! oids {
    ($($(#[$doc:meta])* $name:ident = [$($arc:expr),+];)+) => {
        $($(#[$doc])* pub const $name: Oid = Oid::from_arcs(&[$($arc),+]);)+
    };
}

oids! {
    /// id-data (RFC 5652 4)
    DATA = [1, 2, 840, 113549, 1, 7, 1];
    /// id-signedData (RFC 5652 5.1)
    SIGNED_DATA = [1, 2, 840, 113549, 1, 7, 2];
    /// id-contentType (RFC 5652 11.1)
    CONTENT_TYPE = [1, 2, 840, 113549, 1, 9, 3];
    /// id-messageDigest (RFC 5652 11.2)
    MESSAGE_DIGEST = [1, 2, 840, 113549, 1, 9, 4];
    /// id-signingTime (RFC 5652 11.3)
    SIGNING_TIME = [1, 2, 840, 113549, 1, 9, 5];
    /// id-countersignature (RFC 5652 11.4)
    COUNTER_SIGNATURE = [1, 2, 840, 113549, 1, 9, 6];
    /// id-aa-signingCertificate (RFC 2634 5.4)
    SIGNING_CERTIFICATE = [1, 2, 840, 113549, 1, 9, 16, 2, 12];
    /// id-aa-signingCertificateV2 (RFC 5035 3)
    SIGNING_CERTIFICATE_V2 = [1, 2, 840, 113549, 1, 9, 16, 2, 47];
    /// id-aa-signatureTimeStampToken (RFC 3161 appendix A)
    SIGNATURE_TIME_STAMP = [1, 2, 840, 113549, 1, 9, 16, 2, 14];
    /// id-aa-ets-contentTimestamp
    CONTENT_TIME_STAMP = [1, 2, 840, 113549, 1, 9, 16, 2, 20];
    /// id-aa-ets-sigPolicyId
    SIGNATURE_POLICY_ID = [1, 2, 840, 113549, 1, 9, 16, 2, 15];
    /// id-aa-ets-certificateRefs
    COMPLETE_CERTIFICATE_REFS = [1, 2, 840, 113549, 1, 9, 16, 2, 21];
    /// id-aa-ets-revocationRefs
    COMPLETE_REVOCATION_REFS = [1, 2, 840, 113549, 1, 9, 16, 2, 22];
    /// id-aa-ets-certValues
    CERTIFICATE_VALUES = [1, 2, 840, 113549, 1, 9, 16, 2, 23];
    /// id-aa-ets-revocationValues
    REVOCATION_VALUES = [1, 2, 840, 113549, 1, 9, 16, 2, 24];
    /// id-aa-ets-escTimeStamp (CAdES-X type 1)
    ESC_TIME_STAMP = [1, 2, 840, 113549, 1, 9, 16, 2, 25];
    /// id-aa-ets-certCRLTimestamp (CAdES-X type 2)
    CERT_CRL_TIME_STAMP = [1, 2, 840, 113549, 1, 9, 16, 2, 26];
    /// id-aa-ets-archiveTimestamp (CAdES-A v1)
    ARCHIVE_TIME_STAMP_V1 = [1, 2, 840, 113549, 1, 9, 16, 2, 27];
    /// id-aa-ets-archiveTimestampV2
    ARCHIVE_TIME_STAMP_V2 = [1, 2, 840, 113549, 1, 9, 16, 2, 48];
    /// id-aa-ets-archiveTimestampV3 (EN 319 122-1)
    ARCHIVE_TIME_STAMP_V3 = [0, 4, 0, 1733, 2, 4];
    /// rsaEncryption (RFC 8017)
    RSA_ENCRYPTION = [1, 2, 840, 113549, 1, 1, 1];
    /// md5WithRSAEncryption
    MD5_WITH_RSA = [1, 2, 840, 113549, 1, 1, 4];
    /// sha1WithRSAEncryption
    SHA1_WITH_RSA = [1, 2, 840, 113549, 1, 1, 5];
    /// id-RSASSA-PSS (RFC 4055)
    RSASSA_PSS = [1, 2, 840, 113549, 1, 1, 10];
    /// id-mgf1 (RFC 4055)
    MGF1 = [1, 2, 840, 113549, 1, 1, 8];
    /// sha256WithRSAEncryption
    SHA256_WITH_RSA = [1, 2, 840, 113549, 1, 1, 11];
    /// sha384WithRSAEncryption
    SHA384_WITH_RSA = [1, 2, 840, 113549, 1, 1, 12];
    /// sha512WithRSAEncryption
    SHA512_WITH_RSA = [1, 2, 840, 113549, 1, 1, 13];
    /// sha224WithRSAEncryption
    SHA224_WITH_RSA = [1, 2, 840, 113549, 1, 1, 14];
    /// id-rsassa-pkcs1-v1_5-with-sha3-224 (NIST CSOR)
    SHA3_224_WITH_RSA = [2, 16, 840, 1, 101, 3, 4, 3, 13];
    /// id-rsassa-pkcs1-v1_5-with-sha3-256
    SHA3_256_WITH_RSA = [2, 16, 840, 1, 101, 3, 4, 3, 14];
    /// id-rsassa-pkcs1-v1_5-with-sha3-384
    SHA3_384_WITH_RSA = [2, 16, 840, 1, 101, 3, 4, 3, 15];
    /// id-rsassa-pkcs1-v1_5-with-sha3-512
    SHA3_512_WITH_RSA = [2, 16, 840, 1, 101, 3, 4, 3, 16];
    /// id-ecPublicKey (RFC 5480)
    EC_PUBLIC_KEY = [1, 2, 840, 10045, 2, 1];
    /// id-dsa (RFC 3279 2.3.2)
    DSA = [1, 2, 840, 10040, 4, 1];
    /// id-dsa-with-sha1 (RFC 3279 2.2.2)
    DSA_WITH_SHA1 = [1, 2, 840, 10040, 4, 3];
    /// id-dsa-with-sha224 (RFC 5758 3.1)
    DSA_WITH_SHA224 = [2, 16, 840, 1, 101, 3, 4, 3, 1];
    /// id-dsa-with-sha256 (RFC 5758 3.1)
    DSA_WITH_SHA256 = [2, 16, 840, 1, 101, 3, 4, 3, 2];
    /// ecdsa-with-SHA1 (RFC 3279)
    ECDSA_WITH_SHA1 = [1, 2, 840, 10045, 4, 1];
    /// ecdsa-with-SHA224 (RFC 5758)
    ECDSA_WITH_SHA224 = [1, 2, 840, 10045, 4, 3, 1];
    /// ecdsa-with-SHA256
    ECDSA_WITH_SHA256 = [1, 2, 840, 10045, 4, 3, 2];
    /// ecdsa-with-SHA384
    ECDSA_WITH_SHA384 = [1, 2, 840, 10045, 4, 3, 3];
    /// ecdsa-with-SHA512
    ECDSA_WITH_SHA512 = [1, 2, 840, 10045, 4, 3, 4];
    /// id-ecdsa-with-sha3-224
    ECDSA_WITH_SHA3_224 = [2, 16, 840, 1, 101, 3, 4, 3, 9];
    /// id-ecdsa-with-sha3-256
    ECDSA_WITH_SHA3_256 = [2, 16, 840, 1, 101, 3, 4, 3, 10];
    /// id-ecdsa-with-sha3-384
    ECDSA_WITH_SHA3_384 = [2, 16, 840, 1, 101, 3, 4, 3, 11];
    /// id-ecdsa-with-sha3-512
    ECDSA_WITH_SHA3_512 = [2, 16, 840, 1, 101, 3, 4, 3, 12];
    /// secp256r1 / P-256
    SECP256R1 = [1, 2, 840, 10045, 3, 1, 7];
    /// secp384r1 / P-384
    SECP384R1 = [1, 3, 132, 0, 34];
    /// secp521r1 / P-521
    SECP521R1 = [1, 3, 132, 0, 35];
    /// brainpoolP256r1 (RFC 5639)
    BRAINPOOL_P256R1 = [1, 3, 36, 3, 3, 2, 8, 1, 1, 7];
    /// brainpoolP384r1 (RFC 5639)
    BRAINPOOL_P384R1 = [1, 3, 36, 3, 3, 2, 8, 1, 1, 11];
    /// id-Ed25519 (RFC 8410)
    ED25519 = [1, 3, 101, 112];
    /// id-md5
    MD5 = [1, 2, 840, 113549, 2, 5];
    /// id-sha1
    SHA1 = [1, 3, 14, 3, 2, 26];
    /// id-sha224
    SHA224 = [2, 16, 840, 1, 101, 3, 4, 2, 4];
    /// id-sha256
    SHA256 = [2, 16, 840, 1, 101, 3, 4, 2, 1];
    /// id-sha384
    SHA384 = [2, 16, 840, 1, 101, 3, 4, 2, 2];
    /// id-sha512
    SHA512 = [2, 16, 840, 1, 101, 3, 4, 2, 3];
    /// id-sha3-224
    SHA3_224 = [2, 16, 840, 1, 101, 3, 4, 2, 7];
    /// id-sha3-256
    SHA3_256 = [2, 16, 840, 1, 101, 3, 4, 2, 8];
    /// id-sha3-384
    SHA3_384 = [2, 16, 840, 1, 101, 3, 4, 2, 9];
    /// id-sha3-512
    SHA3_512 = [2, 16, 840, 1, 101, 3, 4, 2, 10];
    /// id-ce-subjectKeyIdentifier
    SUBJECT_KEY_IDENTIFIER = [2, 5, 29, 14];
    /// id-ce-keyUsage
    KEY_USAGE = [2, 5, 29, 15];
    /// id-ce-subjectAltName
    SUBJECT_ALT_NAME = [2, 5, 29, 17];
    /// id-ce-basicConstraints
    BASIC_CONSTRAINTS = [2, 5, 29, 19];
    /// id-ce-cRLNumber
    CRL_NUMBER = [2, 5, 29, 20];
    /// id-ce-cRLReasons
    CRL_REASON = [2, 5, 29, 21];
    /// id-ce-invalidityDate
    INVALIDITY_DATE = [2, 5, 29, 24];
    /// id-ce-deltaCRLIndicator
    DELTA_CRL_INDICATOR = [2, 5, 29, 27];
    /// id-ce-issuingDistributionPoint
    ISSUING_DISTRIBUTION_POINT = [2, 5, 29, 28];
    /// id-ce-certificateIssuer
    CERTIFICATE_ISSUER = [2, 5, 29, 29];
    /// id-ce-nameConstraints
    NAME_CONSTRAINTS = [2, 5, 29, 30];
    /// id-ce-cRLDistributionPoints
    CRL_DISTRIBUTION_POINTS = [2, 5, 29, 31];
    /// id-ce-certificatePolicies
    CERTIFICATE_POLICIES = [2, 5, 29, 32];
    /// id-ce-policyMappings
    POLICY_MAPPINGS = [2, 5, 29, 33];
    /// id-ce-authorityKeyIdentifier
    AUTHORITY_KEY_IDENTIFIER = [2, 5, 29, 35];
    /// id-ce-policyConstraints
    POLICY_CONSTRAINTS = [2, 5, 29, 36];
    /// id-ce-extKeyUsage
    EXT_KEY_USAGE = [2, 5, 29, 37];
    /// id-ce-freshestCRL
    FRESHEST_CRL = [2, 5, 29, 46];
    /// id-ce-inhibitAnyPolicy
    INHIBIT_ANY_POLICY = [2, 5, 29, 54];
    /// id-pe-authorityInfoAccess
    AUTHORITY_INFO_ACCESS = [1, 3, 6, 1, 5, 5, 7, 1, 1];
    /// id-pe-qcStatements (RFC 3739)
    QC_STATEMENTS = [1, 3, 6, 1, 5, 5, 7, 1, 3];
    /// id-pe-subjectInfoAccess
    SUBJECT_INFO_ACCESS = [1, 3, 6, 1, 5, 5, 7, 1, 11];
    /// id-pkix-ocsp-nocheck
    OCSP_NOCHECK = [1, 3, 6, 1, 5, 5, 7, 48, 1, 5];
    /// anyPolicy (RFC 5280 4.2.1.4)
    ANY_POLICY = [2, 5, 29, 32, 0];
    /// emailAddress attribute of a distinguished name (PKCS #9)
    EMAIL_ADDRESS = [1, 2, 840, 113549, 1, 9, 1];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_dotted_notation() {
        for s in ["1.2.840.113549.1.7.2", "2.5.29.19", "0.4.0.1733.2.4", "2.25.329800735698586629295641978511506172918"]
        {
            match Oid::parse(s) {
                Some(o) => assert_eq!(o.to_string(), s),
                None => assert!(s.starts_with("2.25."), "{s}"),
            }
        }
        assert_eq!(SIGNED_DATA.as_bytes(), &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);
        assert!(Oid::from_der_contents(&[0x80, 0x01]).is_err());
    }
}
