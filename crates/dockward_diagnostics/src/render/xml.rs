//! The XML formats: Checkstyle and JUnit.

use std::fmt::Write as _;

use super::{file_paths, unsuppressed};
use crate::{Diagnostic, Location, Report, Severity};

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// Escapes `text` for an XML attribute value or element content. Characters
/// XML 1.0 cannot carry at all (most C0 controls, U+FFFE, U+FFFF) become
/// U+FFFD; tabs and line breaks are written as character references so an
/// attribute keeps them.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The name a diagnostic is filed under: its path, or `kind/name` for an
/// object.
fn group_of(diagnostic: &Diagnostic) -> String {
    match &diagnostic.location {
        Location::File { path, .. } => path.clone(),
        Location::Object { kind, name } => format!("{kind}/{name}"),
    }
}

/// File paths, then the objects findings point at, in first-seen order.
fn groups(report: &Report) -> Vec<String> {
    let mut groups: Vec<String> = file_paths(report).into_iter().map(str::to_owned).collect();
    for diagnostic in &report.diagnostics {
        let group = group_of(diagnostic);
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    groups
}

/// Checkstyle's severities: `error`, `warning`, `info`.
fn checkstyle_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "info",
    }
}

pub(super) fn checkstyle(report: &Report) -> String {
    let mut out = String::from(XML_DECLARATION);
    out.push_str("<checkstyle version=\"4.3\">\n");
    for group in groups(report) {
        let _ = writeln!(out, "  <file name=\"{}\">", escape(&group));
        for diagnostic in unsuppressed(report).filter(|d| group_of(d) == group) {
            let (line, column) = match &diagnostic.location {
                Location::File { start, .. } => (start.line, start.column),
                // Checkstyle needs a line; 0 says "no line".
                Location::Object { .. } => (0, 0),
            };
            let column = if column == 0 {
                String::new()
            } else {
                format!(" column=\"{column}\"")
            };
            let _ = writeln!(
                out,
                "    <error line=\"{line}\"{column} severity=\"{}\" message=\"{}\" source=\"dockward.{}\"/>",
                checkstyle_severity(diagnostic.severity),
                escape(&diagnostic.message),
                escape(diagnostic.rule.code),
            );
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}

/// JUnit XML in the common Ant/Jenkins shape: one `<testsuite>` per file or
/// object, a failing `<testcase>` per finding, a skipped one per suppressed
/// finding, and one passing test case for a file without findings.
pub(super) fn junit(report: &Report) -> String {
    let mut suites = String::new();
    let (mut all_tests, mut all_failures, mut all_skipped) = (0, 0, 0);
    for group in groups(report) {
        let diagnostics: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| group_of(d) == group)
            .collect();
        let failures = diagnostics
            .iter()
            .filter(|d| d.suppression.is_none())
            .count();
        let skipped = diagnostics.len() - failures;
        let tests = diagnostics.len().max(1);
        all_tests += tests;
        all_failures += failures;
        all_skipped += skipped;
        let name = escape(&group);
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">"
        );
        if diagnostics.is_empty() {
            let _ = writeln!(
                suites,
                "    <testcase classname=\"{name}\" name=\"dockward\"/>"
            );
        }
        for diagnostic in diagnostics {
            testcase(&mut suites, &name, diagnostic);
        }
        suites.push_str("  </testsuite>\n");
    }
    let mut out = String::from(XML_DECLARATION);
    let _ = writeln!(
        out,
        "<testsuites name=\"dockward\" tests=\"{all_tests}\" failures=\"{all_failures}\" errors=\"0\" skipped=\"{all_skipped}\">"
    );
    out.push_str(&suites);
    out.push_str("</testsuites>\n");
    out
}

fn testcase(out: &mut String, classname: &str, diagnostic: &Diagnostic) {
    let rule = diagnostic.rule;
    let (place, header) = match &diagnostic.location {
        Location::File { path, start, .. } => (
            format!(" at {}:{}", start.line, start.column),
            format!("{path}:{}:{}", start.line, start.column),
        ),
        Location::Object { kind, name } => (String::new(), format!("{kind} {name}")),
    };
    let name = escape(&format!("{} {}{place}", rule.code, rule.name));
    let _ = writeln!(
        out,
        "    <testcase classname=\"{classname}\" name=\"{name}\">"
    );
    if let Some(suppression) = &diagnostic.suppression {
        let _ = writeln!(
            out,
            "      <skipped message=\"{}\"/>",
            escape(&format!("suppressed: {}", suppression.justification))
        );
    } else {
        let body = format!(
            "{header}: {} [{}] {}\nhelp: {}\n{}",
            rule.code,
            diagnostic.severity,
            diagnostic.message,
            rule.summary,
            rule.help_uri()
        );
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"{}\">{}</failure>",
            escape(&diagnostic.message),
            diagnostic.severity,
            escape(&body)
        );
    }
    out.push_str("    </testcase>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_handles_markup_quotes_breaks_and_forbidden_characters() {
        assert_eq!(
            escape("a<b>&\"c'\n\t\u{1b}\u{FFFF}é"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;&#9;\u{FFFD}\u{FFFD}é"
        );
    }
}
