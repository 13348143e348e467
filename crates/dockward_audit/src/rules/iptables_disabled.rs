use dockward_rules::declare_rule;

use super::where_set;
use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a daemon that may not manage iptables: `--iptables=false` or
    /// `"iptables": false`.
    ///
    /// ## Why is this bad?
    /// Docker's iptables rules isolate bridge networks from each other and
    /// implement `icc=false` and published ports. Without them, isolation
    /// depends on hand-written rules that drift as containers come and go,
    /// and `icc: false` silently does nothing.
    ///
    /// ## Example
    /// `"iptables": false` in `daemon.json`.
    ///
    /// Use instead: leave `iptables` on (the default) and add host rules in
    /// the `DOCKER-USER` chain.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.4 (Level 1). Same decision; docker-bench misses the setting when
    /// run with `sh` (dash) or when `--config-file` is given with a space.
    ///
    /// ## References
    /// - [Docker: packet filtering and firewalls](https://docs.docker.com/engine/network/packet-filtering-firewalls/)
    /// - [CIS Docker Benchmark v1.6.0, 2.4](https://www.cisecurity.org/benchmark/docker)
    pub struct IptablesDisabled {
        severity: Medium,
        status: Stable,
        summary: "the daemon may not manage iptables",
        aliases: ["CIS-2.4", "CIS-L1"],
        references: [
            "https://docs.docker.com/engine/network/packet-filtering-firewalls/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    if !ctx.daemon_known() || ctx.daemon().iptables {
        return;
    }
    out.push(
        ctx.daemon_finding(
            IptablesDisabled::META.rule,
            format!(
                "the daemon does not manage iptables ({}), so network isolation and `icc` depend on hand-written rules; remove `iptables: false`",
                where_set(ctx, "iptables", "iptables")
            ),
        )
        .with_cis("2.4"),
    );
}
