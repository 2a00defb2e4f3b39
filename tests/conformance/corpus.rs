//! Locating the corpus, reading its manifest, and keeping the scoreboard.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One manifest row.
#[derive(Debug, Clone)]
pub struct Case {
    pub path: String,
    pub kind: String,
    pub expected: String,
}

pub struct Corpus {
    pub root: PathBuf,
    pub cases: Vec<Case>,
}

impl Corpus {
    pub fn locate() -> Option<Corpus> {
        let root = std::env::var_os("CONFIA_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
        let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv")).ok()?;
        let cases = manifest
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f.len() >= 6).then(|| Case { path: f[0].into(), kind: f[4].into(), expected: f[5].into() })
            })
            .collect();
        Some(Corpus { root, cases })
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// The case expects acceptance and confia refuses it on purpose (policy: MD5, XSLT, DTDs,
    /// truncated HMACs): counted as correct, with the reason.
    Rejected(String),
    /// Outside what this kind judges (an algorithm confia does not implement by design, or an
    /// input the corpus copy lacks): not counted, with the reason.
    NotApplicable(String),
    Fail(String),
}

const EXPECTATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/expected.tsv");

pub struct Scoreboard {
    /// kind -> case -> recorded outcome ("pass" or "fail: why")
    expected: BTreeMap<(String, String), String>,
    results: BTreeMap<(String, String), Outcome>,
}

impl Scoreboard {
    pub fn load() -> Self {
        let text = std::fs::read_to_string(EXPECTATIONS).unwrap_or_default();
        let expected = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut f = l.splitn(3, '\t');
                Some(((f.next()?.to_string(), f.next()?.to_string()), f.next().unwrap_or("").to_string()))
            })
            .collect();
        Scoreboard { expected, results: BTreeMap::new() }
    }

    pub fn record(&mut self, kind: &str, case: &str, outcome: Outcome) {
        self.results.insert((kind.to_string(), case.to_string()), outcome);
    }

    /// Prints the scoreboard and panics on regressions.
    pub fn finish(self) {
        // kind -> (passed, expected rejections, failed, not applicable)
        let mut per_kind: BTreeMap<&str, (usize, usize, usize, usize)> = BTreeMap::new();
        let mut regressions = Vec::new();
        for ((kind, case), outcome) in &self.results {
            let e = per_kind.entry(kind).or_default();
            match outcome {
                Outcome::Pass => e.0 += 1,
                Outcome::Rejected(_) => e.1 += 1,
                Outcome::NotApplicable(_) => e.3 += 1,
                Outcome::Fail(why) => {
                    e.2 += 1;
                    match self.expected.get(&(kind.clone(), case.clone())) {
                        Some(s) if s == "pass" || s.starts_with("rejected:") => {
                            println!("  {kind}: REGRESSION {case}: {why}");
                            regressions.push(format!("{kind} {case}: {why}"));
                        }
                        Some(recorded) => {
                            // The recorded reason says why; the current message is shortened
                            // so the scoreboard is not buried.
                            let short: String = why.chars().take(160).collect();
                            let more = if why.chars().count() > 160 { "…" } else { "" };
                            println!(
                                "  {kind}: known failure {case}: {short}{more} [{}]",
                                recorded.chars().take(200).collect::<String>()
                            )
                        }
                        None => println!("  {kind}: FAIL (new case) {case}: {why}"),
                    }
                }
            }
            if *outcome == Outcome::Pass
                && self.expected.get(&(kind.clone(), case.clone())).is_some_and(|s| s.starts_with("fail:"))
            {
                println!("  {kind}: now passes (update expected.tsv): {case}");
            }
        }
        println!("== conformance scoreboard ==");
        for (kind, &(p, r, f, na)) in &per_kind {
            let mut line = format!("{kind}: {p} passed, {f} failed");
            if r + na > 0 {
                let applicable = p + r + f;
                let pct = if applicable == 0 { 0.0 } else { 100.0 * (p + r) as f64 / applicable as f64 };
                line = format!(
                    "{kind}: {p} passed, {r} rejected as expected, {f} failed ({pct:.1}% of {applicable} applicable); \
                     {na} not applicable"
                );
            }
            println!("{line}");
        }
        if std::env::var_os("CONFIA_UPDATE_EXPECTATIONS").is_some() {
            let mut out = String::from("# kind\tcase\toutcome (pass, or the recorded reason it fails)\n");
            for ((kind, case), outcome) in &self.results {
                // A curated reason for a known failure (e.g. a disputed case) is kept.
                let recorded = self.expected.get(&(kind.clone(), case.clone())).filter(|r| r.starts_with("fail:"));
                let o = match (outcome, recorded) {
                    (Outcome::Pass, _) => "pass".to_string(),
                    (Outcome::Rejected(why), _) => format!("rejected: {}", why.replace(['\t', '\n'], " ")),
                    (Outcome::NotApplicable(why), _) => format!("n/a: {}", why.replace(['\t', '\n'], " ")),
                    (Outcome::Fail(_), Some(r)) => r.clone(),
                    (Outcome::Fail(why), None) => format!("fail: {}", why.replace(['\t', '\n'], " ")),
                };
                out.push_str(&format!("{kind}\t{case}\t{o}\n"));
            }
            std::fs::write(EXPECTATIONS, out).expect("write expectations");
        }
        assert!(regressions.is_empty(), "conformance regressions:\n{}", regressions.join("\n"));
    }
}
