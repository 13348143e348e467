use dockward_rules::declare_rule;

use super::where_set;
use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a daemon logging at `debug` level: `--log-level=debug`,
    /// `-l debug`, `"log-level": "debug"`, or debug mode (`-D`, `"debug":
    /// true`, `/info` `Debug`).
    ///
    /// ## Why is this bad?
    /// Debug logs record request details, including environment variables
    /// and other secrets passed to containers, and grow fast. CIS asks for
    /// `info`, which keeps the events an audit needs.
    ///
    /// ## Example
    /// `dockerd --log-level=debug`.
    ///
    /// Use instead: `"log-level": "info"` (the default).
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.3 (Level 1). docker-bench's command-line branch is unreachable
    /// (its config lookup practically always succeeds), so `dockerd
    /// --log-level=debug` without a `log-level` key passes. dockward parses
    /// the command line. Levels quieter than `info` are not flagged here.
    ///
    /// ## References
    /// - [dockerd reference: --log-level](https://docs.docker.com/reference/cli/dockerd/)
    /// - [CIS Docker Benchmark v1.6.0, 2.3](https://www.cisecurity.org/benchmark/docker)
    pub struct DebugLogLevel {
        severity: Low,
        status: Stable,
        summary: "the daemon logs at debug level",
        aliases: ["CIS-2.3", "CIS-L1"],
        references: [
            "https://docs.docker.com/reference/cli/dockerd/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let daemon = ctx.daemon();
    if !ctx.daemon_known() || daemon.log_level != "debug" {
        return;
    }
    let how = if daemon.config.get("log-level").is_some() {
        where_set(ctx, "log-level", "log-level")
    } else if daemon.config.get("debug").is_some() {
        where_set(ctx, "debug", "debug")
    } else {
        "the running daemon reports debug mode".to_owned()
    };
    out.push(
        ctx.daemon_finding(
            DebugLogLevel::META.rule,
            format!("the daemon logs at debug level ({how}), which records request details and secrets; use `\"log-level\": \"info\"`"),
        )
        .with_cis("2.3"),
    );
}
