use dockward_rules::declare_rule;

use super::commands::{APT, commands, invocation};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `apt-get dist-upgrade`, `apt-get full-upgrade`, `apt full-upgrade`
    /// and `aptitude full-upgrade` / `dist-upgrade` in a RUN.
    ///
    /// ## Why is this bad?
    /// A distribution upgrade is allowed to remove packages and to pull in new
    /// ones to resolve changed dependencies; with a changed `sources.list` it
    /// moves the image to another release. What ends up in the image then
    /// depends on the day of the build rather than on the base image tag.
    /// Use a base image of the release you want; if you need the latest
    /// security fixes, rebuild on a fresh base image, or use `apt-get upgrade`,
    /// which never removes packages.
    ///
    /// The severity is Medium, as Dockle (DKL-DI-0003, WARN) rates it: the
    /// harm is to reproducibility more than to security. Trivy rates DS024 HIGH
    /// but has deprecated the check.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get dist-upgrade -y && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-20250203-slim
    /// RUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - [apt-get(8): dist-upgrade](https://manpages.debian.org/bookworm/apt/apt-get.8.en.html)
    /// - [Dockle DKL-DI-0003](https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md#dkl-di-0003)
    pub struct DistUpgrade {
        severity: Medium,
        status: Stable,
        summary: "`apt-get dist-upgrade` in a RUN",
        aliases: [
            "DS024",
            "DS-0024",
            "AVD-DS-0024",
            "docker-no-dist-upgrade",
            "DKL-DI-0003",
        ],
        references: [
            "https://manpages.debian.org/bookworm/apt/apt-get.8.en.html",
            "https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md#dkl-di-0003",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = invocation(cmd, &["apt-get", "apt", "aptitude"], &APT) else {
                continue;
            };
            let Some(sub) = inv.subcommand() else {
                continue;
            };
            if !matches!(sub, "dist-upgrade" | "full-upgrade") {
                continue;
            }
            out.push(Violation::new(
                DistUpgrade::META.rule,
                cmd.span(),
                format!(
                    "`{} {sub}` may remove and replace packages, so the image depends on the day of the build; use a base image of the wanted release or `apt-get upgrade`",
                    cmd.program()
                ),
            ));
        }
    }
}
