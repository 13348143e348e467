use dockward_rules::declare_rule;

use super::invalid_label_key::labels;
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a label declared in the label schema (`label-schema` in the
    /// `[lint]` settings) whose value is empty.
    ///
    /// ## Why is this bad?
    /// An empty value satisfies a "label is present" check while carrying no
    /// information; it usually comes from a build argument that was not passed
    /// (`LABEL org.opencontainers.image.revision=$GIT_SHA` written as
    /// `LABEL ...revision=""` by a template).
    ///
    /// Labels outside the schema are not checked.
    ///
    /// ## Example
    /// With `org.opencontainers.image.authors` in the schema:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors=""
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="platform-team@example.com"
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: LABEL](https://docs.docker.com/reference/dockerfile/#label)
    pub struct EmptyLabel {
        severity: Medium,
        status: Stable,
        summary: "a schema label has an empty value",
        aliases: ["DL3051"],
        references: ["https://docs.docker.com/reference/dockerfile/#label"],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for label in labels(ctx) {
        let key = label.key.as_str();
        if ctx.settings.label_schema.contains_key(key) && label.value.value.trim().is_empty() {
            out.push(Violation::new(
                EmptyLabel::META.rule,
                label.key.span.cover(label.value.span),
                format!("label `{key}` is empty"),
            ));
        }
    }
}
