use dockward_rules::declare_rule;

use super::invalid_label_key::typed_labels;
use crate::{Context, LabelType, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a label that the label schema declares as `email` and whose value
    /// is not an email address (`local@domain`, the RFC 5322 `addr-spec`).
    ///
    /// ## Why is this bad?
    /// Contact labels (`org.opencontainers.image.authors`, a team's on-call
    /// address) are used to reach the owner of an image; a name, a URL or a
    /// mangled address leaves nobody to contact.
    ///
    /// Only the bare address is accepted, not `Name <address>`. Values with
    /// variables and empty values (see `empty-label`) are not checked.
    ///
    /// ## Example
    /// With `com.example.owner = "email"` in the schema:
    /// ```dockerfile
    /// LABEL com.example.owner="Platform team"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL com.example.owner="platform@example.com"
    /// ```
    ///
    /// ## References
    /// - [RFC 5322, section 3.4.1: addr-spec](https://www.rfc-editor.org/rfc/rfc5322#section-3.4.1)
    /// - [Dockerfile reference: LABEL](https://docs.docker.com/reference/dockerfile/#label)
    pub struct LabelNotEmail {
        severity: Medium,
        status: Stable,
        summary: "an `email` schema label is not an email address",
        aliases: ["DL3058"],
        references: [
            "https://www.rfc-editor.org/rfc/rfc5322#section-3.4.1",
            "https://docs.docker.com/reference/dockerfile/#label",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for label in typed_labels(ctx, LabelType::Email) {
        if !is_email(label.value.as_str()) {
            out.push(Violation::new(
                LabelNotEmail::META.rule,
                label.value.span,
                format!(
                    "label `{}` is `{}`, which is not an email address",
                    label.key.as_str(),
                    label.value.as_str()
                ),
            ));
        }
    }
}

/// `atext` of RFC 5322 section 3.2.3.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

/// `dot-atom-text`: atext runs separated by single dots.
fn is_dot_atom(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|part| !part.is_empty() && part.chars().all(is_atext))
}

/// `quoted-string` without folding whitespace: printable ASCII, `\` escapes.
fn is_quoted(s: &str) -> bool {
    let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
        return false;
    };
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if chars.next().is_none_or(|e| !(' '..='~').contains(&e)) {
                    return false;
                }
            }
            '"' => return false,
            c if (' '..='~').contains(&c) => {}
            _ => return false,
        }
    }
    true
}

/// `addr-spec = local-part "@" domain`.
fn is_email(value: &str) -> bool {
    let Some(at) = value.rfind('@') else {
        return false;
    };
    let (local, domain) = (&value[..at], &value[at + 1..]);
    let local_ok = is_dot_atom(local) || is_quoted(local);
    let domain_ok = is_dot_atom(domain)
        || (domain.starts_with('[')
            && domain.ends_with(']')
            && domain.len() > 2
            && domain[1..domain.len() - 1]
                .chars()
                .all(|c| ('!'..='~').contains(&c) && !matches!(c, '[' | ']' | '\\')));
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::is_email;

    #[test]
    fn addresses() {
        for good in [
            "ops@example.com",
            "first.last+tag@sub.example.org",
            "\"a b\"@example.com",
            "root@localhost",
            "x@[192.0.2.1]",
        ] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "Platform team",
            "ops@",
            "@example.com",
            "a..b@example.com",
            "Ops <ops@example.com>",
            "ops@example..com",
            "ops@exa mple.com",
            "https://example.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
