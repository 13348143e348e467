use dockward_diagnostics::Span;
use dockward_dockerfile::{Instruction, InstructionKind};
use dockward_rules::declare_rule;

use super::from_untagged_image::stage_named;
use super::relative_workdir::unquote;
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY --from=<name>` or `RUN --mount=from=<name>` where
    /// `<name>` is not an earlier stage and does not look like an image
    /// reference either.
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
    /// and `--from=$STAGE`; dockward does not. hadolint does not check
    /// `RUN --mount=from=`, which names stages the same way.
    ///
    /// ## References
    /// - [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
    /// - [Dockerfile reference: RUN --mount](https://docs.docker.com/reference/dockerfile/#run---mount)
    /// - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    pub struct CopyFromUnknownStage {
        severity: Medium,
        status: Stable,
        summary: "COPY --from names no earlier stage",
        aliases: ["DL3022"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#copy---from",
            "https://docs.docker.com/reference/dockerfile/#run---mount",
            "https://docs.docker.com/build/building/multi-stage/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for reference in stage_references(ctx) {
        let Some(current) = reference.instruction.stage else {
            continue;
        };
        let from = reference.name;
        let written = &reference.written;
        let message = match FromTarget::classify(ctx, from, current) {
            FromTarget::Unknown => {
                let later = ctx.dockerfile.stages.iter().skip(current + 1).find(|s| {
                    s.name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(from))
                });
                match later.and_then(|s| ctx.instructions().get(s.from)) {
                    Some(defined) => format!(
                        "`{written}` names a stage defined later, on line {}; define it before the stage that uses it",
                        defined.start_line
                    ),
                    None => format!(
                        "`{written}` names no earlier stage, so BuildKit will pull an image called `{from}`; check the stage name"
                    ),
                }
            }
            FromTarget::LaterIndex(index) => {
                format!("`{written}` is the index of stage {index}, which is not an earlier stage")
            }
            _ => continue,
        };
        out.push(Violation::new(
            CopyFromUnknownStage::META.rule,
            reference.span,
            message,
        ));
    }
}

/// A reference to a stage or image by name: `COPY --from=<name>` or
/// `RUN --mount=from=<name>`.
pub(super) struct StageReference<'a> {
    /// The top-level instruction holding it.
    pub instruction: &'a Instruction,
    /// The `--from` flag or the `--mount` flag.
    pub span: Span,
    /// The name, unquoted.
    pub name: &'a str,
    /// How it is written, for messages: `--from=x` or `--mount=...,from=x`.
    pub written: String,
}

/// Every `COPY --from=<name>` and `RUN --mount=...,from=<name>` of the
/// top-level instructions.
pub(super) fn stage_references<'a>(ctx: &Context<'a>) -> Vec<StageReference<'a>> {
    let mut found = Vec::new();
    for instruction in ctx.instructions() {
        match &instruction.kind {
            InstructionKind::Copy(_) => {
                let Some(flag) = instruction.flag("from") else {
                    continue;
                };
                let name = unquote(flag.value.as_deref().unwrap_or(""));
                if !name.is_empty() {
                    found.push(StageReference {
                        instruction,
                        span: flag.span,
                        name,
                        written: format!("--from={name}"),
                    });
                }
            }
            InstructionKind::Run(run) => {
                for mount in &run.mounts {
                    let name = unquote(mount.option("from").unwrap_or(""));
                    if !name.is_empty() {
                        found.push(StageReference {
                            instruction,
                            span: mount.span,
                            name,
                            written: format!("--mount=...,from={name}"),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    found
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
    /// What `from` (a `--from` or mount `from=` value) refers to, seen from
    /// stage `current`.
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
