use dockward_rules::declare_rule;

use crate::{AuditFinding, Context, ObjectKind};

declare_rule! {
    /// ## What it does
    /// Reports what the probe could not read from the daemon (facts
    /// problems of the `daemon` area): an unreachable socket, a refused
    /// request, a missing permission. One finding per problem.
    ///
    /// ## Why is this bad?
    /// The daemon checks then judge only the command line and the
    /// configuration file, or nothing at all: the audit is incomplete, and
    /// a clean result does not mean a clean daemon.
    ///
    /// ## Example
    /// The audit runs as a user outside the `docker` group.
    ///
    /// Use instead: run the audit with access to the daemon's socket (root,
    /// or `--host` to the right endpoint).
    ///
    /// ## References
    /// - [Docker: daemon socket option](https://docs.docker.com/reference/cli/dockerd/#daemon-socket-option)
    pub struct DaemonUnreachable {
        severity: Low,
        status: Stable,
        summary: "the daemon could not be queried",
        aliases: [],
        references: ["https://docs.docker.com/reference/cli/dockerd/#daemon-socket-option"],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    for problem in &ctx.facts().problems {
        if problem.area != "daemon" {
            continue;
        }
        out.push(AuditFinding::new(
            DaemonUnreachable::META.rule,
            ObjectKind::Daemon,
            problem.subject.clone(),
            format!(
                "the daemon could not be queried ({}), so its checks are incomplete",
                problem.message
            ),
        ));
    }
}
