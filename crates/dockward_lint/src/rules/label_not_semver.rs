use dockward_rules::declare_rule;

use super::invalid_label_key::typed_labels;
use crate::{Context, LabelType, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a label that the label schema declares as `semver` and whose
    /// value is not a Semantic Versioning 2.0.0 version:
    /// `MAJOR.MINOR.PATCH`, optionally `-pre.release` and `+build`, numbers
    /// without leading zeros, no `v` prefix.
    ///
    /// ## Why is this bad?
    /// Tools sort and compare version labels (`org.opencontainers.image.version`);
    /// `1.2`, `v1.2.3` or `latest` break the comparison or sort wrongly.
    ///
    /// Values with variables (`$VERSION`) and empty values (see `empty-label`)
    /// are not checked.
    ///
    /// ## Example
    /// With `org.opencontainers.image.version = "semver"` in the schema:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version="v2.1"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version="2.1.0"
    /// ```
    ///
    /// ## References
    /// - [Semantic Versioning 2.0.0](https://semver.org/spec/v2.0.0.html)
    /// - [OCI image annotations: version](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    pub struct LabelNotSemver {
        severity: Medium,
        status: Stable,
        summary: "a `semver` schema label is not a semantic version",
        aliases: ["DL3056"],
        references: [
            "https://semver.org/spec/v2.0.0.html",
            "https://github.com/opencontainers/image-spec/blob/main/annotations.md",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for label in typed_labels(ctx, LabelType::Semver) {
        if !is_semver(label.value.as_str()) {
            out.push(Violation::new(
                LabelNotSemver::META.rule,
                label.value.span,
                format!(
                    "label `{}` is `{}`, which is not a semantic version (MAJOR.MINOR.PATCH)",
                    label.key.as_str(),
                    label.value.as_str()
                ),
            ));
        }
    }
}

fn is_numeric_id(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

fn is_alnum_id(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Semantic Versioning 2.0.0, section 2, 9 and 10.
fn is_semver(value: &str) -> bool {
    let (rest, build) = match value.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (value, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() != 3 || !parts.iter().all(|p| is_numeric_id(p)) {
        return false;
    }
    let pre_ok = pre.is_none_or(|p| {
        p.split('.').all(|id| {
            is_alnum_id(id) && (!id.chars().all(|c| c.is_ascii_digit()) || is_numeric_id(id))
        })
    });
    let build_ok = build.is_none_or(|b| b.split('.').all(is_alnum_id));
    pre_ok && build_ok
}

#[cfg(test)]
mod tests {
    use super::is_semver;

    #[test]
    fn versions() {
        for good in [
            "0.0.0",
            "1.2.3",
            "10.20.30",
            "1.0.0-alpha.1",
            "1.0.0-0.3.7",
            "1.0.0-x-y.z",
            "1.0.0+20130313144700",
            "1.0.0-beta+exp.sha.5114f85",
        ] {
            assert!(is_semver(good), "{good}");
        }
        for bad in [
            "1.2",
            "v1.2.3",
            "01.2.3",
            "1.2.3-01",
            "1.2.3-",
            "1.2.3+",
            "1.2.3.4",
            "latest",
            "1.2.3-a..b",
        ] {
            assert!(!is_semver(bad), "{bad}");
        }
    }
}
