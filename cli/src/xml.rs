//! `confia xml c14n`: shows exactly the bytes a canonicalization produces, so an auditor can
//! see what was digested.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use confia::xml::c14n::{Method, canonicalize, canonicalize_subset};
use confia::xml::{Document, ParseOptions};

use crate::{Failure, exit, load};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Canonicalize an XML document (or the subtree of one element) and print the bytes.
    C14n(C14nArgs),
}

/// Canonicalization methods.
#[derive(Clone, Copy, ValueEnum)]
pub enum MethodArg {
    /// Canonical XML 1.0
    Inc,
    /// Canonical XML 1.1
    Inc11,
    /// Exclusive XML Canonicalization 1.0
    Exc,
}

#[derive(clap::Args)]
pub struct C14nArgs {
    /// The XML file.
    file: PathBuf,
    /// The canonicalization method.
    #[arg(long, value_enum, default_value = "inc")]
    method: MethodArg,
    /// Keep comments (the #WithComments variants).
    #[arg(long)]
    with_comments: bool,
    /// Canonicalize only the subtree of the first element with this name, written
    /// `{namespace-uri}local-name` (or `local-name` for no namespace).
    #[arg(long, value_name = "{NS}NAME")]
    element: Option<String>,
    /// Exclusive C14N InclusiveNamespaces PrefixList (`#default` for the default namespace).
    #[arg(long = "inclusive-prefix", value_name = "PREFIX")]
    inclusive_prefixes: Vec<String>,
    /// Accept a DOCTYPE and apply its internal subset (attribute defaults, internal
    /// entities). External entities are refused regardless.
    #[arg(long)]
    allow_dtd: bool,
}

pub fn run(c: Command) -> Result<u8, Failure> {
    let Command::C14n(a) = c;
    let data = load::read_limited(&a.file, confia::xml::MAX_XML_SIZE as u64)?;
    let doc = Document::parse(&data, &ParseOptions { allow_dtd: a.allow_dtd })
        .map_err(|e| Failure::unreadable(format!("{}: {e}", a.file.display())))?;
    let method = match a.method {
        MethodArg::Inc => Method::Inclusive,
        MethodArg::Inc11 => Method::Inclusive11,
        MethodArg::Exc => Method::Exclusive,
    };
    let out = match &a.element {
        None => canonicalize_subset(&doc, None, &[], method, a.with_comments, &a.inclusive_prefixes),
        Some(spec) => {
            let (ns, local) = match spec.strip_prefix('{').and_then(|r| r.split_once('}')) {
                Some((ns, local)) => (Some(ns), local),
                None => (None, spec.as_str()),
            };
            let el = doc
                .find_element(ns, local)
                .ok_or_else(|| Failure::usage(format!("no element {spec} in {}", a.file.display())))?;
            canonicalize(&doc, el, method, a.with_comments, &a.inclusive_prefixes)
        }
    }
    .map_err(|e| Failure::unreadable(format!("{}: {e}", a.file.display())))?;
    std::io::stdout().write_all(&out).map_err(|e| Failure::unreadable(format!("stdout: {e}")))?;
    Ok(exit::PASSED)
}
