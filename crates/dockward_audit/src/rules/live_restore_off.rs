use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a daemon without live restore (`/info` `LiveRestoreEnabled`
    /// false, else no `--live-restore` / `"live-restore": true`). Not
    /// reported in swarm mode, which does not support it.
    ///
    /// ## Why is this bad?
    /// Without it, stopping or upgrading the daemon stops every container:
    /// security updates of the engine get postponed because they cost
    /// downtime.
    ///
    /// ## Example
    /// A default installation.
    ///
    /// Use instead: `"live-restore": true` (it can be applied with a reload).
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.15 in v1.6.0 (2.16 in v1.8.0), Level 1. Same decision.
    ///
    /// ## References
    /// - [Docker: live restore](https://docs.docker.com/engine/daemon/live-restore/)
    /// - [CIS Docker Benchmark v1.6.0, 2.15](https://www.cisecurity.org/benchmark/docker)
    pub struct LiveRestoreOff {
        severity: Low,
        status: Stable,
        summary: "live restore is off",
        aliases: ["CIS-2.15", "CIS-L1"],
        references: [
            "https://docs.docker.com/engine/daemon/live-restore/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let daemon = ctx.daemon();
    if !ctx.daemon_known() || daemon.live_restore {
        return;
    }
    if matches!(daemon.swarm_state.as_deref(), Some("active" | "locked")) {
        return;
    }
    out.push(
        ctx.daemon_finding(
            LiveRestoreOff::META.rule,
            "live restore is off, so restarting or upgrading the daemon stops every container; set `\"live-restore\": true`",
        )
        .with_cis("2.15"),
    );
}
