use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container sharing the host's network namespace: `--network
    /// host`, compose `network_mode: host`, `HostConfig.NetworkMode: host`.
    /// Joining another container's network (`container:<name>`) is not
    /// reported here.
    ///
    /// ## Why is this bad?
    /// The container sees every host interface, can bind any host address and
    /// port, reach services listening on the host's `127.0.0.1` (the Docker
    /// API on TCP, databases, metadata proxies), and sniff host traffic with
    /// the default `NET_RAW` capability. Docker's network isolation and
    /// firewall rules no longer apply to it.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --network host my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     network_mode: host
    /// ```
    ///
    /// Use instead: a user-defined network and published ports:
    /// ```console
    /// $ docker network create backend
    /// $ docker run --network backend -p 127.0.0.1:8080:8080 my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     networks: [backend]
    ///     ports: ["127.0.0.1:8080:8080"]
    /// networks:
    ///   backend: {}
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.10 (Level 1); the number is unchanged in v1.8.0.
    /// - [Host network driver](https://docs.docker.com/engine/network/drivers/host/)
    /// - [Compose file: network_mode](https://docs.docker.com/reference/compose-file/services/#network_mode)
    pub struct HostNetwork {
        severity: Medium,
        status: Stable,
        summary: "the container shares the host's network namespace",
        aliases: ["CIS-5.10", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/network/drivers/host/",
            "https://docs.docker.com/reference/compose-file/services/#network_mode",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if spec.namespaces.network.is_host() {
        out.push(finding(
            HostNetwork::META.rule,
            SpecField::Network,
            "the container shares the host's network namespace (`network=host`)",
        ));
    }
}
