//! Reading the files named on the command line.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use confia::revocation::Crl;
use confia::x509::Certificate;

use crate::Failure;

/// Largest certificate, key or CRL file read.
const MAX_FILE: u64 = 256 * 1024 * 1024;

/// Reads a whole file, refusing ones larger than `limit`.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, Failure> {
    let meta = std::fs::metadata(path).map_err(|e| Failure::unreadable(format!("{}: {e}", path.display())))?;
    if meta.is_dir() {
        return Err(Failure::unreadable(format!("{}: is a directory", path.display())));
    }
    if meta.len() > limit {
        return Err(Failure::unreadable(format!("{}: larger than {limit} bytes", path.display())));
    }
    std::fs::read(path).map_err(|e| Failure::unreadable(format!("{}: {e}", path.display())))
}

/// Certificates from a PEM or DER file.
pub fn certificates(path: &Path) -> Result<Vec<Arc<Certificate>>, Failure> {
    let data = read_limited(path, MAX_FILE)?;
    let certs =
        Certificate::from_pem_or_der(&data).map_err(|e| Failure::unreadable(format!("{}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(Failure::unreadable(format!("{}: no certificate in the file", path.display())));
    }
    Ok(certs.into_iter().map(Arc::new).collect())
}

/// Certificates from a file, or from every certificate file of a directory (files that hold
/// no certificate are skipped with a warning).
pub fn certificates_from_file_or_dir(path: &Path) -> Result<Vec<Arc<Certificate>>, Failure> {
    if !path.is_dir() {
        return certificates(path);
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| Failure::unreadable(format!("{}: {e}", path.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    let mut out = Vec::new();
    for p in entries {
        match certificates(&p) {
            Ok(c) => out.extend(c),
            Err(f) => eprintln!("confia: warning: skipping {}: {}", p.display(), f.message),
        }
    }
    if out.is_empty() {
        return Err(Failure::unreadable(format!("{}: no certificate found in the directory", path.display())));
    }
    Ok(out)
}

/// CRLs from a PEM or DER file.
pub fn crls(path: &Path) -> Result<Vec<Arc<Crl>>, Failure> {
    let data = read_limited(path, MAX_FILE)?;
    let crls = Crl::from_pem_or_der(&data).map_err(|e| Failure::unreadable(format!("{}: {e}", path.display())))?;
    if crls.is_empty() {
        return Err(Failure::unreadable(format!("{}: no CRL in the file", path.display())));
    }
    Ok(crls.into_iter().map(Arc::new).collect())
}

/// Parses an RFC 3339 time argument.
pub fn time_arg(s: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("not an RFC 3339 time ({e}); example: 2026-12-04T10:00:00Z"))
}

/// A validation policy file (TOML); a malformed one is a usage error naming the line.
pub fn policy(path: &Path) -> Result<confia::policy::Policy, Failure> {
    let text = read_limited(path, 1024 * 1024)?;
    let text = String::from_utf8(text).map_err(|_| Failure::usage(format!("{}: not UTF-8", path.display())))?;
    confia::policy::Policy::from_toml(&text).map_err(|e| Failure::usage(format!("{}: {e}", path.display())))
}
