use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::{container_port, finding, first_host_port, host_address, ports_take_effect};
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a port published on a privileged host port, below 1024 (`-p
    /// 80:8080`, compose `ports: ["80:8080"]`). For a range (`-p 80-90:80-90`)
    /// the first host port counts; an ephemeral host port (`-p 8080`, empty or
    /// `0`) never does. IPv6 bindings (`[::]:80`) count like IPv4 ones; docker-
    /// bench's 5.8 misparses them. Ports are not reported when they do not take
    /// effect: with the host's network, no network, or another container's
    /// network.
    ///
    /// ## Why is this bad?
    /// Ports below 1024 are reserved for system services by convention: only
    /// root may bind them on the host. Publishing a container there lets it
    /// take the place of a system service (SSH on 22, DNS on 53, HTTP on 80)
    /// and is often a sign that the mapping was not thought through. The CIS
    /// benchmark recommends high host ports, with a reverse proxy in front
    /// where a well-known port is needed.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -p 80:8080 my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     ports:
    ///       - "80:8080"
    /// ```
    ///
    /// Use instead:
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
    /// - CIS Docker Benchmark v1.6.0, 5.8 (Level 1); the number is unchanged in v1.8.0.
    /// - [Published ports](https://docs.docker.com/engine/network/#published-ports)
    /// - [Compose file: ports](https://docs.docker.com/reference/compose-file/services/#ports)
    /// - [Kernel docs: ip_unprivileged_port_start](https://docs.kernel.org/networking/ip-sysctl.html)
    pub struct PrivilegedPortPublished {
        severity: Low,
        status: Stable,
        summary: "a port is published on a privileged host port (below 1024)",
        aliases: ["CIS-5.8", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/network/#published-ports",
            "https://docs.docker.com/reference/compose-file/services/#ports",
            "https://docs.kernel.org/networking/ip-sysctl.html",
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
    for (i, binding) in spec.ports.iter().enumerate() {
        let Some(port) = first_host_port(binding) else {
            continue;
        };
        if port < 1024 {
            out.push(finding(
                PrivilegedPortPublished::META.rule,
                SpecField::Port(i),
                format!(
                    "container port {} is published on privileged host port {port} ({})",
                    container_port(binding),
                    host_address(binding)
                ),
            ));
        }
    }
}
