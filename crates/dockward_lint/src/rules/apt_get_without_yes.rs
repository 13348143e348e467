use dockward_rules::declare_rule;

use super::commands::{APT, APT_SIMULATE, commands, invocation};
use crate::{Context, Violation};

/// `apt-get` commands that ask for confirmation before changing packages.
const PROMPTING: [&str; 11] = [
    "install",
    "remove",
    "purge",
    "upgrade",
    "dist-upgrade",
    "full-upgrade",
    "autoremove",
    "autopurge",
    "build-dep",
    "satisfy",
    "reinstall",
];

declare_rule! {
    /// ## What it does
    /// Flags `apt-get install` (and the other commands that ask "Do you want
    /// to continue? [Y/n]": `remove`, `purge`, `upgrade`, `dist-upgrade`,
    /// `autoremove`, `build-dep`, `satisfy`) without `-y` / `--yes` /
    /// `--assume-yes`.
    ///
    /// ## Why is this bad?
    /// A build has no terminal to answer the prompt: apt reads end-of-file,
    /// takes it as "no" and aborts, so the build fails as soon as the change is
    /// bigger than the packages named (an extra dependency is enough).
    ///
    /// Also accepted: `-qq` (which implies `-y`), `-o APT::Get::Assume-Yes=true`,
    /// and `yes | apt-get ...`. A simulation (`-s`, `--simulate`, `--dry-run`)
    /// changes nothing and asks nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3014) and Trivy (DS021) only look at `apt-get install`;
    /// dockward also checks the other prompting commands listed above, and does
    /// not report a simulation (`apt-get install -s pkg`, used by
    /// docker-library/postgres to probe whether a package exists), which
    /// hadolint does. On the 519-file corpus hadolint's only 2 DL3014 findings
    /// are that case (docker-library/postgres 18, `apt-get install -s`), so the
    /// two tools have no finding in common there.
    ///
    /// ## References
    /// - [apt-get(8): -y, --yes, --assume-yes; -q](https://manpages.debian.org/bookworm/apt/apt-get.8.en.html)
    /// - [Docker best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    pub struct AptGetWithoutYes {
        severity: Medium,
        status: Stable,
        summary: "`apt-get install` without `-y`",
        aliases: ["DL3014", "DS021", "DS-0021", "AVD-DS-0021", "docker-use-apt-auto-confirm"],
        references: [
            "https://manpages.debian.org/bookworm/apt/apt-get.8.en.html",
            "https://docs.docker.com/build/building/best-practices/#apt-get",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = invocation(cmd, &["apt-get"], &APT) else {
                continue;
            };
            let Some(sub) = inv.subcommand() else {
                continue;
            };
            if !PROMPTING.contains(&sub) || inv.has(APT_SIMULATE) {
                continue;
            }
            let assumes_yes = inv.has(&["y", "yes", "assume-yes"])
                || inv.count(&["q"]) >= 2
                || inv.values(&["quiet"]).any(|v| v == "2")
                || inv.opts.iter().any(|o| o.word.text == "-q=2")
                || inv.values(&["o", "option"]).any(|v| {
                    let (key, value) = v.split_once('=').unwrap_or((v, ""));
                    key.eq_ignore_ascii_case("APT::Get::Assume-Yes")
                        && matches!(value.to_ascii_lowercase().as_str(), "1" | "true" | "yes")
                });
            let fed_by_yes = cmd.command.pipeline_len > 1
                && run
                    .script
                    .commands
                    .iter()
                    .take(cmd.index)
                    .any(|c| c.pipeline == cmd.command.pipeline && c.is("yes"));
            if assumes_yes || fed_by_yes {
                continue;
            }
            out.push(Violation::new(
                AptGetWithoutYes::META.rule,
                cmd.span(),
                format!(
                    "`apt-get {sub}` without `-y` waits for a confirmation no one can give during a build; add `-y`"
                ),
            ));
        }
    }
}
