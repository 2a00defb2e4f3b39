//! `confia`: verify and create advanced electronic signatures from the command line.
//!
//! The binary is a thin shell: it turns arguments into a library configuration, calls the
//! library, renders the report and sets the exit code.

mod cert;
mod common;
mod load;
mod sign;
mod tl;
mod verify;
mod xml;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit codes shared by every command.
pub mod exit {
    /// Every signature TOTAL_PASSED (or the command succeeded).
    pub const PASSED: u8 = 0;
    /// At least one signature TOTAL_FAILED (or signing failed).
    pub const FAILED: u8 = 1;
    /// Usage error.
    pub const USAGE: u8 = 2;
    /// At least one INDETERMINATE and none failed.
    pub const INDETERMINATE: u8 = 3;
    /// Unreadable input, or no signature found.
    pub const UNREADABLE: u8 = 4;
}

#[derive(Parser)]
#[command(
    name = "confia",
    version,
    about = "Validate and create CAdES and XAdES advanced electronic signatures (ETSI EN 319 102-1, EN 319 122-1, EN 319 132-1), with trust from anchors or ETSI TS 119 612 trusted lists",
    after_help = "EXIT CODES (verify):\n  0  every signature TOTAL_PASSED\n  1  at least one TOTAL_FAILED\n  2  usage error\n  3  at least one INDETERMINATE, none TOTAL_FAILED\n  4  unreadable input or no signature found\n\nEXIT CODES (cert verify):\n  0  valid\n  1  invalid (no valid path, a constraint fails, revoked, expired)\n  2  usage error\n  3  cannot decide (no usable revocation information)\n  4  unreadable input"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate the signatures of a CMS/CAdES or XML (XAdES, XMLDSig) file and print a report.
    #[command(
        after_help = "EXIT CODES:\n  0  every signature (and counter-signature) TOTAL_PASSED\n  1  at least one TOTAL_FAILED\n  2  usage error (also: --content with a signature that carries its own content)\n  3  at least one INDETERMINATE, none TOTAL_FAILED\n  4  unreadable input or no signature found"
    )]
    Verify(verify::Args),
    /// Create a CAdES-BASELINE-B or XAdES-BASELINE-B signature, or counter-sign one.
    #[command(
        after_help = "EXIT CODES:\n  0  signature written\n  1  signing failed, or the new signature would invalidate one the input carries (nothing written)\n  2  usage error (output is the input, exists without --force, is not a regular file; certificate does not match the key)\n  4  unreadable key, certificate or input"
    )]
    Sign(sign::Args),
    /// Certificate operations.
    #[command(subcommand)]
    Cert(cert::Command),
    /// XML tools (canonicalization).
    #[command(subcommand)]
    Xml(xml::Command),
    /// Trusted lists (ETSI TS 119 612).
    #[command(
        subcommand,
        after_help = "EXIT CODES (tl verify):\n  0  TOTAL_PASSED\n  1  TOTAL_FAILED\n  2  usage error\n  3  INDETERMINATE\n  4  unreadable or non-compliant list (strict mode)\n\nEXIT CODES (tl show):\n  0  read\n  4  unreadable\n\nEXIT CODES (tl fetch):\n  0  every list current in the cache\n  1  the list of lists could not be fetched or verified\n  3  some lists are not current (each one's reason is printed)"
    )]
    Tl(tl::Command),
}

/// A failure that ends the command with an exit code and one line on stderr.
pub struct Failure {
    /// Exit code.
    pub code: u8,
    /// The message (one line).
    pub message: String,
}

impl Failure {
    /// Unreadable input (exit 4).
    pub fn unreadable(m: impl std::fmt::Display) -> Self {
        Failure { code: exit::UNREADABLE, message: m.to_string() }
    }
    /// Usage error (exit 2).
    pub fn usage(m: impl std::fmt::Display) -> Self {
        Failure { code: exit::USAGE, message: m.to_string() }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Verify(a) => verify::run(a),
        Command::Sign(a) => sign::run(a),
        Command::Cert(c) => cert::run(c),
        Command::Xml(c) => xml::run(c),
        Command::Tl(c) => tl::run(c),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("confia: error: {}", f.message.replace('\n', " "));
            ExitCode::from(f.code)
        }
    }
}
