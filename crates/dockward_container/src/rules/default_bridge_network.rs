use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, NamespaceMode, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container on Docker's default bridge network (`docker0`): no
    /// `--network`, `--network bridge`, or `NetworkMode` `default`/`bridge`.
    /// Compose attaches a service to its project's network unless
    /// `network_mode` says otherwise, so in practice a compose service is
    /// reported for `network_mode: bridge`.
    ///
    /// ## Why is this bad?
    /// Every container on the default bridge can reach every other one on
    /// any port, and, with the default `NET_RAW` capability, spoof ARP and
    /// intercept their traffic. User-defined networks separate groups of
    /// containers and add name resolution, so links and `--icc` tricks are
    /// not needed.
    ///
    /// ## Example
    /// ```console
    /// $ docker run my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     network_mode: bridge
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ docker network create app-net
    /// $ docker run --network app-net my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     networks: [app-net]
    /// networks:
    ///   app-net: {}
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.30 (Level 2); the number is unchanged in v1.8.0.
    /// - [Bridge network driver: differences between user-defined bridges and the default bridge](https://docs.docker.com/engine/network/drivers/bridge/#differences-between-user-defined-bridges-and-the-default-bridge)
    /// - [Compose file: network_mode](https://docs.docker.com/reference/compose-file/services/#network_mode)
    pub struct DefaultBridgeNetwork {
        severity: Info,
        status: Stable,
        summary: "the container is on the default bridge network",
        aliases: ["CIS-5.30", "CIS-L2"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/network/drivers/bridge/#differences-between-user-defined-bridges-and-the-default-bridge",
            "https://docs.docker.com/reference/compose-file/services/#network_mode",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    let on_bridge = match &spec.namespaces.network {
        NamespaceMode::Default => true,
        NamespaceMode::Network(name) => name == "bridge",
        _ => false,
    };
    if on_bridge {
        out.push(finding(
            DefaultBridgeNetwork::META.rule,
            SpecField::Network,
            "the container is on the default bridge network (`docker0`), shared with every other container there",
        ));
    }
}
