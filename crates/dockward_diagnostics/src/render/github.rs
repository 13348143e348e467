//! GitHub Actions workflow commands: one `::error`, `::warning` or
//! `::notice` line per unsuppressed finding, which the runner turns into an
//! annotation on the file.
//!
//! Escaping follows the runner's rules: in the message `%`, `\r` and `\n`
//! become `%25`, `%0D` and `%0A`; in property values `:` and `,` also become
//! `%3A` and `%2C`.

use std::fmt::Write as _;

use super::{source_for, unsuppressed};
use crate::{Diagnostic, Location, Report, Severity};

pub(super) fn render(report: &Report) -> String {
    let mut out = String::new();
    for diagnostic in unsuppressed(report) {
        command(&mut out, report, diagnostic);
    }
    out
}

fn command_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

fn command(out: &mut String, report: &Report, diagnostic: &Diagnostic) {
    let rule = diagnostic.rule;
    let title = format!("{} {}", rule.code, rule.name);
    let mut properties: Vec<(&str, String)> = Vec::new();
    let message = match &diagnostic.location {
        Location::File {
            path, start, end, ..
        } => {
            properties.push(("file", path.clone()));
            properties.push(("line", start.line.max(1).to_string()));
            // A span ending at the start of a later line ends on the line before.
            let mut end_line = end.line.max(start.line);
            let mut end_column = Some(end.column);
            if end_line > start.line && end.column <= 1 {
                end_line -= 1;
                end_column = line_length(report, path, end_line).map(|length| length + 1);
            }
            if end_line == start.line {
                // Annotations take columns only on a single line; the end
                // column is inclusive there.
                let column = start.column.max(1);
                properties.push(("col", column.to_string()));
                properties.push(("endLine", end_line.to_string()));
                if let Some(end_column) = end_column {
                    let inclusive = end_column.saturating_sub(1).max(column);
                    properties.push(("endColumn", inclusive.to_string()));
                }
            } else {
                properties.push(("endLine", end_line.to_string()));
            }
            diagnostic.message.clone()
        }
        Location::Object { kind, name } => format!("{kind} {name}: {}", diagnostic.message),
    };
    properties.push(("title", title));
    let properties: Vec<String> = properties
        .into_iter()
        .map(|(key, value)| format!("{key}={}", escape_property(&value)))
        .collect();
    let _ = writeln!(
        out,
        "::{} {}::{}",
        command_name(diagnostic.severity),
        properties.join(","),
        escape_data(&message)
    );
}

/// Length in characters of 1-based `line` of `path`, when the source is known.
fn line_length(report: &Report, path: &str, line: u32) -> Option<u32> {
    let source = source_for(report, path)?;
    let index = source.line_index();
    let line = (line as usize).checked_sub(1)?;
    if line >= index.line_count() {
        return None;
    }
    let span = index.line_span(line);
    let text = source.text().get(span.start..span.end)?;
    Some(text.chars().count() as u32)
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(escape_data("50% a\r\nb: c,d"), "50%25 a%0D%0Ab: c,d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
