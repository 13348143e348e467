use dockward_dockerfile::{Instruction, InstructionKind};
use dockward_rules::declare_rule;

use crate::{Context, RunInfo, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that directly follows another `RUN` when the two could be
    /// one: same flags (`--mount`, `--network`, `--security`), and neither runs
    /// more than two commands. Comments between them do not separate them;
    /// any other instruction does.
    ///
    /// ## Why is this bad?
    /// Each `RUN` adds a layer and a cache entry. Short steps in a row (an
    /// `apt-get update` and then an `apt-get install`) make the image bigger
    /// and can break caching (a cached `update` with a fresh `install`).
    /// Chains of three or more commands are left alone: their author split
    /// the steps on purpose (for caching or readability), and flags that
    /// differ (another cache mount, another network mode) cannot be merged.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Compared with hadolint
    /// Same condition as DL3059 for top-level `RUN`s. dockward also compares
    /// consecutive `ONBUILD RUN` triggers with each other (hadolint lets every
    /// ONBUILD break the sequence).
    ///
    /// ## References
    /// - [Docker best practices: minimize the number of layers](https://docs.docker.com/build/building/best-practices/#minimize-the-number-of-layers)
    /// - [Docker best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    pub struct ConsecutiveRuns {
        severity: Info,
        status: Stable,
        summary: "consecutive RUN instructions could be combined",
        aliases: ["DL3059"],
        references: [
            "https://docs.docker.com/build/building/best-practices/#minimize-the-number-of-layers",
            "https://docs.docker.com/build/building/best-practices/#apt-get",
        ],
    }
}

/// More commands than this in either RUN: split on purpose.
const MAX_COMMANDS: usize = 2;

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    let runs = ctx.runs();
    for pair in runs.windows(2) {
        let [prev, cur] = pair else {
            continue;
        };
        if cur.index != prev.index + 1 || cur.onbuild != prev.onbuild {
            continue;
        }
        if flags(prev.instruction) != flags(cur.instruction) {
            continue;
        }
        if command_count(prev) > MAX_COMMANDS || command_count(cur) > MAX_COMMANDS {
            continue;
        }
        let line = prev.instruction.start_line;
        out.push(Violation::new(
            ConsecutiveRuns::META.rule,
            cur.instruction.keyword_span,
            format!(
                "this RUN directly follows the RUN on line {line}; combine them into one layer"
            ),
        ));
    }
}

/// The RUN's flags, normalised for comparison.
fn flags(instruction: &Instruction) -> Vec<(String, Option<&str>)> {
    let mut flags: Vec<(String, Option<&str>)> = instruction
        .flags
        .iter()
        .map(|f| (f.name.to_ascii_lowercase(), f.value.as_deref()))
        .collect();
    flags.sort();
    flags
}

/// Commands the RUN runs (exec form and non-POSIX shells count as one).
fn command_count(run: &RunInfo) -> usize {
    let exec = matches!(
        &run.instruction.kind,
        InstructionKind::Run(r) if matches!(r.command, dockward_dockerfile::CommandLine::Exec(_))
    );
    if !run.posix || exec {
        return 1;
    }
    run.script
        .commands
        .iter()
        .filter(|c| !c.nested && c.name.is_some())
        .count()
}
