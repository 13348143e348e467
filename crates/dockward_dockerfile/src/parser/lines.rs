//! Physical lines, parser directives and the joining of continuation lines
//! into logical lines, as BuildKit's `parser.go` does it.

use crate::ast::ArgText;

/// One physical line of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PhysLine {
    /// First byte of the line.
    pub start: usize,
    /// End of the content: trailing `\r`s and the `\n` excluded.
    pub end: usize,
    /// Start of the next line (or the end of the text).
    pub next: usize,
    /// 1-based line number.
    pub number: u32,
}

/// Iterates over the physical lines of `text`, `\n`-terminated, the way
/// Go's `bufio.Scanner` with BuildKit's `scanLines` does: a trailing newline
/// does not open an empty last line.
#[derive(Debug, Clone)]
pub(crate) struct Lines<'a> {
    text: &'a str,
    pos: usize,
    number: u32,
}

impl<'a> Lines<'a> {
    /// Lines of `text` starting at byte `start` (after a BOM).
    pub fn new(text: &'a str, start: usize) -> Self {
        Lines {
            text,
            pos: start,
            number: 0,
        }
    }
}

impl Iterator for Lines<'_> {
    type Item = PhysLine;

    fn next(&mut self) -> Option<PhysLine> {
        if self.pos >= self.text.len() {
            return None;
        }
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let (mut end, next) = match memchr_newline(&bytes[start..]) {
            Some(i) => (start + i, start + i + 1),
            None => (bytes.len(), bytes.len()),
        };
        while end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        self.pos = next;
        self.number += 1;
        Some(PhysLine {
            start,
            end,
            next,
            number: self.number,
        })
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

/// Byte length of the leading Unicode whitespace of `s`.
pub(crate) fn leading_ws_len(s: &str) -> usize {
    s.len() - s.trim_start().len()
}

/// True for a comment line: `#` after optional leading whitespace.
pub(crate) fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// If `line` ends with a line-continuation escape (BuildKit's
/// `([^E])E[ \t]*$|^E[ \t]*$`), the length of the content before it.
///
/// An escape preceded by another escape (`\\` at end of line) does not
/// continue the line.
pub(crate) fn continuation_cut(line: &str, escape: char) -> Option<usize> {
    let trimmed = line.trim_end_matches([' ', '\t']);
    let before = trimmed.strip_suffix(escape)?;
    match before.chars().next_back() {
        None => Some(0),
        Some(c) if c == escape => None,
        Some(_) => Some(before.len()),
    }
}

/// A parser directive found at the top of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DirectiveLine {
    /// Lowercased key.
    pub key: String,
    /// The value, trimmed.
    pub value: String,
    /// Byte offset of the value within the line given.
    pub value_start: usize,
}

/// Matches BuildKit's directive syntax `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`
/// on a line whose leading whitespace is already removed.
pub(crate) fn match_directive(line: &str) -> Option<DirectiveLine> {
    let rest = line.strip_prefix('#')?;
    let key_start = line.len() - rest.trim_start().len();
    let after_hash = &line[key_start..];
    let key_len = after_hash
        .char_indices()
        .find(|&(i, c)| {
            if i == 0 {
                !c.is_ascii_alphabetic()
            } else {
                !c.is_ascii_alphanumeric()
            }
        })
        .map_or(after_hash.len(), |(i, _)| i);
    if key_len == 0 {
        return None;
    }
    let key = &after_hash[..key_len];
    let after_key = &after_hash[key_len..];
    let eq = after_key.trim_start();
    let eq_rest = eq.strip_prefix('=')?;
    let value_trimmed_start = eq_rest.trim_start();
    let value = value_trimmed_start.trim_end();
    if value.is_empty() {
        return None;
    }
    let value_start = line.len() - value_trimmed_start.len();
    Some(DirectiveLine {
        key: key.to_ascii_lowercase(),
        value: value.to_owned(),
        value_start,
    })
}

/// Builds the joined text of a logical line with its map to the source.
#[derive(Debug, Default)]
pub(crate) struct Joiner {
    text: String,
    pieces: Vec<(usize, usize)>,
}

impl Joiner {
    /// Appends `src[start..end]`.
    pub fn push(&mut self, src: &str, start: usize, end: usize) {
        if start >= end {
            return;
        }
        // Merge with the previous piece when contiguous in the source.
        let contiguous = self
            .pieces
            .last()
            .is_some_and(|&(t, s)| s + (self.text.len() - t) == start);
        if !contiguous {
            self.pieces.push((self.text.len(), start));
        }
        self.text.push_str(&src[start..end]);
    }

    /// The joined text so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Finishes the line.
    pub fn finish(self) -> ArgText {
        ArgText {
            text: self.text,
            pieces: self.pieces,
        }
    }
}

/// `text[start..end]` of an [`ArgText`] as an [`ArgText`] of its own, with
/// the source map carried over.
pub(crate) fn slice(arg: &ArgText, start: usize, end: usize) -> ArgText {
    let end = end.min(arg.text.len());
    let start = start.min(end);
    let text = arg.text.get(start..end).unwrap_or_default().to_owned();
    let mut pieces = Vec::new();
    if !text.is_empty() {
        pieces.push((0, arg.source_offset(start)));
        let first_after = arg.pieces.partition_point(|&(t, _)| t <= start);
        for &(t, s) in &arg.pieces[first_after..] {
            if t >= end {
                break;
            }
            pieces.push((t - start, s));
        }
    } else if !arg.pieces.is_empty() {
        pieces.push((0, arg.source_offset(start)));
    }
    ArgText { text, pieces }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_regex_semantics() {
        assert_eq!(continuation_cut("RUN a \\", '\\'), Some(6));
        assert_eq!(continuation_cut("RUN a \\  \t", '\\'), Some(6));
        assert_eq!(continuation_cut("C:\\\\", '\\'), None);
        assert_eq!(continuation_cut("\\", '\\'), Some(0));
        assert_eq!(continuation_cut("  \\", '\\'), Some(2));
        assert_eq!(continuation_cut("RUN a", '\\'), None);
        assert_eq!(continuation_cut("RUN a `", '`'), Some(6));
        assert_eq!(continuation_cut("C:\\foo\\", '`'), None);
        assert_eq!(continuation_cut("é\\", '\\'), Some(2));
    }

    #[test]
    fn directive_matching() {
        let d = match_directive("# escape = `").expect("directive");
        assert_eq!(
            (d.key.as_str(), d.value.as_str(), d.value_start),
            ("escape", "`", 11)
        );
        let d = match_directive("#SYNTAX=docker/dockerfile:1 ").expect("directive");
        assert_eq!(
            (d.key.as_str(), d.value.as_str()),
            ("syntax", "docker/dockerfile:1")
        );
        assert!(match_directive("# just a comment").is_none());
        assert!(match_directive("# 1x=y").is_none());
        assert!(match_directive("# x=").is_none());
    }

    #[test]
    fn lines_strip_cr_and_no_empty_last_line() {
        let lines: Vec<_> = Lines::new("a\r\nb\n", 0).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[0].start, lines[0].end, lines[0].next), (0, 1, 3));
        assert_eq!((lines[1].start, lines[1].end, lines[1].next), (3, 4, 5));
    }
}
