use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a daemon that does not set `no-new-privileges` for every
    /// container: `/info` `SecurityOptions` lacks `name=no-new-privileges`
    /// (Engine 24 and later report it), and `--no-new-privileges` /
    /// `"no-new-privileges": true` is not configured.
    ///
    /// ## Why is this bad?
    /// Without it, a process in a container can gain privileges through
    /// setuid and setgid binaries or file capabilities (`su`, `ping`,
    /// `newuidmap`), which turns a foothold as an unprivileged user into
    /// root in the container.
    ///
    /// ## Example
    /// A default installation.
    ///
    /// Use instead: `"no-new-privileges": true` in `daemon.json` (containers
    /// that need setuid can opt out with
    /// `--security-opt no-new-privileges=false`).
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.14 in v1.6.0 (2.15 in v1.8.0), Level 1. docker-bench reads only
    /// the flag and the file, not `/info`.
    ///
    /// ## References
    /// - [dockerd reference](https://docs.docker.com/reference/cli/dockerd/)
    /// - [Linux: no_new_privs](https://docs.kernel.org/userspace-api/no_new_privs.html)
    /// - [CIS Docker Benchmark v1.6.0, 2.14](https://www.cisecurity.org/benchmark/docker)
    pub struct NoNewPrivilegesDefaultOff {
        severity: Medium,
        status: Stable,
        summary: "containers may gain privileges by default",
        aliases: ["CIS-2.14", "CIS-L1"],
        references: [
            "https://docs.docker.com/reference/cli/dockerd/",
            "https://docs.kernel.org/userspace-api/no_new_privs.html",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    if !ctx.daemon_known() || ctx.daemon().no_new_privileges {
        return;
    }
    out.push(
        ctx.daemon_finding(
            NoNewPrivilegesDefaultOff::META.rule,
            "containers may gain privileges through setuid binaries by default; set `\"no-new-privileges\": true`",
        )
        .with_cis("2.14"),
    );
}
