use dockward_rules::declare_rule;

use super::commands::{ZYPPER, commands, invocation};
use crate::{Context, Violation};

/// zypper commands that ask before changing packages.
pub(crate) const ZYPPER_PROMPTING: [&str; 15] = [
    "install",
    "in",
    "remove",
    "rm",
    "update",
    "up",
    "patch",
    "dist-upgrade",
    "dup",
    "source-install",
    "si",
    "install-new-recommends",
    "inr",
    "verify",
    "ve",
];

declare_rule! {
    /// ## What it does
    /// Flags `zypper install` (and the other commands that change packages:
    /// `remove`, `update`, `patch`, `dist-upgrade`, `source-install`, ...)
    /// without a non-interactive switch.
    ///
    /// ## Why is this bad?
    /// zypper asks "Continue? [y/n/v/...? shows all options] (y)" before
    /// changing packages. A build has no terminal to answer, so the build
    /// hangs or fails depending on the zypper version.
    ///
    /// Accepted: the global `-n` / `--non-interactive` (before the command) and
    /// the command options `-y` / `--no-confirm`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper install curl && zypper clean
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN zypper --non-interactive install curl && zypper clean
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3034) checks the same commands and switches.
    ///
    /// ## References
    /// - [zypper(8): --non-interactive, install --no-confirm](https://en.opensuse.org/SDB:Zypper_manual)
    pub struct ZypperWithoutYes {
        severity: Medium,
        status: Stable,
        summary: "`zypper install` without `-n` / `-y`",
        aliases: ["DL3034"],
        references: ["https://en.opensuse.org/SDB:Zypper_manual"],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = invocation(cmd, &["zypper"], &ZYPPER) else {
                continue;
            };
            let Some(sub) = inv.subcommand() else {
                continue;
            };
            if !ZYPPER_PROMPTING.contains(&sub)
                || inv.has(&["n", "non-interactive", "y", "no-confirm"])
            {
                continue;
            }
            out.push(Violation::new(
                ZypperWithoutYes::META.rule,
                cmd.span(),
                format!(
                    "`zypper {sub}` without `--non-interactive` waits for a confirmation no one can give during a build; use `zypper -n {sub}` or `zypper {sub} -y`"
                ),
            ));
        }
    }
}
