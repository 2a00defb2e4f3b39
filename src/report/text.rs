//! Human-readable rendering of a [`Report`].

use std::fmt::Write;

use super::{Level, Report, SignatureReport};

/// Renders the report for a terminal or a filed audit record.
pub fn render_text(r: &Report) -> String {
    let mut out = String::new();
    let rfc = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let _ = writeln!(out, "Validation time: {}", rfc(r.validation_time));
    let _ = writeln!(out, "Policy:          {} (sha256 {})", r.policy.name, r.policy.sha256);
    if !r.revocation_checked {
        let _ = writeln!(out, "Revocation:      NOT CHECKED (--no-revocation-check)");
    }
    let _ = writeln!(out, "Signatures:      {}", r.signatures.len());
    for s in &r.signatures {
        signature(&mut out, s, 0);
    }
    out
}

fn signature(out: &mut String, s: &SignatureReport, depth: usize) {
    let pad = "  ".repeat(depth);
    let yn = |b: bool| if b { "yes" } else { "no" };
    let _ = writeln!(out, "\n{pad}[{}] {}", s.id, s.verdict);
    let _ = writeln!(out, "{pad}  format:           {}", s.format);
    let _ = writeln!(out, "{pad}  signature intact: {}", yn(s.signature_intact));
    let _ = writeln!(
        out,
        "{pad}  data intact:      {}",
        s.data_intact.map_or("unknown (signed data not supplied)", |b| if b { "yes" } else { "no" })
    );
    if let Some(c) = &s.signer {
        let _ = writeln!(out, "{pad}  signer:           {}", c.subject);
        let _ = writeln!(out, "{pad}  issuer:           {}", c.issuer);
        let _ = writeln!(out, "{pad}  serial:           {}", c.serial);
        let _ = writeln!(out, "{pad}  sha256:           {}", c.sha256);
    }
    if let Some(t) = s.signing_time {
        let _ = writeln!(out, "{pad}  signing time:     {t} (claimed)");
    }
    if let Some(a) = &s.signature_algorithm {
        let _ = writeln!(out, "{pad}  algorithm:        {a}");
    }
    for (i, c) in s.chain.iter().enumerate() {
        let _ = writeln!(out, "{pad}  chain[{i}]:         {c}");
    }
    for rv in &s.revocation {
        let mut line = format!("{:?}", rv.status);
        if let Some(d) = rv.revocation_date {
            let _ = write!(line, " since {d}");
        }
        if let Some(reason) = &rv.reason {
            let _ = write!(line, " ({reason})");
        }
        let _ = writeln!(out, "{pad}  revocation:       {} — {line}", rv.subject);
    }
    for m in &s.messages {
        let level = match m.level {
            Level::Error => "ERROR",
            Level::Warning => "WARN ",
            Level::Info => "INFO ",
        };
        let _ = writeln!(out, "{pad}  {level} {}: {}", m.code, m.text);
    }
    for c in &s.counter_signatures {
        signature(out, c, depth + 1);
    }
}
