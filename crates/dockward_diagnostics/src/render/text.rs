//! Text helpers shared by the renderers: making untrusted text safe to show,
//! display widths, and cutting long lines around a span.

use std::borrow::Cow;

use crate::Span;

/// Columns a tab expands to in a code frame.
pub(super) const TAB_WIDTH: usize = 4;

/// Widest source line shown in a code frame, in display columns.
pub(super) const MAX_LINE_WIDTH: usize = 100;

/// `text` as one line safe for a terminal: control characters (escape
/// sequences included) become U+FFFD, line breaks and tabs become spaces.
pub(super) fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\n' | '\r' | '\t' => ' ',
                c if c.is_control() => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// A byte span clamped into `text`, on character boundaries, with
/// `start <= end`.
pub(super) fn clamp_span(text: &str, span: Span) -> Span {
    let start = floor_boundary(text, span.start.min(text.len()));
    let end = floor_boundary(text, span.end.min(text.len())).max(start);
    Span::new(start, end)
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Display width of one character in a monospace terminal: 0 for combining
/// marks, 2 for East Asian wide characters and emoji, 1 otherwise. An
/// approximation covering the common blocks, enough to keep underlines
/// aligned.
pub(super) fn char_width(c: char) -> usize {
    let cp = u32::from(c);
    let zero = matches!(cp,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF
        | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0x200B..=0x200F);
    if zero {
        return 0;
    }
    let wide = matches!(cp,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF | 0x20000..=0x2FFFD | 0x30000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

/// One source line prepared for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DisplayLine {
    /// The text to print: tabs expanded, controls replaced, cut to
    /// [`MAX_LINE_WIDTH`] with `…` where text was left out.
    pub text: String,
    /// Display column (0-based) and width of the marked range, when one was
    /// asked for.
    pub mark: Option<(usize, usize)>,
}

/// Prepares `line` for a code frame. `mark` is a byte range inside `line`
/// (clamped); a long line is cut to a window showing the start of the mark.
pub(super) fn display_line(line: &str, mark: Option<(usize, usize)>) -> DisplayLine {
    // Each cell: the byte offset of the character, its printed form, its width.
    let mut cells: Vec<(usize, Cow<'static, str>, usize)> = Vec::with_capacity(line.len());
    for (offset, c) in line.char_indices() {
        let cell: (Cow<'static, str>, usize) = match c {
            '\t' => (Cow::Borrowed("    "), TAB_WIDTH),
            c if c.is_control() => (Cow::Borrowed("\u{FFFD}"), 1),
            c => (Cow::Owned(c.to_string()), char_width(c)),
        };
        cells.push((offset, cell.0, cell.1));
    }
    let column_of = |byte: usize| -> usize {
        cells
            .iter()
            .take_while(|(offset, _, _)| *offset < byte)
            .map(|(_, _, width)| width)
            .sum()
    };
    let total: usize = cells.iter().map(|(_, _, width)| width).sum();
    let mark_cols = mark.map(|(start, end)| {
        let start_col = column_of(start.min(line.len()));
        let end_col = column_of(end.min(line.len())).max(start_col);
        (start_col, end_col)
    });

    let (window_start, window_end) = if total <= MAX_LINE_WIDTH {
        (0, total)
    } else {
        // Keep some context before the mark, then fill the budget.
        let budget = MAX_LINE_WIDTH - 2; // room for the two ellipses
        let anchor = mark_cols.map_or(0, |(start, _)| start);
        let start = anchor.saturating_sub(budget / 3).min(total - budget);
        (start, start + budget)
    };

    let mut text = String::new();
    let mut column = 0;
    let mut shown_start = None;
    for (_, printed, width) in &cells {
        if column >= window_start && column + width <= window_end {
            shown_start.get_or_insert(column);
            text.push_str(printed);
        }
        column += width;
    }
    let shown_start = shown_start.unwrap_or(window_start);
    let cut_left = shown_start > 0;
    let cut_right = window_end < total;
    if cut_left {
        text.insert(0, '…');
    }
    if cut_right {
        text.push('…');
    }
    let lead = usize::from(cut_left);
    let mark = mark_cols.map(|(start, end)| {
        let start = start.clamp(shown_start, window_end);
        let end = end.clamp(start, window_end);
        (start - shown_start + lead, (end - start).max(1))
    });
    DisplayLine { text, mark }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_replaces_controls_and_breaks() {
        assert_eq!(one_line("a\nb\tc\u{1b}[31m"), "a b c\u{FFFD}[31m");
        assert!(matches!(one_line("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn clamp_span_stays_in_text_and_on_boundaries() {
        let text = "aé";
        assert_eq!(clamp_span(text, Span::new(2, 99)), Span::new(1, 3));
        assert_eq!(clamp_span(text, Span::new(9, 2)), Span::new(3, 3));
    }

    #[test]
    fn display_line_expands_tabs_under_the_mark() {
        let line = display_line("\tRUN x", Some((1, 4)));
        assert_eq!(line.text, "    RUN x");
        assert_eq!(line.mark, Some((4, 3)));
    }

    #[test]
    fn display_line_counts_wide_characters_twice() {
        let line = display_line("é中 x", Some((6, 7)));
        assert_eq!(line.mark, Some((4, 1)));
    }

    #[test]
    fn long_lines_are_cut_around_the_mark() {
        let line = format!("{}TARGET{}", "a".repeat(300), "b".repeat(300));
        let shown = display_line(&line, Some((300, 306)));
        assert!(shown.text.starts_with('…') && shown.text.ends_with('…'));
        assert_eq!(shown.text.chars().count(), MAX_LINE_WIDTH);
        let (col, width) = shown.mark.unwrap_or_default();
        let marked: String = shown.text.chars().skip(col).take(width).collect();
        assert_eq!(marked, "TARGET");
    }

    #[test]
    fn a_mark_past_the_end_of_the_line_is_clamped() {
        let shown = display_line("abc", Some((10, 20)));
        assert_eq!(shown.mark, Some((3, 1)));
    }
}
