//! `RUN --mount=...` values: comma-separated `key[=value]` fields, CSV-style
//! quoting, bare boolean keys (`ro`), `type` defaulting to `bind`.

use dockward_diagnostics::Span;

use crate::ast::Mount;

/// Parses the value of a `--mount` flag (as written, quotes included).
pub(crate) fn parse_mount(raw: &str, span: Span) -> Mount {
    let value = unquote_flag(raw);
    let mut options = Vec::new();
    let mut kind = None;
    for field in csv_fields(&value) {
        let field = field.trim();
        if field.is_empty() {
            continue;
        }
        let (key, val) = match field.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.to_owned())),
            None => (field.to_ascii_lowercase(), None),
        };
        if key == "type" && kind.is_none() {
            kind = Some(val.clone().unwrap_or_default().to_ascii_lowercase());
        }
        options.push((key, val));
    }
    Mount {
        kind: kind.unwrap_or_else(|| "bind".to_owned()),
        options,
        span,
    }
}

/// Removes the quotes BuildKit's flag extraction removes: `'..'`, `".."`, and
/// `\` protecting the next character.
fn unquote_flag(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut quote: Option<char> = None;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match quote {
            None if c == '\'' || c == '"' => quote = Some(c),
            Some(q) if c == q => quote = None,
            _ if c == '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Splits one CSV record: `,` separates fields; a field starting with `"`
/// is quoted and `""` inside it is a literal quote.
fn csv_fields(record: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut chars = record.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        break;
                    }
                } else {
                    field.push(c);
                }
            }
            // Anything between the closing quote and the comma is kept.
            for c in chars.by_ref() {
                if c == ',' {
                    fields.push(field);
                    field = String::new();
                    break;
                }
                field.push(c);
            }
            if !field.is_empty() {
                fields.push(field);
                return fields;
            }
            if chars.peek().is_none() {
                return fields;
            }
            continue;
        }
        let mut ended = true;
        for c in chars.by_ref() {
            if c == ',' {
                ended = false;
                break;
            }
            field.push(c);
        }
        fields.push(field);
        if ended {
            return fields;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_defaults_to_bind_and_keeps_bare_keys() {
        let m = parse_mount("from=builder,source=/out,ro", Span::new(0, 1));
        assert_eq!(m.kind, "bind");
        assert_eq!(
            m.options,
            vec![
                ("from".to_owned(), Some("builder".to_owned())),
                ("source".to_owned(), Some("/out".to_owned())),
                ("ro".to_owned(), None),
            ]
        );
        assert_eq!(m.target(), None);
    }

    #[test]
    fn mount_csv_quotes() {
        // Flag extraction removes one level of quotes first, as BuildKit's does.
        let m = parse_mount(r#"'type=Cache,"target=/a,b",id=x'"#, Span::new(0, 1));
        assert_eq!(m.kind, "cache");
        assert_eq!(m.target(), Some("/a,b"));
        assert_eq!(m.option("id"), Some("x"));
    }

    #[test]
    fn mount_whole_value_quoted() {
        let m = parse_mount(r#""type=secret,id=tok,env=TOKEN""#, Span::new(0, 1));
        assert_eq!(m.kind, "secret");
        assert_eq!(m.option("env"), Some("TOKEN"));
    }
}
