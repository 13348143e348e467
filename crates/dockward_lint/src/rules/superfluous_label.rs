use dockward_rules::declare_rule;

use super::invalid_label_key::labels;
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// With `strict-labels = true` in the `[lint]` settings, flags each label
    /// whose key is not declared in the label schema (`label-schema`).
    ///
    /// ## Why is this bad?
    /// A strict schema keeps label keys consistent across an organisation's
    /// images: a key outside it is usually a typo of a schema key
    /// (`org.opencontainers.image.url` vs `...image.source`) or an ad-hoc key
    /// that no tool reads.
    ///
    /// The rule does nothing unless `strict-labels` is on.
    ///
    /// ## Example
    /// With `strict-labels = true` and only `org.opencontainers.image.version` in the schema:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version="1.4.2" build-host="ci-07"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version="1.4.2"
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint's DL3050 reports once per LABEL instruction; dockward reports
    /// each superfluous key, at the key.
    ///
    /// ## References
    /// - [Dockerfile reference: LABEL](https://docs.docker.com/reference/dockerfile/#label)
    /// - [Docker object labels](https://docs.docker.com/engine/manage-resources/labels/)
    pub struct SuperfluousLabel {
        severity: Low,
        status: Stable,
        summary: "label not declared in the label schema",
        aliases: ["DL3050"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#label",
            "https://docs.docker.com/engine/manage-resources/labels/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    if !ctx.settings.strict_labels {
        return;
    }
    for label in labels(ctx) {
        let key = label.key.as_str();
        if !ctx.settings.label_schema.contains_key(key) {
            out.push(Violation::new(
                SuperfluousLabel::META.rule,
                label.key.span,
                format!("label `{key}` is not in the label schema (strict labels)"),
            ));
        }
    }
}
