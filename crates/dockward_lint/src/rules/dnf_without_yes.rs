use dockward_rules::declare_rule;

use super::commands::{
    RPM_MANAGERS, commands, invocation, rpm_action, rpm_assumes_answer, rpm_changes_packages,
};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `dnf install` and `microdnf install` (and the other commands that
    /// change packages: `upgrade`, `remove`, `reinstall`, `downgrade`,
    /// `group install`, `module install`, ...) without `-y` / `--assumeyes`.
    ///
    /// ## Why is this bad?
    /// dnf asks "Is this ok [y/N]" before changing packages. A build has no
    /// terminal to answer, so dnf reads end-of-file, takes it as "no" and the
    /// build fails. microdnf used to assume yes, but since microdnf 3.7 (Oracle
    /// Linux 9, RHEL 9 UBI) it asks like dnf does, so a Dockerfile that worked
    /// on an older base image breaks on a newer one.
    ///
    /// Also accepted: `--setopt=assumeyes=1` and `--assumeno`. `dnf5` is
    /// checked like `dnf`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN microdnf install tar gzip && microdnf clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN microdnf install -y tar gzip && microdnf clean all
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3038) only looks at `install`, `groupinstall` and
    /// `localinstall`; dockward also checks the other commands that prompt.
    ///
    /// ## References
    /// - [dnf(8): -y, --assumeyes](https://dnf.readthedocs.io/en/latest/command_ref.html#options)
    /// - [microdnf: assumeyes no longer the default](https://github.com/rpm-software-management/microdnf/pull/97)
    pub struct DnfWithoutYes {
        severity: Medium,
        status: Stable,
        summary: "`dnf install` / `microdnf install` without `-y`",
        aliases: ["DL3038"],
        references: [
            "https://dnf.readthedocs.io/en/latest/command_ref.html#options",
            "https://github.com/rpm-software-management/microdnf/pull/97",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = invocation(cmd, &["dnf", "dnf5", "microdnf"], &RPM_MANAGERS) else {
                continue;
            };
            if !rpm_changes_packages(&inv) || rpm_assumes_answer(&inv) {
                continue;
            }
            out.push(Violation::new(
                DnfWithoutYes::META.rule,
                cmd.span(),
                format!(
                    "`{} {}` without `-y` waits for a confirmation no one can give during a build; add `-y`",
                    cmd.program(),
                    rpm_action(&inv)
                ),
            ));
        }
    }
}
