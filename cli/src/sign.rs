//! `confia sign`

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::ValueEnum;
use confia::cades::{self, SignOptions};
use confia::crypto::{DigestAlgorithm, SoftwareSigner};
use confia::xades;

use crate::{Failure, exit, load};

/// Digest algorithms offered for new signatures.
#[derive(Clone, Copy, ValueEnum)]
pub enum Digest {
    /// SHA-256
    Sha256,
    /// SHA-384
    Sha384,
    /// SHA-512
    Sha512,
}

/// Signature formats confia creates.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// CAdES-BASELINE-B (CMS, DER output)
    Cades,
    /// XAdES-BASELINE-B (XML output)
    Xades,
}

/// Where the signature goes relative to the content.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Packaging {
    /// XAdES only: the signature becomes the last child of the XML document's element.
    Enveloped,
    /// The content goes inside the signature (CAdES attached; XAdES ds:Object).
    Enveloping,
    /// The content stays outside the signature.
    Detached,
}

#[derive(clap::Args)]
pub struct Args {
    /// The content to sign.
    input: PathBuf,
    /// Where to write the signature. Never the input; an existing file needs --force.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
    /// The private key: PKCS#8 (PEM or DER), PKCS#1/SEC1 PEM, or PKCS#12 with --password-file.
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// The signer's certificate (PEM or DER). Optional with a PKCS#12 key that carries it.
    #[arg(long, value_name = "CERT")]
    cert: Option<PathBuf>,
    /// A chain certificate to embed (PEM or DER). Repeatable.
    #[arg(long = "chain", value_name = "FILE")]
    chain: Vec<PathBuf>,
    /// Signature format.
    #[arg(long, value_enum, default_value = "cades")]
    format: Format,
    /// Packaging: default enveloping for CAdES, enveloped for XAdES.
    #[arg(long, value_enum)]
    packaging: Option<Packaging>,
    /// Same as --packaging detached.
    #[arg(long, conflicts_with = "packaging")]
    detached: bool,
    /// XAdES only: INPUT is a signed XML document; add a counter-signature to its first
    /// signature (or the one with Id --target).
    #[arg(long, conflicts_with_all = ["packaging", "detached"])]
    counter_sign: bool,
    /// With --counter-sign: the Id of the signature to counter-sign.
    #[arg(long, value_name = "ID", requires = "counter_sign")]
    target: Option<String>,
    /// XAdES DataObjectFormat MimeType (default: from the file name; text/xml for XML).
    #[arg(long, value_name = "TYPE")]
    mime_type: Option<String>,
    /// Digest algorithm.
    #[arg(long, value_enum, default_value = "sha256")]
    digest: Digest,
    /// File holding the PKCS#12 password (first line).
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
    /// The signing-time attribute, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339", value_parser = load::time_arg)]
    signing_time: Option<time::OffsetDateTime>,
    /// Replace OUT if it exists (never the input).
    #[arg(long)]
    force: bool,
}

pub fn run(a: Args) -> Result<u8, Failure> {
    check_output(&a.input, &a.output, a.force)?;
    let key_data = load::read_limited(&a.key, 16 * 1024 * 1024)?;
    let mut chain: Vec<Arc<_>> = Vec::new();
    let signer = match &a.password_file {
        Some(pf) => {
            let pw = load::read_limited(pf, 64 * 1024)?;
            let pw = String::from_utf8(pw).map_err(|_| Failure::unreadable(format!("{}: not UTF-8", pf.display())))?;
            let pw = pw.lines().next().unwrap_or("");
            let (signer, p12_chain) = confia::crypto::pkcs12::signer_from_pkcs12(&key_data, pw)
                .map_err(|e| Failure::unreadable(format!("{}: {e}", a.key.display())))?;
            if let Some(cert_path) = &a.cert {
                let given = load::certificates(cert_path)?.remove(0);
                if given.sha256() != confia::crypto::Signer::certificate(&signer).sha256() {
                    return Err(Failure::usage(format!(
                        "{} is not the certificate of the key in {}",
                        cert_path.display(),
                        a.key.display()
                    )));
                }
            }
            chain.extend(p12_chain);
            signer
        }
        None => {
            let cert_path =
                a.cert.as_ref().ok_or_else(|| Failure::usage("--cert is required unless the key is PKCS#12"))?;
            let cert = load::certificates(cert_path)?.remove(0);
            SoftwareSigner::from_pem_or_der(&key_data, cert).map_err(|e| match e {
                confia::crypto::SignerError::KeyCertificateMismatch => {
                    Failure::usage(format!("{} and {}: {e}", a.key.display(), cert_path.display()))
                }
                e => Failure::unreadable(format!("{}: {e}", a.key.display())),
            })?
        }
    };
    for p in &a.chain {
        chain.extend(load::certificates(p)?);
    }
    let digest = match a.digest {
        Digest::Sha256 => DigestAlgorithm::Sha256,
        Digest::Sha384 => DigestAlgorithm::Sha384,
        Digest::Sha512 => DigestAlgorithm::Sha512,
    };
    let signing_time = a.signing_time.unwrap_or_else(time::OffsetDateTime::now_utc);
    let packaging = match (a.detached, a.packaging, a.format) {
        (true, _, _) => Packaging::Detached,
        (false, Some(p), _) => p,
        (false, None, Format::Cades) => Packaging::Enveloping,
        (false, None, Format::Xades) => Packaging::Enveloped,
    };
    let der = match a.format {
        Format::Cades if a.counter_sign => {
            return Err(Failure::usage("--counter-sign is offered for XAdES (--format xades)"));
        }
        Format::Cades => {
            if packaging == Packaging::Enveloped {
                return Err(Failure::usage(
                    "CAdES has no enveloped packaging; use --packaging enveloping or detached, or --format xades",
                ));
            }
            let opts = SignOptions { digest, detached: packaging == Packaging::Detached, signing_time, chain };
            let mut input = std::fs::File::open(&a.input)
                .map_err(|e| Failure::unreadable(format!("{}: {e}", a.input.display())))?;
            cades::sign(&mut input, &signer, &opts)
                .map_err(|e| Failure { code: exit::FAILED, message: e.to_string() })?
        }
        Format::Xades if a.counter_sign => {
            let content = load::read_limited(&a.input, confia::xml::MAX_XML_SIZE as u64)?;
            let mut opts = xades::sign::SignOptions::new(xades::sign::Packaging::Enveloped, signing_time, "");
            opts.digest = digest;
            opts.chain = chain;
            xades::sign::counter_sign(&content, a.target.as_deref(), &signer, &opts).map_err(|e| match e {
                xades::sign::SignError::Document(_)
                | xades::sign::SignError::NotUtf8(_)
                | xades::sign::SignError::Target(_) => Failure::unreadable(format!("{}: {e}", a.input.display())),
                e => Failure { code: exit::FAILED, message: e.to_string() },
            })?
        }
        Format::Xades => {
            let content = load::read_limited(&a.input, confia::xml::MAX_XML_SIZE as u64)?;
            let packaging = match packaging {
                Packaging::Enveloped => xades::sign::Packaging::Enveloped,
                Packaging::Enveloping => xades::sign::Packaging::Enveloping,
                Packaging::Detached => xades::sign::Packaging::Detached {
                    uri: a.input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                },
            };
            let is_xml = matches!(packaging, xades::sign::Packaging::Enveloped)
                || confia::xml::Document::parse(&content, &Default::default()).is_ok();
            let mime = a.mime_type.clone().unwrap_or_else(|| mime_type(&a.input, is_xml).to_string());
            let mut opts = xades::sign::SignOptions::new(packaging, signing_time, mime);
            opts.digest = digest;
            opts.chain = chain;
            let enveloped = matches!(opts.packaging, xades::sign::Packaging::Enveloped);
            xades::sign::sign(&content, &signer, &opts).map_err(|e| match e {
                xades::sign::SignError::Document(_) | xades::sign::SignError::NotUtf8(_) if enveloped => {
                    Failure::unreadable(format!(
                        "{}: {e} (an enveloped signature needs an XML document; use --packaging enveloping or detached)",
                        a.input.display()
                    ))
                }
                xades::sign::SignError::Document(_) | xades::sign::SignError::NotUtf8(_) => {
                    Failure::unreadable(format!("{}: {e}", a.input.display()))
                }
                e => Failure { code: exit::FAILED, message: e.to_string() },
            })?
        }
    };
    write_atomically(&a.output, &der, a.force)?;
    Ok(exit::PASSED)
}

/// The output must not be the input, and an existing output needs `--force`.
fn check_output(input: &Path, output: &Path, force: bool) -> Result<(), Failure> {
    if let (Ok(i), Ok(o)) = (std::fs::canonicalize(input), std::fs::canonicalize(output))
        && i == o
    {
        return Err(Failure::usage("the output file is the input file; refusing to overwrite it"));
    }
    if let Ok(meta) = std::fs::symlink_metadata(output) {
        // --force replaces a regular file only: never a directory, device, pipe or link.
        if !meta.file_type().is_file() {
            return Err(Failure::usage(format!("{} exists and is not a regular file", output.display())));
        }
        if !force {
            return Err(Failure::usage(format!("{} exists; use --force to replace it", output.display())));
        }
    }
    Ok(())
}

/// Writes through a temporary file in the same directory and renames it into place, so a
/// failed run leaves no partial output.
fn write_atomically(path: &Path, data: &[u8], force: bool) -> Result<(), Failure> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| Failure { code: exit::FAILED, message: format!("{}: {e}", path.display()) };
    // A replaced file keeps its permissions; a new one gets the usual 0644 (less the umask),
    // not the temporary file's 0600.
    let permissions = match std::fs::metadata(path) {
        Ok(m) => m.permissions(),
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::Permissions::from_mode(0o644)
            }
            #[cfg(not(unix))]
            {
                std::fs::metadata(dir).map_err(fail)?.permissions()
            }
        }
    };
    let mut tmp = tempfile::Builder::new().permissions(permissions).tempfile_in(dir).map_err(fail)?;
    tmp.write_all(data).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    if force {
        tmp.persist(path).map_err(|e| fail(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| fail(e.error))?;
    }
    Ok(())
}

/// The DataObjectFormat MimeType guessed from the file name.
fn mime_type(path: &Path, is_xml: bool) -> &'static str {
    if is_xml {
        return "text/xml";
    }
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "json" => "application/json",
        "html" | "htm" => "text/html",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    }
}
