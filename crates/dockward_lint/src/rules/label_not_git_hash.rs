use dockward_rules::declare_rule;

use super::invalid_label_key::typed_labels;
use crate::{Context, LabelType, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a label that the label schema declares as `hash` and whose value
    /// is not a git commit id: 7 to 40 hexadecimal digits (an abbreviated or
    /// full SHA-1 id) or 64 (a SHA-256 repository).
    ///
    /// ## Why is this bad?
    /// A revision label (`org.opencontainers.image.revision`) ties the image to
    /// the exact source it was built from. A branch name or tag moves, so it
    /// does not.
    ///
    /// Values with variables (`$GIT_SHA`) and empty values (see `empty-label`)
    /// are not checked.
    ///
    /// ## Example
    /// With `org.opencontainers.image.revision = "hash"` in the schema:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.revision="main"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.revision="3f1c2e9a7b"
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint's DL3055 accepts exactly 7 or 40 lowercase hex digits; git
    /// abbreviates to more than 7 digits in large repositories and uses 64 in
    /// SHA-256 repositories, and upper-case hex denotes the same id, so
    /// dockward accepts 7 to 40 and 64 digits of either case.
    ///
    /// ## References
    /// - [git rev-parse: --short](https://git-scm.com/docs/git-rev-parse#Documentation/git-rev-parse.txt---shortlength)
    /// - [OCI image annotations: revision](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    pub struct LabelNotGitHash {
        severity: Medium,
        status: Stable,
        summary: "a `hash` schema label is not a git commit id",
        aliases: ["DL3055"],
        references: [
            "https://git-scm.com/docs/git-rev-parse#Documentation/git-rev-parse.txt---shortlength",
            "https://github.com/opencontainers/image-spec/blob/main/annotations.md",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for label in typed_labels(ctx, LabelType::Hash) {
        if !is_git_hash(label.value.as_str()) {
            out.push(Violation::new(
                LabelNotGitHash::META.rule,
                label.value.span,
                format!(
                    "label `{}` is `{}`, which is not a git commit id (7 to 40 or 64 hex digits)",
                    label.key.as_str(),
                    label.value.as_str()
                ),
            ));
        }
    }
}

fn is_git_hash(value: &str) -> bool {
    ((7..=40).contains(&value.len()) || value.len() == 64)
        && value.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::is_git_hash;

    #[test]
    fn hashes() {
        assert!(is_git_hash("3f1c2e9"));
        assert!(is_git_hash("3f1c2e9a7b"));
        assert!(is_git_hash(&"a".repeat(40)));
        assert!(is_git_hash(&"B".repeat(64)));
        assert!(!is_git_hash("3f1c2e"));
        assert!(!is_git_hash(&"a".repeat(41)));
        assert!(!is_git_hash("main"));
        assert!(!is_git_hash("v1.2.3"));
    }
}
