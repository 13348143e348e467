use dockward_dockerfile::{Instruction, InstructionKind, Keyword};
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `CMD` that follows another `CMD` in the same build stage.
    ///
    /// ## Why is this bad?
    /// A stage has one default command: each `CMD` replaces the previous one,
    /// so only the last takes effect. An earlier `CMD` is dead code that
    /// misleads the reader, and often a sign that a `RUN` was meant.
    ///
    /// Stages are counted apart (each `FROM` starts afresh), and `ONBUILD CMD`
    /// triggers are not counted: they act in another build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// CMD ["python", "-m", "migrate"]
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: CMD](https://docs.docker.com/reference/dockerfile/#cmd)
    pub struct MultipleCmd {
        severity: Medium,
        status: Stable,
        summary: "more than one CMD in a stage",
        aliases: ["DL4003", "DS016", "DS-0016", "AVD-DS-0016", "docker-only-one-cmd"],
        references: ["https://docs.docker.com/reference/dockerfile/#cmd"],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for (repeat, previous) in repeated_in_stage(ctx, Keyword::Cmd) {
        out.push(Violation::new(
            MultipleCmd::META.rule,
            repeat.keyword_span,
            format!(
                "this CMD replaces the one on line {} of the same stage; only the last CMD takes effect",
                previous.start_line
            ),
        ));
    }
}

/// Each top-level instruction with `keyword` that follows another one in
/// the same stage, paired with the one before it.
pub(super) fn repeated_in_stage<'a>(
    ctx: &Context<'a>,
    keyword: Keyword,
) -> Vec<(&'a Instruction, &'a Instruction)> {
    let mut repeats = Vec::new();
    let mut previous: Option<&Instruction> = None;
    for instruction in ctx.instructions() {
        if matches!(instruction.kind, InstructionKind::From(_)) {
            previous = None;
            continue;
        }
        if instruction.keyword != keyword || instruction.stage.is_none() {
            continue;
        }
        if let Some(before) = previous {
            repeats.push((instruction, before));
        }
        previous = Some(instruction);
    }
    repeats
}
