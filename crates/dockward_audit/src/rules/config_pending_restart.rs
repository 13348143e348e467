use dockward_rules::declare_rule;

use crate::daemon_config::DaemonProblem;
use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags an option of the configuration file that the running daemon
    /// does not have: the file says one thing, `/info` (or `GET /networks`
    /// for `icc`) reports another, and the option is one that a reload
    /// (`SIGHUP`) does not apply. Compared: `icc`, `userns-remap`,
    /// `no-new-privileges` (Engine 24 and later), `selinux-enabled`,
    /// `log-driver`, `storage-driver`, `data-root` and `experimental`.
    ///
    /// ## Why is this bad?
    /// Whoever changed the file believes the setting is in force. Until the
    /// daemon restarts it is not, and the other checks of the file pass on
    /// a setting that protects nothing yet.
    ///
    /// ## Example
    /// `"icc": false` added to `daemon.json` followed by
    /// `systemctl reload docker`: the bridge still has `enable_icc` true.
    ///
    /// Use instead: restart the daemon (`systemctl restart docker`; with
    /// `live-restore`, containers keep running).
    ///
    /// ## References
    /// - [dockerd reference: configuration reload behavior](https://docs.docker.com/reference/cli/dockerd/#configuration-reload-behavior)
    pub struct ConfigPendingRestart {
        severity: Medium,
        status: Stable,
        summary: "a configured option is not in force until the daemon restarts",
        aliases: [],
        references: ["https://docs.docker.com/reference/cli/dockerd/#configuration-reload-behavior"],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    for problem in ctx.daemon_problems() {
        if let DaemonProblem::PendingRestart {
            key,
            configured,
            running,
        } = problem
        {
            out.push(ctx.daemon_finding(
                ConfigPendingRestart::META.rule,
                format!("the configuration file sets `{key}` to {configured}, but the running daemon has {running}; a reload does not apply it, restart the daemon"),
            ));
        }
    }
}
