//! The human renderer: a header per finding, a code frame of the lines it
//! points at, the rule's help and aliases, and a summary line.

use std::fmt::Write as _;

use owo_colors::{OwoColorize, Style};

use super::text::{clamp_span, display_line, one_line};
use super::{Counts, HumanOptions, file_paths, plural, source_for, unsuppressed};
use crate::{Diagnostic, Location, Report, Severity, SourceFile, Span};

/// Longest span shown in full; longer ones show their first and last lines.
const MAX_FRAME_LINES: usize = 6;
/// Lines kept from the start and the end of an elided span.
const HEAD_LINES: usize = 3;
const TAIL_LINES: usize = 2;

pub(super) fn render(report: &Report, options: HumanOptions) -> String {
    let paint = Paint {
        color: options.color,
    };
    let mut out = String::new();
    for diagnostic in unsuppressed(report) {
        finding(&mut out, report, diagnostic, paint);
        out.push('\n');
    }
    if options.quiet {
        let findings = out.trim_end();
        return if findings.is_empty() {
            String::new()
        } else {
            format!("{findings}\n")
        };
    }
    summary(&mut out, report, paint);
    out
}

/// The colour of each severity, shared by every human output (lint, audit,
/// the scan table).
pub fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical => Style::new().bright_red().bold(),
        Severity::High => Style::new().red(),
        Severity::Medium => Style::new().yellow(),
        Severity::Low => Style::new().blue(),
        Severity::Info => Style::new().cyan(),
    }
}

/// Applies styles only when colour is on, so plain output has no escape
/// sequence at all.
#[derive(Debug, Clone, Copy)]
struct Paint {
    color: bool,
}

impl Paint {
    fn apply(self, text: &str, style: Style) -> String {
        if self.color {
            text.style(style).to_string()
        } else {
            text.to_owned()
        }
    }

    fn severity(self, severity: Severity, text: &str) -> String {
        self.apply(text, severity_style(severity))
    }

    fn bold(self, text: &str) -> String {
        self.apply(text, Style::new().bold())
    }

    fn gutter(self, text: &str) -> String {
        self.apply(text, Style::new().bright_blue())
    }
}

fn finding(out: &mut String, report: &Report, diagnostic: &Diagnostic, paint: Paint) {
    let tag = paint.severity(diagnostic.severity, &format!("[{}]", diagnostic.severity));
    let code = paint.bold(diagnostic.rule.code);
    let message = one_line(&diagnostic.message);
    match &diagnostic.location {
        Location::File {
            path, span, start, ..
        } => {
            let place = paint.bold(&format!(
                "{}:{}:{}:",
                one_line(path),
                start.line,
                start.column
            ));
            let _ = writeln!(out, "{place} {code} {tag} {message}");
            if let Some(source) = source_for(report, path) {
                frame(out, source, *span, diagnostic.severity, paint);
            }
        }
        Location::Object { kind, name } => {
            let place = paint.bold(&format!("{} {}:", one_line(kind), one_line(name)));
            let _ = writeln!(out, "{place} {code} {tag} {message}");
        }
    }
    let equals = paint.gutter("=");
    let _ = writeln!(
        out,
        "  {equals} help: {}",
        one_line(diagnostic.rule.summary)
    );
    let aliases = diagnostic.all_aliases();
    if !aliases.is_empty() {
        let _ = writeln!(out, "  {equals} aliases: {}", one_line(&aliases.join(", ")));
    }
}

/// The lines of `span` with a line-number gutter; a `^^^` underline when the
/// span is on one line.
fn frame(out: &mut String, source: &SourceFile, span: Span, severity: Severity, paint: Paint) {
    let text = source.text();
    let span = clamp_span(text, span);
    let index = source.line_index();
    let first = index.line_of(span.start);
    // A span that ends just after a line break ends on the line before.
    let last = if span.end > span.start {
        index.line_of(span.end - 1)
    } else {
        first
    }
    .max(first);
    let width = (last + 1).to_string().len();
    let bar = paint.gutter("|");

    let shown: Vec<Option<usize>> = if last - first < MAX_FRAME_LINES {
        (first..=last).map(Some).collect()
    } else {
        (first..first + HEAD_LINES)
            .map(Some)
            .chain(std::iter::once(None))
            .chain((last + 1 - TAIL_LINES..=last).map(Some))
            .collect()
    };

    for line in shown {
        let Some(line) = line else {
            let _ = writeln!(out, "{}", paint.gutter(&format!("{:>width$}", "...")));
            continue;
        };
        let line_span = index.line_span(line);
        let content = text.get(line_span.start..line_span.end).unwrap_or("");
        let mark = (first == last).then(|| {
            (
                span.start.saturating_sub(line_span.start),
                span.end.min(line_span.end).saturating_sub(line_span.start),
            )
        });
        let shown = display_line(content, mark);
        let number = paint.gutter(&format!("{:>width$}", line + 1));
        if shown.text.is_empty() {
            let _ = writeln!(out, "{number} {bar}");
        } else {
            let _ = writeln!(out, "{number} {bar} {}", shown.text);
        }
        if let Some((column, length)) = shown.mark {
            let carets = paint.severity(severity, &"^".repeat(length));
            let _ = writeln!(out, "{:width$} {bar} {:column$}{carets}", "", "");
        }
    }
}

fn summary(out: &mut String, report: &Report, paint: Paint) {
    let counts = Counts::of(report);
    let files = file_count(report);
    let mut line = if counts.total == 0 {
        format!("No findings in {files}")
    } else {
        let parts: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .filter(|severity| counts.get(**severity) > 0)
            .map(|severity| format!("{} {severity}", counts.get(*severity)))
            .collect();
        format!(
            "{} ({}) in {files}",
            plural(counts.total, "finding", "findings"),
            parts.join(", ")
        )
    };
    if counts.suppressed > 0 {
        let _ = write!(line, ", {} suppressed", counts.suppressed);
    }
    let _ = writeln!(out, "{}", paint.bold(&line));
}

/// `2 files`; `2 files and 1 other subject` when images, containers or hosts
/// were examined too.
fn file_count(report: &Report) -> String {
    let files = file_paths(report).len();
    let others = report.subjects.len().saturating_sub(files);
    match (files, others) {
        (_, 0) => plural(files, "file", "files"),
        (0, _) => plural(others, "subject", "subjects"),
        _ => format!(
            "{} and {}",
            plural(files, "file", "files"),
            plural(others, "other subject", "other subjects")
        ),
    }
}
