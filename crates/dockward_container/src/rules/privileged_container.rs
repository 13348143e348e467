use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a privileged container: `docker run --privileged`, compose
    /// `privileged: true`, `HostConfig.Privileged`.
    ///
    /// ## Why is this bad?
    /// A privileged container has every capability, every host device, no
    /// seccomp filter, no AppArmor profile (unless one is named), no SELinux
    /// separation, and writable `/sys` and `/proc/sys`. Root in it is root on
    /// the host in all but name: it can mount the host's disk, load kernel
    /// modules, or write a cgroup `release_agent` and run a command on the host.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --privileged my/monitoring-agent:2.1
    /// ```
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: my/monitoring-agent:2.1
    ///     privileged: true
    /// ```
    ///
    /// Use instead: grant exactly what is needed (a capability, a device, a
    /// read-only mount):
    /// ```console
    /// $ docker run --cap-add SYS_PTRACE --pid host -v /proc:/host/proc:ro my/monitoring-agent:2.1
    /// ```
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: my/monitoring-agent:2.1
    ///     cap_add: [SYS_PTRACE]
    ///     volumes:
    ///       - /proc:/host/proc:ro
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.5 (Level 1); the number is unchanged in v1.8.0.
    /// - [Runtime privilege and Linux capabilities](https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities)
    /// - [docker run: --privileged](https://docs.docker.com/reference/cli/docker/container/run/#privileged)
    /// - [CVE-2022-0492](https://nvd.nist.gov/vuln/detail/CVE-2022-0492)
    pub struct PrivilegedContainer {
        severity: Critical,
        status: Stable,
        summary: "the container is privileged",
        aliases: ["CIS-5.5", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities",
            "https://docs.docker.com/reference/cli/docker/container/run/#privileged",
            "https://nvd.nist.gov/vuln/detail/CVE-2022-0492",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if spec.privileged {
        out.push(finding(
            PrivilegedContainer::META.rule,
            SpecField::Privileged,
            "the container is privileged: every capability and host device, no seccomp, no AppArmor",
        ));
    }
}
