//! Renderers: one function per output format, each turning a [`Report`]
//! into the text written to stdout or `-o FILE`.
//!
//! Every renderer is a pure function of the report: none reads the
//! environment, the terminal or the filesystem. The caller decides colour.
//!
//! | format | suppressed findings |
//! |---|---|
//! | human, checkstyle, github | left out, counted in the human summary |
//! | json | listed with their `suppressed` object, not counted in `total` |
//! | sarif | listed with `suppressions[]` |
//! | junit | listed as skipped test cases |

mod github;
mod human;
pub mod json_report;
mod sarif;
mod text;
mod xml;

use crate::{Diagnostic, Location, Report, Severity, SourceFile};

pub use human::severity_style;
pub use json_report::report_schema;

/// Options of the human renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    /// Emit ANSI colours (the caller decides: terminal, `NO_COLOR`, `--color`).
    pub color: bool,
    /// Leave out the summary line (`--quiet`): findings only.
    pub quiet: bool,
}

/// Human-readable: each finding with a code frame of the offending lines,
/// then a summary line.
pub fn human(report: &Report, options: HumanOptions) -> String {
    human::render(report, options)
}

/// The JSON report contract `dockward.report/v1` (see [`report_schema`]).
pub fn json(report: &Report) -> String {
    json_report::render(report, None)
}

/// The JSON report of a scan: the contract plus the package inventory and
/// its vulnerabilities (`packages`, `vulnerabilities`).
pub fn json_with_inventory(report: &Report, inventory: json_report::Inventory) -> String {
    json_report::render(report, Some(inventory))
}

/// SARIF 2.1.0, meeting GitHub code scanning's requirements.
pub fn sarif(report: &Report) -> String {
    sarif::render(report)
}

/// Checkstyle XML.
pub fn checkstyle(report: &Report) -> String {
    xml::checkstyle(report)
}

/// JUnit XML: one test case per finding.
pub fn junit(report: &Report) -> String {
    xml::junit(report)
}

/// GitHub Actions workflow commands (`::error file=...::message`).
pub fn github(report: &Report) -> String {
    github::render(report)
}

/// Finding counts shared by the summaries of several formats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    /// Unsuppressed findings per severity, indexed like [`Severity::ALL`].
    by_severity: [usize; 5],
    /// Unsuppressed findings.
    total: usize,
    /// Suppressed findings.
    suppressed: usize,
}

impl Counts {
    fn of(report: &Report) -> Self {
        let mut counts = Counts::default();
        for diagnostic in &report.diagnostics {
            if diagnostic.suppression.is_some() {
                counts.suppressed += 1;
            } else {
                counts.total += 1;
                counts.by_severity[severity_index(diagnostic.severity)] += 1;
            }
        }
        counts
    }

    fn get(&self, severity: Severity) -> usize {
        self.by_severity[severity_index(severity)]
    }
}

fn severity_index(severity: Severity) -> usize {
    match severity {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

/// The source text a path refers to, when the report carries it.
fn source_for<'a>(report: &'a Report, path: &str) -> Option<&'a SourceFile> {
    report.sources.iter().find(|source| source.path() == path)
}

/// Diagnostics that count (not suppressed), in report order.
fn unsuppressed(report: &Report) -> impl Iterator<Item = &Diagnostic> {
    report
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.suppression.is_none())
}

/// The files a file-oriented format lists, in order: file subjects first,
/// then any other path a diagnostic points into. Object subjects (images,
/// containers) are not files.
fn file_paths(report: &Report) -> Vec<&str> {
    let mut paths: Vec<&str> = Vec::new();
    let subjects = report
        .subjects
        .iter()
        .filter(|subject| is_file_subject(report, &subject.kind, &subject.name))
        .map(|subject| subject.name.as_str());
    let cited = report
        .diagnostics
        .iter()
        .filter_map(|diagnostic| match &diagnostic.location {
            Location::File { path, .. } => Some(path.as_str()),
            Location::Object { .. } => None,
        });
    for path in subjects.chain(cited) {
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    paths
}

/// Subject kinds that name a file on disk.
const FILE_KINDS: &[&str] = &["dockerfile", "compose", "file", "config"];

fn is_file_subject(report: &Report, kind: &str, name: &str) -> bool {
    FILE_KINDS.contains(&kind)
        || source_for(report, name).is_some()
        || report
            .diagnostics
            .iter()
            .any(|d| matches!(&d.location, Location::File { path, .. } if path == name))
}

/// `1 file`, `2 files`.
fn plural(count: usize, singular: &str, plural: &str) -> String {
    if count == 1 {
        format!("{count} {singular}")
    } else {
        format!("{count} {plural}")
    }
}
