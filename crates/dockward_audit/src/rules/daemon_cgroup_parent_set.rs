use dockward_rules::declare_rule;

use super::where_set;
use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Reports a daemon-wide `cgroup-parent` (`--cgroup-parent` or
    /// `"cgroup-parent"`), so that someone confirms it is intended.
    ///
    /// ## Why is this bad?
    /// All containers are placed under that cgroup, so its limits and
    /// accounting apply to them together, and with the `systemd` cgroup
    /// driver the value must be a slice name. A wrong parent silently lifts
    /// or tightens every container's resource limits.
    ///
    /// ## Example
    /// `"cgroup-parent": "/foobar"`.
    ///
    /// Use instead: leave it unset unless a host-level cgroup policy needs it.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.10 in v1.6.0 (2.11 in v1.8.0), Level 2. docker-bench's
    /// `daemon.json` branch pipes the value through `grep -v ''`, which
    /// never prints, so a `cgroup-parent` set in `daemon.json` passes.
    ///
    /// ## References
    /// - [dockerd reference: default cgroup parent](https://docs.docker.com/reference/cli/dockerd/#default-cgroup-parent)
    /// - [CIS Docker Benchmark v1.6.0, 2.10](https://www.cisecurity.org/benchmark/docker)
    pub struct DaemonCgroupParentSet {
        severity: Low,
        status: Stable,
        summary: "a daemon-wide cgroup parent is set",
        aliases: ["CIS-2.10", "CIS-L2"],
        references: [
            "https://docs.docker.com/reference/cli/dockerd/#default-cgroup-parent",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let Some(parent) = ctx.daemon().cgroup_parent.as_deref() else {
        return;
    };
    out.push(
        ctx.daemon_finding(
            DaemonCgroupParentSet::META.rule,
            format!(
                "every container is placed under cgroup `{parent}` ({}); confirm that its limits are intended",
                where_set(ctx, "cgroup-parent", "cgroup-parent")
            ),
        )
        .with_cis("2.10"),
    );
}
