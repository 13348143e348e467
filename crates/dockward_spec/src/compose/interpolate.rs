//! Variable interpolation (`$VAR`, `${VAR:-default}`, …) and `.env` files, as
//! the compose specification describes them.

use std::collections::BTreeMap;

/// Where variables come from: the process environment first, then `.env`.
pub(crate) struct Vars<'a> {
    pub env: &'a BTreeMap<String, String>,
    pub dotenv: &'a BTreeMap<String, String>,
}

impl Vars<'_> {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.env
            .get(name)
            .or_else(|| self.dotenv.get(name))
            .map(String::as_str)
    }
}

/// The outcome of interpolating one string.
#[derive(Debug, Default)]
pub(crate) struct Interpolated {
    /// The result; `None` when a required variable (`${X:?err}`) is missing or
    /// the template is malformed.
    pub value: Option<String>,
    /// The error for a `None` value.
    pub error: Option<String>,
    /// Variables used without a default that are not set (compose warns and
    /// uses an empty string).
    pub unset: Vec<String>,
}

/// Nested `${A:-${B:-…}}` deeper than this is an error.
const MAX_DEPTH: usize = 16;
/// A result longer than this is an error (defaults can repeat variables).
const MAX_OUTPUT: usize = 1024 * 1024;

/// Interpolates `text`.
pub(crate) fn interpolate(text: &str, vars: &Vars<'_>) -> Interpolated {
    let mut out = Interpolated::default();
    match expand(text, vars, 0, &mut out.unset) {
        Ok(value) => out.value = Some(value),
        Err(error) => out.error = Some(error),
    }
    out
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic()
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

fn expand(
    text: &str,
    vars: &Vars<'_>,
    depth: usize,
    unset: &mut Vec<String>,
) -> Result<String, String> {
    if depth > MAX_DEPTH {
        return Err("variable defaults nest too deeply".to_owned());
    }
    if !text.contains('$') {
        return Ok(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let mut chars = after.chars();
        match chars.next() {
            Some('$') => {
                out.push('$');
                rest = &after[1..];
            }
            Some('{') => {
                let body_and_rest = &after[1..];
                let close = matching_brace(body_and_rest).ok_or_else(|| {
                    format!("invalid interpolation format: unclosed `${{` in {text:?}")
                })?;
                let body = &body_and_rest[..close];
                out.push_str(&braced(body, vars, depth, unset)?);
                rest = &body_and_rest[close + 1..];
            }
            Some(c) if is_name_start(c) => {
                let end = after
                    .find(|c: char| !is_name_char(c))
                    .unwrap_or(after.len());
                let name = &after[..end];
                match vars.get(name) {
                    Some(value) => out.push_str(value),
                    None => unset.push(name.to_owned()),
                }
                rest = &after[end..];
            }
            _ => {
                return Err(format!(
                    "invalid interpolation format in {text:?}: a `$` must start a variable; write `$$` for a literal `$`"
                ));
            }
        }
        if out.len() > MAX_OUTPUT {
            return Err("interpolated value is too long".to_owned());
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The index of the `}` closing a `${` whose body starts `text`, counting nested `${…}`.
fn matching_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'$') => i += 1,
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

fn braced(
    body: &str,
    vars: &Vars<'_>,
    depth: usize,
    unset: &mut Vec<String>,
) -> Result<String, String> {
    let end = body.find(|c: char| !is_name_char(c)).unwrap_or(body.len());
    let name = &body[..end];
    if name.is_empty() || !name.starts_with(is_name_start) {
        return Err(format!("invalid interpolation format: `${{{body}}}`"));
    }
    let op_and_word = &body[end..];
    let value = vars.get(name);
    let (op, word) = [":-", ":?", ":+", "-", "?", "+"]
        .into_iter()
        .find_map(|op| op_and_word.strip_prefix(op).map(|w| (op, w)))
        .unwrap_or(("", op_and_word));
    if op.is_empty() {
        if !word.is_empty() {
            return Err(format!("invalid interpolation format: `${{{body}}}`"));
        }
        return Ok(value.map_or_else(
            || {
                unset.push(name.to_owned());
                String::new()
            },
            str::to_owned,
        ));
    }
    let set = value.is_some();
    let non_empty = value.is_some_and(|v| !v.is_empty());
    let keep = match op {
        ":-" | ":?" => non_empty,
        "-" | "?" => set,
        _ => false,
    };
    if keep {
        return Ok(value.unwrap_or_default().to_owned());
    }
    match op {
        ":-" | "-" => expand(word, vars, depth + 1, unset),
        ":?" | "?" => {
            let message = expand(word, vars, depth + 1, unset)?;
            Err(if message.is_empty() {
                format!("required variable {name} is missing a value")
            } else {
                format!("required variable {name} is missing a value: {message}")
            })
        }
        ":+" if non_empty => expand(word, vars, depth + 1, unset),
        "+" if set => expand(word, vars, depth + 1, unset),
        _ => Ok(String::new()),
    }
}

/// Parses a `.env` file: `NAME=value` lines, optional `export `, `#` comments,
/// single-quoted (literal) and double-quoted (with `\n`, `\"`, `\\` escapes)
/// values; an unquoted value ends at ` #`. Later lines win. Values are not
/// interpolated. Malformed lines are skipped.
pub(crate) fn parse_dotenv(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some((name, raw)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| is_name_char(c) || c == '.' || c == '-')
        {
            continue;
        }
        let raw = raw.trim_start();
        let value = if let Some(body) = raw.strip_prefix('\'') {
            match body.find('\'') {
                Some(end) => body[..end].to_owned(),
                None => body.trim_end().to_owned(),
            }
        } else if let Some(body) = raw.strip_prefix('"') {
            double_quoted(body, &mut lines)
        } else {
            let value = raw.find(" #").map_or(raw, |at| &raw[..at]);
            value.trim_end().to_owned()
        };
        out.insert(name.to_owned(), value);
    }
    out
}

/// A double-quoted `.env` value, which may continue over lines.
fn double_quoted<'a>(first: &'a str, lines: &mut std::str::Lines<'a>) -> String {
    let mut out = String::new();
    let mut current = first;
    loop {
        let mut chars = current.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return out,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                },
                c => out.push(c),
            }
        }
        match lines.next() {
            Some(next) => {
                out.push('\n');
                current = next;
            }
            None => return out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Result<String, String> {
        let env = BTreeMap::from([
            ("SET".to_owned(), "value".to_owned()),
            ("EMPTY".to_owned(), String::new()),
        ]);
        let dotenv = BTreeMap::from([
            ("FROM_DOTENV".to_owned(), "dot".to_owned()),
            ("SET".to_owned(), "loses".to_owned()),
        ]);
        let vars = Vars {
            env: &env,
            dotenv: &dotenv,
        };
        let out = interpolate(text, &vars);
        out.value.ok_or_else(|| out.error.unwrap_or_default())
    }

    #[test]
    fn forms() {
        assert_eq!(run("a $SET b").unwrap(), "a value b");
        assert_eq!(run("${SET}x").unwrap(), "valuex");
        assert_eq!(run("$SET.x").unwrap(), "value.x");
        assert_eq!(run("${FROM_DOTENV}").unwrap(), "dot");
        assert_eq!(run("${UNSET}").unwrap(), "");
        assert_eq!(run("${UNSET:-def}").unwrap(), "def");
        assert_eq!(run("${EMPTY:-def}").unwrap(), "def");
        assert_eq!(run("${EMPTY-def}").unwrap(), "");
        assert_eq!(run("${UNSET-def}").unwrap(), "def");
        assert_eq!(run("${SET:+alt}").unwrap(), "alt");
        assert_eq!(run("${EMPTY:+alt}").unwrap(), "");
        assert_eq!(run("${EMPTY+alt}").unwrap(), "alt");
        assert_eq!(run("${UNSET+alt}").unwrap(), "");
        assert_eq!(run("${UNSET:-${SET}}").unwrap(), "value");
        assert_eq!(run("${UNSET:-${ALSO:-deep}}").unwrap(), "deep");
        assert_eq!(run("$$SET").unwrap(), "$SET");
        assert_eq!(run("${SET:?err}").unwrap(), "value");
        assert_eq!(run("${EMPTY?err}").unwrap(), "");
        assert_eq!(
            run("${UNSET:?set it}").unwrap_err(),
            "required variable UNSET is missing a value: set it"
        );
        assert!(run("${EMPTY:?}").unwrap_err().contains("EMPTY"));
        assert!(run("${UNSET").is_err());
        assert!(run("$1").is_err());
        assert!(run("${}").is_err());
        assert!(run("${SET x}").is_err());
    }

    #[test]
    fn unset_is_reported() {
        let env = BTreeMap::new();
        let vars = Vars {
            env: &env,
            dotenv: &env,
        };
        let out = interpolate("$A-${B}-${C:-c}", &vars);
        assert_eq!(out.value.as_deref(), Some("--c"));
        assert_eq!(out.unset, ["A", "B"]);
    }

    #[test]
    fn dotenv() {
        let text = "# comment\nA=1\nexport B = two words # note\nC='$lit # x'\nD=\"line\\nnext\"\nbad line\nE=\"multi\nline\"\nA=2\n";
        let parsed = parse_dotenv(text);
        assert_eq!(parsed["A"], "2");
        assert_eq!(parsed["B"], "two words");
        assert_eq!(parsed["C"], "$lit # x");
        assert_eq!(parsed["D"], "line\nnext");
        assert_eq!(parsed["E"], "multi\nline");
        assert_eq!(parsed.len(), 5);
    }
}
