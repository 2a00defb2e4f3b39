//! Keeping trusted lists current: a list of lists is fetched and verified with its pinned
//! signers, then every XML list it points to is fetched and verified with the signers its
//! pointer pins. Downloads go through the [`Fetcher`] trait (the library does no I/O of its
//! own; `HttpFetcher` behind the `online` feature is the HTTPS one), results are kept in a
//! [`Cache`] directory whose entries are content-addressed and written atomically, with
//! conditional requests (ETag / Last-Modified) and anti-rollback: a list is never replaced by
//! one with a lower sequence number for the same territory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{ListReport, ListTime, Mode, TrustedList, verify_list};
use crate::policy::Policy;
use crate::validation::Verdict;
use crate::x509::Certificate;

/// Largest list accepted from the network.
pub const MAX_DOWNLOAD: u64 = 64 * 1024 * 1024;

/// A request for one URL, conditional on what the cache holds.
#[derive(Debug, Clone, Default)]
pub struct FetchRequest {
    /// The URL.
    pub url: String,
    /// The ETag of the cached copy (`If-None-Match`).
    pub etag: Option<String>,
    /// The Last-Modified of the cached copy (`If-Modified-Since`).
    pub last_modified: Option<String>,
}

/// What a fetch returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchResponse {
    /// The cached copy is current (HTTP 304).
    NotModified,
    /// A body, with its validators.
    Body {
        /// The bytes.
        bytes: Vec<u8>,
        /// ETag, if sent.
        etag: Option<String>,
        /// Last-Modified, if sent.
        last_modified: Option<String>,
    },
}

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FetchError {
    /// The server answered with an error status.
    #[error("HTTP status {0}")]
    Status(u16),
    /// The connection failed or timed out.
    #[error("network: {0}")]
    Network(String),
    /// The body was larger than [`MAX_DOWNLOAD`] or shorter than announced.
    #[error("body: {0}")]
    Body(String),
    /// The URL is not one this fetcher may use (only `https:`, and `http:` to loopback
    /// addresses for tests).
    #[error("refused URL {0}")]
    Refused(String),
}

impl FetchError {
    /// Worth retrying: network trouble and server-side errors.
    pub fn transient(&self) -> bool {
        matches!(self, FetchError::Network(_) | FetchError::Body(_))
            || matches!(self, FetchError::Status(s) if *s >= 500)
    }
}

/// Something that retrieves URLs. `Send + Sync`: lists are fetched in parallel.
pub trait Fetcher: Send + Sync {
    /// Fetches one URL.
    fn fetch(&self, request: &FetchRequest) -> Result<FetchResponse, FetchError>;
}

/// Why a cache operation failed.
#[derive(Debug, Error)]
pub enum CacheError {
    /// Reading or writing the directory failed.
    #[error("cache {path}: {error}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
    /// The index is not readable.
    #[error("cache index: {0}")]
    Index(String),
}

/// One cached list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// SHA-256 of the list (its file name under `objects/`).
    pub sha256: String,
    /// SchemeTerritory.
    pub territory: String,
    /// TSLSequenceNumber.
    pub sequence: u64,
    /// ETag the server sent.
    pub etag: Option<String>,
    /// Last-Modified the server sent.
    pub last_modified: Option<String>,
    /// The list's NextUpdate (`None`: closed, or an index written before it was recorded).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_update: Option<time::OffsetDateTime>,
}

/// A cache directory: `objects/<sha256>.xml` (content-addressed) and `index.json` (URL to
/// entry). Every file is written to a temporary name and renamed into place.
pub struct Cache {
    dir: PathBuf,
    index: BTreeMap<String, CacheEntry>,
}

impl Cache {
    /// Opens (or creates) a cache directory.
    pub fn open(dir: &Path) -> Result<Self, CacheError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |error| CacheError::Io { path, error }
        };
        std::fs::create_dir_all(dir.join("objects")).map_err(io(dir))?;
        let index_path = dir.join("index.json");
        let index = match std::fs::read(&index_path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| CacheError::Index(e.to_string()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(CacheError::Io { path: index_path, error: e }),
        };
        Ok(Cache { dir: dir.to_path_buf(), index })
    }

    /// The entry for a URL.
    pub fn entry(&self, url: &str) -> Option<&CacheEntry> {
        self.index.get(url)
    }

    /// The cached bytes of an entry, checked against its digest.
    pub fn read(&self, entry: &CacheEntry) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.object(&entry.sha256)).ok()?;
        (hex::encode(crate::crypto::DigestAlgorithm::Sha256.digest(&bytes)) == entry.sha256).then_some(bytes)
    }

    fn object(&self, sha256: &str) -> PathBuf {
        self.dir.join("objects").join(format!("{sha256}.xml"))
    }

    /// Stores a verified list for a URL and saves the index.
    pub fn store(&mut self, url: &str, bytes: &[u8], entry: CacheEntry) -> Result<(), CacheError> {
        write_atomically(&self.object(&entry.sha256), bytes)?;
        self.index.insert(url.to_string(), entry);
        let index = serde_json::to_vec_pretty(&self.index).map_err(|e| CacheError::Index(e.to_string()))?;
        write_atomically(&self.dir.join("index.json"), &index)
    }

    /// The highest sequence number stored for a territory (anti-rollback).
    pub fn highest_sequence(&self, territory: &str) -> Option<u64> {
        self.index.values().filter(|e| e.territory == territory).map(|e| e.sequence).max()
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CacheError> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let io = |error| CacheError::Io { path: path.to_path_buf(), error };
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// What happened to one list during a refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Downloaded, verified and stored.
    Updated {
        /// Sequence number.
        sequence: u64,
    },
    /// The server said the cached copy is current (and it still verifies).
    NotModified {
        /// Sequence number.
        sequence: u64,
    },
    /// Downloaded but not trusted: the cached copy (if any) is kept.
    Rejected {
        /// Why.
        reason: String,
    },
    /// Not downloaded.
    Failed {
        /// Why.
        reason: String,
    },
}

/// One list's result.
#[derive(Debug, Clone, Serialize)]
pub struct ListOutcome {
    /// The URL.
    pub url: String,
    /// The territory the pointer names (the LOTL: its own).
    pub territory: String,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// NextUpdate of the copy now cached (updated or not modified), so a caller can flag a
    /// list its publisher has let go stale.
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_update: Option<time::OffsetDateTime>,
}

impl ListOutcome {
    fn new(url: &str, territory: String, outcome: Outcome, cache: &Cache) -> Self {
        let current = matches!(outcome, Outcome::Updated { .. } | Outcome::NotModified { .. });
        let next_update = current.then(|| cache.entry(url).and_then(|e| e.next_update)).flatten();
        ListOutcome { url: url.to_string(), territory, outcome, next_update }
    }
}

/// How a refresh behaves.
#[derive(Debug, Clone)]
pub struct RefreshOptions {
    /// Strict or lenient reading.
    pub mode: Mode,
    /// Policy for list signatures.
    pub policy: Policy,
    /// Attempts per URL (at least 1): transient failures are retried.
    pub attempts: u32,
    /// Lists fetched at once.
    pub parallel: usize,
}

/// Fetches and verifies the list of lists at `lotl_url` (pinned to `lotl_signers`), then every
/// XML list it points to (pinned to the pointer's signers), updating `cache`. `progress` is
/// called once per list as it completes. A list that fails to download, to verify, or that
/// would roll back to a lower sequence number leaves the cached copy as it was.
pub fn refresh(
    lotl_url: &str,
    lotl_signers: &[Arc<Certificate>],
    fetcher: &dyn Fetcher,
    cache: &mut Cache,
    options: &RefreshOptions,
    progress: &(dyn Fn(&ListOutcome) + Sync),
) -> Vec<ListOutcome> {
    let mut out = Vec::new();
    let lotl_signers = through_pivots(lotl_url, lotl_signers, fetcher, options);
    let (lotl_outcome, lotl) = update_one(lotl_url, &lotl_signers, None, fetcher, cache, options);
    let territory = lotl.as_ref().map(|l| l.territory.clone()).unwrap_or_default();
    let lotl_result = ListOutcome::new(lotl_url, territory, lotl_outcome, cache);
    progress(&lotl_result);
    out.push(lotl_result);
    let Some(lotl) = lotl else { return out };
    let pointers: Vec<_> = lotl
        .pointers
        .iter()
        .filter(|p| p.is_xml())
        .filter(|p| !(p.territory.as_deref() == Some(lotl.territory.as_str()) && lotl.is_list_of_lists()))
        .collect();
    // Download and verify in parallel, then store one by one (the cache is not shared).
    let parallel = options.parallel.max(1);
    let snapshot: &Cache = cache;
    let mut fetched: Vec<(usize, Outcome, Option<Verified>)> = Vec::new();
    for chunk in pointers.chunks(parallel).enumerate() {
        let (base, chunk) = chunk;
        let results: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = chunk
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    s.spawn(move || {
                        let territory = p.territory.clone().unwrap_or_default();
                        let r = download(&p.location, &p.signers, Some(&territory), fetcher, snapshot, options);
                        (base * parallel + i, r)
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        for (i, (outcome, store)) in results {
            fetched.push((i, outcome, store));
        }
    }
    fetched.sort_by_key(|(i, ..)| *i);
    for (i, mut outcome, store) in fetched {
        let p = pointers[i];
        if let Some((bytes, entry)) = store
            && let Err(e) = cache.store(&p.location, &bytes, entry)
        {
            outcome = Outcome::Failed { reason: e.to_string() };
        }
        let result = ListOutcome::new(&p.location, p.territory.clone().unwrap_or_default(), outcome, cache);
        progress(&result);
        out.push(result);
    }
    out
}

/// The keys that may sign the list of lists: the pinned ones, and when the current list does
/// not verify with them, the keys its pivot chain leads to (EU LOTL key changes: the pinned
/// Official Journal keys verify the oldest pivot, each pivot pins the next).
fn through_pivots(
    lotl_url: &str,
    pinned: &[Arc<Certificate>],
    fetcher: &dyn Fetcher,
    options: &RefreshOptions,
) -> Vec<Arc<Certificate>> {
    let get = |url: &str| -> Option<Vec<u8>> {
        let request = FetchRequest { url: url.to_string(), ..FetchRequest::default() };
        (0..options.attempts.max(1)).find_map(|_| match fetcher.fetch(&request) {
            Ok(FetchResponse::Body { bytes, .. }) => Some(bytes),
            _ => None,
        })
    };
    let Some(current) = get(lotl_url) else { return pinned.to_vec() };
    if verified(&current, pinned, options).is_ok() {
        return pinned.to_vec();
    }
    let Ok(list) = super::parse::parse(&current, Mode::Lenient) else { return pinned.to_vec() };
    // Published newest first; followed oldest first. The current list may name itself.
    let mut pivots: Vec<Vec<u8>> = Vec::new();
    for uri in super::pivot::pivot_uris(&list).iter().rev().filter(|u| u.as_str() != lotl_url) {
        match get(uri) {
            Some(bytes) if bytes != current => pivots.push(bytes),
            Some(_) => {}
            None => return pinned.to_vec(),
        }
    }
    let refs: Vec<&[u8]> = pivots.iter().map(Vec::as_slice).collect();
    match super::pivot::follow(&refs, pinned, options.mode, &options.policy) {
        Ok(followed) => pinned.iter().cloned().chain(followed.signers).collect(),
        Err(_) => pinned.to_vec(),
    }
}

/// Fetches, verifies and stores one list; returns the parsed list when it is trusted (fresh
/// or cached).
fn update_one(
    url: &str,
    signers: &[Arc<Certificate>],
    territory: Option<&str>,
    fetcher: &dyn Fetcher,
    cache: &mut Cache,
    options: &RefreshOptions,
) -> (Outcome, Option<TrustedList>) {
    let (outcome, store) = download(url, signers, territory, fetcher, cache, options);
    let mut outcome = outcome;
    if let Some((bytes, entry)) = store
        && let Err(e) = cache.store(url, &bytes, entry)
    {
        outcome = Outcome::Failed { reason: e.to_string() };
    }
    // The trusted copy: whatever the cache now holds for the URL, re-verified.
    let list = cache
        .entry(url)
        .cloned()
        .and_then(|e| cache.read(&e))
        .and_then(|b| verified(&b, signers, options).ok().map(|(l, _)| l));
    (outcome, list)
}

fn verified(
    bytes: &[u8],
    signers: &[Arc<Certificate>],
    options: &RefreshOptions,
) -> Result<(TrustedList, ListReport), String> {
    let (list, report) = verify_list(bytes, signers, ListTime::Issued, options.mode, options.policy.clone())
        .map_err(|e| e.to_string())?;
    if report.verdict == Verdict::Passed { Ok((list, report)) } else { Err(format!("signature: {}", report.verdict)) }
}

/// A downloaded list that verified: its bytes and the cache entry to store.
type Verified = (Vec<u8>, CacheEntry);

/// Downloads one list (conditionally, with retries) and decides whether it may be stored.
fn download(
    url: &str,
    signers: &[Arc<Certificate>],
    territory: Option<&str>,
    fetcher: &dyn Fetcher,
    cache: &Cache,
    options: &RefreshOptions,
) -> (Outcome, Option<Verified>) {
    let cached = cache.entry(url);
    let request = FetchRequest {
        url: url.to_string(),
        etag: cached.and_then(|e| e.etag.clone()),
        last_modified: cached.and_then(|e| e.last_modified.clone()),
    };
    let mut last_error = None;
    let mut response = None;
    for _ in 0..options.attempts.max(1) {
        match fetcher.fetch(&request) {
            Ok(r) => {
                response = Some(r);
                break;
            }
            Err(e) if e.transient() => last_error = Some(e),
            Err(e) => {
                last_error = Some(e);
                break;
            }
        }
    }
    let Some(response) = response else {
        let reason = last_error.map(|e| e.to_string()).unwrap_or_default();
        return (Outcome::Failed { reason }, None);
    };
    let (bytes, etag, last_modified) = match response {
        FetchResponse::NotModified => {
            return match cached {
                Some(e) => (Outcome::NotModified { sequence: e.sequence }, None),
                None => (Outcome::Failed { reason: "304 Not Modified without a cached copy".into() }, None),
            };
        }
        FetchResponse::Body { bytes, etag, last_modified } => (bytes, etag, last_modified),
    };
    let (list, _) = match verified(&bytes, signers, options) {
        Ok(v) => v,
        Err(reason) => return (Outcome::Rejected { reason }, None),
    };
    if let Some(t) = territory
        && !t.is_empty()
        && list.territory != t
    {
        let reason = format!("the pointer names territory {t}, the list says {}", list.territory);
        return (Outcome::Rejected { reason }, None);
    }
    if let Some(highest) = cache.highest_sequence(&list.territory)
        && list.sequence < highest
    {
        let reason = format!("rollback refused: sequence {} is lower than the cached {highest}", list.sequence);
        return (Outcome::Rejected { reason }, None);
    }
    let entry = CacheEntry {
        sha256: hex::encode(crate::crypto::DigestAlgorithm::Sha256.digest(&bytes)),
        territory: list.territory.clone(),
        sequence: list.sequence,
        etag,
        last_modified,
        next_update: list.next_update,
    };
    (Outcome::Updated { sequence: list.sequence }, Some((bytes, entry)))
}

/// The lists of a cache that can be trusted now, for validation: the list of lists at
/// `lotl_url` verified with `lotl_signers`, and every list it points to that the cache holds,
/// verified with the signers its pointer pins. Each list's signature is checked at its issue
/// time. Lists that do not verify are returned too (with their indication) so reports show
/// what was offered; only TOTAL_PASSED ones contribute trust.
pub fn lists_from_cache(
    cache: &Cache,
    lotl_url: &str,
    lotl_signers: &[Arc<Certificate>],
    options: &RefreshOptions,
) -> Result<Vec<(TrustedList, ListReport)>, String> {
    let read = |url: &str| cache.entry(url).and_then(|e| cache.read(e));
    let check = |bytes: Vec<u8>, signers: &[Arc<Certificate>]| {
        verify_list(bytes, signers, ListTime::Issued, options.mode, options.policy.clone()).map_err(|e| e.to_string())
    };
    let lotl_bytes = read(lotl_url).ok_or_else(|| format!("{lotl_url} is not in the cache (run confia tl fetch)"))?;
    let (lotl, report) = check(lotl_bytes, lotl_signers)?;
    if report.verdict != Verdict::Passed {
        return Err(format!("the cached list of lists does not verify: {}", report.verdict));
    }
    let mut out = Vec::new();
    for p in lotl.pointers.iter().filter(|p| p.is_xml()) {
        if p.location == lotl_url {
            continue;
        }
        if let Some(bytes) = read(&p.location) {
            let (list, mut r) = check(bytes, &p.signers)?;
            r.pinned_by = Some(report.sha256.clone());
            out.push((list, r));
        }
    }
    out.push((lotl, report));
    Ok(out)
}
