use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a daemon whose default logging driver keeps container logs on
    /// the host only: `json-file`, `local`, `journald`, `etwlogs`, `syslog`
    /// to the local socket, or `none` (no logs at all). Remote drivers
    /// (`fluentd`, `gelf`, `awslogs`, `splunk`, `gcplogs`, `logentries`,
    /// `syslog` with a `tcp://`/`udp://` address) and logging plugins pass.
    /// The driver comes from `/info` `LoggingDriver`, else `"log-driver"`.
    ///
    /// ## Why is this bad?
    /// Logs kept only on the host are lost with it and can be altered by
    /// whoever compromises it; an investigation needs a copy elsewhere.
    ///
    /// ## Example
    /// The default `json-file` driver.
    ///
    /// Use instead: `"log-driver": "fluentd"` (or `gelf`, `syslog` with
    /// `"syslog-address": "tcp+tls://logs:6514"`), or ship the local logs
    /// with an agent.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.13 in v1.6.0 (2.14 in v1.8.0), Level 2. docker-bench warns only
    /// on `json-file`, so `local`, `journald` and `none` pass as "remote".
    ///
    /// ## References
    /// - [Docker: configure logging drivers](https://docs.docker.com/engine/logging/configure/)
    /// - [CIS Docker Benchmark v1.6.0, 2.13](https://www.cisecurity.org/benchmark/docker)
    pub struct LocalLoggingOnly {
        severity: Low,
        status: Stable,
        summary: "container logs stay on the host",
        aliases: ["CIS-2.13", "CIS-L2"],
        references: [
            "https://docs.docker.com/engine/logging/configure/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    if !ctx.daemon_known() {
        return;
    }
    let daemon = ctx.daemon();
    let driver = daemon.logging_driver.as_str();
    let message = match driver {
        "none" => "the default logging driver is `none`, so container output is not kept at all; use a remote driver".to_owned(),
        "json-file" | "local" | "journald" | "etwlogs" => format!(
            "the default logging driver `{driver}` keeps container logs on this host only; send them to a remote collector"
        ),
        "syslog" => {
            let address = daemon
                .log_opts
                .get("syslog-address")
                .map_or("", String::as_str);
            if ["tcp://", "udp://", "tcp+tls://"]
                .iter()
                .any(|p| address.starts_with(p))
            {
                return;
            }
            "the default logging driver `syslog` writes to the local syslog socket only; set `syslog-address` to a remote collector".to_owned()
        }
        _ => return,
    };
    out.push(
        ctx.daemon_finding(LocalLoggingOnly::META.rule, message)
            .with_cis("2.13"),
    );
}
