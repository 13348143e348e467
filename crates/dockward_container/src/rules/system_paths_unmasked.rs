use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags `--security-opt systempaths=unconfined` (compose `security_opt:
    /// [systempaths=unconfined]`, or `HostConfig.MaskedPaths: []` in an API
    /// request, which is what the CLI sends for it).
    ///
    /// A privileged container has no masked paths either; `privileged-container`
    /// reports it. Not a CIS benchmark recommendation.
    ///
    /// ## Why is this bad?
    /// Docker masks (mounts over) or makes read-only the parts of `/proc` and
    /// `/sys` that expose the host: `/proc/kcore` (the host's memory),
    /// `/proc/keys`, `/proc/timer_list`, `/proc/sched_debug`, `/sys/firmware`,
    /// and `/proc/sys`, `/proc/sysrq-trigger`, `/proc/irq`, `/proc/bus` read-only.
    /// Unconfined, root in the container can read kernel memory layouts and
    /// host information, and write to `/proc/sysrq-trigger` (crash or reboot the
    /// host) and to global kernel settings in `/proc/sys`.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --security-opt systempaths=unconfined my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     security_opt:
    ///       - systempaths=unconfined
    /// ```
    ///
    /// Use instead: the default masks (omit the option):
    /// ```console
    /// $ docker run my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    /// ```
    ///
    /// ## References
    /// - [docker run: --security-opt](https://docs.docker.com/reference/cli/docker/container/run/#security-opt)
    /// - [Kernel docs: /proc](https://docs.kernel.org/filesystems/proc.html)
    /// - [Kernel docs: magic SysRq key](https://docs.kernel.org/admin-guide/sysrq.html)
    pub struct SystemPathsUnmasked {
        severity: High,
        status: Stable,
        summary: "`/proc` and `/sys` paths are not masked (`systempaths=unconfined`)",
        aliases: [],
        references: [
            "https://docs.docker.com/reference/cli/docker/container/run/#security-opt",
            "https://docs.kernel.org/filesystems/proc.html",
            "https://docs.kernel.org/admin-guide/sysrq.html",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if spec.security.systempaths_unconfined {
        out.push(finding(
            SystemPathsUnmasked::META.rule,
            SpecField::SystemPaths,
            "`systempaths=unconfined` unmasks `/proc` and `/sys` paths that expose the host (`/proc/kcore`, `/proc/sysrq-trigger`, `/proc/sys`)",
        ));
    }
}
