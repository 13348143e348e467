use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a daemon that runs the userland proxy (`docker-proxy`) for
    /// published ports: `--userland-proxy=false` / `"userland-proxy": false`
    /// is not set.
    ///
    /// ## Why is this bad?
    /// Each published port gets a root-owned proxy process, more attack
    /// surface than the kernel's NAT rules that do the same job; connections
    /// through it also hide the client's address from the container.
    ///
    /// ## Example
    /// A default installation.
    ///
    /// Use instead: `"userland-proxy": false` (hairpin NAT then needs the
    /// kernel's `route_localnet` for 127.0.0.1, which Docker sets per bridge).
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.16 in v1.6.0 (2.17 in v1.8.0), Level 1. Same decision.
    ///
    /// ## References
    /// - [Docker: packet filtering and firewalls](https://docs.docker.com/engine/network/packet-filtering-firewalls/)
    /// - [CIS Docker Benchmark v1.6.0, 2.16](https://www.cisecurity.org/benchmark/docker)
    pub struct UserlandProxyOn {
        severity: Low,
        status: Stable,
        summary: "the userland proxy is on",
        aliases: ["CIS-2.16", "CIS-L1"],
        references: [
            "https://docs.docker.com/engine/network/packet-filtering-firewalls/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    if !ctx.daemon_known() || !ctx.daemon().userland_proxy {
        return;
    }
    out.push(
        ctx.daemon_finding(
            UserlandProxyOn::META.rule,
            "the userland proxy is on, so each published port runs a root `docker-proxy` process; set `\"userland-proxy\": false`",
        )
        .with_cis("2.16"),
    );
}
