use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags `--userns host` (compose `userns_mode: host`,
    /// `HostConfig.UsernsMode: host`): the container opts out of the daemon's
    /// user-namespace remapping (`userns-remap`).
    ///
    /// When the daemon is known not to remap, the setting changes nothing
    /// today; it is still reported (as CIS 5.31 does), with a message saying
    /// so, because it silently keeps the container unmapped once remapping is
    /// turned on.
    ///
    /// ## Why is this bad?
    /// With `userns-remap`, root in a container is an unprivileged user on the
    /// host: a file written through a bind mount, or a process that escapes,
    /// has no host privileges. `--userns host` gives that up: root in the
    /// container is root on the host again.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --userns host my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     userns_mode: host
    /// ```
    ///
    /// Use instead: keep the daemon's remapping (omit the option):
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
    /// - CIS Docker Benchmark v1.6.0, 5.31 (Level 1); the number is unchanged in v1.8.0.
    /// - [Isolate containers with a user namespace](https://docs.docker.com/engine/security/userns-remap/)
    /// - [user_namespaces(7)](https://man7.org/linux/man-pages/man7/user_namespaces.7.html)
    pub struct HostUserNamespace {
        severity: Medium,
        status: Stable,
        summary: "the container opts out of user-namespace remapping (`userns=host`)",
        aliases: ["CIS-5.31", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/security/userns-remap/",
            "https://man7.org/linux/man-pages/man7/user_namespaces.7.html",
        ],
    }
}

pub(crate) fn check(spec: &ContainerSpec, ctx: &ContainerContext, out: &mut Vec<ContainerFinding>) {
    if !spec.namespaces.userns.is_host() {
        return;
    }
    let message = if ctx.daemon_userns_remap {
        "`userns=host` opts out of the daemon's user-namespace remapping: root in the container is root on the host"
    } else {
        "`userns=host` would keep the container out of user-namespace remapping if the daemon enabled it"
    };
    out.push(finding(
        HostUserNamespace::META.rule,
        SpecField::Userns,
        message,
    ));
}
