//! Variable expansion as BuildKit's shell lexer does it for instruction
//! arguments: `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`,
//! `${VAR:+word}`, `${VAR+word}`, `${VAR:?word}`, `${VAR?word}`,
//! `${VAR#pat}`, `${VAR##pat}`, `${VAR%pat}`, `${VAR%%pat}`, `${VAR/a/b}`
//! and `${VAR//a/b}`, with `*` and `?` glob patterns.
//!
//! Quotes are not special here: instruction values in the AST already have
//! them removed. `\$` is a literal `$`.

/// Nested `${...}` deeper than this is left as written.
const MAX_DEPTH: usize = 32;

/// Pattern operations are skipped (the value is kept) when
/// `value length × pattern length` exceeds this, so hostile input cannot
/// make expansion quadratic in practice.
const MAX_MATCH_WORK: usize = 1 << 22;

/// Expands variables in `word`, looking names up with `lookup`. Unknown
/// variables expand to the empty string, as BuildKit does.
pub fn expand(word: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(word.len());
    expand_into(word, lookup, 0, &mut out);
    out
}

fn expand_into(
    word: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    depth: usize,
    out: &mut String,
) {
    let mut rest = word;
    while let Some(i) = rest.find(['$', '\\']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("\\$") {
            out.push('$');
            rest = after;
            continue;
        }
        if let Some(after) = tail.strip_prefix('\\') {
            out.push('\\');
            rest = after;
            continue;
        }
        // tail starts with '$'
        let after = &tail[1..];
        if let Some(braced) = after.strip_prefix('{') {
            match matching_brace(braced) {
                Some(close) if depth < MAX_DEPTH => {
                    out.push_str(&braced_expansion(&braced[..close], lookup, depth));
                    rest = &braced[close + 1..];
                }
                _ => {
                    // Unterminated (BuildKit: "missing '}'") or too deep: literal.
                    out.push_str(tail);
                    return;
                }
            }
            continue;
        }
        let name_len = name_len(after);
        if name_len == 0 {
            out.push('$');
            rest = after;
            continue;
        }
        out.push_str(&lookup(&after[..name_len]).unwrap_or_default());
        rest = &after[name_len..];
    }
    out.push_str(rest);
}

/// Length of the variable name at the start of `s`.
fn name_len(s: &str) -> usize {
    let mut len = 0;
    for (i, c) in s.char_indices() {
        let ok = if i == 0 {
            c.is_ascii_alphabetic() || c == '_'
        } else {
            c.is_ascii_alphanumeric() || c == '_'
        };
        if !ok {
            break;
        }
        len = i + c.len_utf8();
    }
    len
}

/// Index of the `}` closing a `${` whose content starts `s`.
fn matching_brace(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Expands the content of `${...}`.
fn braced_expansion(inner: &str, lookup: &dyn Fn(&str) -> Option<String>, depth: usize) -> String {
    let len = name_len(inner);
    let name = &inner[..len];
    let op = &inner[len..];
    let value = if name.is_empty() { None } else { lookup(name) };
    let word = |w: &str| {
        let mut s = String::new();
        expand_into(w, lookup, depth + 1, &mut s);
        s
    };
    let set = value.is_some();
    let nonempty = value.as_deref().is_some_and(|v| !v.is_empty());
    let value_str = value.clone().unwrap_or_default();
    if op.is_empty() {
        return value_str;
    }
    if let Some(w) = op.strip_prefix(":-") {
        return if nonempty { value_str } else { word(w) };
    }
    if let Some(w) = op.strip_prefix(":+") {
        return if nonempty { word(w) } else { String::new() };
    }
    if let Some(w) = op.strip_prefix(":=") {
        return if nonempty { value_str } else { word(w) };
    }
    if op.starts_with(":?") {
        return value_str;
    }
    if let Some(w) = op.strip_prefix('-') {
        return if set { value_str } else { word(w) };
    }
    if let Some(w) = op.strip_prefix('+') {
        return if set { word(w) } else { String::new() };
    }
    if let Some(w) = op.strip_prefix('=') {
        return if set { value_str } else { word(w) };
    }
    if op.starts_with('?') {
        return value_str;
    }
    if let Some(p) = op.strip_prefix("##") {
        return remove_prefix(&value_str, &word(p), true);
    }
    if let Some(p) = op.strip_prefix('#') {
        return remove_prefix(&value_str, &word(p), false);
    }
    if let Some(p) = op.strip_prefix("%%") {
        return remove_suffix(&value_str, &word(p), true);
    }
    if let Some(p) = op.strip_prefix('%') {
        return remove_suffix(&value_str, &word(p), false);
    }
    if let Some(r) = op.strip_prefix("//") {
        let (pat, rep) = split_replacement(r);
        return replace(&value_str, &word(pat), &word(rep), true);
    }
    if let Some(r) = op.strip_prefix('/') {
        let (pat, rep) = split_replacement(r);
        return replace(&value_str, &word(pat), &word(rep), false);
    }
    // Unsupported modifier: BuildKit rejects it; keep the value.
    value_str
}

/// `pattern/replacement` split at the first unescaped `/`.
fn split_replacement(s: &str) -> (&str, &str) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'/' => return (&s[..i], &s[i + 1..]),
            _ => {}
        }
        i += 1;
    }
    (s, "")
}

fn too_much_work(value: &str, pattern: &str) -> bool {
    value.len().saturating_mul(pattern.len().max(1)) > MAX_MATCH_WORK
}

/// Char boundaries of `s`, `0` and `s.len()` included.
fn boundaries(s: &str) -> Vec<usize> {
    s.char_indices().map(|(i, _)| i).chain([s.len()]).collect()
}

fn remove_prefix(value: &str, pattern: &str, longest: bool) -> String {
    if too_much_work(value, pattern) {
        return value.to_owned();
    }
    let pat: Vec<char> = pattern.chars().collect();
    let mut cuts = boundaries(value);
    if longest {
        cuts.reverse();
    }
    for cut in cuts {
        if glob_match(&pat, &value[..cut]) {
            return value[cut..].to_owned();
        }
    }
    value.to_owned()
}

fn remove_suffix(value: &str, pattern: &str, longest: bool) -> String {
    if too_much_work(value, pattern) {
        return value.to_owned();
    }
    let pat: Vec<char> = pattern.chars().collect();
    let mut cuts = boundaries(value);
    if !longest {
        cuts.reverse();
    }
    for cut in cuts {
        if glob_match(&pat, &value[cut..]) {
            return value[..cut].to_owned();
        }
    }
    value.to_owned()
}

/// `${VAR/pat/rep}`: replaces the first (or every) longest match of `pat`.
fn replace(value: &str, pattern: &str, replacement: &str, all: bool) -> String {
    if pattern.is_empty() || too_much_work(value, pattern) {
        return value.to_owned();
    }
    let pat: Vec<char> = pattern.chars().collect();
    let cuts = boundaries(value);
    let mut out = String::with_capacity(value.len());
    let mut i = 0;
    let mut copied = 0;
    let mut replaced = false;
    while i < cuts.len() {
        let start = cuts[i];
        let wanted = !replaced || all;
        if let Some(end) = cuts[i + 1..]
            .iter()
            .rev()
            .copied()
            .find(|&end| wanted && glob_match(&pat, &value[start..end]))
        {
            out.push_str(&value[copied..start]);
            out.push_str(replacement);
            copied = end;
            replaced = true;
            i = cuts.partition_point(|&c| c < end).max(i + 1);
            continue;
        }
        i += 1;
    }
    out.push_str(&value[copied..]);
    out
}

/// Shell glob match of the whole `s`: `*` any run, `?` one character,
/// `\x` a literal `x`.
fn glob_match(pattern: &[char], s: &str) -> bool {
    let text: Vec<char> = s.chars().collect();
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some('?') => {
                p += 1;
                t += 1;
                continue;
            }
            Some('\\') if pattern.get(p + 1) == Some(&text[t]) => {
                p += 2;
                t += 1;
                continue;
            }
            Some(&c) if c != '\\' && c == text[t] => {
                p += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                p = sp + 1;
                t = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "TP" => Some("linux/arm64/v8".to_owned()),
            "EMPTY" => Some(String::new()),
            "V" => Some("1.2.3".to_owned()),
            _ => None,
        }
    }

    fn x(word: &str) -> String {
        expand(word, &env)
    }

    #[test]
    fn plain_and_braced() {
        assert_eq!(x("a$V-b"), "a1.2.3-b");
        assert_eq!(x("${V}x"), "1.2.3x");
        assert_eq!(x("$NOPE|${NOPE}"), "|");
        assert_eq!(x("\\$V"), "$V");
        assert_eq!(x("C:\\path"), "C:\\path");
        assert_eq!(x("cost $5"), "cost $5");
        assert_eq!(x("${V"), "${V");
    }

    #[test]
    fn defaults_and_alternatives() {
        assert_eq!(x("${NOPE:-d}"), "d");
        assert_eq!(x("${EMPTY:-d}"), "d");
        assert_eq!(x("${EMPTY-d}"), "");
        assert_eq!(x("${NOPE-d}"), "d");
        assert_eq!(x("${V:+alt}"), "alt");
        assert_eq!(x("${EMPTY:+alt}"), "");
        assert_eq!(x("${EMPTY+alt}"), "alt");
        assert_eq!(x("${NOPE+alt}"), "");
        assert_eq!(x("${NOPE:-${V}}"), "1.2.3");
    }

    #[test]
    fn patterns() {
        assert_eq!(x("${TP#linux/}"), "arm64/v8");
        assert_eq!(x("${TP#*/}"), "arm64/v8");
        assert_eq!(x("${TP##*/}"), "v8");
        assert_eq!(x("${TP%/*}"), "linux/arm64");
        assert_eq!(x("${TP%%/*}"), "linux");
        assert_eq!(x("${V%.?}"), "1.2");
        assert_eq!(x("${TP/\\//-}"), "linux-arm64/v8");
        assert_eq!(x("${TP//\\//-}"), "linux-arm64-v8");
        assert_eq!(x("${V/./_}"), "1_2.3");
        assert_eq!(x("${V//./_}"), "1_2_3");
    }

    #[test]
    fn glob() {
        let p: Vec<char> = "a*c?".chars().collect();
        assert!(glob_match(&p, "abbbcd"));
        assert!(!glob_match(&p, "abbbc"));
        assert!(glob_match(&['*'], ""));
    }
}
