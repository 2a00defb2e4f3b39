//! `confia verify`

use std::path::PathBuf;

use confia::report::render_text;
use confia::validation::{Indication, ValidationError, Validator};

use crate::common::{Format, ValidationArgs};
use crate::{Failure, exit, load};

#[derive(clap::Args)]
pub struct Args {
    /// The signature file (CMS/CAdES, DER, BER or PEM).
    file: PathBuf,
    /// The signed content, for a detached signature (read as a stream).
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
    let report =
        validator.validate_cms(&input, content.as_mut().map(|f| f as &mut dyn std::io::Read)).map_err(|e| match e {
            ValidationError::UnexpectedDetachedContent => Failure::usage(e),
            e => Failure::unreadable(format!("{}: {e}", a.file.display())),
        })?;
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
