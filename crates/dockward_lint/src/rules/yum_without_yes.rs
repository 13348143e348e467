use dockward_rules::declare_rule;

use super::commands::{
    RPM_MANAGERS, commands, invocation, rpm_action, rpm_assumes_answer, rpm_changes_packages,
};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `yum install` (and the other commands that change packages:
    /// `update`, `upgrade`, `remove`, `reinstall`, `downgrade`, `groupinstall`,
    /// `group install`, ...) without `-y` / `--assumeyes`.
    ///
    /// ## Why is this bad?
    /// yum asks "Is this ok [y/N]" before changing packages. A build has no
    /// terminal to answer, so yum reads end-of-file, takes it as "no" and the
    /// build fails.
    ///
    /// Also accepted: `--setopt=assumeyes=1` and `--assumeno` (which answers
    /// the prompt too).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install httpd && yum clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3030) only looks at `yum install`, `groupinstall` and
    /// `localinstall`; dockward also checks the other commands that prompt.
    ///
    /// ## References
    /// - [yum(8): -y, --assumeyes](https://man7.org/linux/man-pages/man8/yum.8.html)
    pub struct YumWithoutYes {
        severity: Medium,
        status: Stable,
        summary: "`yum install` without `-y`",
        aliases: ["DL3030"],
        references: ["https://man7.org/linux/man-pages/man8/yum.8.html"],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = invocation(cmd, &["yum"], &RPM_MANAGERS) else {
                continue;
            };
            if !rpm_changes_packages(&inv) || rpm_assumes_answer(&inv) {
                continue;
            }
            out.push(Violation::new(
                YumWithoutYes::META.rule,
                cmd.span(),
                format!(
                    "`yum {}` without `-y` waits for a confirmation no one can give during a build; add `-y`",
                    rpm_action(&inv)
                ),
            ));
        }
    }
}
