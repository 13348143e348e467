use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container sharing the host's UTS namespace: `--uts host`,
    /// compose `uts: host`, `HostConfig.UTSMode: host`.
    ///
    /// ## Why is this bad?
    /// The UTS namespace holds the hostname and NIS domain name. Sharing it
    /// lets root in the container (with `SYS_ADMIN`) rename the host, and
    /// leaks the host's name to the container. It is rarely needed.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --uts host my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     uts: host
    /// ```
    ///
    /// Use instead: the container's own namespace, with a hostname if needed:
    /// ```console
    /// $ docker run --hostname app my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     hostname: app
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.21 (Level 1); the number is unchanged in v1.8.0.
    /// - [docker run: --uts](https://docs.docker.com/engine/containers/run/#uts-settings---uts)
    /// - [uts_namespaces(7)](https://man7.org/linux/man-pages/man7/uts_namespaces.7.html)
    pub struct HostUtsNamespace {
        severity: Low,
        status: Stable,
        summary: "the container shares the host's UTS namespace",
        aliases: ["CIS-5.21", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/containers/run/#uts-settings---uts",
            "https://man7.org/linux/man-pages/man7/uts_namespaces.7.html",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if spec.namespaces.uts.is_host() {
        out.push(finding(
            HostUtsNamespace::META.rule,
            SpecField::Uts,
            "the container shares the host's UTS namespace (`uts=host`)",
        ));
    }
}
