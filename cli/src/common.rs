//! Arguments shared by `verify` and `cert verify`: where trust, extra certificates and CRLs
//! come from, the validation time, and whether revocation is required.

use std::path::PathBuf;
use std::sync::Arc;

use clap::ValueEnum;
use confia::revocation::CrlSet;
use confia::trust::TrustAnchors;
use confia::validation::{RevocationChecking, ValidationConfig};

use crate::{Failure, load};

/// Output format of the report.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// JSON (stable keys).
    Json,
}

#[derive(clap::Args)]
pub struct ValidationArgs {
    /// A trusted certificate (PEM or DER) or a directory of them. Repeatable.
    #[arg(long = "trust-anchor", value_name = "FILE|DIR")]
    pub trust_anchors: Vec<PathBuf>,
    /// An extra certificate that may complete the path (PEM or DER). Repeatable.
    #[arg(long = "cert", value_name = "FILE")]
    pub certs: Vec<PathBuf>,
    /// A CRL (PEM or DER) used for revocation checking. Repeatable.
    #[arg(long = "crl", value_name = "FILE")]
    pub crls: Vec<PathBuf>,
    /// Validation time, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339", value_parser = load::time_arg)]
    pub at: Option<time::OffsetDateTime>,
    /// Do not require revocation information (the report says revocation was not checked).
    #[arg(long)]
    pub no_revocation_check: bool,
    /// Validation policy file (TOML; see docs/policy.md). Default: the built-in policy.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// A trusted list (ETSI TS 119 612) whose granted CA services are trust anchors once its
    /// signature verifies with a pinned signer (--tl-signer, or the LOTL's pointer). Repeatable.
    #[arg(long = "trusted-list", value_name = "FILE")]
    pub trusted_lists: Vec<PathBuf>,
    /// A certificate pinned as signer of the --trusted-list files. Repeatable.
    #[arg(long = "tl-signer", value_name = "CERT")]
    pub tl_signers: Vec<PathBuf>,
    /// A list of lists (the EU LOTL, a regional one); the signers it pins for a territory verify
    /// that territory's --trusted-list. Repeatable: each must verify with a --lotl-signer.
    #[arg(long = "lotl", value_name = "FILE", requires = "lotl_signers")]
    pub lotls: Vec<PathBuf>,
    /// A certificate pinned as signer of the lists of lists (--lotl, --tl-cache). Repeatable.
    #[arg(long = "lotl-signer", value_name = "CERT")]
    pub lotl_signers: Vec<PathBuf>,
    /// A pivot list of lists (EU LOTL key changes), oldest first: the first verifies with a
    /// --lotl-signer, each next one with the keys the previous pins, and the keys the newest
    /// pins may sign the --lotl. Repeatable.
    #[arg(long = "lotl-pivot", value_name = "FILE", requires = "lotls")]
    pub lotl_pivots: Vec<PathBuf>,
    /// Read trusted lists that deviate from TS 119 612 (each deviation is reported).
    #[arg(long)]
    pub lenient_lists: bool,
    /// Trust the lists of a cache filled by `confia tl fetch` (the list of lists at --lotl-url
    /// verified with --lotl-signer, then each list with the signers it pins).
    #[arg(long, value_name = "DIR", requires = "lotl_signers")]
    pub tl_cache: Option<PathBuf>,
    /// With --tl-cache: the URL of the list of lists in the cache.
    #[arg(long, value_name = "URL", default_value = "https://ec.europa.eu/tools/lotl/eu-lotl.xml")]
    pub lotl_url: String,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

impl ValidationArgs {
    /// The library configuration these arguments describe.
    pub fn config(&self) -> Result<ValidationConfig, Failure> {
        let mut anchors = TrustAnchors::new();
        for p in &self.trust_anchors {
            load::certificates_from_file_or_dir(p)?.into_iter().for_each(|c| anchors.add(c));
        }
        let mut certificates = Vec::new();
        for p in &self.certs {
            certificates.extend(load::certificates(p)?);
        }
        let mut crls = CrlSet::new();
        for p in &self.crls {
            load::crls(p)?.into_iter().for_each(|c| crls.add(c));
        }
        let time = self.at.unwrap_or_else(time::OffsetDateTime::now_utc);
        let policy = match &self.policy {
            Some(p) => load::policy(p)?,
            None => confia::policy::Policy::default(),
        };
        self.check_list_options()?;
        let trust: Arc<dyn confia::trust::TrustSource> = if self.trusted_lists.is_empty() && self.tl_cache.is_none() {
            Arc::new(anchors)
        } else {
            let mut lists = self.lists(&policy)?;
            if let Some(dir) = &self.tl_cache {
                lists.extend(self.cached_lists(dir, &policy)?);
            }
            let from_lists = Arc::new(confia::tl::ListTrust::new(&lists, time, &policy));
            Arc::new(confia::trust::CombinedTrust::new(vec![
                Arc::new(anchors) as Arc<dyn confia::trust::TrustSource>,
                from_lists,
            ]))
        };
        let mut config = ValidationConfig::new(time, trust);
        config.policy = policy;
        config.certificates = certificates;
        config.revocation = Arc::new(crls);
        if self.no_revocation_check {
            config.revocation_checking = RevocationChecking::Disabled;
        }
        Ok(config)
    }

    /// The lists of a `confia tl fetch` cache.
    fn cached_lists(
        &self,
        dir: &std::path::Path,
        policy: &confia::policy::Policy,
    ) -> Result<Vec<(confia::tl::TrustedList, confia::tl::ListReport)>, Failure> {
        use confia::tl::fetch::{Cache, RefreshOptions, lists_from_cache};
        let mut signers = Vec::new();
        for s in &self.lotl_signers {
            signers.extend(load::certificates(s)?);
        }
        let cache = Cache::open(dir).map_err(|e| Failure::unreadable(e.to_string()))?;
        let mode = if self.lenient_lists { confia::tl::Mode::Lenient } else { confia::tl::Mode::Strict };
        let options = RefreshOptions { mode, policy: policy.clone(), attempts: 1, parallel: 1 };
        lists_from_cache(&cache, &self.lotl_url, &signers, &options)
            .map_err(|e| Failure::unreadable(format!("{}: {e}", dir.display())))
    }

    /// Options that would otherwise be ignored quietly: a pinned signer with nothing to verify,
    /// a list with nothing to verify it against.
    fn check_list_options(&self) -> Result<(), Failure> {
        if !self.tl_signers.is_empty() && self.trusted_lists.is_empty() {
            return Err(Failure::usage("--tl-signer pins the signer of a --trusted-list, and none is given"));
        }
        if !self.lotl_signers.is_empty() && self.lotls.is_empty() && self.tl_cache.is_none() {
            return Err(Failure::usage("--lotl-signer pins the signer of a --lotl or --tl-cache, and none is given"));
        }
        if !self.lotls.is_empty() && self.trusted_lists.is_empty() {
            return Err(Failure::usage("--lotl pins the signers of --trusted-list files, and none is given"));
        }
        if self.lenient_lists && self.trusted_lists.is_empty() && self.tl_cache.is_none() {
            return Err(Failure::usage("--lenient-lists reads --trusted-list or --tl-cache lists, and none is given"));
        }
        if !self.trusted_lists.is_empty() && self.tl_signers.is_empty() && self.lotls.is_empty() {
            return Err(Failure::usage(
                "--trusted-list needs a pinned signer: --tl-signer CERT, or --lotl FILE --lotl-signer CERT",
            ));
        }
        Ok(())
    }

    /// Reads and verifies the --trusted-list files (and the lists of lists that pin their
    /// signers).
    fn lists(
        &self,
        policy: &confia::policy::Policy,
    ) -> Result<Vec<(confia::tl::TrustedList, confia::tl::ListReport)>, Failure> {
        use confia::tl::{ListTime, Mode, verify_list};
        let mode = if self.lenient_lists { Mode::Lenient } else { Mode::Strict };
        // A list is a statement made when it was issued: its signature is checked at its issue
        // time, and the statuses it gives (with their history) at the validation time.
        let verify = |p: &PathBuf, data: Vec<u8>, signers: &[Arc<confia::x509::Certificate>]| {
            verify_list(data, signers, ListTime::Issued, mode, policy.clone())
                .map_err(|e| Failure::unreadable(format!("{}: {e}", p.display())))
        };
        // (territory, pinned signer, SHA-256 and next update of the list of lists that pins it)
        type Pin = (String, Arc<confia::x509::Certificate>, String, Option<time::OffsetDateTime>);
        let mut lotl_pins: Vec<Pin> = Vec::new();
        let mut verified_lotls = Vec::new();
        let mut signers = Vec::new();
        for s in &self.lotl_signers {
            signers.extend(load::certificates(s)?);
        }
        let (signers, pivots) = pivoted(&self.lotl_pivots, signers, mode, policy)?;
        for p in &self.lotls {
            let (lotl, report) = verify(p, load::read_limited(p, 64 * 1024 * 1024)?, &signers)?;
            after_pivots(pivots.as_ref(), &lotl, p, true)?;
            if report.verdict != confia::validation::Verdict::Passed {
                return Err(Failure::unreadable(format!(
                    "{}: the list of lists does not verify ({}); no list can be trusted through it",
                    p.display(),
                    report.verdict
                )));
            }
            for ptr in lotl.pointers.iter().filter(|p| p.is_xml()) {
                for c in &ptr.signers {
                    let territory = ptr.territory.clone().unwrap_or_default();
                    lotl_pins.push((territory, c.clone(), report.sha256.clone(), lotl.next_update));
                }
            }
            verified_lotls.push((lotl, report));
        }
        let mut tl_signers = Vec::new();
        for s in &self.tl_signers {
            tl_signers.extend(load::certificates(s)?);
        }
        let mut out = Vec::new();
        for p in &self.trusted_lists {
            // The territory decides which LOTL pins apply: without a LOTL it need not be read.
            let data = load::read_limited(p, 64 * 1024 * 1024)?;
            let mut signers = tl_signers.clone();
            if !lotl_pins.is_empty() {
                let territory = confia::tl::parse::territory(&data).unwrap_or_default();
                signers.extend(lotl_pins.iter().filter(|(t, ..)| *t == territory).map(|(_, c, ..)| c.clone()));
            }
            let (list, mut report) = verify(p, data, &signers)?;
            // Verified with a key a list of lists pins: the list is only as current as that list
            // of lists. The operator's own pin (--tl-signer) comes first; among lists of lists
            // that pin the key for the territory, the one current longest, whatever the order
            // they were given in.
            let signer = report.signature.as_ref().and_then(|s| s.signer.as_ref()).map(|c| c.sha256.clone());
            if let Some(signer) = signer
                && !tl_signers.iter().any(|c| c.sha256_hex() == signer)
            {
                report.pinned_by = lotl_pins
                    .iter()
                    .filter(|(t, c, ..)| *t == report.territory && c.sha256_hex() == signer)
                    .max_by_key(|(_, _, sha, next)| (*next, sha.clone()))
                    .map(|(_, _, sha, _)| sha.clone());
            }
            out.push((list, report));
        }
        // The lists of lists (and the pivots that led to their keys) are part of the trust
        // used: the snapshot names them too.
        out.extend(verified_lotls);
        out.extend(pivots.into_iter().flat_map(|f| f.pivots));
        Ok(out)
    }
}

/// The keys that may sign a list of lists: `pinned`, and the keys the chain of `pivots`
/// (files, oldest first) leads to from them; with the pivots read, for the snapshot.
pub fn pivoted(
    pivots: &[PathBuf],
    pinned: Vec<Arc<confia::x509::Certificate>>,
    mode: confia::tl::Mode,
    policy: &confia::policy::Policy,
) -> Result<PivotedKeys, Failure> {
    if pivots.is_empty() {
        return Ok((pinned, None));
    }
    let mut bytes = Vec::new();
    for p in pivots {
        bytes.push(load::read_limited(p, 64 * 1024 * 1024)?);
    }
    let refs: Vec<&[u8]> = bytes.iter().map(Vec::as_slice).collect();
    let followed = confia::tl::pivot::follow(&refs, &pinned, mode, policy)
        .map_err(|e| Failure::unreadable(format!("{}: the pivot chain breaks: {e}", pivots[e.index()].display())))?;
    let signers = pinned.into_iter().chain(followed.signers.iter().cloned()).collect();
    Ok((signers, Some(followed)))
}

/// Checks that `lotl` (read from `path`) may follow the pivots given; with `any_territory`,
/// a list of lists of another territory than the pivots' is not concerned.
pub fn after_pivots(
    followed: Option<&confia::tl::pivot::Followed>,
    lotl: &confia::tl::TrustedList,
    path: &std::path::Path,
    any_territory: bool,
) -> Result<(), Failure> {
    let Some(followed) = followed else { return Ok(()) };
    let territory = followed.pivots.last().map(|(l, _)| l.territory.as_str());
    if any_territory && territory != Some(lotl.territory.as_str()) {
        return Ok(());
    }
    followed
        .admits(lotl)
        .map_err(|e| Failure::unreadable(format!("{}: does not follow the pivots given: {e}", path.display())))
}

/// Signing keys for lists of lists, and the pivot chain that gave some of them.
pub type PivotedKeys = (Vec<Arc<confia::x509::Certificate>>, Option<confia::tl::pivot::Followed>);
