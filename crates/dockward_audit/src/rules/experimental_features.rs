use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a daemon with experimental features on: `/version`
    /// `Experimental`, `/info` `ExperimentalBuild`, or `--experimental` /
    /// `"experimental": true`.
    ///
    /// ## Why is this bad?
    /// Experimental features are not covered by Docker's stability and
    /// security review and may change or disappear in any release.
    ///
    /// ## Example
    /// `"experimental": true`.
    ///
    /// Use instead: remove it in production.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.18 in v1.6.0 (2.19 in v1.8.0), Level 1. docker-bench skips the
    /// check as "deprecated" for any engine newer than 19.03, although
    /// `Experimental` still exists.
    ///
    /// ## References
    /// - [dockerd reference: --experimental](https://docs.docker.com/reference/cli/dockerd/)
    /// - [CIS Docker Benchmark v1.6.0, 2.18](https://www.cisecurity.org/benchmark/docker)
    pub struct ExperimentalFeatures {
        severity: Low,
        status: Stable,
        summary: "experimental daemon features are on",
        aliases: ["CIS-2.18", "CIS-L1"],
        references: [
            "https://docs.docker.com/reference/cli/dockerd/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    if !ctx.daemon_known() || !ctx.daemon().experimental {
        return;
    }
    out.push(
        ctx.daemon_finding(
            ExperimentalFeatures::META.rule,
            "experimental features are on; turn them off in production",
        )
        .with_cis("2.18"),
    );
}
