//! The `table` output of `dockward scan`: a header with totals per severity,
//! then one table per target (the OS packages, each language target) listing
//! its vulnerabilities, then the image checks. Suppressed findings are only
//! counted. Pure: the caller decides colour.

use std::fmt::Write as _;

use dockward_diagnostics::render::severity_style;
use dockward_diagnostics::{Location, Severity};
use owo_colors::OwoColorize as _;

use crate::scan_report::{Scan, target};

/// The severities, most severe first.
const ORDER: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

/// A table: a header row and rows of cells; the cell at `coloured` of each
/// row is a severity, painted after padding.
struct Table {
    header: Vec<&'static str>,
    rows: Vec<(Severity, Vec<String>)>,
    coloured: usize,
}

impl Table {
    fn write(&self, out: &mut String, color: bool) {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for (_, row) in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String], severity: Option<Severity>| {
            let mut text = String::from(" ");
            let last = cells.len().saturating_sub(1);
            for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
                let padding = if i == last {
                    0
                } else {
                    width - cell.chars().count() + 2
                };
                match severity {
                    Some(s) if color && i == self.coloured => {
                        text.push_str(&cell.style(severity_style(s)).to_string());
                    }
                    _ => text.push_str(cell),
                }
                text.push_str(&" ".repeat(padding));
            }
            text.trim_end().to_owned()
        };
        let header: Vec<String> = self.header.iter().map(|h| (*h).to_owned()).collect();
        let heading = line(&header, None);
        let _ = writeln!(
            out,
            "{}",
            if color {
                heading.bold().to_string()
            } else {
                heading
            }
        );
        for (severity, row) in &self.rows {
            let _ = writeln!(out, "{}", line(row, Some(*severity)));
        }
    }
}

fn upper(severity: Severity) -> String {
    severity.to_string().to_ascii_uppercase()
}

fn totals(counts: &[usize; 5]) -> String {
    let total: usize = counts.iter().sum();
    let parts: Vec<String> = ORDER
        .iter()
        .zip(counts)
        .map(|(s, n)| format!("{}: {n}", upper(*s)))
        .collect();
    format!("Total: {total} ({})", parts.join(", "))
}

fn rank(severity: Severity) -> usize {
    ORDER.iter().position(|s| *s == severity).unwrap_or(0)
}

/// Renders the scan as tables.
pub fn render(scan: &Scan<'_>, color: bool, quiet: bool) -> String {
    let bold = |s: &str| {
        if color {
            s.bold().to_string()
        } else {
            s.to_owned()
        }
    };
    let mut out = String::new();
    let os = scan
        .catalog
        .os
        .as_ref()
        .and_then(|o| o.pretty_name.clone().or_else(|| Some(o.id.clone())))
        .unwrap_or_else(|| "unknown OS".to_owned());
    let mut counts = [0usize; 5];
    let mut suppressed = 0;
    for d in &scan.report.diagnostics {
        if d.suppression.is_some() {
            suppressed += 1;
        } else {
            counts[rank(d.severity)] += 1;
        }
    }
    if !quiet {
        let title = format!("{} ({os})", scan.meta.name);
        let _ = writeln!(out, "{}", bold(&title));
        let _ = writeln!(out, "{}", "=".repeat(title.chars().count()));
        let mut line = totals(&counts);
        if suppressed > 0 {
            let _ = write!(line, ", {suppressed} suppressed");
        }
        let _ = writeln!(out, "{line}\n");
    }

    // Vulnerabilities, grouped by target in catalog order (OS packages first).
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, vuln) in scan.vulns.iter().enumerate() {
        if scan.report.diagnostics[i].suppression.is_some() {
            continue;
        }
        let t = target(&scan.catalog.packages[vuln.package]);
        match groups.iter_mut().find(|(name, _)| *name == t) {
            Some((_, members)) => members.push(i),
            None => groups.push((t, vec![i])),
        }
    }
    groups.sort_by_key(|(name, _)| name != "os");
    for (name, mut members) in groups {
        let first = &scan.catalog.packages[scan.vulns[members[0]].package];
        let label = if name == "os" {
            format!("OS packages ({os})")
        } else {
            format!("{name} ({})", first.kind.as_str())
        };
        let mut group_counts = [0usize; 5];
        for &i in &members {
            group_counts[rank(scan.vulns[i].severity)] += 1;
        }
        let _ = writeln!(out, "{} - vulnerabilities", bold(&label));
        let _ = writeln!(out, "{}", totals(&group_counts));
        members.sort_by(|&a, &b| {
            let (va, vb) = (&scan.vulns[a], &scan.vulns[b]);
            let (pa, pb) = (
                &scan.catalog.packages[va.package],
                &scan.catalog.packages[vb.package],
            );
            rank(va.severity)
                .cmp(&rank(vb.severity))
                .then_with(|| pa.name.cmp(&pb.name))
                .then_with(|| va.id.cmp(&vb.id))
        });
        let table = Table {
            header: vec!["PACKAGE", "INSTALLED", "FIXED", "SEVERITY", "ADVISORY"],
            rows: members
                .iter()
                .map(|&i| {
                    let vuln = &scan.vulns[i];
                    let package = &scan.catalog.packages[vuln.package];
                    let advisory = match vuln.cve() {
                        Some(cve) if cve != vuln.id => format!("{} ({cve})", vuln.id),
                        _ => vuln.id.clone(),
                    };
                    let fixed = if vuln.fixed.is_empty() {
                        "-".to_owned()
                    } else {
                        vuln.fixed.join(", ")
                    };
                    (
                        vuln.severity,
                        vec![
                            package.name.clone(),
                            package.version.clone(),
                            fixed,
                            upper(vuln.severity),
                            advisory,
                        ],
                    )
                })
                .collect(),
            coloured: 3,
        };
        table.write(&mut out, color);
        out.push('\n');
    }

    // The other checks, one table per kind of object they point at (the
    // image's configuration and files; any other kind a check reports).
    let mut kinds: Vec<(String, Vec<usize>)> = Vec::new();
    for i in scan.vulns.len()..scan.report.diagnostics.len() {
        let d = &scan.report.diagnostics[i];
        if d.suppression.is_some() {
            continue;
        }
        let kind = match &d.location {
            Location::Object { kind, .. } => kind.clone(),
            Location::File { path, .. } => path.clone(),
        };
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, members)) => members.push(i),
            None => kinds.push((kind, vec![i])),
        }
    }
    for (kind, mut checks) in kinds {
        let mut group_counts = [0usize; 5];
        for &i in &checks {
            group_counts[rank(scan.report.diagnostics[i].severity)] += 1;
        }
        let _ = writeln!(out, "{} - {kind} checks", bold(&scan.meta.name));
        let _ = writeln!(out, "{}", totals(&group_counts));
        checks.sort_by_key(|&i| {
            let d = &scan.report.diagnostics[i];
            (rank(d.severity), d.rule.code)
        });
        let table = Table {
            header: vec!["CODE", "SEVERITY", "FINDING"],
            rows: checks
                .iter()
                .map(|&i| {
                    let d = &scan.report.diagnostics[i];
                    (
                        d.severity,
                        vec![
                            d.rule.code.to_owned(),
                            upper(d.severity),
                            d.message.replace('\n', " "),
                        ],
                    )
                })
                .collect(),
            coloured: 1,
        };
        table.write(&mut out, color);
        out.push('\n');
    }
    if !quiet {
        let targets: std::collections::BTreeSet<String> =
            scan.catalog.packages.iter().map(target).collect();
        let _ = writeln!(
            out,
            "{} in {} ({os}), {}",
            plural(scan.catalog.packages.len(), "package"),
            scan.meta.name,
            plural(targets.len(), "target")
        );
    }
    out
}

/// `1 target`, `2 targets`.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
