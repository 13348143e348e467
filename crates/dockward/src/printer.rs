//! All user output: results to standard output (or `-o FILE`), errors and
//! warnings to standard error. Nothing else in the binary writes to a
//! terminal.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use dockward_diagnostics::{LineIndex, Span};

/// Where results go.
#[derive(Debug)]
pub struct Printer {
    target: Target,
}

#[derive(Debug)]
enum Target {
    Stdout,
    File(PathBuf),
}

impl Printer {
    /// Results to `output`, or to standard output when `None`.
    pub fn new(output: Option<&Path>) -> Self {
        Printer {
            target: output.map_or(Target::Stdout, |p| Target::File(p.to_owned())),
        }
    }

    /// True when results go to a terminal.
    pub fn is_terminal(&self) -> bool {
        use std::io::IsTerminal as _;
        matches!(self.target, Target::Stdout) && io::stdout().is_terminal()
    }

    /// Writes the whole result.
    pub fn result(&self, text: &str) -> anyhow::Result<()> {
        match &self.target {
            Target::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(text.as_bytes())?;
                out.flush()?;
            }
            Target::File(path) => {
                let mut file = File::create(path)
                    .with_context(|| format!("cannot create `{}`", path.display()))?;
                file.write_all(text.as_bytes())
                    .and_then(|()| file.flush())
                    .with_context(|| format!("cannot write `{}`", path.display()))?;
            }
        }
        Ok(())
    }
}

/// Writes `text` to standard error, ignoring failures (there is nowhere left
/// to report them).
fn to_stderr(text: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// Writes `text` as is to standard output (clap's help and version).
pub fn to_stdout(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// `warning: ...` on standard error.
pub fn warning(message: &str) {
    to_stderr(&format!("warning: {message}\n"));
}

/// Prints an error and its causes, one per line.
pub fn error_chain(error: &anyhow::Error) {
    let mut text = format!("error: {error}\n");
    for cause in error.chain().skip(1) {
        let _ = writeln!(text, "  caused by: {cause}");
    }
    to_stderr(&text);
}

/// Prints clap's own message (usage errors to standard error, help and
/// version to standard output).
pub fn clap_message(error: &clap::Error) -> io::Result<()> {
    let text = error.render().to_string();
    if error.use_stderr() {
        to_stderr(&text);
        Ok(())
    } else {
        to_stdout(&text)
    }
}

/// True when `error` is a closed pipe on the way to the reader (`| head`):
/// not a failure of ours.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// An error located in a file the user wrote (a configuration file), as
/// text with a code frame:
///
/// ```text
/// error: unknown rule `DL9999`
///  --> dockward.toml:3:11
///   |
/// 3 | ignore = ["DL9999"]
///   |           ^^^^^^^^
/// ```
pub fn located_error(path: &str, text: &str, span: Option<Span>, message: &str) -> String {
    let mut out = format!("{message}\n");
    let Some(span) = span else {
        let _ = writeln!(out, " --> {path}");
        return out;
    };
    let index = LineIndex::new(text.into());
    let start = index.line_col(span.start);
    let line = index.line_of(span.start);
    let line_span = index.line_span(line);
    let source_line = text.get(line_span.start..line_span.end).unwrap_or("");
    let number = start.line.to_string();
    let gutter = " ".repeat(number.len());
    let end = span.end.clamp(span.start, line_span.end);
    let pad = text
        .get(line_span.start..span.start)
        .map_or(0, |s| s.chars().count());
    let width = text
        .get(span.start..end)
        .map_or(1, |s| s.chars().count().max(1));
    let _ = writeln!(out, "{gutter}--> {path}:{}:{}", start.line, start.column);
    let _ = writeln!(out, "{gutter} |");
    let _ = writeln!(out, "{number} | {source_line}");
    let _ = writeln!(out, "{gutter} | {}{}", " ".repeat(pad), "^".repeat(width));
    out
}

/// A progress bar on standard error, drawn only when standard error is a
/// terminal (and `TERM` is not `dumb`); otherwise every call does nothing.
/// Safe to update from several threads; redraws at most ten times a second.
#[derive(Debug)]
pub struct ProgressBar {
    label: &'static str,
    state: Option<std::sync::Mutex<BarState>>,
}

#[derive(Debug)]
struct BarState {
    last: Option<std::time::Instant>,
    drawn: bool,
    best: u64,
}

/// Width of the bar in cells.
const BAR_WIDTH: usize = 30;

impl ProgressBar {
    /// A bar named `label`, hidden when `quiet` or when standard error is
    /// not a terminal.
    pub fn stderr(label: &'static str, quiet: bool) -> Self {
        use std::io::IsTerminal as _;
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        let shown = !quiet && !dumb && io::stderr().is_terminal();
        ProgressBar {
            label,
            state: shown.then(|| {
                std::sync::Mutex::new(BarState {
                    last: None,
                    drawn: false,
                    best: 0,
                })
            }),
        }
    }

    /// Shows `done` of `total` units, followed by `detail`.
    pub fn update(&self, done: u64, total: u64, detail: &str) {
        let Some(state) = &self.state else { return };
        let Ok(mut state) = state.lock() else { return };
        // Reports from several threads may arrive out of order.
        let done = done.max(state.best).min(total);
        state.best = done;
        let now = std::time::Instant::now();
        let finished = total > 0 && done == total;
        if !finished
            && state
                .last
                .is_some_and(|t| now.duration_since(t) < std::time::Duration::from_millis(100))
        {
            return;
        }
        state.last = Some(now);
        state.drawn = true;
        to_stderr(&bar_line(self.label, done, total, detail));
    }

    /// Clears the bar's line, if one was drawn.
    pub fn finish(&self) {
        let Some(state) = &self.state else { return };
        if state.lock().is_ok_and(|s| s.drawn) {
            to_stderr("\r\x1b[2K");
        }
    }
}

/// One frame of a progress bar: `\r`, the label, the bar, the percentage
/// and the detail, then "erase to the end of the line".
fn bar_line(label: &str, done: u64, total: u64, detail: &str) -> String {
    let filled = if total == 0 {
        0
    } else {
        usize::try_from(u128::from(done) * BAR_WIDTH as u128 / u128::from(total)).unwrap_or(0)
    }
    .min(BAR_WIDTH);
    let percent = if total == 0 {
        0
    } else {
        u128::from(done) * 100 / u128::from(total)
    };
    format!(
        "\r{label} [{}{}] {percent:>3}% {detail}\x1b[K",
        "#".repeat(filled),
        "-".repeat(BAR_WIDTH - filled)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_frames_fill_in_proportion() {
        assert_eq!(
            bar_line("reading", 0, 0, "0/0 layers"),
            format!("\rreading [{}]   0% 0/0 layers\x1b[K", "-".repeat(30))
        );
        assert_eq!(
            bar_line("reading", 50, 100, "x"),
            format!(
                "\rreading [{}{}]  50% x\x1b[K",
                "#".repeat(15),
                "-".repeat(15)
            )
        );
        assert_eq!(
            bar_line("reading", 100, 100, ""),
            format!("\rreading [{}] 100% \x1b[K", "#".repeat(30))
        );
    }

    #[test]
    fn code_frame_underlines_the_span() {
        let text = "[lint]\nignore = [\"DL9999\"]\n";
        let start = text.find("\"DL").expect("present");
        let frame = located_error(
            "dockward.toml",
            text,
            Some(Span::new(start, start + 8)),
            "unknown rule `DL9999`",
        );
        assert_eq!(
            frame,
            "unknown rule `DL9999`\n --> dockward.toml:2:11\n  |\n2 | ignore = [\"DL9999\"]\n  |           ^^^^^^^^\n"
        );
    }

    #[test]
    fn code_frame_without_span_names_the_file() {
        assert_eq!(
            located_error("a.toml", "", None, "broken"),
            "broken\n --> a.toml\n"
        );
    }
}
