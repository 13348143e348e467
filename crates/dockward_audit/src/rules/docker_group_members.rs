use dockward_diagnostics::Severity;
use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Reports the members of the `docker` group. With a list of trusted
    /// users (`trusted-docker-users` in the audit settings), each member not
    /// in the list, compared exactly, is a finding; without one, a single
    /// info finding lists the members for review.
    ///
    /// ## Why is this bad?
    /// Members of the `docker` group can use the daemon's socket, and
    /// `docker run -v /:/host --privileged` makes any of them root on the
    /// host. The group is root-equivalent and should hold only the people
    /// who administer the host.
    ///
    /// ## Example
    /// `docker:x:999:alice,ci-runner,bob` where only `alice` administers the host.
    ///
    /// Use instead: `gpasswd -d bob docker`; give others access through an
    /// authorization plugin, rootless Docker, or sudo rules.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 1.1.2 (Level 1). docker-bench matches trusted users with a
    /// substring `grep` (a trusted `alice2` admits `alice`) and reports only
    /// the last doubtful user; dockward compares names exactly and reports
    /// each.
    ///
    /// ## References
    /// - [CIS Docker Benchmark v1.6.0, 1.1.2](https://www.cisecurity.org/benchmark/docker)
    /// - [Docker: daemon attack surface](https://docs.docker.com/engine/security/#docker-daemon-attack-surface)
    pub struct DockerGroupMembers {
        severity: Medium,
        status: Stable,
        summary: "a user outside the trusted list can control the daemon",
        aliases: ["CIS-1.1.2", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/security/#docker-daemon-attack-surface",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let Some(group) = ctx.host().and_then(|h| h.docker_group.as_ref()) else {
        return;
    };
    let mut members: Vec<&str> = group
        .members
        .iter()
        .map(|m| m.trim())
        .filter(|m| !m.is_empty())
        .collect();
    members.sort_unstable();
    members.dedup();
    if members.is_empty() {
        return;
    }
    match &ctx.settings().trusted_docker_users {
        None => out.push(
            ctx.host_finding(
                DockerGroupMembers::META.rule,
                format!(
                    "the docker group (gid {}) gives root-equivalent control of the daemon to: {}; review them, or list the trusted ones in the audit settings",
                    group.gid,
                    members.join(", ")
                ),
            )
            .with_cis("1.1.2")
            .with_severity(Severity::Info),
        ),
        Some(trusted) => {
            for member in members {
                if trusted.iter().any(|t| t == member) {
                    continue;
                }
                out.push(
                    ctx.host_finding(
                        DockerGroupMembers::META.rule,
                        format!("`{member}` is in the docker group (gid {}), which is root-equivalent, but is not a trusted docker user", group.gid),
                    )
                    .with_cis("1.1.2"),
                );
            }
        }
    }
}
