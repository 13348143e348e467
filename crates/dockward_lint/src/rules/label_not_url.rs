use dockward_rules::declare_rule;

use super::invalid_label_key::typed_labels;
use crate::{Context, LabelType, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a label that the label schema declares as `url` and whose value
    /// is not an absolute URL (`scheme:rest`, with a host after `//` when
    /// there is one, and no spaces).
    ///
    /// ## Why is this bad?
    /// URL labels (`org.opencontainers.image.source`, `...documentation`)
    /// are followed by tools and people; a relative path or a bare host name
    /// leads nowhere.
    ///
    /// Values with variables (`$REPO_URL`) and empty values (see
    /// `empty-label`) are not checked.
    ///
    /// ## Example
    /// With `org.opencontainers.image.source = "url"` in the schema:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source="github.com/example/app"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source="https://github.com/example/app"
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint's DL3052 also flags values with variables, whose value is only
    /// known at build time.
    ///
    /// ## References
    /// - [RFC 3986: URI generic syntax](https://www.rfc-editor.org/rfc/rfc3986#section-3)
    /// - [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    pub struct LabelNotUrl {
        severity: Medium,
        status: Stable,
        summary: "a `url` schema label is not a valid URL",
        aliases: ["DL3052"],
        references: [
            "https://www.rfc-editor.org/rfc/rfc3986#section-3",
            "https://github.com/opencontainers/image-spec/blob/main/annotations.md",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for label in typed_labels(ctx, LabelType::Url) {
        if !is_absolute_url(label.value.as_str()) {
            out.push(Violation::new(
                LabelNotUrl::META.rule,
                label.value.span,
                format!(
                    "label `{}` is `{}`, which is not an absolute URL",
                    label.key.as_str(),
                    label.value.as_str()
                ),
            ));
        }
    }
}

/// `scheme ":" hier-part` per RFC 3986, loosely: a valid scheme, something
/// after the colon, a non-empty authority after `//`, no whitespace or
/// characters that must be percent-encoded.
fn is_absolute_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || rest.is_empty() {
        return false;
    }
    if rest.chars().any(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
    }) {
        return false;
    }
    match rest.strip_prefix("//") {
        Some(after) => {
            let authority = after.split(['/', '?', '#']).next().unwrap_or("");
            !authority.is_empty() || scheme.eq_ignore_ascii_case("file")
        }
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::is_absolute_url;

    #[test]
    fn urls() {
        for good in [
            "https://github.com/example/app",
            "http://localhost:8080/x?y#z",
            "mailto:ops@example.com",
            "file:///etc/os-release",
            "git+ssh://git@example.com/app.git",
        ] {
            assert!(is_absolute_url(good), "{good}");
        }
        for bad in [
            "github.com/example/app",
            "/docs",
            "https://",
            "https://a b",
            "1http://x",
            ":x",
            "http:",
        ] {
            assert!(!is_absolute_url(bad), "{bad}");
        }
    }
}
