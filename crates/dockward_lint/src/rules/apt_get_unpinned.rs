use dockward_rules::declare_rule;

use super::commands::{APT, Pin, apt_pin, commands, invocation};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags packages given to `apt-get install` without a version
    /// (`curl` instead of `curl=7.88.1-10+deb12u8`).
    ///
    /// ## Why is this bad?
    /// Without a version, `apt-get` installs whatever the archive holds on the
    /// day of the build. Two builds of the same Dockerfile then contain
    /// different software, a rebuild can silently pick up a breaking or
    /// vulnerable release, and a scan of one build says little about the next.
    ///
    /// Accepted as pinned: `pkg=version` (also with a variable:
    /// `pkg=$PKG_VERSION`), a release selector `pkg/bookworm-backports`, and a
    /// local `.deb` file. A word that is only a variable (`$fetchDeps`) stands
    /// for an unknown list of packages and is not reported. A trailing `-`
    /// (`pkg-`) asks apt to *remove* the package and is not reported either.
    /// `-t`/`--target-release`, `-o` and the other options that take a value
    /// are skipped with their value.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3008) reports one finding per RUN; dockward reports each
    /// unpinned package at its own word. hadolint also reports a package list
    /// held in a variable (`apt-get install $fetchDeps`), which dockward cannot
    /// judge and leaves alone. dockward also sees `apt-get` behind wrappers
    /// (`sudo`, `env`, `xargs`, `nice`, `timeout`), as `xx-apt-get`, and inside
    /// `sh -c '...'`.
    ///
    /// On the 519-file corpus (per RUN line): 405 findings in common, none
    /// reported by hadolint alone, 20 by dockward alone: 19 in the files hadolint
    /// cannot parse (DL1000) and one `xx-apt-get install` that hadolint does not
    /// recognise.
    ///
    /// ## References
    /// - [Docker best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - [apt-get(8): install pkg=version](https://manpages.debian.org/bookworm/apt/apt-get.8.en.html)
    /// - [hadolint DL3008](https://github.com/hadolint/hadolint/wiki/DL3008)
    pub struct AptGetUnpinned {
        severity: Medium,
        status: Stable,
        summary: "`apt-get install` of a package without a version",
        aliases: ["DL3008"],
        references: [
            "https://docs.docker.com/build/building/best-practices/#apt-get",
            "https://manpages.debian.org/bookworm/apt/apt-get.8.en.html",
            "https://github.com/hadolint/hadolint/wiki/DL3008",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = invocation(cmd, &["apt-get"], &APT) else {
                continue;
            };
            if inv.subcommand() != Some("install") {
                continue;
            }
            for package in inv.targets() {
                if package.text.ends_with('-') || apt_pin(package) != Pin::Unpinned {
                    continue;
                }
                out.push(Violation::new(
                    AptGetUnpinned::META.rule,
                    package.span,
                    format!(
                        "`{}` is installed without a version, so each build may get a different one; use `{}=<version>`",
                        package.text, package.text
                    ),
                ));
            }
        }
    }
}
