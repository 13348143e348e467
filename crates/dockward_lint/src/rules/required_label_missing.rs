use dockward_dockerfile::{InstructionKind, StageBase};
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// With a label schema configured (`label-schema` in the `[lint]`
    /// settings), flags each schema label that the final image does not set.
    ///
    /// ## Why is this bad?
    /// Organisations rely on labels to find an image's source, owner, version
    /// or licence (OCI `org.opencontainers.image.*` keys, internal keys for
    /// cost centres or on-call teams). An image without them cannot be traced
    /// back when it turns up in a registry or on a host.
    ///
    /// Only the final stage matters, since it is the image that is shipped; a
    /// label set in a stage it is built `FROM` counts. Labels inherited from a
    /// base image cannot be seen when linting and do not count.
    ///
    /// The rule does nothing without a schema.
    ///
    /// ## Example
    /// With `label-schema = { "org.opencontainers.image.source" = "url" }`:
    /// ```dockerfile
    /// FROM debian:12
    /// COPY app /usr/local/bin/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// LABEL org.opencontainers.image.source="https://git.example.com/app"
    /// COPY app /usr/local/bin/app
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint's DL3049 checks every stage except those used as `COPY --from`
    /// sources; labels of intermediate stages never reach the shipped image, so
    /// dockward only checks the final one.
    ///
    /// ## References
    /// - [Dockerfile reference: LABEL](https://docs.docker.com/reference/dockerfile/#label)
    /// - [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    pub struct RequiredLabelMissing {
        severity: Low,
        status: Stable,
        summary: "a label required by the label schema is missing",
        aliases: ["DL3049"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#label",
            "https://github.com/opencontainers/image-spec/blob/main/annotations.md",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    let schema = &ctx.settings.label_schema;
    if schema.is_empty() {
        return;
    }
    let Some(last) = ctx.dockerfile.stages.last() else {
        return;
    };
    let Some(from) = ctx.instructions().get(last.from) else {
        return;
    };
    let span = match &from.kind {
        InstructionKind::From(f) => f.image.span,
        _ => from.keyword_span,
    };
    let set = final_labels(ctx);
    for key in schema.keys() {
        if !set.iter().any(|k| k == key) {
            out.push(Violation::new(
                RequiredLabelMissing::META.rule,
                span,
                format!("the final image has no `{key}` label, which the label schema requires"),
            ));
        }
    }
}

/// Keys set by LABEL in the final stage and the stages it is built on.
fn final_labels<'a>(ctx: &Context<'a>) -> Vec<&'a str> {
    let stages = &ctx.dockerfile.stages;
    let mut keys = Vec::new();
    let mut current = stages.len().checked_sub(1);
    let mut seen = 0;
    while let Some(index) = current {
        let Some(stage) = stages.get(index) else {
            break;
        };
        for instruction in ctx.instructions().get(stage.from..stage.end).unwrap_or(&[]) {
            if let InstructionKind::Label(pairs) = &instruction.kind {
                keys.extend(pairs.iter().map(|kv| kv.key.as_str()));
            }
        }
        seen += 1;
        current = match stage.base {
            StageBase::Stage(parent) if parent < index && seen <= stages.len() => Some(parent),
            _ => None,
        };
    }
    keys
}
