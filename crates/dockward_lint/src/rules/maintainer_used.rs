use dockward_dockerfile::InstructionKind;
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags the `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` is deprecated. It sets a legacy field of the image config
    /// that tools no longer read; a label is the supported way to record who
    /// maintains an image, and the OCI annotation
    /// `org.opencontainers.image.authors` is the one tools understand.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: MAINTAINER (deprecated)](https://docs.docker.com/reference/dockerfile/#maintainer-deprecated)
    /// - [Build checks: MaintainerDeprecated](https://docs.docker.com/reference/build-checks/maintainer-deprecated/)
    /// - [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    pub struct MaintainerUsed {
        severity: High,
        status: Stable,
        summary: "deprecated MAINTAINER instruction",
        aliases: ["DL4000", "DS022", "DS-0022", "AVD-DS-0022", "docker-no-maintainer"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#maintainer-deprecated",
            "https://docs.docker.com/reference/build-checks/maintainer-deprecated/",
            "https://github.com/opencontainers/image-spec/blob/main/annotations.md",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in ctx.instructions() {
        let InstructionKind::Maintainer(who) = &instruction.kind else {
            continue;
        };
        out.push(Violation::new(
            MaintainerUsed::META.rule,
            instruction.keyword_span,
            format!(
                "MAINTAINER is deprecated; use `LABEL org.opencontainers.image.authors=\"{}\"`",
                who.as_str().replace('"', "\\\"")
            ),
        ));
    }
}
