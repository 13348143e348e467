use dockward_rules::declare_rule;

use super::commands::{
    RPM_MANAGERS, cache_cleaned, cleans, commands, invocation, rpm_action, rpm_downloads,
};
use crate::{Context, Violation};

const DIRS: [&str; 1] = ["/var/cache/yum"];

declare_rule! {
    /// ## What it does
    /// Flags a `yum install` (or `update`, `upgrade`, `reinstall`,
    /// `groupinstall`, ...) that is not followed by `yum clean all` in the same
    /// RUN.
    ///
    /// ## Why is this bad?
    /// yum keeps repository metadata and, depending on the configuration,
    /// downloaded packages under `/var/cache/yum`. Left in the layer they add
    /// tens to hundreds of megabytes to the image and are never used at run
    /// time; cleaning them in a later RUN does not shrink the image.
    ///
    /// Also accepted after the install: `rm -rf /var/cache/yum` (or its
    /// content), and a `cache`/`tmpfs` mount on `/var/cache/yum` or a parent.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3032) accepts `yum clean all` or *any* `rm -rf` in the RUN;
    /// dockward wants the `rm` to remove `/var/cache/yum`, after the install. A
    /// cache mount on `/var/cache/yum` satisfies dockward; hadolint still reports it.
    /// Trivy (DS015) checks the same intent.
    ///
    /// ## References
    /// - [yum(8): clean](https://man7.org/linux/man-pages/man8/yum.8.html)
    /// - [Docker best practices: leverage the build cache / clean up](https://docs.docker.com/build/building/best-practices/#run)
    pub struct YumCacheKept {
        severity: Medium,
        status: Stable,
        summary: "`yum install` without `yum clean all` in the same RUN",
        aliases: [
            "DL3032",
            "DS015",
            "DS-0015",
            "AVD-DS-0015",
            "docker-purge-yum-package-cache",
        ],
        references: [
            "https://man7.org/linux/man-pages/man8/yum.8.html",
            "https://docs.docker.com/build/building/best-practices/#run",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        let cmds: Vec<_> = commands(run).collect();
        for cmd in &cmds {
            let Some(inv) = invocation(*cmd, &["yum"], &RPM_MANAGERS) else {
                continue;
            };
            if !rpm_downloads(&inv) {
                continue;
            }
            let is_clean = |c: &_| cleans(c, &["yum"], &RPM_MANAGERS, true);
            if cache_cleaned(run, &cmds, cmd, &DIRS, &is_clean) {
                continue;
            }
            out.push(Violation::new(
                YumCacheKept::META.rule,
                cmd.span(),
                format!(
                    "`yum {}` leaves its cache in /var/cache/yum in this layer; add `yum clean all` at the end of the same RUN",
                    rpm_action(&inv)
                ),
            ));
        }
    }
}
