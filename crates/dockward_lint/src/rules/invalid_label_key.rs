use dockward_dockerfile::{Instruction, InstructionKind, KeyValue};
use dockward_rules::declare_rule;

use crate::{Context, LabelType, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `LABEL` keys that break Docker's label key format: keys must
    /// start with a lowercase letter, end with a lowercase letter or digit,
    /// contain only lowercase letters, digits, `.` and `-`, have no `..` or
    /// `--`, and stay out of the namespaces Docker reserves (`com.docker.*`,
    /// `io.docker.*`, `org.dockerproject.*`).
    ///
    /// ## Why is this bad?
    /// Labels are read by tools (registries, orchestrators, scanners) that
    /// expect the documented format; keys with capitals or underscores are
    /// easy to misspell and collide, and keys in Docker's reserved namespaces
    /// may be overwritten or misread by Docker itself. Use reverse-DNS keys
    /// under a domain you own, or the `org.opencontainers.image.*` keys.
    ///
    /// Keys containing a variable (`$KEY`) are not checked.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL Maintainer="ops@example.com" com.docker.extension=true
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="ops@example.com" com.example.extension=true
    /// ```
    ///
    /// ## References
    /// - [Docker object labels: key format recommendations](https://docs.docker.com/engine/manage-resources/labels/#key-format-recommendations)
    /// - [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    pub struct InvalidLabelKey {
        severity: Info,
        status: Stable,
        summary: "LABEL key does not follow Docker's key format",
        aliases: ["DL3048"],
        references: [
            "https://docs.docker.com/engine/manage-resources/labels/#key-format-recommendations",
            "https://github.com/opencontainers/image-spec/blob/main/annotations.md",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for label in labels(ctx) {
        let key = label.key.as_str();
        if key.contains('$') {
            continue;
        }
        if let Some(problem) = key_problem(key) {
            out.push(Violation::new(
                InvalidLabelKey::META.rule,
                label.key.span,
                format!("label key `{key}` {problem}"),
            ));
        }
    }
}

/// What is wrong with `key`, if anything.
fn key_problem(key: &str) -> Option<&'static str> {
    const RESERVED: [&str; 3] = ["com.docker.", "io.docker.", "org.dockerproject."];
    if RESERVED.iter().any(|ns| key.starts_with(ns)) {
        return Some("is in a namespace reserved by Docker");
    }
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("must start with a lowercase letter");
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some("must end with a lowercase letter or a digit");
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
    {
        return Some("may only contain lowercase letters, digits, `.` and `-`");
    }
    if key.contains("..") || key.contains("--") {
        return Some("must not contain consecutive `.` or `-`");
    }
    None
}

/// Every `key=value` of every LABEL, `ONBUILD LABEL` included, in file order.
pub(super) fn labels<'a>(ctx: &Context<'a>) -> impl Iterator<Item = &'a KeyValue> + 'a {
    ctx.instructions()
        .iter()
        .filter_map(|i: &'a Instruction| match &i.kind {
            InstructionKind::Label(pairs) => Some(pairs.as_slice()),
            InstructionKind::Onbuild(inner) => match &inner.kind {
                InstructionKind::Label(pairs) => Some(pairs.as_slice()),
                _ => None,
            },
            _ => None,
        })
        .flatten()
}

/// The labels whose key the label schema declares with type `ty` and whose
/// value can be checked: not empty (that is `empty-label`'s job) and without
/// variables (their value is not known when linting).
pub(super) fn typed_labels<'a>(
    ctx: &Context<'a>,
    ty: LabelType,
) -> impl Iterator<Item = &'a KeyValue> + 'a {
    let wanted: Vec<&'a str> = ctx
        .settings
        .label_schema
        .iter()
        .filter(|(_, t)| **t == ty)
        .map(|(k, _)| k.as_str())
        .collect();
    labels(ctx).filter(move |kv| {
        wanted.contains(&kv.key.as_str())
            && !kv.value.value.trim().is_empty()
            && !kv.value.value.contains('$')
    })
}

#[cfg(test)]
mod tests {
    use super::key_problem;

    #[test]
    fn key_format() {
        for good in [
            "maintainer",
            "org.opencontainers.image.source",
            "com.example.v2",
            "a-b.c",
        ] {
            assert_eq!(key_problem(good), None, "{good}");
        }
        for bad in [
            "Maintainer",
            "com.docker.x",
            "io.docker.y",
            "org.dockerproject.z",
            "my_label",
            "a..b",
            "a--b",
            "2fa",
            "trailing.",
            "-x",
        ] {
            assert!(key_problem(bad).is_some(), "{bad}");
        }
    }
}
