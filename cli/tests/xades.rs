//! `confia sign --format xades`, and interoperability with xmlsec1 and signxml in both
//! directions. The peers run when installed (CI installs xmlsec1 from Debian and signxml from
//! PyPI into a virtual environment named by `CONFIA_PYTHON`); otherwise the test says why it
//! skips them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// An XML document with a default namespace, an attribute named `id`, non-ASCII text, an
/// entity reference, a comment and trailing content after the document element.
const DOC: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- before -->\n<factura xmlns=\"urn:example:factura\" \
                   version=\"1\">\n  <item id=\"1\">Café &amp; té</item>\n  <!-- keep -->\n  <total moneda=\"UYU\">10.50</total>\n</factura>\n";

fn write_doc(dir: &Path) -> PathBuf {
    let p = dir.join("factura.xml");
    std::fs::write(&p, DOC).unwrap();
    p
}

fn sign_xades(input: &Path, out: &Path, who: &str, packaging: &str) {
    let key = v(&format!("pki/signer-{who}.key"));
    let cert = v(&format!("pki/signer-{who}.pem"));
    let chain = v("pki/intermediate.pem");
    let o = confia(&[
        "sign",
        "--format",
        "xades",
        "--packaging",
        packaging,
        "--key",
        &key,
        "--cert",
        &cert,
        "--chain",
        &chain,
        "-o",
        out.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

fn xmlsec1() -> bool {
    let ok = Command::new("xmlsec1").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        println!("xmlsec1 not installed: xmlsec1 interoperability skipped (CI installs it)");
    }
    ok
}

fn xmlsec1_verify(file: &Path, extra: &[&str]) -> bool {
    let o = Command::new("xmlsec1")
        .args(["--verify", "--trusted-pem", &v("pki/root.pem")])
        .args(extra)
        .arg(file)
        .output()
        .expect("xmlsec1");
    if !o.status.success() {
        eprintln!("xmlsec1 {}: {}", file.display(), String::from_utf8_lossy(&o.stderr));
    }
    o.status.success()
}

/// A Python with signxml: `CONFIA_PYTHON`, else `python3`.
fn signxml_python() -> Option<String> {
    let py = std::env::var("CONFIA_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&py).args(["-c", "import signxml"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        println!("signxml not importable by {py}: signxml interoperability skipped (set CONFIA_PYTHON; CI does)");
    }
    ok.then_some(py)
}

const SIGNXML: &str = r#"
import sys
from lxml import etree
from signxml.xades import XAdESSigner, XAdESVerifier, XAdESSignatureConfiguration
mode = sys.argv[1]
if mode == "verify":
    # Our signatures carry two references: the data and the SignedProperties.
    cfg = XAdESSignatureConfiguration(require_x509=True, expect_references=2)
    XAdESVerifier().verify(open(sys.argv[2], "rb").read(), ca_pem_file=sys.argv[3], expect_config=cfg)
else:
    doc = etree.fromstring(open(sys.argv[2], "rb").read())
    certs = [open(p).read() for p in sys.argv[5:]]
    signed = XAdESSigner().sign(doc, key=open(sys.argv[3], "rb").read(), cert=certs)
    open(sys.argv[4], "wb").write(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))
"#;

fn signxml(py: &str, args: &[&str]) -> bool {
    let o = Command::new(py).args(["-c", SIGNXML]).args(args).output().expect("python");
    if !o.status.success() {
        eprintln!("signxml {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    }
    o.status.success()
}

#[test]
fn signs_every_packaging_and_peers_agree() {
    let dir = tempfile::tempdir().unwrap();
    let doc = write_doc(dir.path());
    let text = v("samples/content.txt");
    let has_xmlsec = xmlsec1();
    let python = signxml_python();
    for who in ["rsa", "ec"] {
        for packaging in ["enveloped", "enveloping", "detached"] {
            for input in [doc.clone(), PathBuf::from(&text)] {
                if packaging == "enveloped" && input != doc {
                    continue;
                }
                let name = input.file_stem().unwrap().to_string_lossy().into_owned();
                let out = dir.path().join(format!("{name}-{who}-{packaging}.xml"));
                sign_xades(&input, &out, who, packaging);
                let signed = std::fs::read_to_string(&out).unwrap();
                if packaging == "enveloped" {
                    // The user's document is kept byte for byte around the inserted signature.
                    let at = signed.find("<ds:Signature").unwrap();
                    let end = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
                    assert_eq!(format!("{}{}", &signed[..at], &signed[end..]), DOC);
                }
                let mut extra = trust_and_crls();
                if packaging == "detached" {
                    extra.extend(["--content".into(), input.to_string_lossy().into_owned()]);
                }
                let (c, j) = verify_json(out.to_str().unwrap(), &extra);
                assert_eq!(c, 0, "{}: {j}", out.display());
                assert_eq!(j["signatures"][0]["format"], "XAdES-BASELINE-B");
                if has_xmlsec {
                    let file_name = input.file_name().unwrap().to_string_lossy().into_owned();
                    let map = format!("--url-map:{file_name}");
                    let extra: Vec<&str> =
                        if packaging == "detached" { vec![&map, input.to_str().unwrap()] } else { vec![] };
                    assert!(xmlsec1_verify(&out, &extra), "xmlsec1 rejects {}", out.display());
                }
                if let Some(py) = &python
                    && packaging != "detached"
                {
                    assert!(signxml(py, &["verify", out.to_str().unwrap(), &v("pki/root.pem")]), "{}", out.display());
                }
            }
        }
    }
}

#[test]
fn tampered_output_fails_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let doc = write_doc(dir.path());
    let out = dir.path().join("signed.xml");
    sign_xades(&doc, &out, "rsa", "enveloped");
    let tampered = dir.path().join("tampered.xml");
    let text = std::fs::read_to_string(&out).unwrap().replace("10.50", "99.50");
    std::fs::write(&tampered, text).unwrap();
    let (c, j) = verify_json(tampered.to_str().unwrap(), &trust_and_crls());
    assert_eq!(c, 1, "{j}");
    assert_eq!(j["signatures"][0]["sub_indication"], "HASH_FAILURE");
    if xmlsec1() {
        assert!(!xmlsec1_verify(&tampered, &[]));
    }
}

const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
const ENVELOPED: &str = "<Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>";

/// Signs DOC with xmlsec1 (enveloped, exc-c14n SignedInfo, RSA-SHA256), one Reference with
/// this URI, transforms and digest.
fn xmlsec1_signed(dir: &Path, uri: &str, transforms: &str, digest: &str) -> PathBuf {
    let n = std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0);
    let template = dir.join(format!("template-{n}.xml"));
    let body = DOC.trim_end().strip_suffix("</factura>").unwrap();
    std::fs::write(
        &template,
        format!(
            "{body}<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>\
             <CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\
             <SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>\
             <Reference URI=\"{uri}\"><Transforms>{transforms}\
             </Transforms><DigestMethod Algorithm=\"{digest}\"/><DigestValue/></Reference>\
             </SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature></factura>\n"
        ),
    )
    .unwrap();
    let out = dir.join(format!("xmlsec-signed-{n}.xml"));
    let key = format!("{},{}", v("pki/signer-rsa.key"), v("pki/signer-rsa.pem"));
    let o = Command::new("xmlsec1")
        .args(["--sign", "--privkey-pem", &key, "--output", out.to_str().unwrap(), template.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "xmlsec1 --sign: {}", String::from_utf8_lossy(&o.stderr));
    out
}

#[test]
fn verifies_what_xmlsec1_signs() {
    if !xmlsec1() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = xmlsec1_signed(dir.path(), "", ENVELOPED, SHA256);
    let mut extra = trust_and_crls();
    extra.extend(["--cert".into(), v("pki/intermediate.pem")]);
    let (c, j) = verify_json(out.to_str().unwrap(), &extra);
    assert_eq!(c, 0, "{j}");
    assert_eq!(j["signatures"][0]["format"], "XMLDSig");
    assert_eq!(j["signatures"][0]["signature_intact"], true);
    assert_eq!(j["signatures"][0]["signature_algorithm"], "RSA PKCS#1 v1.5 with SHA-256");

    // The policy judges reference digests too: SHA-1 is past its date.
    let out = xmlsec1_signed(dir.path(), "", ENVELOPED, "http://www.w3.org/2000/09/xmldsig#sha1");
    let (c, j) = verify_json(out.to_str().unwrap(), &extra);
    assert_eq!(c, 3, "{j}");
    assert_eq!(j["signatures"][0]["sub_indication"], "CRYPTO_CONSTRAINTS_FAILURE_NO_POE");
    assert_eq!(j["signatures"][0]["signature_intact"], true);
    assert_eq!(j["signatures"][0]["data_intact"], true);

    // Node-set subtleties xmlsec1 and confia must agree on: an xpointer URI keeps comments
    // only through an explicit #WithComments transform; Exclusive C14N's PrefixList applies
    // to a whole-document reference.
    let exc_prefix = "<Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\">\
                      <InclusiveNamespaces xmlns=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"#default\"/>\
                      </Transform>";
    let with_comments = "<Transform Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments\"/>";
    for (uri, extra_transform) in
        [("#xpointer(/)", ""), ("#xpointer(/)", with_comments), ("", exc_prefix), ("", with_comments)]
    {
        let out = xmlsec1_signed(dir.path(), uri, &format!("{ENVELOPED}{extra_transform}"), SHA256);
        let (c, j) = verify_json(out.to_str().unwrap(), &extra);
        assert_eq!(c, 0, "{uri} {extra_transform}: {j}");
    }
}

#[test]
fn verifies_what_signxml_signs() {
    let Some(py) = signxml_python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let doc = write_doc(dir.path());
    let out = dir.path().join("signxml-signed.xml");
    let args =
        ["sign", doc.to_str().unwrap(), &v("pki/signer-rsa.key"), out.to_str().unwrap(), &v("pki/signer-rsa.pem")];
    let chain = v("pki/intermediate.pem");
    let mut args = args.to_vec();
    args.push(&chain);
    assert!(signxml(&py, &args));
    let (c, j) = verify_json(out.to_str().unwrap(), &trust_and_crls());
    assert_eq!(c, 0, "{j}");
    assert_eq!(j["signatures"][0]["format"], "XAdES-BASELINE-B");
}

#[test]
fn refuses_what_cannot_be_signed_as_asked() {
    let dir = tempfile::tempdir().unwrap();
    let key = v("pki/signer-rsa.key");
    let cert = v("pki/signer-rsa.pem");
    let out = dir.path().join("out.xml");
    let text = v("samples/content.txt");
    let base = ["sign", "--key", &key, "--cert", &cert, "-o", out.to_str().unwrap()];
    // Enveloped needs an XML document.
    let mut a = base.to_vec();
    a.extend(["--format", "xades", &text]);
    let o = confia(&a);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(stderr(&o).contains("enveloping or detached"), "{}", stderr(&o));
    // A DTD is refused, as in validation.
    let dtd = dir.path().join("dtd.xml");
    std::fs::write(&dtd, "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>").unwrap();
    let mut a = base.to_vec();
    a.extend(["--format", "xades", dtd.to_str().unwrap()]);
    assert_eq!(code(&confia(&a)), 4);
    // CAdES has no enveloped form.
    let mut a = base.to_vec();
    a.extend(["--packaging", "enveloped", &text]);
    assert_eq!(code(&confia(&a)), 2);
    assert!(!out.exists());
}

#[test]
fn counter_signs_and_peers_still_verify_the_master() {
    let dir = tempfile::tempdir().unwrap();
    let doc = write_doc(dir.path());
    let signed = dir.path().join("signed.xml");
    sign_xades(&doc, &signed, "rsa", "enveloped");
    let counter = dir.path().join("counter.xml");
    let (key, cert, chain) = (v("pki/signer-ec.key"), v("pki/signer-ec.pem"), v("pki/intermediate.pem"));
    let o = confia(&[
        "sign",
        "--format",
        "xades",
        "--counter-sign",
        "--key",
        &key,
        "--cert",
        &cert,
        "--chain",
        &chain,
        "-o",
        counter.to_str().unwrap(),
        signed.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let (c, j) = verify_json(counter.to_str().unwrap(), &trust_and_crls());
    assert_eq!(c, 0, "{j}");
    let cs = &j["signatures"][0]["counter_signatures"][0];
    assert_eq!(cs["id"], "S1-C1");
    assert_eq!(cs["indication"], "TOTAL_PASSED", "{cs}");
    if xmlsec1() {
        assert!(xmlsec1_verify(&counter, &[]), "xmlsec1 no longer verifies the counter-signed document");
    }
    // Counter-signing a document without a XAdES signature is refused as unreadable input.
    let o = confia(&[
        "sign",
        "--format",
        "xades",
        "--counter-sign",
        "--key",
        &key,
        "--cert",
        &cert,
        "-o",
        dir.path().join("x.xml").to_str().unwrap(),
        doc.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
}
