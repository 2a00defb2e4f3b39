//! Writes confia's deterministic test PKI and sample signatures.
//!
//! `cargo run -p confia-test-vectors -- [OUT_DIR]` (default: the `test-vectors/` folder). Every
//! key comes from a fixed seed and every signature is deterministic (RSA PKCS#1 v1.5, ECDSA per
//! RFC 6979), so a re-run reproduces the committed files byte for byte; a test checks that.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use confia::asn1::{Oid, der, oid};
use confia::cades::{self, SignOptions};
use confia::crypto::{DigestAlgorithm, SoftwareSigner};
use confia::x509::Certificate;
use confia::xades;
use rand_core::SeedableRng;
use signature::hazmat::PrehashSigner;
use time::OffsetDateTime;
use time::macros::datetime;

const NOT_BEFORE: OffsetDateTime = datetime!(2026-01-01 0:00 UTC);
const NOT_AFTER: OffsetDateTime = datetime!(2046-01-01 0:00 UTC);
const ROOT_NOT_AFTER: OffsetDateTime = datetime!(2051-01-01 0:00 UTC);
/// The revoked signer's revocation date.
const REVOKED_AT: OffsetDateTime = datetime!(2026-03-01 0:00 UTC);
const SIGNING_TIME: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);
const CONTENT: &[u8] = b"confia test document: a contract between two public administrations.\n";

/// A private key of the test PKI.
enum Key {
    Rsa(ring::rsa::KeyPair, Vec<u8>),
    Ec(p256::ecdsa::SigningKey, Vec<u8>),
}

impl Key {
    fn rsa(seed: u64) -> Key {
        use rsa::pkcs8::EncodePrivateKey;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
        let sk = rsa::PrivateKey::new(&mut rng, 2048).expect("RSA key generation");
        let pkcs8 = sk.to_pkcs8_der().expect("PKCS#8").as_bytes().to_vec();
        let kp = ring::rsa::KeyPair::from_pkcs8(&pkcs8).expect("ring accepts the key");
        Key::Rsa(kp, pkcs8)
    }

    fn ec(label: &str) -> Key {
        use p256::pkcs8::EncodePrivateKey;
        // The scalar is a hash of the label: fixed, and valid with overwhelming probability.
        let scalar = DigestAlgorithm::Sha256.digest(format!("confia test key: {label}").as_bytes());
        let sk = p256::ecdsa::SigningKey::from_slice(&scalar).expect("valid scalar");
        let pkcs8 = sk.to_pkcs8_der().expect("PKCS#8").as_bytes().to_vec();
        Key::Ec(sk, pkcs8)
    }

    fn spki(&self) -> Vec<u8> {
        match self {
            Key::Rsa(kp, _) => {
                use ring::signature::KeyPair;
                let rsa_public_key = kp.public_key().as_ref();
                der::sequence(&[
                    &der::algorithm(&oid::RSA_ENCRYPTION, Some(&der::null())),
                    &der::bit_string(rsa_public_key),
                ])
            }
            Key::Ec(sk, _) => {
                use p256::pkcs8::EncodePublicKey;
                sk.verifying_key().to_public_key_der().expect("SPKI").as_bytes().to_vec()
            }
        }
    }

    fn pkcs8(&self) -> &[u8] {
        match self {
            Key::Rsa(_, p) | Key::Ec(_, p) => p,
        }
    }

    /// Signs `tbs` with SHA-256; returns the AlgorithmIdentifier and the signature value.
    fn sign(&self, tbs: &[u8]) -> (Vec<u8>, Vec<u8>) {
        match self {
            Key::Rsa(kp, _) => {
                let mut sig = vec![0; kp.public().modulus_len()];
                kp.sign(&ring::signature::RSA_PKCS1_SHA256, &ring::rand::SystemRandom::new(), tbs, &mut sig)
                    .expect("sign");
                (der::algorithm(&oid::SHA256_WITH_RSA, Some(&der::null())), sig)
            }
            Key::Ec(sk, _) => {
                let s: p256::ecdsa::Signature = sk.sign_prehash(&DigestAlgorithm::Sha256.digest(tbs)).expect("sign");
                (der::algorithm(&oid::ECDSA_WITH_SHA256, None), s.to_der().as_bytes().to_vec())
            }
        }
    }

    fn key_id(&self) -> Vec<u8> {
        // RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits.
        let spki = self.spki();
        let el = confia::asn1::read_single(&spki, "spki").expect("spki");
        let mut r = el.children();
        r.required("alg").expect("alg");
        let bits = r.required("key").expect("key").bit_string_bytes().expect("bits").to_vec();
        DigestAlgorithm::Sha1.digest(&bits)
    }
}

fn name(cn: &str) -> Vec<u8> {
    let rdn = |o: Oid, v: Vec<u8>| der::set_of(&[&der::sequence(&[&der::oid(&o), &v])]);
    der::sequence(&[
        &rdn(Oid::from_arcs(&[2, 5, 4, 6]), der::printable_string("UY")),
        &rdn(Oid::from_arcs(&[2, 5, 4, 10]), der::utf8_string("confia test PKI (not for production)")),
        &rdn(Oid::from_arcs(&[2, 5, 4, 3]), der::utf8_string(cn)),
    ])
}

fn extension(o: Oid, critical: bool, value: &[u8]) -> Vec<u8> {
    if critical {
        der::sequence(&[&der::oid(&o), &der::boolean(true), &der::octet_string(value)])
    } else {
        der::sequence(&[&der::oid(&o), &der::octet_string(value)])
    }
}

struct Issued {
    cert: Vec<u8>,
    key: Key,
    name: Vec<u8>,
}

enum Role {
    Ca(Option<u64>),
    Signer,
}

fn issue(
    serial: u64,
    subject_cn: &str,
    key: Key,
    issuer: Option<&Issued>,
    role: Role,
    not_after: OffsetDateTime,
) -> Issued {
    let subject = name(subject_cn);
    let (issuer_name, issuer_key_id) = match issuer {
        Some(i) => (i.name.clone(), i.key.key_id()),
        None => (subject.clone(), key.key_id()),
    };
    let mut exts = Vec::new();
    match role {
        Role::Ca(path_len) => {
            let mut bc = vec![der::boolean(true)];
            if let Some(p) = path_len {
                bc.push(der::small_integer(p));
            }
            let bc_refs: Vec<&[u8]> = bc.iter().map(Vec::as_slice).collect();
            exts.push(extension(oid::BASIC_CONSTRAINTS, true, &der::sequence(&bc_refs)));
            // keyCertSign (5) and cRLSign (6): one unused bit.
            exts.push(extension(oid::KEY_USAGE, true, &[0x03, 0x02, 0x01, 0x06]));
        }
        Role::Signer => {
            // digitalSignature (0) and nonRepudiation (1): six unused bits.
            exts.push(extension(oid::KEY_USAGE, true, &[0x03, 0x02, 0x06, 0xc0]));
        }
    }
    exts.push(extension(oid::SUBJECT_KEY_IDENTIFIER, false, &der::octet_string(&key.key_id())));
    exts.push(extension(
        oid::AUTHORITY_KEY_IDENTIFIER,
        false,
        &der::sequence(&[&der::context(0, false, &issuer_key_id)]),
    ));
    let ext_refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();
    let signing_key = issuer.map_or(&key, |i| &i.key);
    let (alg, _) = signing_key.sign(b"probe");
    let tbs = der::sequence(&[
        &der::context(0, true, &der::small_integer(2)),
        &der::small_integer(serial),
        &alg,
        &issuer_name,
        &der::sequence(&[&der::time(NOT_BEFORE), &der::time(not_after)]),
        &subject,
        &key.spki(),
        &der::context(3, true, &der::sequence(&ext_refs)),
    ]);
    let (alg, sig) = signing_key.sign(&tbs);
    Issued { cert: der::sequence(&[&tbs, &alg, &der::bit_string(&sig)]), key, name: subject }
}

/// A CA certificate with `real`'s subject and subject key identifier but another key.
fn impostor_of(real: &Issued) -> Vec<u8> {
    let key = Key::ec("impostor");
    let mut fake = issue(2, "confia Test Intermediate CA", key, None, Role::Ca(Some(0)), NOT_AFTER);
    // Rebuild with the real key identifier so that AKI/SKI matching does not rule it out.
    let exts = [
        extension(oid::BASIC_CONSTRAINTS, true, &der::sequence(&[&der::boolean(true), &der::small_integer(0)])),
        extension(oid::KEY_USAGE, true, &[0x03, 0x02, 0x01, 0x06]),
        extension(oid::SUBJECT_KEY_IDENTIFIER, false, &der::octet_string(&real.key.key_id())),
    ];
    let ext_refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();
    let (alg, _) = fake.key.sign(b"probe");
    let tbs = der::sequence(&[
        &der::context(0, true, &der::small_integer(2)),
        &der::small_integer(0x6666),
        &alg,
        &real.name,
        &der::sequence(&[&der::time(NOT_BEFORE), &der::time(NOT_AFTER)]),
        &real.name,
        &fake.key.spki(),
        &der::context(3, true, &der::sequence(&ext_refs)),
    ]);
    let (alg, sig) = fake.key.sign(&tbs);
    fake.cert = der::sequence(&[&tbs, &alg, &der::bit_string(&sig)]);
    fake.cert
}

/// A CRL by `issuer` listing `revoked` (serial, date, reason code), valid for twenty years.
fn crl(issuer: &Issued, number: u64, revoked: &[(u64, OffsetDateTime, u8)]) -> Vec<u8> {
    let (alg, _) = issuer.key.sign(b"probe");
    let entries: Vec<Vec<u8>> = revoked
        .iter()
        .map(|(serial, when, reason)| {
            let reason_ext =
                der::sequence(&[&der::oid(&oid::CRL_REASON), &der::octet_string(&der::tlv(0x0a, &[*reason]))]);
            der::sequence(&[&der::small_integer(*serial), &der::time(*when), &der::sequence(&[&reason_ext])])
        })
        .collect();
    let entry_refs: Vec<&[u8]> = entries.iter().map(Vec::as_slice).collect();
    let exts = der::sequence(&[
        &extension(
            oid::AUTHORITY_KEY_IDENTIFIER,
            false,
            &der::sequence(&[&der::context(0, false, &issuer.key.key_id())]),
        ),
        &extension(oid::CRL_NUMBER, false, &der::small_integer(number)),
    ]);
    let mut parts: Vec<Vec<u8>> =
        vec![der::small_integer(1), alg, issuer.name.clone(), der::time(NOT_BEFORE), der::time(NOT_AFTER)];
    if !entries.is_empty() {
        parts.push(der::sequence(&entry_refs));
    }
    parts.push(der::context(0, true, &exts));
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    let tbs = der::sequence(&refs);
    let (alg, sig) = issuer.key.sign(&tbs);
    der::sequence(&[&tbs, &alg, &der::bit_string(&sig)])
}

fn pem(label: &str, der: &[u8]) -> Vec<u8> {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b = String::new();
    for chunk in der.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, v)| acc | u32::from(*v) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                b.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                b.push('=');
            }
        }
    }
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out.into_bytes()
}

/// Re-encodes a DER ContentInfo the way streaming BER producers do: indefinite lengths on the
/// outer structures and the content as a constructed OCTET STRING of small segments. The signed
/// attributes and certificates stay as they are.
fn to_ber(der_ci: &[u8]) -> Vec<u8> {
    use confia::asn1::read_single;
    let indefinite = |tag: u8, parts: &[&[u8]]| {
        let mut v = vec![tag, 0x80];
        parts.iter().for_each(|p| v.extend_from_slice(p));
        v.extend_from_slice(&[0, 0]);
        v
    };
    let ci = read_single(der_ci, "ContentInfo").expect("ContentInfo");
    let mut r = ci.children();
    let ct = r.required("ct").expect("ct");
    let sd = r.required("content").expect("content").children().required("sd").expect("sd");
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let mut sr = sd.children();
    while let Some(el) = sr.next().expect("element") {
        if el.tag == confia::asn1::Tag::SEQUENCE && parts.len() == 2 {
            // encapContentInfo
            let mut er = el.children();
            let ect = er.required("eContentType").expect("ect");
            let content = er.required("eContent").expect("eContent").children().required("os").expect("os");
            let segments: Vec<Vec<u8>> = content.contents.chunks(16).map(der::octet_string).collect();
            let seg_refs: Vec<&[u8]> = segments.iter().map(Vec::as_slice).collect();
            let os = indefinite(0x24, &seg_refs);
            parts.push(indefinite(0x30, &[ect.raw, &indefinite(0xa0, &[&os])]));
        } else {
            parts.push(el.raw.to_vec());
        }
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    indefinite(0x30, &[ct.raw, &indefinite(0xa0, &[&indefinite(0x30, &refs)])])
}

/// The document of the XAdES sample: namespaces, an attribute, non-ASCII text, a comment.
const INVOICE: &[u8] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<factura xmlns=\"urn:example:factura\" numero=\"0001\">\n  \
<emisor>Ministerio de Economía</emisor>\n  <!-- sample, not a real invoice -->\n  <total moneda=\"UYU\">1250.00</total>\n</factura>\n"
    .as_bytes();

/// The demonstration list's XML (unsigned).
fn demo_trusted_list(ca: &[u8]) -> String {
    use base64::Engine;
    let ca_b64 = base64::engine::general_purpose::STANDARD.encode(ca);
    let name = |n: &str| format!("<Name xml:lang=\"en\">{n}</Name>");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\" Id=\"demo-uy-tl\" TSLTag=\"http://uri.etsi.org/19612/TSLTag\">\n\
<SchemeInformation>\n\
<TSLVersionIdentifier>5</TSLVersionIdentifier>\n\
<TSLSequenceNumber>1</TSLSequenceNumber>\n\
<TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/UYlist</TSLType>\n\
<SchemeOperatorName>{op}</SchemeOperatorName>\n\
<SchemeName>{scheme}</SchemeName>\n\
<StatusDeterminationApproach>http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/UYdetermination</StatusDeterminationApproach>\n\
<SchemeTerritory>UY</SchemeTerritory>\n\
<HistoricalInformationPeriod>65535</HistoricalInformationPeriod>\n\
<ListIssueDateTime>2026-06-01T12:00:00Z</ListIssueDateTime>\n\
<NextUpdate><dateTime>2045-12-01T00:00:00Z</dateTime></NextUpdate>\n\
</SchemeInformation>\n\
<TrustServiceProviderList>\n\
<TrustServiceProvider>\n\
<TSPInformation><TSPName>{tsp}</TSPName></TSPInformation>\n\
<TSPServices>\n\
<TSPService>\n\
<ServiceInformation>\n\
<ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</ServiceTypeIdentifier>\n\
<ServiceName>{service}</ServiceName>\n\
<ServiceDigitalIdentity><DigitalId><X509Certificate>{ca_b64}</X509Certificate></DigitalId></ServiceDigitalIdentity>\n\
<ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted</ServiceStatus>\n\
<StatusStartingTime>2026-01-01T00:00:00Z</StatusStartingTime>\n\
<ServiceInformationExtensions><Extension Critical=\"false\"><AdditionalServiceInformation>\
<URI xml:lang=\"en\">http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSignatures</URI>\
</AdditionalServiceInformation></Extension></ServiceInformationExtensions>\n\
</ServiceInformation>\n\
</TSPService>\n\
</TSPServices>\n\
</TrustServiceProvider>\n\
</TrustServiceProviderList>\n\
</TrustServiceStatusList>\n",
        op = name("confia demonstration scheme operator (not a real authority)"),
        scheme = name("UY:confia demonstration trusted list, for tests only"),
        tsp = name("confia Test PKI (demonstration)"),
        service = name("confia Test Intermediate CA"),
    )
}

/// Where the demonstration lists say they are published (a reserved `.example` domain: the
/// bundled files are read locally, never fetched).
const DEMO_LISTS_BASE: &str = "https://trust-lists.confia.example";

/// The demonstration list of lists (unsigned): a regional scheme (user-assigned code XM, as a
/// MERCOSUR-like community would need) pointing to itself and to the UY list, pinning each
/// one's signer.
fn demo_list_of_lists(lotl_signer: &[u8], uy_signer: &[u8]) -> String {
    use base64::Engine;
    let b64 = |der: &[u8]| base64::engine::general_purpose::STANDARD.encode(der);
    let name = |n: &str| format!("<Name xml:lang=\"en\">{n}</Name>");
    let pointer = |file: &str, territory: &str, kind: &str, signer: &[u8], operator: &str| {
        format!(
            "<OtherTSLPointer>\n\
<ServiceDigitalIdentities><ServiceDigitalIdentity><DigitalId><X509Certificate>{cert}</X509Certificate></DigitalId>\
</ServiceDigitalIdentity></ServiceDigitalIdentities>\n\
<TSLLocation>{DEMO_LISTS_BASE}/{file}</TSLLocation>\n\
<AdditionalInformation>\n\
<OtherInformation><TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/{kind}</TSLType></OtherInformation>\n\
<OtherInformation><SchemeOperatorName>{op}</SchemeOperatorName></OtherInformation>\n\
<OtherInformation><SchemeTerritory>{territory}</SchemeTerritory></OtherInformation>\n\
<OtherInformation><ns3:MimeType xmlns:ns3=\"http://uri.etsi.org/02231/v2/additionaltypes#\">application/vnd.etsi.tsl+xml</ns3:MimeType></OtherInformation>\n\
</AdditionalInformation>\n\
</OtherTSLPointer>\n",
            cert = b64(signer),
            op = name(operator),
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\" Id=\"demo-lotl\" TSLTag=\"http://uri.etsi.org/19612/TSLTag\">\n\
<SchemeInformation>\n\
<TSLVersionIdentifier>5</TSLVersionIdentifier>\n\
<TSLSequenceNumber>1</TSLSequenceNumber>\n\
<TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/XMlistofthelists</TSLType>\n\
<SchemeOperatorName>{op}</SchemeOperatorName>\n\
<SchemeName>{scheme}</SchemeName>\n\
<StatusDeterminationApproach>http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/XMdetermination</StatusDeterminationApproach>\n\
<SchemeTerritory>XM</SchemeTerritory>\n\
<HistoricalInformationPeriod>65535</HistoricalInformationPeriod>\n\
<PointersToOtherTSL>\n{own}{uy}</PointersToOtherTSL>\n\
<ListIssueDateTime>2026-06-01T12:00:00Z</ListIssueDateTime>\n\
<NextUpdate><dateTime>2045-12-01T00:00:00Z</dateTime></NextUpdate>\n\
</SchemeInformation>\n\
</TrustServiceStatusList>\n",
        op = name("confia demonstration regional scheme operator (not a real authority)"),
        scheme = name("XM:confia demonstration list of lists, for tests only"),
        own = pointer(
            "demo-lotl.xml",
            "XM",
            "XMlistofthelists",
            lotl_signer,
            "confia demonstration regional scheme operator"
        ),
        uy = pointer("demo-uy-tl.xml", "UY", "UYlist", uy_signer, "confia demonstration scheme operator"),
    )
}

fn write(dir: &Path, rel: &str, data: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(&p, data).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
}

fn main() {
    let out: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf());

    let root = issue(1, "confia Test Root CA", Key::rsa(0x0c0f_1a01), None, Role::Ca(None), ROOT_NOT_AFTER);
    let inter =
        issue(2, "confia Test Intermediate CA", Key::ec("intermediate"), Some(&root), Role::Ca(Some(0)), NOT_AFTER);
    let rsa_signer =
        issue(0x1001, "confia Test Signer RSA", Key::rsa(0x0c0f_1a02), Some(&inter), Role::Signer, NOT_AFTER);
    let ec_signer = issue(0x1002, "confia Test Signer EC", Key::ec("signer-ec"), Some(&inter), Role::Signer, NOT_AFTER);
    let revoked =
        issue(0x1003, "confia Test Signer Revoked", Key::ec("signer-revoked"), Some(&inter), Role::Signer, NOT_AFTER);
    // Signs the demonstration list of lists; operators pin it with --lotl-signer.
    let lotl_signer =
        issue(0x1004, "confia Test List of Lists Signer", Key::ec("lotl-signer"), Some(&root), Role::Signer, NOT_AFTER);

    // Same name and key identifier as the real intermediate, another key, self-issued: path
    // building must try it, fail, and go on to the real one.
    let impostor = impostor_of(&inter);
    // A cross-certificate: the real intermediate's name and key, certified by another root that
    // is not trusted. A signature that offers it first must still validate through the real one.
    let other_root = issue(1, "confia Test Other Root CA", Key::ec("other-root"), None, Role::Ca(None), ROOT_NOT_AFTER);
    let cross = issue(
        3,
        "confia Test Intermediate CA",
        Key::ec("intermediate"),
        Some(&other_root),
        Role::Ca(Some(0)),
        NOT_AFTER,
    );

    write(&out, "pki/root.pem", &pem("CERTIFICATE", &root.cert));
    write(&out, "pki/impostor-intermediate.pem", &pem("CERTIFICATE", &impostor));
    write(&out, "pki/intermediate.pem", &pem("CERTIFICATE", &inter.cert));
    write(&out, "pki/other-root.pem", &pem("CERTIFICATE", &other_root.cert));
    write(&out, "pki/intermediate-cross.pem", &pem("CERTIFICATE", &cross.cert));
    for (n, i) in [
        ("signer-rsa", &rsa_signer),
        ("signer-ec", &ec_signer),
        ("signer-revoked", &revoked),
        ("lotl-signer", &lotl_signer),
    ] {
        write(&out, &format!("pki/{n}.pem"), &pem("CERTIFICATE", &i.cert));
        write(&out, &format!("pki/{n}.key"), &pem("PRIVATE KEY", i.key.pkcs8()));
    }
    write(&out, "pki/root.crl", &pem("X509 CRL", &crl(&root, 1, &[])));
    // reason keyCompromise (1)
    write(&out, "pki/intermediate.crl", &pem("X509 CRL", &crl(&inter, 1, &[(0x1003, REVOKED_AT, 1)])));

    let cert = |i: &Issued| Arc::new(Certificate::from_der(&i.cert).expect("own certificate parses"));
    let signer = |i: &Issued| SoftwareSigner::from_pem_or_der(i.key.pkcs8(), cert(i)).expect("own key loads");
    let opts = |detached| SignOptions {
        digest: DigestAlgorithm::Sha256,
        detached,
        signing_time: SIGNING_TIME,
        chain: vec![cert(&inter)],
    };
    let sign = |i: &Issued, detached| cades::sign(&mut &CONTENT[..], &signer(i), &opts(detached)).expect("sign");

    write(&out, "samples/content.txt", CONTENT);
    let attached = sign(&rsa_signer, false);
    write(&out, "samples/attached-rsa.p7m", &attached);
    write(&out, "samples/attached-ec.p7m", &sign(&ec_signer, false));
    write(&out, "samples/detached-ec.p7s", &sign(&ec_signer, true));
    write(&out, "samples/revoked-signer.p7m", &sign(&revoked, false));
    write(&out, "samples/ber-attached-rsa.p7m", &to_ber(&attached));
    let cross_first = SignOptions { chain: vec![cert(&cross), cert(&other_root), cert(&inter)], ..opts(false) };
    let cross_signed = cades::sign(&mut &CONTENT[..], &signer(&rsa_signer), &cross_first).expect("sign");
    write(&out, "samples/cross-certified.p7m", &cross_signed);
    let counter = cades::counter_sign(&attached, &signer(&ec_signer), &opts(false)).expect("counter-sign");
    write(&out, "samples/counter-signed.p7m", &counter);

    // XAdES-BASELINE-B: an enveloped invoice signed with RSA and counter-signed with EC.
    let xades_opts = {
        let mut o = xades::sign::SignOptions::new(xades::sign::Packaging::Enveloped, SIGNING_TIME, "text/xml");
        o.chain = vec![cert(&inter)];
        o
    };
    write(&out, "samples/invoice.xml", INVOICE);
    let enveloped = xades::sign::sign(INVOICE, &signer(&rsa_signer), &xades_opts).expect("XAdES sign");
    let countersigned =
        xades::sign::counter_sign(&enveloped, None, &signer(&ec_signer), &xades_opts).expect("XAdES counter-sign");
    write(&out, "samples/xades-enveloped.xml", &countersigned);

    // A demonstration trusted list (TS 119 612 v5, territory UY) listing the test intermediate
    // CA as a granted CA/QC service, signed (XAdES enveloped) with the EC test signer, which
    // users pin with --tl-signer. Demonstration only: never real trust.
    let tl_out = std::env::args_os()
        .nth(2)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../trust-lists"));
    let list = demo_trusted_list(&inter.cert);
    let mut tl_opts = xades::sign::SignOptions::new(xades::sign::Packaging::Enveloped, SIGNING_TIME, "text/xml");
    tl_opts.chain = vec![cert(&inter)];
    let signed_list = xades::sign::sign(list.as_bytes(), &signer(&ec_signer), &tl_opts).expect("sign the demo list");
    write(&tl_out, "demo-uy-tl.xml", &signed_list);
    // The demonstration list of lists pinning the UY list's signer, signed by its own signer.
    let lotl = demo_list_of_lists(&lotl_signer.cert, &ec_signer.cert);
    let mut lotl_opts = xades::sign::SignOptions::new(xades::sign::Packaging::Enveloped, SIGNING_TIME, "text/xml");
    lotl_opts.chain = vec![cert(&root)];
    let signed_lotl =
        xades::sign::sign(lotl.as_bytes(), &signer(&lotl_signer), &lotl_opts).expect("sign the demo LOTL");
    write(&tl_out, "demo-lotl.xml", &signed_lotl);
    println!("test vectors written to {}", out.display());
}
