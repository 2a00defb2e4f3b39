//! `confia verify`

use std::path::PathBuf;

use confia::crypto::PublicKey;
use confia::report::render_text;
use confia::validation::{Indication, ValidationError, Validator, XmlInputs};

use crate::common::{Format, ValidationArgs};
use crate::{Failure, exit, load};

#[derive(clap::Args)]
pub struct Args {
    /// The signature file: CMS/CAdES (DER, BER or PEM) or XML (XAdES, XMLDSig).
    file: PathBuf,
    /// The signed content of a detached signature. CMS: one FILE, read as a stream. XML:
    /// repeatable, `URI=FILE` binds an external reference URI, a plain FILE matches by name.
    #[arg(long, value_name = "[URI=]FILE")]
    content: Vec<String>,
    /// XML: a public key (PEM or DER SubjectPublicKeyInfo) to verify with besides KeyInfo.
    /// Repeatable. A signature verified with a bare key is never TOTAL_PASSED.
    #[arg(long = "public-key", value_name = "FILE")]
    public_keys: Vec<PathBuf>,
    /// XML: the HMAC key (raw bytes) for HMAC signatures.
    #[arg(long = "hmac-key", value_name = "FILE")]
    hmac_key: Option<PathBuf>,
    #[command(flatten)]
    validation: ValidationArgs,
}

pub fn run(a: Args) -> Result<u8, Failure> {
    let config = a.validation.config()?;
    let input = load::read_limited(&a.file, confia::cms::MAX_INPUT_SIZE as u64)?;

    let validator = Validator::new(config);
    let to_failure = |e: ValidationError| match e {
        ValidationError::UnexpectedDetachedContent => Failure::usage(e),
        e => Failure::unreadable(format!("{}: {e}", a.file.display())),
    };
    // XML (XAdES / XMLDSig) starts with '<' after optional whitespace or a byte-order mark.
    let is_xml = input.iter().find(|b| !b.is_ascii_whitespace() && !matches!(b, 0xef | 0xbb | 0xbf)) == Some(&b'<');
    let report = if is_xml {
        let mut extra = XmlInputs::default();
        for c in &a.content {
            let (key, path) = match c.split_once('=') {
                Some((uri, file)) if !std::path::Path::new(c).exists() => (Some(uri.to_string()), PathBuf::from(file)),
                _ => (None, PathBuf::from(c)),
            };
            let data = load::read_limited(&path, confia::xml::MAX_XML_SIZE as u64)?;
            let key =
                key.unwrap_or_else(|| path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
            extra.detached.insert(key, data);
        }
        for p in &a.public_keys {
            let data = load::read_limited(p, 1024 * 1024)?;
            extra.public_keys.push(
                PublicKey::from_pem_or_der(&data).map_err(|e| Failure::unreadable(format!("{}: {e}", p.display())))?,
            );
        }
        if let Some(p) = &a.hmac_key {
            extra.hmac_key = Some(load::read_limited(p, 1024 * 1024)?);
        }
        validator.validate_xml(&input, extra).map_err(to_failure)?
    } else {
        if !a.public_keys.is_empty() || a.hmac_key.is_some() {
            return Err(Failure::usage("--public-key and --hmac-key apply to XML signatures only"));
        }
        let mut content = match a.content.as_slice() {
            [] => None,
            [one] => Some(std::fs::File::open(one).map_err(|e| Failure::unreadable(format!("{one}: {e}")))?),
            _ => return Err(Failure::usage("a CMS signature takes one --content file")),
        };
        validator.validate_cms(&input, content.as_mut().map(|f| f as &mut dyn std::io::Read)).map_err(to_failure)?
    };
    match a.validation.format {
        Format::Text => print!("{}", render_text(&report)),
        Format::Json => println!("{}", report.to_json()),
    }
    Ok(match report.worst_indication() {
        Some(Indication::TotalPassed) => exit::PASSED,
        Some(Indication::TotalFailed) => exit::FAILED,
        Some(Indication::Indeterminate) => exit::INDETERMINATE,
        None => exit::UNREADABLE,
    })
}
