use dockward_rules::declare_rule;

use super::copy_from_unknown_stage::{FromTarget, stage_references};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY --from=<stage>` or `RUN --mount=from=<stage>` inside
    /// that same stage, by name (compared case-insensitively) or by index.
    ///
    /// ## Why is this bad?
    /// A stage cannot copy from itself: it does not exist yet while it is
    /// being built. BuildKit reports a circular dependency and the build
    /// fails. The intent was usually an earlier stage, or a plain `COPY`
    /// inside the stage's own filesystem (`RUN cp`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// COPY --from=build /go/bin/app /usr/local/bin/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /go/bin/app ./cmd/app
    /// FROM debian:12.8-slim
    /// COPY --from=build /go/bin/app /usr/local/bin/app
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3023) compares stage names case-sensitively and ignores
    /// numeric indexes; BuildKit lowercases stage names, so dockward flags
    /// `--from=Build` in stage `build` and `--from=1` in the second stage.
    ///
    /// ## References
    /// - [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
    /// - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    pub struct CopyFromOwnStage {
        severity: High,
        status: Stable,
        summary: "COPY --from names the stage it is in",
        aliases: [
            "DL3023",
            "DS006",
            "DS-0006",
            "AVD-DS-0006",
            "docker-no-self-referencing-copy-from",
        ],
        references: [
            "https://docs.docker.com/reference/dockerfile/#copy---from",
            "https://docs.docker.com/build/building/multi-stage/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for reference in stage_references(ctx) {
        let Some(current) = reference.instruction.stage else {
            continue;
        };
        if FromTarget::classify(ctx, reference.name, current) != FromTarget::Own {
            continue;
        }
        out.push(Violation::new(
            CopyFromOwnStage::META.rule,
            reference.span,
            format!(
                "`{}` names the stage this {} is in; a stage cannot use itself",
                reference.written,
                reference.instruction.keyword.as_str()
            ),
        ));
    }
}
