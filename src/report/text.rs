//! Human-readable rendering of a [`Report`] and a [`CertificateReport`].

use std::fmt::Write;

use time::OffsetDateTime;

use super::{CertificateReport, Message, PolicyRef, Report, SignatureReport, rfc3339};
use crate::revocation::RevocationResult;

/// The lines every report starts with: time, policy, revocation requirement.
fn header(out: &mut String, time: OffsetDateTime, policy: &PolicyRef, revocation_checked: bool) {
    let _ = writeln!(out, "Validation time: {}", rfc3339(time));
    let _ = writeln!(out, "Policy:          {} (sha256 {})", policy.name, policy.sha256);
    if !revocation_checked {
        let _ = writeln!(
            out,
            "Revocation:      NOT REQUIRED (--no-revocation-check or the policy); CRLs at hand still consulted"
        );
    }
}

/// Renders the report for a terminal or a filed audit record.
pub fn render_text(r: &Report) -> String {
    let mut out = String::new();
    header(&mut out, r.validation_time, &r.policy, r.revocation_checked);
    if let Some(t) = &r.trust_snapshot {
        let _ = writeln!(out, "Trusted lists:   snapshot {}", t.digest);
        for l in &t.lists {
            let state = match (l.expired, l.used) {
                (true, true) => ", past its next update",
                (true, false) => ", past its next update: not used",
                (false, false) => ": not used",
                (false, true) => "",
            };
            let _ = writeln!(
                out,
                "                 {} #{} {}{state} (sha256 {})",
                l.territory, l.sequence, l.verdict, l.sha256
            );
            // Which list of lists vouched for the list's signer.
            if let Some(by) = &l.pinned_by {
                let name = t.lists.iter().find(|p| p.sha256 == *by).map(|p| format!("{} #{}", p.territory, p.sequence));
                let _ = writeln!(out, "                   signer pinned by {}", name.unwrap_or_else(|| by.clone()));
            }
            if let Some(reason) = &l.reason {
                let _ = writeln!(out, "                   {reason}");
            }
        }
    }
    let _ = writeln!(out, "Signatures:      {}", r.signatures.len());
    for s in &r.signatures {
        signature(&mut out, s, 0);
    }
    out
}

/// Renders a certificate validation report.
pub fn render_certificate_text(r: &CertificateReport) -> String {
    let mut out = String::new();
    header(&mut out, r.validation_time, &r.policy, r.revocation_checked);
    let _ = writeln!(out, "\n[certificate] {}", r.verdict);
    let _ = writeln!(out, "  subject:          {}", r.certificate.subject);
    let _ = writeln!(out, "  issuer:           {}", r.certificate.issuer);
    let _ = writeln!(out, "  serial:           {}", r.certificate.serial);
    let _ = writeln!(out, "  sha256:           {}", r.certificate.sha256);
    for (i, c) in r.path.iter().enumerate() {
        let _ = writeln!(out, "  path[{i}]:          {c}");
    }
    if !r.path.is_empty() {
        let p = if r.policies.is_empty() { "none".to_string() } else { r.policies.join(", ") };
        let _ = writeln!(out, "  policies:         {p}");
    }
    revocation_lines(&mut out, "", &r.revocation);
    message_lines(&mut out, "", &r.messages);
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
        let _ = writeln!(out, "{pad}  signing time:     {} (claimed)", rfc3339(t));
    }
    if let Some(a) = &s.signature_algorithm {
        let _ = writeln!(out, "{pad}  algorithm:        {a}");
    }
    property_lines(out, &pad, &s.properties);
    for (i, c) in s.chain.iter().enumerate() {
        let _ = writeln!(out, "{pad}  chain[{i}]:         {c}");
    }
    revocation_lines(out, &pad, &s.revocation);
    message_lines(out, &pad, &s.messages);
    for c in &s.counter_signatures {
        signature(out, c, depth + 1);
    }
}

fn property_lines(out: &mut String, pad: &str, p: &crate::report::SignedProperties) {
    if let Some(v) = &p.xades_version {
        let _ = writeln!(out, "{pad}  xades version:    {v}");
    }
    for d in &p.data_object_formats {
        let what = [d.mime_type.as_deref(), d.encoding.as_deref(), d.description.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(out, "{pad}  data format:      {} {what}", d.object_reference);
    }
    match &p.signature_policy {
        Some(crate::report::SignaturePolicy::Implied) => {
            let _ = writeln!(out, "{pad}  policy:           implied (claimed, not enforced)");
        }
        Some(crate::report::SignaturePolicy::Explicit { identifier, description, .. }) => {
            let d = description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
            let _ = writeln!(out, "{pad}  policy:           {identifier}{d} (claimed, not enforced)");
        }
        None => {}
    }
    for role in &p.claimed_roles {
        let _ = writeln!(out, "{pad}  claimed role:     {role}");
    }
    for c in &p.commitment_types {
        let _ = writeln!(out, "{pad}  commitment:       {c}");
    }
}

fn revocation_lines(out: &mut String, pad: &str, results: &[RevocationResult]) {
    for rv in results {
        let mut line = format!("{:?}", rv.status);
        if let Some(d) = rv.revocation_date {
            let _ = write!(line, " since {}", rfc3339(d));
        }
        if let Some(reason) = &rv.reason {
            let _ = write!(line, " ({reason})");
        }
        let _ = writeln!(out, "{pad}  revocation:       {} — {line}", rv.subject);
    }
}

fn message_lines(out: &mut String, pad: &str, messages: &[Message]) {
    for m in messages {
        let _ = writeln!(out, "{pad}  {} {}: {}", m.level.label(), m.code, m.text);
    }
}
