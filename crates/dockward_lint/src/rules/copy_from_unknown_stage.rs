use dockward_dockerfile::{Flag, Instruction, InstructionKind};
use dockward_rules::declare_rule;

use super::from_untagged_image::stage_named;
use super::relative_workdir::unquote;
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY --from=<name>` where `<name>` is not an earlier stage and
    /// does not look like an image reference either.
    ///
    /// ## Why is this bad?
    /// `--from` takes a stage name, a stage index or an image. A bare word
    /// that names no earlier stage (a typo, a renamed stage, a stage defined
    /// further down) is silently taken as an image on Docker Hub: the build
    /// then pulls `docker.io/library/<name>:latest`, or fails to.
    ///
    /// Stage names are compared case-insensitively, as BuildKit does. Not
    /// flagged: image references (containing `:`, `/` or `@`, such as
    /// `nginx:1.27` or `ghcr.io/org/tool`), numeric indexes of earlier
    /// stages, and variables. `--from` naming the current stage is
    /// `copy-from-own-stage`. A named build context passed with
    /// `docker buildx build --build-context name=...` is invisible in the
    /// Dockerfile and is flagged; suppress the finding for it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./cmd/app
    /// FROM gcr.io/distroless/static-debian12:nonroot
    /// COPY --from=builder /out/app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./cmd/app
    /// FROM gcr.io/distroless/static-debian12:nonroot
    /// COPY --from=build /out/app /app
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3022) compares stage names case-sensitively, and treats
    /// only references with a `:` as images, so it flags `--from=org/tool`
    /// and `--from=$STAGE`; dockward does not.
    ///
    /// ## References
    /// - [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
    /// - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    pub struct CopyFromUnknownStage {
        severity: Medium,
        status: Stable,
        summary: "COPY --from names no earlier stage",
        aliases: ["DL3022"],
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
        let message = match FromTarget::classify(ctx, from, current) {
            FromTarget::Unknown => {
                let later = ctx.dockerfile.stages.iter().skip(current + 1).find(|s| {
                    s.name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(from))
                });
                match later.and_then(|s| ctx.instructions().get(s.from)) {
                    Some(defined) => format!(
                        "`--from={from}` names a stage defined later, on line {}; define it before the stage that copies from it",
                        defined.start_line
                    ),
                    None => format!(
                        "`--from={from}` names no earlier stage, so BuildKit will pull an image called `{from}`; check the stage name"
                    ),
                }
            }
            FromTarget::LaterIndex(index) => format!(
                "`--from={from}` is the index of stage {index}, which is not an earlier stage"
            ),
            _ => continue,
        };
        out.push(Violation::new(
            CopyFromUnknownStage::META.rule,
            flag.span,
            message,
        ));
    }
}

/// Every top-level `COPY --from=<value>`, with the flag and its unquoted value.
pub(super) fn copy_from<'a>(
    ctx: &Context<'a>,
) -> impl Iterator<Item = (&'a Instruction, &'a Flag, &'a str)> {
    ctx.instructions().iter().filter_map(|instruction| {
        if !matches!(instruction.kind, InstructionKind::Copy(_)) {
            return None;
        }
        let flag = instruction.flag("from")?;
        let value = unquote(flag.value.as_deref()?);
        (!value.is_empty()).then_some((instruction, flag, value))
    })
}

/// What a `--from` value refers to, seen from stage `current`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FromTarget {
    /// An earlier stage.
    Earlier,
    /// The current stage, by name or index.
    Own,
    /// An index that is not an earlier or the current stage.
    LaterIndex(usize),
    /// An image reference or a variable.
    Image,
    /// A bare word naming no earlier stage.
    Unknown,
}

impl FromTarget {
    pub(super) fn classify(ctx: &Context, from: &str, current: usize) -> Self {
        if from.contains('$') || from.contains([':', '/', '@']) {
            return FromTarget::Image;
        }
        if from.bytes().all(|b| b.is_ascii_digit()) {
            return match from.parse::<usize>() {
                Ok(index) if index < current => FromTarget::Earlier,
                Ok(index) if index == current => FromTarget::Own,
                Ok(index) => FromTarget::LaterIndex(index),
                Err(_) => FromTarget::LaterIndex(usize::MAX),
            };
        }
        if stage_named(ctx, from, current).is_some() {
            return FromTarget::Earlier;
        }
        let own = ctx
            .dockerfile
            .stages
            .get(current)
            .and_then(|s| s.name.as_deref())
            .is_some_and(|n| n.eq_ignore_ascii_case(from));
        if own {
            FromTarget::Own
        } else {
            FromTarget::Unknown
        }
    }
}
