use dockward_rules::declare_rule;

use super::commands::{
    APK, APT, Cmd, RPM_MANAGERS, Spec, ZYPPER, ZYPPER_DOWNLOADING, commands, invocation,
};
use crate::{Context, Violation};

/// A package-manager family: its programs, how to read them, the command
/// that only refreshes the package index, and the commands that use it.
struct Family {
    programs: &'static [&'static str],
    spec: &'static Spec,
    refresh: &'static [&'static str],
    consumers: &'static [&'static str],
}

const FAMILIES: [Family; 4] = [
    Family {
        programs: &["apt-get", "apt", "aptitude"],
        spec: &APT,
        refresh: &["update"],
        consumers: &[
            "install",
            "upgrade",
            "dist-upgrade",
            "full-upgrade",
            "safe-upgrade",
            "build-dep",
            "source",
            "download",
            "reinstall",
            "satisfy",
        ],
    },
    Family {
        programs: &["apk"],
        spec: &APK,
        refresh: &["update"],
        consumers: &["add", "upgrade", "fix", "fetch"],
    },
    Family {
        programs: &["yum", "dnf", "dnf5", "microdnf"],
        spec: &RPM_MANAGERS,
        refresh: &["makecache"],
        consumers: &[
            "install",
            "in",
            "groupinstall",
            "localinstall",
            "reinstall",
            "update",
            "upgrade",
            "up",
            "downgrade",
            "distro-sync",
            "swap",
            "group",
            "module",
            "download",
        ],
    },
    Family {
        programs: &["zypper"],
        spec: &ZYPPER,
        refresh: &["refresh", "ref"],
        consumers: ZYPPER_DOWNLOADING,
    },
];

declare_rule! {
    /// ## What it does
    /// Flags a RUN that refreshes the package index (`apt-get update`,
    /// `apk update`, `yum makecache`, `dnf makecache`, `zypper refresh`) but
    /// installs or upgrades nothing with it afterwards in the same RUN.
    ///
    /// ## Why is this bad?
    /// The build cache keys a RUN on its text. An index refreshed in a RUN of
    /// its own is cached as it was the first time, and an `install` in a later
    /// RUN keeps using that old index: it installs outdated packages, or fails
    /// once the archive has dropped the versions the stale index names. Refresh
    /// and install in one RUN so that any change of the package list also
    /// refreshes the index.
    ///
    /// `apt-cache` queries count as using the apt index, and the
    /// cross-compilation wrappers `xx-apt-get` / `xx-apk` count as the tool they
    /// wrap (`apt-get update && xx-apt-get install ...` is fine). A RUN that only
    /// refreshes and hands the work to a script (`apt-get update && ./install.sh`)
    /// is reported: dockward cannot see the script.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Compared with Trivy
    /// Trivy (DS017) also treats `yum update` / `dnf update` / `zypper update` as a
    /// lone "update"; those commands upgrade packages, so dockward does not.
    /// Trivy finds commands by splitting the RUN text on `&&`, so it misses
    /// `set -eux; apt-get update; ...` scripts; dockward reads the shell. On the
    /// corpus Trivy's 4 DS017 hits are all `apt-get update && xx-apt-get install`,
    /// which dockward does not report.
    /// Dockle (CIS-DI-0007) checks the same in the built image's history.
    ///
    /// ## References
    /// - [Docker best practices: apt-get (cache busting)](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - [CIS Docker Benchmark v1.6.0, 4.7: Ensure update instructions are not used alone in the Dockerfile](https://www.cisecurity.org/benchmark/docker)
    /// - [Dockle CIS-DI-0007](https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md#cis-di-0007)
    pub struct PackageUpdateAlone {
        severity: High,
        status: Stable,
        summary: "package index refreshed in a RUN that installs nothing",
        aliases: [
            "DS017",
            "DS-0017",
            "AVD-DS-0017",
            "docker-no-orphan-package-update",
            "CIS-DI-0007",
            "CIS-4.7",
        ],
        references: [
            "https://docs.docker.com/build/building/best-practices/#apt-get",
            "https://www.cisecurity.org/benchmark/docker",
            "https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md#cis-di-0007",
        ],
    }
}

fn subcommand_of(cmd: Cmd<'_>, family: &Family) -> Option<String> {
    invocation(cmd, family.programs, family.spec)
        .and_then(|inv| inv.subcommand().map(str::to_owned))
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        let cmds: Vec<_> = commands(run).collect();
        for family in &FAMILIES {
            // The last refresh of the family decides: an install after it uses it.
            let Some(refresh) = cmds.iter().rev().find(|c| {
                subcommand_of(**c, family).is_some_and(|s| family.refresh.contains(&s.as_str()))
            }) else {
                continue;
            };
            let used = cmds.iter().filter(|c| c.index > refresh.index).any(|c| {
                (family.programs[0] == "apt-get" && c.is("apt-cache"))
                    || subcommand_of(*c, family)
                        .is_some_and(|s| family.consumers.contains(&s.as_str()))
            });
            if used {
                continue;
            }
            let sub = subcommand_of(*refresh, family).unwrap_or_default();
            out.push(Violation::new(
                PackageUpdateAlone::META.rule,
                refresh.span(),
                format!(
                    "`{} {sub}` refreshes the package index but nothing in this RUN installs with it; a later RUN would reuse a stale cached index, so refresh and install in the same RUN",
                    refresh.program()
                ),
            ));
        }
    }
}
