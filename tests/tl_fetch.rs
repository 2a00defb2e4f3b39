//! Keeping lists current through the `Fetcher` trait: conditional requests, retries,
//! anti-rollback, tampered and mislabelled lists, atomic content-addressed cache entries. The
//! fetcher here serves from memory; `cli/tests/tl.rs` runs the HTTP one against a local server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use confia::crypto::SoftwareSigner;
use confia::policy::Policy;
use confia::tl::Mode;
use confia::tl::fetch::{Cache, FetchError, FetchRequest, FetchResponse, Fetcher, Outcome, RefreshOptions, refresh};
use confia::x509::Certificate;
use confia::xades::sign::{Packaging, SignOptions, sign};

const PKI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors/pki/");
const LOTL_URL: &str = "https://lists.example/lotl.xml";
const UY_URL: &str = "https://lists.example/uy.xml";

fn cert(name: &str) -> Arc<Certificate> {
    Arc::new(Certificate::from_pem_or_der(&std::fs::read(format!("{PKI}{name}")).unwrap()).unwrap().remove(0))
}

fn signed(xml: &str, who: &str) -> Vec<u8> {
    let key = std::fs::read(format!("{PKI}signer-{who}.key")).unwrap();
    let signer = SoftwareSigner::from_pem_or_der(&key, cert(&format!("signer-{who}.pem"))).unwrap();
    let opts = SignOptions::new(Packaging::Enveloped, time::macros::datetime!(2026-06-01 12:00 UTC), "text/xml");
    sign(xml.as_bytes(), &signer, &opts).unwrap()
}

fn list(territory: &str, sequence: u64, lotl: bool, body: &str) -> String {
    let kind = if lotl { "EUlistofthelists" } else { "EUgeneric" };
    format!(
        "<TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\" xmlns:a=\"http://uri.etsi.org/02231/v2/additionaltypes#\">\
         <SchemeInformation><TSLVersionIdentifier>5</TSLVersionIdentifier><TSLSequenceNumber>{sequence}</TSLSequenceNumber>\
         <TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/{kind}</TSLType>\
         <SchemeOperatorName><Name xml:lang=\"en\">op</Name></SchemeOperatorName>{body}\
         <SchemeTerritory>{territory}</SchemeTerritory><ListIssueDateTime>2026-06-01T00:00:00Z</ListIssueDateTime>\
         <NextUpdate><dateTime>2027-06-01T00:00:00Z</dateTime></NextUpdate></SchemeInformation></TrustServiceStatusList>"
    )
}

/// A list of lists pointing to the UY list, pinning the EC test signer for it.
fn lotl() -> Vec<u8> {
    let pinned = base64::engine::general_purpose::STANDARD.encode(cert("signer-ec.pem").der());
    let pointer = format!(
        "<PointersToOtherTSL><OtherTSLPointer><ServiceDigitalIdentities><ServiceDigitalIdentity><DigitalId>\
         <X509Certificate>{pinned}</X509Certificate></DigitalId></ServiceDigitalIdentity></ServiceDigitalIdentities>\
         <TSLLocation>{UY_URL}</TSLLocation><AdditionalInformation>\
         <OtherInformation><SchemeTerritory>UY</SchemeTerritory></OtherInformation>\
         <OtherInformation><a:MimeType>application/vnd.etsi.tsl+xml</a:MimeType></OtherInformation>\
         </AdditionalInformation></OtherTSLPointer></PointersToOtherTSL>"
    );
    signed(&list("ZZ", 1, true, &pointer), "rsa")
}

/// Serves fixed bodies, honours If-None-Match, counts requests, fails the first `fail_first`
/// requests for a URL with a 503.
#[derive(Default)]
struct Fake {
    bodies: Mutex<HashMap<String, Vec<u8>>>,
    requests: Mutex<Vec<FetchRequest>>,
    fail_first: Mutex<HashMap<String, u32>>,
}

impl Fake {
    fn serve(&self, url: &str, body: Vec<u8>) {
        self.bodies.lock().unwrap().insert(url.into(), body);
    }
    fn count(&self, url: &str) -> usize {
        self.requests.lock().unwrap().iter().filter(|r| r.url == url).count()
    }
}

impl Fetcher for Fake {
    fn fetch(&self, r: &FetchRequest) -> Result<FetchResponse, FetchError> {
        self.requests.lock().unwrap().push(r.clone());
        if let Some(n) = self.fail_first.lock().unwrap().get_mut(&r.url)
            && *n > 0
        {
            *n -= 1;
            return Err(FetchError::Status(503));
        }
        let body = self.bodies.lock().unwrap().get(&r.url).cloned().ok_or(FetchError::Status(404))?;
        let etag = format!("\"{}\"", hex::encode(confia::crypto::DigestAlgorithm::Sha256.digest(&body)));
        if r.etag.as_deref() == Some(etag.as_str()) {
            return Ok(FetchResponse::NotModified);
        }
        Ok(FetchResponse::Body { bytes: body, etag: Some(etag), last_modified: None })
    }
}

fn options() -> RefreshOptions {
    RefreshOptions { mode: Mode::Strict, policy: Policy::default(), attempts: 2, parallel: 4 }
}

fn run(fake: &Fake, cache: &mut Cache) -> Vec<Outcome> {
    refresh(LOTL_URL, &[cert("signer-rsa.pem")], fake, cache, &options(), &|_| {})
        .into_iter()
        .map(|o| o.outcome)
        .collect()
}

#[test]
fn lists_are_fetched_verified_cached_and_never_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut cache = Cache::open(dir.path()).unwrap();
    let fake = Fake::default();
    fake.serve(LOTL_URL, lotl());
    fake.serve(UY_URL, signed(&list("UY", 5, false, ""), "ec"));

    let first = run(&fake, &mut cache);
    assert_eq!(first, [Outcome::Updated { sequence: 1 }, Outcome::Updated { sequence: 5 }]);
    // Cached under their digests, with an index that survives reopening.
    let reopened = Cache::open(dir.path()).unwrap();
    let uy = reopened.entry(UY_URL).unwrap().clone();
    assert_eq!((uy.territory.as_str(), uy.sequence), ("UY", 5));
    assert!(reopened.read(&uy).is_some());
    assert!(dir.path().join("objects").join(format!("{}.xml", uy.sha256)).is_file());

    // Conditional request: nothing changed.
    let second = run(&fake, &mut cache);
    assert_eq!(second, [Outcome::NotModified { sequence: 1 }, Outcome::NotModified { sequence: 5 }]);
    assert!(fake.requests.lock().unwrap().iter().any(|r| r.url == UY_URL && r.etag.is_some()));

    // An older list (rollback), a tampered one, one signed by the wrong key, one claiming
    // another territory: all rejected, the cached sequence 5 stays.
    let tampered = String::from_utf8(signed(&list("UY", 6, false, ""), "ec")).unwrap().replace(">6<", ">7<");
    for (body, why) in [
        (signed(&list("UY", 4, false, ""), "ec"), "rollback"),
        (tampered.into_bytes(), "signature"),
        (signed(&list("UY", 6, false, ""), "rsa"), "signature"),
        (signed(&list("AR", 6, false, ""), "ec"), "territory"),
    ] {
        fake.serve(UY_URL, body);
        let o = run(&fake, &mut cache);
        assert!(matches!(&o[1], Outcome::Rejected { reason } if reason.contains(why)), "{why}: {o:?}");
        assert_eq!(Cache::open(dir.path()).unwrap().entry(UY_URL).unwrap().sequence, 5);
    }

    // A newer list replaces it.
    fake.serve(UY_URL, signed(&list("UY", 6, false, ""), "ec"));
    assert_eq!(run(&fake, &mut cache)[1], Outcome::Updated { sequence: 6 });
}

#[test]
fn transient_failures_are_retried_a_bounded_number_of_times() {
    let dir = tempfile::tempdir().unwrap();
    let mut cache = Cache::open(dir.path()).unwrap();
    let fake = Fake::default();
    fake.serve(LOTL_URL, lotl());
    fake.serve(UY_URL, signed(&list("UY", 1, false, ""), "ec"));
    fake.fail_first.lock().unwrap().insert(UY_URL.into(), 1);
    assert_eq!(run(&fake, &mut cache)[1], Outcome::Updated { sequence: 1 });
    assert_eq!(fake.count(UY_URL), 2, "one failure, one retry");

    fake.fail_first.lock().unwrap().insert(UY_URL.into(), 5);
    let o = run(&fake, &mut cache);
    assert!(matches!(&o[1], Outcome::Failed { reason } if reason.contains("503")), "{o:?}");
    assert_eq!(fake.count(UY_URL), 4, "attempts are bounded (2 per refresh)");
    // The cached copy stays.
    assert_eq!(cache.entry(UY_URL).unwrap().sequence, 1);
}

#[test]
fn an_untrusted_list_of_lists_stops_the_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let mut cache = Cache::open(dir.path()).unwrap();
    let fake = Fake::default();
    fake.serve(LOTL_URL, lotl());
    let o = refresh(LOTL_URL, &[cert("signer-ec.pem")], &fake, &mut cache, &options(), &|_| {});
    assert_eq!(o.len(), 1, "no pointer is followed from an unverified list of lists");
    assert!(matches!(&o[0].outcome, Outcome::Rejected { .. }));
    assert_eq!(fake.count(UY_URL), 0);
}

#[test]
fn a_key_change_is_followed_through_a_pivot() {
    // The pinned ("Official Journal") key is the RSA signer. The pivot, signed with it, pins
    // the EC signer for the list of lists; the current list of lists is signed with the EC key
    // and names the pivot in its SchemeInformationURI.
    let pivot_url = "https://lists.example/tl-pivot-2-mp.xml";
    let ec = base64::engine::general_purpose::STANDARD.encode(cert("signer-ec.pem").der());
    let self_pointer = format!(
        "<PointersToOtherTSL><OtherTSLPointer><ServiceDigitalIdentities><ServiceDigitalIdentity><DigitalId>\
         <X509Certificate>{ec}</X509Certificate></DigitalId></ServiceDigitalIdentity></ServiceDigitalIdentities>\
         <TSLLocation>{LOTL_URL}</TSLLocation><AdditionalInformation>\
         <OtherInformation><TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists</TSLType></OtherInformation>\
         <OtherInformation><SchemeTerritory>ZZ</SchemeTerritory></OtherInformation>\
         </AdditionalInformation></OtherTSLPointer></PointersToOtherTSL>"
    );
    let pivot = signed(&list("ZZ", 2, true, &self_pointer), "rsa");
    let named = format!("<SchemeInformationURI><URI xml:lang=\"en\">{pivot_url}</URI></SchemeInformationURI>");
    let current = signed(&list("ZZ", 3, true, &named), "ec");
    let fake = Fake::default();
    fake.serve(LOTL_URL, current);
    fake.serve(pivot_url, pivot);
    let dir = tempfile::tempdir().unwrap();
    let mut cache = Cache::open(dir.path()).unwrap();
    let o = run(&fake, &mut cache);
    assert_eq!(o[0], Outcome::Updated { sequence: 3 }, "{o:?}");
    // Without the pivot the list of lists is not trusted.
    let fake = Fake::default();
    fake.serve(LOTL_URL, signed(&list("ZZ", 3, true, &named), "ec"));
    let dir = tempfile::tempdir().unwrap();
    let mut cache = Cache::open(dir.path()).unwrap();
    assert!(matches!(run(&fake, &mut cache)[0], Outcome::Rejected { .. }));
}
