use std::collections::HashSet;

use dockward_diagnostics::Span;
use dockward_dockerfile::InstructionKind;
use dockward_rules::declare_rule;

use super::relative_workdir::with_triggers;
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an `ENV` that sets several variables and uses one of them in a
    /// later value of the same instruction: `ENV APP_HOME=/srv/app
    /// APP_BIN=$APP_HOME/bin`.
    ///
    /// ## Why is this bad?
    /// All values of one `ENV` are expanded with the environment as it was
    /// *before* the instruction, so `$APP_HOME` above is empty (or an older
    /// value), not `/srv/app`. The result looks right and is wrong.
    ///
    /// Referring to a variable set by an earlier instruction is fine, and so
    /// is `ENV PATH=$PATH:/opt/bin`, which extends the previous value. An
    /// escaped (`\$APP_HOME`) or single-quoted (`'$APP_HOME'`) reference is
    /// not expanded and not flagged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// ENV APP_HOME=/srv/app APP_BIN=$APP_HOME/bin
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// ENV APP_HOME=/srv/app
    /// ENV APP_BIN=$APP_HOME/bin
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3044) also flags escaped and single-quoted references,
    /// which are not expanded, and misses `${NAME:-default}`; dockward
    /// follows the expansion rules of the Dockerfile reference.
    ///
    /// ## References
    /// - [Dockerfile reference: environment replacement](https://docs.docker.com/reference/dockerfile/#environment-replacement)
    /// - [Dockerfile reference: ENV](https://docs.docker.com/reference/dockerfile/#env)
    pub struct EnvSelfReference {
        severity: High,
        status: Stable,
        summary: "ENV uses a variable it defines itself",
        aliases: ["DL3044"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#environment-replacement",
            "https://docs.docker.com/reference/dockerfile/#env",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    let escape = ctx.dockerfile.directives.escape_char;
    for instruction in with_triggers(ctx.instructions()) {
        let InstructionKind::Env(pairs) = &instruction.kind else {
            continue;
        };
        // Keys set by the pairs before the current one.
        let mut defined: HashSet<&str> = HashSet::new();
        for pair in pairs {
            let raw = ctx.slice(pair.value.span);
            for (name, start, end) in references(raw, escape) {
                if !defined.contains(name) {
                    continue;
                }
                let at = pair.value.span.start;
                out.push(Violation::new(
                    EnvSelfReference::META.rule,
                    Span::new(at + start, at + end),
                    format!(
                        "`{name}` is set by this same ENV, but its values are expanded before it runs, so `{}` gets the previous value of `{name}`; split the ENV",
                        pair.key.as_str()
                    ),
                ));
            }
            defined.insert(pair.key.as_str());
        }
    }
}

/// Variable references (`$NAME`, `${NAME...}`) that are expanded in `raw`,
/// with their byte range: not escaped and not inside single quotes.
fn references(raw: &str, escape: char) -> Vec<(&str, usize, usize)> {
    let mut found = Vec::new();
    let mut in_single = false;
    let mut in_double = false;
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == escape && !in_single {
            chars.next();
            continue;
        }
        match c {
            '\'' if !in_double => in_single = !in_single,
            '"' if !in_single => in_double = !in_double,
            '$' if !in_single => {
                let braced = raw[i + 1..].starts_with('{');
                let name_start = i + 1 + usize::from(braced);
                let name_len = raw[name_start..]
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count();
                let name = &raw[name_start..name_start + name_len];
                if name.is_empty() || name.as_bytes()[0].is_ascii_digit() {
                    continue;
                }
                let end = if braced {
                    raw[name_start..]
                        .find('}')
                        .map_or(raw.len(), |j| name_start + j + 1)
                } else {
                    name_start + name_len
                };
                found.push((name, i, end));
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::references;

    #[test]
    fn finds_expanded_references() {
        let names = |raw: &str| -> Vec<String> {
            references(raw, '\\')
                .into_iter()
                .map(|(n, _, _)| n.to_owned())
                .collect()
        };
        assert_eq!(names("$A/x:${B:-y}"), ["A", "B"]);
        assert_eq!(names(r"\$A '$B' "), Vec::<String>::new());
        assert_eq!(names(r#""$A" '$B'"#), ["A"]);
        assert_eq!(names("$1 $ ${"), Vec::<String>::new());
        assert_eq!(references("x${A}y", '\\'), [("A", 1, 5)]);
    }
}
