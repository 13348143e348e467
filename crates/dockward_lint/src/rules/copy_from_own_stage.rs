use dockward_rules::declare_rule;

use super::copy_from_unknown_stage::{FromTarget, copy_from};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY --from=<stage>` inside that same stage, by name
    /// (compared case-insensitively) or by index.
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
    for (instruction, flag, from) in copy_from(ctx) {
        let Some(current) = instruction.stage else {
            continue;
        };
        if FromTarget::classify(ctx, from, current) != FromTarget::Own {
            continue;
        }
        out.push(Violation::new(
            CopyFromOwnStage::META.rule,
            flag.span,
            format!(
                "`--from={from}` names the stage this COPY is in; a stage cannot copy from itself"
            ),
        ));
    }
}
