use dockward_rules::declare_rule;

use super::commands::{ZYPPER, commands, invocation};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `zypper dist-upgrade` (or `zypper dup`) in a RUN.
    ///
    /// ## Why is this bad?
    /// A distribution upgrade may switch vendors, replace or remove packages
    /// and move the image to a different release than the one its base image
    /// names. The result depends on the day of the build and can differ
    /// widely from the base image users expect. Pick a base image of the
    /// release you want, and use `zypper update` / `zypper patch` for fixes
    /// within it.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper -n dist-upgrade && zypper clean
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n patch && zypper clean
    /// ```
    ///
    /// ## References
    /// - [zypper(8): dist-upgrade](https://en.opensuse.org/SDB:Zypper_manual)
    /// - [openSUSE: system upgrade](https://en.opensuse.org/SDB:System_upgrade)
    pub struct ZypperDistUpgrade {
        severity: Medium,
        status: Stable,
        summary: "`zypper dist-upgrade` in a RUN",
        aliases: ["DL3035"],
        references: [
            "https://en.opensuse.org/SDB:Zypper_manual",
            "https://en.opensuse.org/SDB:System_upgrade",
        ],
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
            if !matches!(sub, "dist-upgrade" | "dup") {
                continue;
            }
            out.push(Violation::new(
                ZypperDistUpgrade::META.rule,
                cmd.span(),
                format!(
                    "`zypper {sub}` upgrades the image to whatever the repositories hold on build day; use a base image of the wanted release and `zypper patch`"
                ),
            ));
        }
    }
}
