use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a rootful daemon that does not remap container users: `/info`
    /// lacks `name=userns` (or, without `/info`, no `--userns-remap` /
    /// `"userns-remap"`). A rootless daemon is not flagged: its containers
    /// already run in a user namespace.
    ///
    /// ## Why is this bad?
    /// Without remapping, root in a container is uid 0 on the host: a
    /// process that escapes (or writes through a mounted host path) does it
    /// as root. With `userns-remap`, container root is an unprivileged
    /// subordinate uid on the host.
    ///
    /// ## Example
    /// A default installation.
    ///
    /// Use instead: `"userns-remap": "default"` (and check that volumes and
    /// `--privileged` workloads still work), or rootless mode.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.9 in v1.6.0 (2.10 in v1.8.0), Level 2. docker-bench warns on
    /// rootless daemons too.
    ///
    /// ## References
    /// - [Docker: isolate containers with a user namespace](https://docs.docker.com/engine/security/userns-remap/)
    /// - [CIS Docker Benchmark v1.6.0, 2.9](https://www.cisecurity.org/benchmark/docker)
    pub struct UserNamespaceRemapOff {
        severity: Medium,
        status: Stable,
        summary: "container root is host root (no userns-remap)",
        aliases: ["CIS-2.9", "CIS-L2"],
        references: [
            "https://docs.docker.com/engine/security/userns-remap/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let daemon = ctx.daemon();
    if !ctx.daemon_known() || daemon.userns_remap || daemon.rootless {
        return;
    }
    out.push(
        ctx.daemon_finding(
            UserNamespaceRemapOff::META.rule,
            "the daemon does not remap users, so root in a container is root on the host; set `\"userns-remap\": \"default\"` or run rootless",
        )
        .with_cis("2.9"),
    );
}
