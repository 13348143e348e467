use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a `--sysctl` (compose `sysctls`, `HostConfig.Sysctls`) that turns
    /// off a network protection in the container's network namespace. The
    /// table (`<if>` is any interface, `all` or `default`; `/` separators are
    /// read as `.`):
    ///
    /// | Sysctl | Value | Effect |
    /// |---|---|---|
    /// | `net.ipv4.conf.<if>.route_localnet` | `1` | packets to `127.0.0.0/8` from other hosts are routed to loopback services (CVE-2020-8558) |
    /// | `net.ipv4.conf.<if>.accept_source_route` | `1` | source-routed packets are accepted |
    /// | `net.ipv6.conf.<if>.accept_source_route` | `1` | source-routed packets (any type) are accepted |
    /// | `net.ipv4.ip_forward`, `net.ipv4.conf.<if>.forwarding`, `net.ipv6.conf.<if>.forwarding` | `1` | the container routes packets between the networks it is attached to |
    /// | `net.ipv4.tcp_syncookies` | `0` | SYN-flood protection is off |
    ///
    /// Other sysctls are not judged. The daemon only accepts namespaced
    /// sysctls (`net.*` unless the network is the host's, `kernel.msg*`,
    /// `kernel.sem`, `kernel.shm*`, `fs.mqueue.*`), so none of them change the
    /// host itself. `net.ipv4.ip_unprivileged_port_start=0` and a wide
    /// `net.ipv4.ping_group_range` are not reported: Docker sets both by
    /// default since Engine 20.10. Preview: the table is small and may grow.
    ///
    /// ## Why is this bad?
    /// These settings make the container's network namespace accept or
    /// forward traffic it would otherwise drop: services bound to the
    /// container's loopback become reachable from its neighbours, and a
    /// container attached to two networks can bridge them, defeating the
    /// separation the networks were made for.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --sysctl net.ipv4.conf.all.route_localnet=1 my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     sysctls:
    ///       net.ipv4.ip_forward: 1
    /// ```
    ///
    /// Use instead: leave the defaults; publish services on the container's
    /// interface, and route with a dedicated, reviewed router container:
    /// ```console
    /// $ docker run -p 127.0.0.1:8080:8080 my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     ports: ["127.0.0.1:8080:8080"]
    /// ```
    ///
    /// ## References
    /// - [docker run: --sysctl](https://docs.docker.com/reference/cli/docker/container/run/#sysctl)
    /// - [Kernel docs: IP sysctl](https://docs.kernel.org/networking/ip-sysctl.html)
    /// - [CVE-2020-8558](https://nvd.nist.gov/vuln/detail/CVE-2020-8558)
    pub struct WeakeningSysctl {
        severity: Medium,
        status: Preview,
        summary: "a sysctl turns off a network protection in the container",
        aliases: [],
        references: [
            "https://docs.docker.com/reference/cli/docker/container/run/#sysctl",
            "https://docs.kernel.org/networking/ip-sysctl.html",
            "https://nvd.nist.gov/vuln/detail/CVE-2020-8558",
        ],
    }
}

/// Why `name` (with `.` separators) set to `value` weakens the namespace, if it does.
fn weakens(name: &str, value: &str) -> Option<&'static str> {
    let per_interface = |family: &str, key: &str| {
        name.strip_prefix(family)
            .and_then(|rest| rest.strip_prefix(".conf."))
            .and_then(|rest| rest.strip_suffix(key))
            .is_some_and(|iface| iface.ends_with('.') && iface.len() > 1)
    };
    let on = value == "1";
    if on && per_interface("net.ipv4", "route_localnet") {
        return Some(
            "packets from other hosts can reach services on the container's loopback (CVE-2020-8558)",
        );
    }
    if on
        && (per_interface("net.ipv4", "accept_source_route")
            || per_interface("net.ipv6", "accept_source_route"))
    {
        return Some("source-routed packets are accepted");
    }
    if on
        && (name == "net.ipv4.ip_forward"
            || per_interface("net.ipv4", "forwarding")
            || per_interface("net.ipv6", "forwarding"))
    {
        return Some("the container routes packets between the networks it is attached to");
    }
    if value == "0" && name == "net.ipv4.tcp_syncookies" {
        return Some("SYN-flood protection is off");
    }
    None
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    for (name, value) in &spec.sysctls {
        let normalized = name.trim().replace('/', ".");
        if let Some(why) = weakens(&normalized, value.trim()) {
            out.push(finding(
                WeakeningSysctl::META.rule,
                SpecField::Sysctl(name.clone()),
                format!("sysctl `{name}={}`: {why}", value.trim()),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::weakens;

    #[test]
    fn the_table_matches_interfaces_and_values() {
        assert!(weakens("net.ipv4.conf.all.route_localnet", "1").is_some());
        assert!(weakens("net.ipv4.conf.eth0.100.route_localnet", "1").is_some());
        assert!(weakens("net.ipv4.conf.all.route_localnet", "0").is_none());
        assert!(weakens("net.ipv4.conf..route_localnet", "1").is_none());
        assert!(weakens("net.ipv6.conf.default.forwarding", "1").is_some());
        assert!(weakens("net.ipv4.tcp_syncookies", "0").is_some());
        assert!(weakens("net.ipv4.tcp_syncookies", "1").is_none());
        assert!(weakens("net.ipv4.ip_unprivileged_port_start", "0").is_none());
    }
}
