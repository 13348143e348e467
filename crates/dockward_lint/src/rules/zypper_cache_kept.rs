use dockward_rules::declare_rule;

use super::commands::{ZYPPER, ZYPPER_DOWNLOADING, cache_cleaned, cleans, commands, invocation};
use crate::{Context, Violation};

const DIRS: [&str; 1] = ["/var/cache/zypp"];

declare_rule! {
    /// ## What it does
    /// Flags a `zypper install` (or `update`, `patch`, `dist-upgrade`,
    /// `source-install`, ...) that is not followed by `zypper clean` in the same
    /// RUN.
    ///
    /// ## Why is this bad?
    /// zypper keeps repository metadata and downloaded packages under
    /// `/var/cache/zypp`. Left in the layer they make the image larger and are
    /// never used at run time; cleaning in a later RUN does not shrink the
    /// image.
    ///
    /// Accepted as the clean-up, after the install in the same RUN:
    /// `zypper clean` / `zypper cc` (with any options, `-a` included),
    /// `rm -rf /var/cache/zypp` (or its content); or a `cache`/`tmpfs` mount on
    /// `/var/cache/zypp` or a parent.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper -n install curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN zypper -n install curl && zypper clean -a
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3036) and Trivy (DS020) check the same intent; hadolint
    /// accepts `zypper clean`/`zypper cc` and a cache mount, but not an
    /// `rm -rf /var/cache/zypp`.
    ///
    /// ## References
    /// - [zypper(8): clean](https://en.opensuse.org/SDB:Zypper_manual)
    /// - [Dockerfile reference: RUN --mount=type=cache](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
    pub struct ZypperCacheKept {
        severity: Medium,
        status: Stable,
        summary: "`zypper install` without `zypper clean` in the same RUN",
        aliases: [
            "DL3036",
            "DS020",
            "DS-0020",
            "AVD-DS-0020",
            "docker-purge-zipper-cache",
        ],
        references: [
            "https://en.opensuse.org/SDB:Zypper_manual",
            "https://docs.docker.com/reference/dockerfile/#run---mounttypecache",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        let cmds: Vec<_> = commands(run).collect();
        for cmd in &cmds {
            let Some(inv) = invocation(*cmd, &["zypper"], &ZYPPER) else {
                continue;
            };
            let Some(sub) = inv.subcommand() else {
                continue;
            };
            if !ZYPPER_DOWNLOADING.contains(&sub) {
                continue;
            }
            let is_clean = |c: &_| cleans(c, &["zypper"], &ZYPPER, false);
            if cache_cleaned(run, &cmds, cmd, &DIRS, &is_clean) {
                continue;
            }
            out.push(Violation::new(
                ZypperCacheKept::META.rule,
                cmd.span(),
                format!(
                    "`zypper {sub}` leaves its cache in /var/cache/zypp in this layer; add `zypper clean` at the end of the same RUN"
                ),
            ));
        }
    }
}
