use dockward_rules::declare_rule;

use super::commands::{
    RPM_MANAGERS, cache_cleaned, cleans, commands, invocation, rpm_action, rpm_downloads,
};
use crate::{Context, Violation};

const PROGRAMS: [&str; 4] = ["dnf", "dnf5", "microdnf", "yum"];
const DIRS: [&str; 3] = ["/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"];

declare_rule! {
    /// ## What it does
    /// Flags a `dnf install` or `microdnf install` (or `upgrade`, `reinstall`,
    /// `group install`, `module install`, ...) that is not followed by a clean
    /// of the package cache in the same RUN.
    ///
    /// ## Why is this bad?
    /// dnf and microdnf keep repository metadata and downloaded packages under
    /// `/var/cache/dnf`, `/var/cache/yum` (microdnf) or `/var/cache/libdnf5`
    /// (dnf5). Left in the layer they add tens to hundreds of megabytes that
    /// are never used at run time; cleaning in a later RUN does not shrink the
    /// image.
    ///
    /// Accepted as the clean-up, after the install in the same RUN:
    /// `dnf clean all` / `microdnf clean all` / `dnf5 clean all`,
    /// `rm -rf /var/cache/dnf` / `/var/cache/yum` / `/var/cache/libdnf5*` (or
    /// their content); or a `cache`/`tmpfs` mount on one of those directories
    /// (or a parent) on the RUN.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN microdnf install -y tar gzip
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN microdnf install -y tar gzip && microdnf clean all
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3040) and Trivy (DS019 for dnf, DS027 for microdnf) check
    /// the same intent. hadolint accepts *any* `rm -rf` after the install as the
    /// clean-up; dockward wants it to remove one of the cache directories.
    ///
    /// ## References
    /// - [dnf: clean command](https://dnf.readthedocs.io/en/latest/command_ref.html#clean-command)
    /// - [Dockerfile reference: RUN --mount=type=cache](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
    pub struct DnfCacheKept {
        severity: Medium,
        status: Stable,
        summary: "`dnf install` / `microdnf install` without `clean all` in the same RUN",
        aliases: [
            "DL3040",
            "DS019",
            "DS-0019",
            "AVD-DS-0019",
            "docker-purge-dnf-package-cache",
            "DS027",
            "DS-0027",
            "AVD-DS-0027",
            "docker-purge-microdnf-package-cache",
        ],
        references: [
            "https://dnf.readthedocs.io/en/latest/command_ref.html#clean-command",
            "https://docs.docker.com/reference/dockerfile/#run---mounttypecache",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        let cmds: Vec<_> = commands(run).collect();
        for cmd in &cmds {
            let Some(inv) = invocation(*cmd, &["dnf", "dnf5", "microdnf"], &RPM_MANAGERS) else {
                continue;
            };
            if !rpm_downloads(&inv) {
                continue;
            }
            let is_clean = |c: &_| cleans(c, &PROGRAMS, &RPM_MANAGERS, true);
            if cache_cleaned(run, &cmds, cmd, &DIRS, &is_clean) {
                continue;
            }
            out.push(Violation::new(
                DnfCacheKept::META.rule,
                cmd.span(),
                format!(
                    "`{} {}` leaves its package cache in this layer; add `{} clean all` at the end of the same RUN",
                    cmd.program(),
                    rpm_action(&inv),
                    cmd.program()
                ),
            ));
        }
    }
}
