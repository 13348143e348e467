use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::{container_port, finding, host_address, ports_take_effect, protocol_name};
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Lists every published port, one finding each, so an inventory can be
    /// reviewed: each `-p` binding, and with `-P` (compose `publish_all`, API
    /// `PublishAllPorts`) each exposed port. Ports are not listed when they do
    /// not take effect (host network, no network, another container's network).
    ///
    /// Off by default: publishing ports is how services are reached. Turn it
    /// on for an inventory.
    ///
    /// ## Why is this bad?
    /// Each published port is reachable from outside the host (unless bound to
    /// a loopback address) and bypasses the host firewall's `INPUT` chain,
    /// because Docker inserts its own NAT rules. CIS 5.9 asks that only the
    /// ports the service needs are open.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -P my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     ports:
    ///       - "8080:8080"
    ///       - "9090:9090"
    /// ```
    ///
    /// Use instead: publish only the ports clients use:
    /// ```console
    /// $ docker run -p 127.0.0.1:8080:8080 my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     ports:
    ///       - "127.0.0.1:8080:8080"
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.9 (Level 1); the number is unchanged in v1.8.0.
    /// - [Published ports](https://docs.docker.com/engine/network/#published-ports)
    /// - [Docker and iptables](https://docs.docker.com/engine/network/packet-filtering-firewalls/)
    pub struct PortPublished {
        severity: Info,
        status: Stable,
        default_enabled: false,
        summary: "a port is published on the host",
        aliases: ["CIS-5.9", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/network/#published-ports",
            "https://docs.docker.com/engine/network/packet-filtering-firewalls/",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if !ports_take_effect(spec) {
        return;
    }
    let rule = PortPublished::META.rule;
    for (i, binding) in spec.ports.iter().enumerate() {
        out.push(finding(
            rule,
            SpecField::Port(i),
            format!(
                "container port {} is published on {}",
                container_port(binding),
                host_address(binding)
            ),
        ));
    }
    if spec.publish_all_ports {
        for exposed in &spec.exposed_ports {
            out.push(finding(
                rule,
                SpecField::PublishAllPorts,
                format!(
                    "container port {}/{} is published on an ephemeral port of every interface (`-P`)",
                    exposed.port,
                    protocol_name(exposed.protocol)
                ),
            ));
        }
    }
}
