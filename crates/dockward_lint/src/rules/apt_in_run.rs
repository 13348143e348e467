use dockward_rules::declare_rule;

use super::commands::commands;
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags the `apt` command in a RUN.
    ///
    /// ## Why is this bad?
    /// `apt` is the interactive front end meant for people at a terminal. Its
    /// command-line interface is explicitly not stable (it warns "apt does not
    /// have a stable CLI interface. Use with caution in scripts."), and its
    /// output and defaults (progress bars, colours, prompts) change between
    /// releases. `apt-get` and `apt-cache` offer the same operations with a
    /// stable interface for scripts.
    ///
    /// `apt-get`, `apt-cache`, `apt-key`, `apt-mark` and `aptitude` are
    /// different programs and not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt update && apt install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - [apt(8): "the apt command ... is not a stable interface for scripts"](https://manpages.debian.org/bookworm/apt/apt.8.en.html#SCRIPT_USAGE_AND_DIFFERENCES_FROM_OTHER_APT_TOOLS)
    /// - [Docker best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    pub struct AptInRun {
        severity: Medium,
        status: Stable,
        summary: "`apt` used in a RUN instead of `apt-get`",
        aliases: ["DL3027"],
        references: [
            "https://manpages.debian.org/bookworm/apt/apt.8.en.html#SCRIPT_USAGE_AND_DIFFERENCES_FROM_OTHER_APT_TOOLS",
            "https://docs.docker.com/build/building/best-practices/#apt-get",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            if !cmd.is("apt") {
                continue;
            }
            out.push(Violation::new(
                AptInRun::META.rule,
                cmd.name.span,
                "`apt` has no stable interface for scripts; use `apt-get` (or `apt-cache`) in a Dockerfile",
            ));
        }
    }
}
