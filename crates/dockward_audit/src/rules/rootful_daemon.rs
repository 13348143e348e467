use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Reports, for information, a daemon that runs as root: `/info` lacks
    /// `name=rootless` and the dockerd process (when seen) runs as uid 0.
    ///
    /// ## Why is this bad?
    /// A root daemon makes every escape from a container, and every client
    /// of its socket, root on the host. Rootless mode runs the daemon and
    /// its containers as an unprivileged user, at the cost of some features
    /// (AppArmor, some network drivers, privileged ports without extra setup).
    ///
    /// ## Example
    /// A default installation.
    ///
    /// Use instead: rootless mode (`dockerd-rootless-setuptool.sh install`)
    /// where its limitations are acceptable.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.1 (Level 1, manual). docker-bench always prints a note, even
    /// for a rootless daemon.
    ///
    /// ## References
    /// - [Docker: rootless mode](https://docs.docker.com/engine/security/rootless/)
    /// - [CIS Docker Benchmark v1.6.0, 2.1](https://www.cisecurity.org/benchmark/docker)
    pub struct RootfulDaemon {
        severity: Info,
        status: Stable,
        summary: "the daemon runs as root",
        aliases: ["CIS-2.1", "CIS-L1"],
        references: [
            "https://docs.docker.com/engine/security/rootless/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let daemon = ctx.daemon();
    if daemon.rootless {
        return;
    }
    let uid = ctx
        .daemon_facts()
        .and_then(|d| d.process.as_ref())
        .and_then(|p| p.uid);
    if uid.is_some_and(|u| u != 0) {
        return;
    }
    if !daemon.has_info && uid.is_none() {
        return;
    }
    out.push(
        ctx.daemon_finding(
            RootfulDaemon::META.rule,
            "the daemon runs as root, so a container escape or a client of its socket is root on the host; consider rootless mode",
        )
        .with_cis("2.1"),
    );
}
