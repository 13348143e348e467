use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags inline suppression comments: `# hadolint ignore=...`
    /// (also `global ignore=` and `stage ignore=`), `# dockward ignore...`
    /// and `# trivy:ignore:...`.
    ///
    /// Off by default: suppressions are a normal tool. Turn it on where every
    /// exception must live in the central configuration, reviewed in one place.
    ///
    /// ## Why is this bad?
    /// An inline pragma silences a check where nobody reviewing the linter
    /// configuration sees it; over time a Dockerfile collects suppressions
    /// whose reason is gone.
    ///
    /// ## Example
    /// ```dockerfile
    /// # hadolint ignore=DL3008
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// Use instead (in `dockward.toml`, or pin the package):
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// ## References
    /// - [hadolint: inline ignores](https://github.com/hadolint/hadolint#inline-ignores)
    /// - [Trivy: inline ignores for misconfigurations](https://trivy.dev/latest/docs/scanner/misconfiguration/#skipping-resources-by-inline-comments)
    pub struct InlinePragma {
        severity: Info,
        status: Stable,
        default_enabled: false,
        summary: "an inline comment suppresses lint findings",
        aliases: ["DL1001"],
        references: [
            "https://github.com/hadolint/hadolint#inline-ignores",
            "https://trivy.dev/latest/docs/scanner/misconfiguration/#skipping-resources-by-inline-comments",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for comment in &ctx.dockerfile.comments {
        if let Some(tool) = pragma_tool(&comment.text) {
            out.push(Violation::new(
                InlinePragma::META.rule,
                comment.span,
                format!("inline {tool} suppression; keep exceptions in the linter configuration"),
            ));
        }
    }
}

/// The tool whose suppression pragma `text` (a comment without `#`) is.
fn pragma_tool(text: &str) -> Option<&'static str> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("hadolint") {
        let rest = rest.trim_start();
        let rest = rest
            .strip_prefix("global")
            .or_else(|| rest.strip_prefix("stage"))
            .map_or(rest, str::trim_start);
        return rest.starts_with("ignore=").then_some("hadolint");
    }
    if let Some(rest) = text.strip_prefix("dockward") {
        let rest = rest.trim_start_matches(':').trim_start();
        let rest = rest
            .strip_prefix("global")
            .or_else(|| rest.strip_prefix("stage"))
            .map_or(rest, str::trim_start);
        return rest.starts_with("ignore").then_some("dockward");
    }
    text.starts_with("trivy:ignore:").then_some("trivy")
}

#[cfg(test)]
mod tests {
    use super::pragma_tool;

    #[test]
    fn pragmas() {
        assert_eq!(pragma_tool("hadolint ignore=DL3008"), Some("hadolint"));
        assert_eq!(
            pragma_tool("hadolint global ignore=DL3008,SC2086"),
            Some("hadolint")
        );
        assert_eq!(
            pragma_tool("hadolint stage ignore=DL3008"),
            Some("hadolint")
        );
        assert_eq!(pragma_tool("dockward ignore=DF007"), Some("dockward"));
        assert_eq!(pragma_tool("dockward: ignore DF007"), Some("dockward"));
        assert_eq!(pragma_tool("trivy:ignore:DS002"), Some("trivy"));
        assert_eq!(pragma_tool("hadolint shell=powershell"), None);
        assert_eq!(pragma_tool("we ignore hadolint here"), None);
        assert_eq!(pragma_tool("install hadolint"), None);
    }
}
