//! Word splitting, quote removal and JSON arrays, over the joined text of
//! an instruction. Every function returns byte ranges into its input so the
//! caller can map them back to the source.

/// BuildKit's `reWhitespace`: `[\t\v\f\r ]`.
pub(crate) fn is_line_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0b' | '\x0c' | '\r')
}

/// Splits on runs of `[\t\v\f\r ]` (BuildKit's
/// `parseStringsWhitespaceDelimited`); quotes are not special.
pub(crate) fn split_whitespace(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if is_line_ws(c) {
            if let Some(s) = start.take() {
                out.push((s, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

#[derive(PartialEq)]
enum Phase {
    Spaces,
    Word,
    Quote(char),
}

fn word_char(
    c: char,
    escape: char,
    phase: &mut Phase,
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
) {
    if c == '\'' || c == '"' {
        *phase = Phase::Quote(c);
    } else if c == escape {
        chars.next();
    }
}

/// BuildKit's `parseWords`: whitespace-separated words where quotes group
/// and the escape character protects the next character. Quotes and escapes
/// stay in the words (they are removed later by [`unquote`]).
pub(crate) fn parse_words(text: &str, escape: char) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut phase = Phase::Spaces;
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match phase {
            Phase::Spaces => {
                if c.is_whitespace() {
                    continue;
                }
                start = i;
                phase = Phase::Word;
                word_char(c, escape, &mut phase, &mut chars);
            }
            Phase::Word => {
                if c.is_whitespace() {
                    out.push((start, i));
                    phase = Phase::Spaces;
                    continue;
                }
                word_char(c, escape, &mut phase, &mut chars);
            }
            Phase::Quote(q) => {
                if c == q {
                    phase = Phase::Word;
                } else if c == escape && q != '\'' {
                    chars.next();
                }
            }
        }
    }
    if phase != Phase::Spaces {
        out.push((start, text.len()));
    }
    out
}

/// Splits like a POSIX shell lexer with raw quotes (BuildKit's
/// `ProcessWords` with `RawQuotes`): whitespace separates words, quotes
/// group, `\` protects the next character outside single quotes.
pub(crate) fn shell_words(text: &str) -> Vec<(usize, usize)> {
    parse_words(text, '\\')
}

/// Removes quotes and resolves escapes the way BuildKit's shell lexer does
/// for instruction arguments, without expanding variables.
///
/// Outside quotes the escape character makes the next character literal;
/// inside double quotes it only escapes `"`, `$` and itself; single quotes
/// are fully literal.
pub(crate) fn unquote(raw: &str, escape: char) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            for c in chars.by_ref() {
                if c == '\'' {
                    break;
                }
                out.push(c);
            }
        } else if c == '"' {
            while let Some(c) = chars.next() {
                if c == '"' {
                    break;
                }
                if c == escape {
                    match chars.peek() {
                        Some(&n) if n == '"' || n == '$' || n == escape => {
                            out.push(n);
                            chars.next();
                        }
                        _ => out.push(c),
                    }
                } else {
                    out.push(c);
                }
            }
        } else if c == escape {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What a `[`-prefixed argument turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonArgs {
    /// A JSON array of strings: each value and the byte range of its token
    /// (quotes included).
    Strings(Vec<(String, usize, usize)>),
    /// Valid JSON array with an element that is not a string (BuildKit
    /// rejects the instruction).
    NotStrings,
    /// Not JSON at all: the shell form applies.
    NotJson,
}

/// Parses `text` as BuildKit's `parseJSON` does: leading whitespace skipped,
/// then one JSON array of strings and nothing else but whitespace.
pub(crate) fn json_args(text: &str) -> JsonArgs {
    let lead = text.len() - text.trim_start().len();
    if !text[lead..].starts_with('[') {
        return JsonArgs::NotJson;
    }
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(text)
    else {
        return JsonArgs::NotJson;
    };
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        match item {
            serde_json::Value::String(s) => values.push(s),
            _ => return JsonArgs::NotStrings,
        }
    }
    let tokens = string_tokens(text);
    if tokens.len() != values.len() {
        // Cannot happen for a valid array of strings; stay safe anyway.
        let whole = (lead, text.trim_end().len());
        return JsonArgs::Strings(values.into_iter().map(|v| (v, whole.0, whole.1)).collect());
    }
    JsonArgs::Strings(
        values
            .into_iter()
            .zip(tokens)
            .map(|(v, (s, e))| (v, s, e))
            .collect(),
    )
}

/// Byte ranges of the top-level string tokens of a JSON text.
fn string_tokens(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            let end = (i + 1).min(bytes.len());
            out.push((start, end));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words<'a>(text: &'a str, ranges: &[(usize, usize)]) -> Vec<&'a str> {
        ranges.iter().map(|&(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn parse_words_keeps_quotes_and_groups() {
        let t = r#"a="x y" b=c\ d 'e f'"#;
        assert_eq!(
            words(t, &parse_words(t, '\\')),
            vec![r#"a="x y""#, r"b=c\ d", "'e f'"]
        );
    }

    #[test]
    fn unquote_resolves_quotes_and_escapes() {
        assert_eq!(unquote(r#""x y""#, '\\'), "x y");
        assert_eq!(unquote(r"'a\b'", '\\'), r"a\b");
        assert_eq!(unquote(r#""a\"b\n""#, '\\'), r#"a"b\n"#);
        assert_eq!(unquote(r"c\ d", '\\'), "c d");
        assert_eq!(unquote(r"C:\foo", '`'), r"C:\foo");
    }

    #[test]
    fn json_args_forms() {
        assert_eq!(
            json_args(r#"["a", "b\"c"]"#),
            JsonArgs::Strings(vec![("a".into(), 1, 4), ("b\"c".into(), 6, 12)])
        );
        assert_eq!(json_args("[]"), JsonArgs::Strings(vec![]));
        assert_eq!(json_args("[1]"), JsonArgs::NotStrings);
        assert_eq!(json_args("[ -f x ]"), JsonArgs::NotJson);
        assert_eq!(json_args("['a']"), JsonArgs::NotJson);
        assert_eq!(json_args(r#"["a""#), JsonArgs::NotJson);
    }
}
