use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a daemon in swarm mode: `/info` `Swarm.LocalNodeState` is
    /// `active`, `pending` or `locked`.
    ///
    /// ## Why is this bad?
    /// Swarm mode opens the cluster management port (2377) and the gossip
    /// and overlay ports (7946, 4789), and makes the node accept work from
    /// the managers. On a host that does not need it, that is network
    /// surface and remote control for nothing.
    ///
    /// ## Example
    /// A stand-alone host where `docker swarm init` was once run.
    ///
    /// Use instead: `docker swarm leave` (`--force` on a manager) when the
    /// host is not meant to be in a swarm.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 5.1 (Level 1). Same decision.
    ///
    /// ## References
    /// - [Docker: swarm mode](https://docs.docker.com/engine/swarm/)
    /// - [CIS Docker Benchmark v1.6.0, 5.1](https://www.cisecurity.org/benchmark/docker)
    pub struct SwarmModeEnabled {
        severity: Low,
        status: Stable,
        summary: "the daemon is in swarm mode",
        aliases: ["CIS-5.1", "CIS-L1"],
        references: [
            "https://docs.docker.com/engine/swarm/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let Some(state) = ctx.daemon().swarm_state.as_deref() else {
        return;
    };
    if !matches!(state, "active" | "pending" | "locked") {
        return;
    }
    out.push(
        ctx.daemon_finding(
            SwarmModeEnabled::META.rule,
            format!("the daemon is in swarm mode (node state `{state}`), which opens the swarm ports; leave the swarm if the host does not need it"),
        )
        .with_cis("5.1"),
    );
}
