//! Renderers: one function per output format, each turning a [`Report`]
//! into the text written to stdout or `-o FILE`.

use crate::Report;

/// Options of the human renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    /// Emit ANSI colours (the caller decides: terminal, `NO_COLOR`, `--color`).
    pub color: bool,
}

/// Human-readable: each finding with a code frame of the offending lines,
/// then a summary line.
pub fn human(report: &Report, options: HumanOptions) -> String {
    let _ = (report, options);
    String::new()
}

/// The JSON report contract `dockward.report/v1`.
pub fn json(report: &Report) -> String {
    let _ = report;
    String::new()
}

/// SARIF 2.1.0, meeting GitHub code scanning's requirements.
pub fn sarif(report: &Report) -> String {
    let _ = report;
    String::new()
}

/// Checkstyle XML.
pub fn checkstyle(report: &Report) -> String {
    let _ = report;
    String::new()
}

/// JUnit XML: one test case per finding.
pub fn junit(report: &Report) -> String {
    let _ = report;
    String::new()
}

/// GitHub Actions workflow commands (`::error file=...::message`).
pub fn github(report: &Report) -> String {
    let _ = report;
    String::new()
}
