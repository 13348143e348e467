use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags `--security-opt label=disable` (compose `security_opt:
    /// [label:disable]`): SELinux separation turned off for the container.
    ///
    /// Not reported for a privileged container or one sharing the host's PID
    /// or IPC namespace: the daemon adds `label=disable` to those by itself
    /// (they could not work confined), and `privileged-container`,
    /// `host-pid-namespace` and `host-ipc-namespace` report them.
    ///
    /// Unlike docker-bench's 5.3, an empty `SecurityOpt` is not reported: on an
    /// SELinux host the daemon labels every container (`container_t`, see
    /// inspect's `ProcessLabel`) without any option, and on other hosts there is
    /// nothing to set.
    ///
    /// ## Why is this bad?
    /// On SELinux hosts (Fedora, RHEL, CentOS) the `container_t` type and the
    /// per-container MCS category keep a container away from host files and
    /// from other containers' files even when it runs as root or escapes its
    /// mount namespace. `label=disable` runs it as `spc_t`, an unconfined type.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --security-opt label=disable -v /srv/data:/data alpine:3.20
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: alpine:3.20
    ///     security_opt:
    ///       - label:disable
    /// ```
    ///
    /// Use instead: relabel the bind mount (`:z` shared, `:Z` private) and keep
    /// the separation:
    /// ```console
    /// $ docker run -v /srv/data:/data:Z alpine:3.20
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: alpine:3.20
    ///     volumes:
    ///       - /srv/data:/data:Z
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.3 (Level 2); the number is unchanged in v1.8.0.
    /// - [docker run: --security-opt](https://docs.docker.com/reference/cli/docker/container/run/#security-opt)
    /// - [Bind mounts: configure the SELinux label](https://docs.docker.com/engine/storage/bind-mounts/#configure-the-selinux-label)
    /// - [Kernel docs: SELinux](https://docs.kernel.org/admin-guide/LSM/SELinux.html)
    pub struct SelinuxLabelDisabled {
        severity: Medium,
        status: Stable,
        summary: "SELinux separation is disabled with `label=disable`",
        aliases: ["CIS-5.3", "CIS-L2"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/cli/docker/container/run/#security-opt",
            "https://docs.docker.com/engine/storage/bind-mounts/#configure-the-selinux-label",
            "https://docs.kernel.org/admin-guide/LSM/SELinux.html",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    let daemon_adds_it =
        spec.privileged || spec.namespaces.pid.is_host() || spec.namespaces.ipc.is_host();
    if spec.security.selinux_disabled && !daemon_adds_it {
        out.push(finding(
            SelinuxLabelDisabled::META.rule,
            SpecField::SelinuxLabel,
            "`label=disable` runs the container unconfined by SELinux (`spc_t`)",
        ));
    }
}
