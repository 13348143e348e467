use dockward_dockerfile::{InstructionKind, StageBase};
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image reference uses the `latest` tag.
    ///
    /// ## Why is this bad?
    /// `latest` is a moving tag: the same Dockerfile builds on a different base
    /// image from one day to the next, so builds are not reproducible, a
    /// vulnerability scan of yesterday's build says nothing of today's, and an
    /// upstream release can break the image without any change on your side.
    ///
    /// A reference pinned by digest (`@sha256:...`) is not flagged, whatever its tag.
    /// Variables are expanded with the defaults of the ARGs declared before the
    /// first FROM, so `ARG TAG=latest` / `FROM debian:${TAG}` is flagged.
    /// Stages (`FROM builder`) and `scratch` are not image references.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - [Docker best practices: pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    pub struct FromLatestTag {
        severity: Medium,
        status: Stable,
        summary: "FROM uses the `latest` tag",
        aliases: ["DL3007", "DS001", "DS-0001", "AVD-DS-0001", "docker-use-specific-tags", "DKL-DI-0006"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#from",
            "https://docs.docker.com/build/building/best-practices/#pin-base-image-versions",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in ctx.instructions() {
        let InstructionKind::From(from) = &instruction.kind else {
            continue;
        };
        if let Some(stage) = instruction.stage.and_then(|s| ctx.dockerfile.stages.get(s))
            && !matches!(stage.base, StageBase::Image(_))
        {
            continue;
        }
        // `FROM debian:${TAG}` with `ARG TAG=latest` before the first FROM is
        // `debian:latest`: judge the reference BuildKit will pull.
        let expanded = if from.image.value.contains('$') {
            instruction
                .stage
                .and_then(|s| ctx.dockerfile.expanded_from_image(s))
        } else {
            None
        };
        let image = expanded.as_deref().unwrap_or(from.image.as_str());
        if image.contains('@') {
            continue;
        }
        // The tag is after the last ':' that follows the last '/' (a ':' before
        // it belongs to a registry port).
        let name_start = image.rfind('/').map_or(0, |i| i + 1);
        if let Some(colon) = image[name_start..].rfind(':')
            && &image[name_start + colon + 1..] == "latest"
        {
            out.push(Violation::new(
                FromLatestTag::META.rule,
                from.image.span,
                format!("`{image}` uses the `latest` tag; pin a specific version"),
            ));
        }
    }
}
