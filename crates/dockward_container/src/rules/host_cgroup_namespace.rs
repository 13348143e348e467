use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container in the host's cgroup namespace: `--cgroupns host`,
    /// compose `cgroup: host`, `HostConfig.CgroupnsMode: host`. A create
    /// request or compose file that leaves the mode empty gets the daemon's
    /// `default-cgroupns-mode`: `host` on cgroup v1 hosts and before Engine
    /// 20.10, `private` on cgroup v2. On such a spec, whoever builds it decides
    /// the default (see `ContainerSpec::resolve_defaults`).
    ///
    /// Not a CIS benchmark recommendation; the benchmark predates cgroup
    /// namespaces in Docker.
    ///
    /// Off by default: on a cgroup v1 host every container the daemon creates
    /// without `--cgroupns private` reports `host`, so `docker inspect` cannot
    /// tell a deliberate choice from the default and the rule would flag every
    /// container there. Select it (`--select CT034`) to require private cgroup
    /// namespaces.
    ///
    /// ## Why is this bad?
    /// In the host's cgroup namespace the container sees the host's cgroup
    /// paths (`/proc/self/cgroup` names its place in the host hierarchy,
    /// including the container ID), and with a writable cgroup filesystem (a
    /// privileged container, `SYS_ADMIN`) it can reach and change other
    /// cgroups, the basis of the `release_agent` escape on cgroup v1
    /// (CVE-2022-0492). A private cgroup namespace shows the container only its
    /// own subtree.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --cgroupns host my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     cgroup: host
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ docker run --cgroupns private my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     cgroup: private
    /// ```
    ///
    /// ## References
    /// - [docker run: --cgroupns](https://docs.docker.com/reference/cli/docker/container/run/#cgroupns)
    /// - [cgroup_namespaces(7)](https://man7.org/linux/man-pages/man7/cgroup_namespaces.7.html)
    /// - [CVE-2022-0492](https://nvd.nist.gov/vuln/detail/CVE-2022-0492)
    pub struct HostCgroupNamespace {
        severity: Medium,
        status: Stable,
        default_enabled: false,
        summary: "the container shares the host's cgroup namespace",
        aliases: [],
        references: [
            "https://docs.docker.com/reference/cli/docker/container/run/#cgroupns",
            "https://man7.org/linux/man-pages/man7/cgroup_namespaces.7.html",
            "https://nvd.nist.gov/vuln/detail/CVE-2022-0492",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if spec.namespaces.cgroupns.is_host() {
        out.push(finding(
            HostCgroupNamespace::META.rule,
            SpecField::Cgroupns,
            "the container shares the host's cgroup namespace (`cgroupns=host`)",
        ));
    }
}
