use dockward_rules::declare_rule;

use super::where_set;
use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a daemon whose default bridge lets containers talk to each other
    /// freely. The running state comes first: the `bridge` network's
    /// `com.docker.network.bridge.enable_icc` option from `GET /networks`;
    /// without it, `--icc` / `"icc"` (default `true`).
    ///
    /// ## Why is this bad?
    /// Every container on the default bridge can reach every port of every
    /// other one, so one compromised container can attack all the others,
    /// including services that were never published.
    ///
    /// ## Example
    /// `daemon.json` without `"icc": false`.
    ///
    /// Use instead: `"icc": false`, and user-defined networks for containers
    /// that must talk to each other.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.2 (Level 1). docker-bench reads only the flag and the file; the
    /// bridge network's option is what the daemon actually applied (`icc`
    /// only changes at a restart), and a `--config-file /path` written with a
    /// space is ignored, so the file's `"icc": false` is missed.
    ///
    /// ## References
    /// - [Docker: bridge network driver options](https://docs.docker.com/engine/network/drivers/bridge/#options)
    /// - [CIS Docker Benchmark v1.6.0, 2.2](https://www.cisecurity.org/benchmark/docker)
    pub struct InterContainerTrafficAllowed {
        severity: Low,
        status: Stable,
        summary: "containers on the default bridge can reach each other",
        aliases: ["CIS-2.2", "CIS-L1"],
        references: [
            "https://docs.docker.com/engine/network/drivers/bridge/#options",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let daemon = ctx.daemon();
    if !ctx.daemon_known() || !daemon.icc {
        return;
    }
    let source = if daemon.icc_from_network {
        "the default bridge network has `enable_icc` true".to_owned()
    } else {
        format!(
            "inter-container communication is on ({})",
            where_set(ctx, "icc", "icc")
        )
    };
    out.push(
        ctx.daemon_finding(
            InterContainerTrafficAllowed::META.rule,
            format!("{source}, so containers on the default bridge reach each other's ports; set `\"icc\": false` and use user-defined networks"),
        )
        .with_cis("2.2"),
    );
}
