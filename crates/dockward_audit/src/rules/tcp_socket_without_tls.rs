use dockward_diagnostics::Severity;
use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags each TCP socket the daemon listens on (`-H`/`--host`, the
    /// `hosts` array of `daemon.json`, or the TCP endpoint the audit itself
    /// used) that does not require client certificates: no TLS at all, or
    /// `tls` without `tlsverify` (encrypted, but anyone may connect). An
    /// address without a scheme (`0.0.0.0:2375`) is TCP, as dockerd reads it.
    ///
    /// ## Why is this bad?
    /// The Engine API has no other authentication. Whoever reaches the port
    /// can start a privileged container that mounts `/`: root on the host.
    /// Port 2375 is scanned for continuously on the internet. Even on
    /// 127.0.0.1 every local user and every `--network host` container can
    /// reach it.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "hosts": [
    ///     "unix:///var/run/docker.sock",
    ///     "tcp://0.0.0.0:2375"
    ///   ]
    /// }
    /// ```
    ///
    /// Use instead: `"tlsverify": true` with `tlscacert`, `tlscert` and
    /// `tlskey`, on port 2376; or SSH (`DOCKER_HOST=ssh://host`) and no TCP
    /// socket at all.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.7 in v1.6.0 (2.8 in v1.8.0), Level 1. docker-bench looks up the
    /// key `"tlsverify":` literally, so a `daemon.json` with
    /// `"tlsverify": true` still gets "without TLS"; and it greps for
    /// `host.*tcp://` on one line, so a `hosts` array written over several
    /// lines is "not listening on TCP". dockward parses the JSON.
    ///
    /// ## References
    /// - [Docker: protect the daemon socket](https://docs.docker.com/engine/security/protect-access/)
    /// - [CIS Docker Benchmark v1.6.0, 2.7](https://www.cisecurity.org/benchmark/docker)
    pub struct TcpSocketWithoutTls {
        severity: Critical,
        status: Stable,
        summary: "the daemon listens on TCP without client certificates",
        aliases: ["CIS-2.7", "CIS-L1"],
        references: [
            "https://docs.docker.com/engine/security/protect-access/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

/// The TCP address of a daemon host spec, if it is one.
pub(crate) fn tcp_address(host: &str) -> Option<&str> {
    let host = host.trim();
    if let Some(rest) = host.strip_prefix("tcp://") {
        return Some(rest);
    }
    if host.contains("://") || host.starts_with('/') || host.is_empty() {
        return None;
    }
    Some(host)
}

fn is_loopback(address: &str) -> bool {
    let host = address.rsplit_once(':').map_or(address, |(h, _)| h);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || host == "::1" || host.starts_with("127.")
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let daemon = ctx.daemon();
    let mut hosts: Vec<String> = daemon.hosts.clone();
    if let Some(endpoint) = ctx.daemon_facts().and_then(|d| d.endpoint.clone())
        && endpoint.starts_with("tcp://")
    {
        hosts.push(endpoint);
    }
    let mut seen: Vec<String> = Vec::new();
    for host in &hosts {
        let Some(address) = tcp_address(host) else {
            continue;
        };
        if daemon.tls_verify || seen.iter().any(|s| s == address) {
            continue;
        }
        seen.push(address.to_owned());
        let message = if daemon.tls {
            format!(
                "the daemon listens on tcp://{address} with TLS but without `tlsverify`, so any client can connect and control it; set `\"tlsverify\": true` with a CA"
            )
        } else {
            format!(
                "the daemon listens on tcp://{address} without TLS, so anyone who reaches the port controls the daemon (root on the host); require client certificates (`tlsverify`) or use SSH"
            )
        };
        let mut finding = ctx
            .daemon_finding(TcpSocketWithoutTls::META.rule, message)
            .with_cis("2.7");
        if is_loopback(address) {
            finding = finding.with_severity(Severity::High);
        }
        out.push(finding);
    }
}
