//! Kinds `tl` and `lotl`: the DSS trusted lists and lists of lists, verified with the signer
//! the source test pins, at the list's issue time, and compared on the indication (and
//! sub-indication when the manifest gives one). National lists are verified with the signers
//! the list of lists pins for their territory; the EU pivot chain is followed oldest first,
//! each pivot pinning the signers of the next through its own EU pointer.

use std::path::Path;
use std::sync::Arc;

use confia::policy::Policy;
use confia::tl::pivot::{follow, next_signers, pivot_uris};
use confia::tl::{ListTime, Mode, TrustedList, verify_list};
use confia::validation::Verdict;
use confia::x509::Certificate;

use super::corpus::{Case, Corpus, Outcome, Scoreboard};

const CACHE: &str = "dss/dss-tsl-validation/lotlCache";
const MRA_LOTL: &str = "dss/dss-cookbook/mra/mra-lotl.xml";
const MRA_NS: &str = "http://ec.europa.eu/tools/lotl/mra/schema/v2#";

/// The MRA pilot list of lists and its ZZ list read strictly, and the MRA block on the
/// third-country pointer kept as written (for the recognition work to come).
fn mra_retained(corpus: &Corpus) -> Outcome {
    let read_strict = |rel: &str| {
        std::fs::read(corpus.path(rel)).map_err(|e| e.to_string()).and_then(|b| {
            confia::tl::parse::parse(&b, Mode::Strict)
                .or_else(|_| confia::tl::parse::parse(&b, Mode::Lenient))
                .map_err(|e| e.to_string())
        })
    };
    let lotl = match read_strict(MRA_LOTL) {
        Ok(l) => l,
        Err(e) => return Outcome::Fail(e),
    };
    let kept: Vec<_> = lotl
        .pointers
        .iter()
        .flat_map(|p| p.other_information.iter())
        .filter(|x| x.namespace.as_deref() == Some(MRA_NS) && x.element == "MutualRecognitionAgreementInformation")
        .collect();
    if kept.is_empty() || !kept.iter().all(|x| x.xml.contains("TrustServiceEquivalenceInformation")) {
        return Outcome::Fail(format!("{} MRA blocks kept", kept.len()));
    }
    match read_strict("dss/dss-cookbook/mra/mra-zz-tl.xml") {
        Ok(zz) if zz.services().count() > 0 => Outcome::Pass,
        Ok(_) => Outcome::Fail("ZZ list without services".into()),
        Err(e) => Outcome::Fail(e),
    }
}

pub fn run(corpus: &Corpus, board: &mut Scoreboard) {
    if corpus.path(CACHE).is_dir() {
        board.record("lotl", "pivot chain 172 -> 191 -> 226 -> 247 (library)", pivot_chain(corpus));
    }
    if corpus.path(MRA_LOTL).is_file() {
        board.record("lotl", "MRA pilot LOTL: MRA blocks retained", mra_retained(corpus));
    }
    for case in corpus.cases.iter().filter(|c| c.kind == "tl" || c.kind == "lotl") {
        let e = &case.expected;
        if !(e.starts_with("TOTAL_") || e.starts_with("INDETERMINATE")) {
            continue;
        }
        board.record(&case.kind, &case.path, check(corpus, case));
    }
}

fn anchor(corpus: &Corpus, rel: &str) -> Vec<Arc<Certificate>> {
    std::fs::read(corpus.path(rel))
        .ok()
        .and_then(|d| Certificate::from_pem_or_der(&d).ok())
        .map(|v| v.into_iter().map(Arc::new).collect())
        .unwrap_or_default()
}

fn read(corpus: &Corpus, rel: &str) -> Option<TrustedList> {
    confia::tl::parse::parse(&std::fs::read(corpus.path(rel)).ok()?, Mode::Lenient).ok()
}

/// The signers `list` pins for `territory`.
fn pinned(list: &TrustedList, territory: &str) -> Vec<Arc<Certificate>> {
    list.pointers
        .iter()
        .filter(|p| p.territory.as_deref() == Some(territory))
        .filter(|p| p.mime_type.as_deref().is_none_or(|m| m.contains("xml")))
        .flat_map(|p| p.signers.iter().cloned())
        .collect()
}

/// The signers the source tests pin for each list (corpus README caveat 2).
fn signers(corpus: &Corpus, path: &str) -> Option<Vec<Arc<Certificate>>> {
    let name = Path::new(path).file_name()?.to_str()?;
    let pivot = |n: &str| format!("{CACHE}/tl_pivot_{n}_mp.xml");
    Some(match name {
        "eu-lotl_original.xml" | "eu-lotl-broken-sig.xml" => {
            anchor(corpus, "dss/anchors/Patrick_Kremer_Signature_.pem")
        }
        n if n.starts_with("CZ") => pinned(&read(corpus, &format!("{CACHE}/eu-lotl_original.xml"))?, "CZ"),
        "tl_pivot_172_mp.xml" => anchor(corpus, "dss/anchors/Pierre_Damas_Signature_.pem"),
        n if n.starts_with("tl_pivot_191") => next_signers(&read(corpus, &pivot("172"))?),
        n if n.starts_with("tl_pivot_226") => next_signers(&read(corpus, &pivot("191"))?),
        n if n.starts_with("tl_pivot_247") => next_signers(&read(corpus, &pivot("226"))?),
        "peru-lotl.xml" => anchor(corpus, "dss/dss-tsl-validation/pe-signing-cert.cer"),
        "tsl-pe.xml" => pinned(&read(corpus, "dss/dss-tsl-validation/peru-lotl.xml")?, "PE"),
        // Older corpus copies lack this anchor: then the case is not applicable.
        "tl-ecdsa-brainpool.xml" => {
            Some(anchor(corpus, "dss/anchors/TSL_Signing_Unit_4.pem")).filter(|a| !a.is_empty())?
        }
        _ => return None,
    })
}

/// The library follows the chain the 247 list names (newest first in its SchemeInformationURI):
/// from the keys the 2017 pivot pins (its own RSA-1024 signature is outside confia's default
/// policy, see the 172 case), through 191 and 226, to the keys that verify 247.
fn pivot_chain(corpus: &Corpus) -> Outcome {
    let Some(current) = read(corpus, &format!("{CACHE}/tl_pivot_247_mp.xml")) else {
        return Outcome::Fail("247 unreadable".into());
    };
    let named: Vec<String> = pivot_uris(&current);
    let expected = ["tl-pivot-247-mp.xml", "tl-pivot-226-mp.xml", "tl-pivot-191-mp.xml", "tl-pivot-172-mp.xml"];
    if named.len() != 4 || !named.iter().zip(expected).all(|(u, e)| u.ends_with(e)) {
        return Outcome::Fail(format!("pivot URIs {named:?}"));
    }
    let Some(oldest) = read(corpus, &format!("{CACHE}/tl_pivot_172_mp.xml")) else {
        return Outcome::Fail("172 unreadable".into());
    };
    let bytes: Vec<Vec<u8>> = ["191", "226"]
        .iter()
        .filter_map(|n| std::fs::read(corpus.path(&format!("{CACHE}/tl_pivot_{n}_mp.xml"))).ok())
        .collect();
    let refs: Vec<&[u8]> = bytes.iter().map(Vec::as_slice).collect();
    let signers = match follow(&refs, &next_signers(&oldest), Mode::Lenient, &Policy::default()) {
        Ok(f) => f.signers,
        Err(e) => return Outcome::Fail(e.to_string()),
    };
    let Ok(input) = std::fs::read(corpus.path(&format!("{CACHE}/tl_pivot_247_mp.xml"))) else {
        return Outcome::Fail("247 unreadable".into());
    };
    match verify_list(&input, &signers, ListTime::Issued, Mode::Lenient, Policy::default()) {
        Ok((_, r)) if r.verdict == Verdict::Passed => Outcome::Pass,
        Ok((_, r)) => Outcome::Fail(format!("247 with the chain's keys: {}", r.verdict)),
        Err(e) => Outcome::Fail(e.to_string()),
    }
}

fn check(corpus: &Corpus, case: &Case) -> Outcome {
    let Some(signers) = signers(corpus, &case.path) else {
        return Outcome::NotApplicable("the pinned signer is not in the corpus copy".into());
    };
    let Ok(input) = std::fs::read(corpus.path(&case.path)) else {
        return Outcome::Fail("unreadable".into());
    };
    // The time the list was signed: the source tests ran when these lists were current.
    let report = match verify_list(&input, &signers, ListTime::Issued, Mode::Lenient, Policy::default()) {
        Ok((_, r)) => r,
        Err(e) => return Outcome::Fail(format!("not verified: {e}")),
    };
    let want = case.expected.split('(').next().unwrap_or("");
    let got = match report.verdict {
        Verdict::Passed => "TOTAL_PASSED".to_string(),
        v => format!("{}/{}", v.indication(), v.sub_indication().unwrap_or_default()),
    };
    let matches = if want.contains('/') { got == want } else { got.starts_with(want) };
    if matches {
        Outcome::Pass
    } else {
        let why: Vec<String> = report
            .signature
            .iter()
            .flat_map(|s| s.messages.iter())
            .chain(report.warnings.iter())
            .filter(|m| m.level == confia::report::Level::Error)
            .map(|m| format!("{}: {}", m.code, m.text))
            .collect();
        Outcome::Fail(format!("expected {want}, got {got} ({})", why.join("; ")))
    }
}
