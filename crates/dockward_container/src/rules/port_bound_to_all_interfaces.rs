use std::net::IpAddr;

use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::{container_port, finding, host_address, ports_take_effect};
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a published port that listens on every host interface: a binding
    /// without a host IP (`-p 8080:8080`), or with the IPv4 or IPv6 wildcard
    /// (`0.0.0.0`, `::`, `[::]`, any spelling of them). `-P` (compose
    /// `publish_all`) with exposed ports is reported once: it always binds
    /// every interface. Ports are not reported when they do not take effect
    /// (host network, no network, another container's network). docker-bench's
    /// 5.14 misses the IPv6 wildcard.
    ///
    /// ## Why is this bad?
    /// A port bound to all interfaces is reachable from every network the host
    /// is on, including the public one, and Docker's NAT rules bypass the host
    /// firewall's `INPUT` chain (ufw, firewalld), so "the firewall blocks it"
    /// is often wrong. Binding to one address (`127.0.0.1` behind a reverse
    /// proxy, or an internal interface) limits who can connect.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -p 5432:5432 postgres:16
    /// ```
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     ports:
    ///       - "5432:5432"
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ docker run -p 127.0.0.1:5432:5432 postgres:16
    /// ```
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     ports:
    ///       - "127.0.0.1:5432:5432"
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.14 (Level 1); the number is unchanged in v1.8.0.
    /// - [Published ports](https://docs.docker.com/engine/network/#published-ports)
    /// - [Docker and iptables](https://docs.docker.com/engine/network/packet-filtering-firewalls/)
    /// - [Compose file: ports](https://docs.docker.com/reference/compose-file/services/#ports)
    pub struct PortBoundToAllInterfaces {
        severity: Low,
        status: Stable,
        summary: "a published port listens on every host interface",
        aliases: ["CIS-5.14", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/network/#published-ports",
            "https://docs.docker.com/engine/network/packet-filtering-firewalls/",
            "https://docs.docker.com/reference/compose-file/services/#ports",
        ],
    }
}

/// Whether a `HostIp` means every interface: empty, or an unspecified address.
fn all_interfaces(host_ip: Option<&str>) -> bool {
    let Some(ip) = host_ip.map(str::trim).filter(|ip| !ip.is_empty()) else {
        return true;
    };
    let bare = ip
        .strip_prefix('[')
        .and_then(|ip| ip.strip_suffix(']'))
        .unwrap_or(ip);
    bare.parse::<IpAddr>()
        .is_ok_and(|addr| addr.is_unspecified())
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if !ports_take_effect(spec) {
        return;
    }
    let rule = PortBoundToAllInterfaces::META.rule;
    for (i, binding) in spec.ports.iter().enumerate() {
        if all_interfaces(binding.host_ip.as_deref()) {
            out.push(finding(
                rule,
                SpecField::Port(i),
                format!(
                    "container port {} is published on every host interface ({})",
                    container_port(binding),
                    host_address(binding)
                ),
            ));
        }
    }
    if spec.publish_all_ports && !spec.exposed_ports.is_empty() {
        out.push(finding(
            rule,
            SpecField::PublishAllPorts,
            format!(
                "`-P` publishes all {} exposed port(s) on every host interface",
                spec.exposed_ports.len()
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::all_interfaces;

    #[test]
    fn wildcards_in_every_spelling_mean_all_interfaces() {
        for ip in [
            None,
            Some(""),
            Some("0.0.0.0"),
            Some("::"),
            Some("[::]"),
            Some("0:0::0"),
        ] {
            assert!(all_interfaces(ip), "{ip:?}");
        }
        for ip in ["127.0.0.1", "::1", "[::1]", "10.0.0.5", "fe80::1"] {
            assert!(!all_interfaces(Some(ip)), "{ip}");
        }
    }
}
