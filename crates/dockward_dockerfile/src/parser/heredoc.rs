//! Heredoc markers on an instruction line (`<<EOF`, `<<-EOF`, `<<"EOF"`,
//! `3<<EOF`), found the way BuildKit's `heredocsFromLine` finds them: as
//! whole shell words matching `^(\d*)<<(-?)([^<]*)$`.

use dockward_diagnostics::Span;

use super::words::{shell_words, unquote};
use crate::ast::ArgText;

/// A heredoc marker before its body is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marker {
    /// The delimiter, quotes removed.
    pub delimiter: String,
    /// `<<-`.
    pub strip_tabs: bool,
    /// Some part of the delimiter was quoted.
    pub quoted: bool,
    /// `3<<EOF`.
    pub fd: Option<u32>,
    /// The marker word in the source.
    pub span: Span,
}

/// Every heredoc marker of the joined instruction line, in order.
pub(crate) fn markers(line: &ArgText) -> Vec<Marker> {
    let text = line.text.as_str();
    if !text.contains("<<") {
        return Vec::new();
    }
    shell_words(text)
        .into_iter()
        .filter_map(|(start, end)| {
            let marker = marker(&text[start..end])?;
            Some(Marker {
                span: line.source_span(start, end),
                ..marker
            })
        })
        .collect()
}

/// Parses one word as a heredoc marker.
fn marker(word: &str) -> Option<Marker> {
    let digits = word.len() - word.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = word[digits..].strip_prefix("<<")?;
    let (strip_tabs, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let delimiter = unquote(rest, '\\');
    if delimiter.is_empty() {
        return None;
    }
    let quoted = has_unescaped_quote(rest);
    let fd = if digits == 0 {
        None
    } else {
        // An absurdly long descriptor is not one a shell could open.
        Some(word[..digits].parse::<u32>().unwrap_or(u32::MAX))
    };
    Some(Marker {
        delimiter,
        strip_tabs,
        quoted,
        fd,
        span: Span::empty(0),
    })
}

fn has_unescaped_quote(s: &str) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' | '\'' => return true,
            _ => {}
        }
    }
    false
}

/// Removes the leading tabs of every line (`<<-`).
pub(crate) fn strip_leading_tabs(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    for line in body.split_inclusive('\n') {
        out.push_str(line.trim_start_matches('\t'));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_forms() {
        let m = marker("<<EOF").expect("marker");
        assert_eq!(
            (m.delimiter.as_str(), m.strip_tabs, m.quoted, m.fd),
            ("EOF", false, false, None)
        );
        let m = marker("<<-'EOT'").expect("marker");
        assert_eq!(
            (m.delimiter.as_str(), m.strip_tabs, m.quoted),
            ("EOT", true, true)
        );
        let m = marker("3<<\"X\"").expect("marker");
        assert_eq!((m.delimiter.as_str(), m.quoted, m.fd), ("X", true, Some(3)));
        assert!(marker("<<").is_none());
        assert!(marker("a<<EOF").is_none());
        assert!(marker("<<<EOF").is_none());
        assert!(marker("\"<<EOF\"").is_none());
    }

    #[test]
    fn tab_stripping() {
        assert_eq!(strip_leading_tabs("\t\ta\n\tb\n c\n"), "a\nb\n c\n");
    }
}
