use dockward_dockerfile::{Instruction, InstructionKind};
use dockward_rules::declare_rule;

use crate::{Context, RunInfo, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that directly follows another `RUN` when the two could
    /// obviously be one: same flags (`--mount`, `--network`, `--security`),
    /// and each runs a single command. Comments between them do not separate
    /// them; any other instruction does.
    ///
    /// ## Why is this bad?
    /// Each `RUN` adds a layer and a cache entry. Single-command steps in a
    /// row (an `apt-get update` and then an `apt-get install`) make the image
    /// bigger and can break caching (a cached `update` with a fresh
    /// `install`). A `RUN` that already chains commands (`a && b`,
    /// `set -eux; ...`) is left alone: its author split the steps on purpose,
    /// for caching or readability. Flags that differ (another cache mount,
    /// another network mode) cannot be merged.
    ///
    /// `RUN`s of PowerShell or cmd stages are never flagged: their commands
    /// cannot be counted.
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
    /// `RUN`s of PowerShell or cmd stages are never flagged: their commands
    /// cannot be counted.
    ///
    /// ## Compared with hadolint
    /// Same condition as hadolint 2.15.1's DL3059 as observed on the reference
    /// corpus (47 of its 51 findings; a RUN with two commands, such as
    /// `set -eux; adduser ...`, ends the sequence there too). dockward also
    /// compares consecutive `ONBUILD RUN` triggers with each other (hadolint
    /// lets every ONBUILD break the sequence). The other differences are
    /// Windows images: hadolint reads PowerShell RUNs as POSIX shell, and in
    /// an image without a `SHELL` instruction the default shell is cmd, which a
    /// Dockerfile does not reveal, so both tools count such commands by guess
    /// (4 findings on moby's Windows Dockerfiles).
    ///
    /// ## References
    /// - [Docker best practices: minimize the number of layers](https://docs.docker.com/build/building/best-practices/#minimize-the-number-of-layers)
    /// - [Docker best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    pub struct ConsecutiveRuns {
        severity: Low,
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
const MAX_COMMANDS: usize = 1;

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
        let small = |run: &RunInfo| command_count(run).is_some_and(|n| n <= MAX_COMMANDS);
        if !small(prev) || !small(cur) {
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

/// Commands the RUN runs (exec form counts as one); `None` for PowerShell
/// and cmd, whose scripts are not analysed.
fn command_count(run: &RunInfo) -> Option<usize> {
    if !run.posix {
        return None;
    }
    let exec = matches!(
        &run.instruction.kind,
        InstructionKind::Run(r) if matches!(r.command, dockward_dockerfile::CommandLine::Exec(_))
    );
    if exec {
        return Some(1);
    }
    Some(
        run.script
            .commands
            .iter()
            .filter(|c| !c.nested && c.name.is_some())
            .count(),
    )
}
