//! `confia verify`

use std::path::PathBuf;

use confia::report::render_text;
use confia::validation::{Indication, ValidationError, Validator};

use crate::common::{Format, ValidationArgs};
use crate::{Failure, exit, load};

#[derive(clap::Args)]
pub struct Args {
    /// The signature file: CMS/CAdES (DER, BER or PEM) or XML (XAdES, XMLDSig).
    file: PathBuf,
    /// The signed content, for a detached signature (CMS: read as a stream; XML: matched to the
    /// external reference by file name).
    #[arg(long, value_name = "FILE")]
    content: Option<PathBuf>,
    #[command(flatten)]
    validation: ValidationArgs,
}

pub fn run(a: Args) -> Result<u8, Failure> {
    let config = a.validation.config()?;
    let input = load::read_limited(&a.file, confia::cms::MAX_INPUT_SIZE as u64)?;
    let mut content = match &a.content {
        Some(p) => Some(std::fs::File::open(p).map_err(|e| Failure::unreadable(format!("{}: {e}", p.display())))?),
        None => None,
    };
    let validator = Validator::new(config);
    let to_failure = |e: ValidationError| match e {
        ValidationError::UnexpectedDetachedContent => Failure::usage(e),
        e => Failure::unreadable(format!("{}: {e}", a.file.display())),
    };
    // XML (XAdES / XMLDSig) starts with '<' after optional whitespace or a byte-order mark.
    let is_xml = input.iter().find(|b| !b.is_ascii_whitespace() && !matches!(b, 0xef | 0xbb | 0xbf)) == Some(&b'<');
    let report = if is_xml {
        let mut detached = std::collections::HashMap::new();
        if let Some(p) = &a.content {
            let data = load::read_limited(p, confia::xml::MAX_XML_SIZE as u64)?;
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            detached.insert(name, data);
        }
        validator.validate_xml(&input, detached).map_err(to_failure)?
    } else {
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
