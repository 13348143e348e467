//! Heredoc markers on an instruction line (`<<EOF`, `<<-EOF`, `<<"EOF"`,
//! `3<<EOF`), found the way BuildKit's `heredocsFromLine` finds them: as
//! whole shell words matching `^(\d*)<<(-?)([^<]*)$`.

use dockward_diagnostics::Span;

use super::words::{shell_words, unquote};
use crate::ast::{ArgText, ParseError};

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

/// Every heredoc marker of the joined instruction line, in order. A marker
/// may be written with spaces before its delimiter (`<< EOF`, `<<- EOF`), as
/// recent BuildKit accepts. A delimiter with an unterminated quote is an
/// error (and no heredoc).
pub(crate) fn markers(line: &ArgText, errors: &mut Vec<ParseError>) -> Vec<Marker> {
    let text = line.text.as_str();
    if !text.contains("<<") {
        return Vec::new();
    }
    let words = shell_words(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (start, end) = words[i];
        i += 1;
        let Some(head) = head(&text[start..end]) else {
            continue;
        };
        let (rest, span_end) = if head.rest_start == end - start {
            // `<<` alone: the delimiter is the next word.
            match words.get(i) {
                Some(&(s, e)) if valid_rest(&text[s..e]) => {
                    i += 1;
                    (&text[s..e], e)
                }
                _ => continue,
            }
        } else {
            (&text[start + head.rest_start..end], end)
        };
        if !valid_rest(rest) {
            continue;
        }
        let span = line.source_span(start, span_end);
        if !quotes_balanced(rest) {
            errors.push(ParseError {
                message: format!("unterminated quote in heredoc delimiter `{rest}`"),
                span,
            });
            continue;
        }
        let delimiter = unquote(rest, '\\');
        if delimiter.is_empty() {
            continue;
        }
        out.push(Marker {
            delimiter,
            strip_tabs: head.strip_tabs,
            quoted: has_unescaped_quote(rest),
            fd: head.fd,
            span,
        });
    }
    out
}

/// The `3<<-` part of a marker word.
struct Head {
    fd: Option<u32>,
    strip_tabs: bool,
    /// Where the delimiter starts in the word.
    rest_start: usize,
}

fn head(word: &str) -> Option<Head> {
    let digits = word.len() - word.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let after = word[digits..].strip_prefix("<<")?;
    let strip_tabs = after.starts_with('-');
    let fd = if digits == 0 {
        None
    } else {
        // An absurdly long descriptor is not one a shell could open.
        Some(word[..digits].parse::<u32>().unwrap_or(u32::MAX))
    };
    Some(Head {
        fd,
        strip_tabs,
        rest_start: digits + 2 + usize::from(strip_tabs),
    })
}

/// BuildKit's `[^<]*` after the `<<`: no further `<`.
fn valid_rest(rest: &str) -> bool {
    !rest.is_empty() && !rest.contains('<')
}

fn quotes_balanced(s: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None | Some('"'), '\\') => {
                chars.next();
            }
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    quote.is_none()
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

    /// Delimiter, strip_tabs, quoted, fd.
    type Found = (String, bool, bool, Option<u32>);

    fn found(line: &str) -> (Vec<Found>, usize) {
        let arg = ArgText {
            text: line.to_owned(),
            pieces: vec![(0, 0)],
        };
        let mut errors = Vec::new();
        let markers = markers(&arg, &mut errors)
            .into_iter()
            .map(|m| (m.delimiter, m.strip_tabs, m.quoted, m.fd))
            .collect();
        (markers, errors.len())
    }

    fn names(line: &str) -> Vec<String> {
        found(line).0.into_iter().map(|m| m.0).collect()
    }

    #[test]
    fn marker_forms() {
        assert_eq!(
            found("RUN <<EOF").0,
            [("EOF".to_owned(), false, false, None)]
        );
        assert_eq!(
            found("RUN <<-'EOT'").0,
            [("EOT".to_owned(), true, true, None)]
        );
        assert_eq!(
            found("RUN 3<<\"X\"").0,
            [("X".to_owned(), false, true, Some(3))]
        );
        assert_eq!(names("RUN <<EOF <<EOF2"), ["EOF", "EOF2"]);
        assert_eq!(names("RUN <<eo'f'"), ["eof"]);
        assert_eq!(
            found("RUN <<eo\\'f").0,
            [("eo'f".to_owned(), false, false, None)]
        );
        assert_eq!(names("RUN <<'one two'"), ["one two"]);
        assert_eq!(names("RUN <<$EOF"), ["$EOF"]);
        for not in [
            "RUN <<",
            "RUN a<<EOF",
            "RUN <<<EOF",
            "RUN \"<<EOF\"",
            "RUN '<<EOF'",
        ] {
            assert!(names(not).is_empty(), "{not}");
        }
    }

    #[test]
    fn marker_with_spaces_before_the_delimiter() {
        assert_eq!(names("RUN <<  EOF  > foo"), ["EOF"]);
        assert_eq!(
            found("RUN <<- EOF").0,
            [("EOF".to_owned(), true, false, None)]
        );
        assert_eq!(
            found("RUN << -EOF").0,
            [("-EOF".to_owned(), false, false, None)]
        );
    }

    #[test]
    fn unterminated_quote_in_delimiter_is_an_error() {
        assert_eq!(found("RUN <<'EOF"), (vec![], 1));
        assert_eq!(found("RUN <<EOF\""), (vec![], 1));
    }

    #[test]
    fn tab_stripping() {
        assert_eq!(strip_leading_tabs("\t\ta\n\tb\n c\n"), "a\nb\n c\n");
    }
}
