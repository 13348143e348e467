use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Reports, for information, a daemon with no `default-ulimits`
    /// (`--default-ulimit` or `"default-ulimits"`).
    ///
    /// ## Why is this bad?
    /// Without defaults, containers inherit the daemon's limits (on systemd
    /// hosts often `LimitNOFILE=infinity`), so one container can exhaust
    /// file descriptors or processes for the host. Whether a default is
    /// needed depends on the workloads, hence info.
    ///
    /// ## Example
    /// `daemon.json` without `default-ulimits`.
    ///
    /// Use instead:
    /// ```json
    /// { "default-ulimits": { "nofile": { "Name": "nofile", "Soft": 1024, "Hard": 4096 } } }
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.8 in v1.6.0 (2.9 in v1.8.0), Level 1; docker-bench reports it
    /// as INFO too.
    ///
    /// ## References
    /// - [dockerd reference: default ulimit settings](https://docs.docker.com/reference/cli/dockerd/#default-ulimit-settings)
    /// - [CIS Docker Benchmark v1.6.0, 2.8](https://www.cisecurity.org/benchmark/docker)
    pub struct DefaultUlimitUnset {
        severity: Info,
        status: Stable,
        summary: "no default ulimits are set",
        aliases: ["CIS-2.8", "CIS-L1"],
        references: [
            "https://docs.docker.com/reference/cli/dockerd/#default-ulimit-settings",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    if !ctx.daemon_known() || ctx.daemon().default_ulimits {
        return;
    }
    out.push(
        ctx.daemon_finding(
            DefaultUlimitUnset::META.rule,
            "no `default-ulimits` are set, so containers inherit the daemon's limits; consider defaults for `nofile` and `nproc`",
        )
        .with_cis("2.8"),
    );
}
