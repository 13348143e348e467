use dockward_diagnostics::Severity;
use dockward_rules::declare_rule;
use serde_json::Value;

use super::image_runs_as_root::image_name;
use crate::{AuditFinding, Context, ObjectKind};

declare_rule! {
    /// ## What it does
    /// Flags an image whose `Config.ExposedPorts` (its `EXPOSE`s) include a
    /// port of a remote administration service, one finding per port:
    ///
    /// | port | service (IANA name) | severity |
    /// |---|---|---|
    /// | 22/tcp | SSH (`ssh`) | medium |
    /// | 23/tcp | Telnet, cleartext (`telnet`) | high |
    /// | 2375/tcp | Docker Engine API without TLS (`docker`) | high |
    /// | 2376/tcp | Docker Engine API over TLS (`docker-s`) | medium |
    /// | 3389/tcp, 3389/udp | Remote Desktop (`ms-wbt-server`) | medium |
    /// | 5900/tcp | VNC (`rfb`) | medium |
    /// | 5985/tcp | WinRM over HTTP (`wsman`) | medium |
    /// | 5986/tcp | WinRM over HTTPS (`wsmans`) | medium |
    /// | 9229/tcp | Node.js inspector (`--inspect`) | high |
    ///
    /// Database and other service ports (5432, 3306, 6379, 27017...) are not
    /// flagged: a database image exists to serve them, and whether they are
    /// reachable is decided when the container publishes them (the container
    /// rules `port-published` and `privileged-port-published`).
    ///
    /// ## Why is this bad?
    /// These ports are ways into the container, or to the host, that bypass
    /// the runtime's own access control (`docker exec`): a shell server with
    /// its own passwords and keys, a remote desktop, a debugger that runs any
    /// code sent to it, or an engine API that gives root on the host. An
    /// image that exposes them probably runs such a server. Telnet and the
    /// plain-TCP engine API also carry credentials and commands in cleartext.
    ///
    /// ## Example
    /// An image built from a Dockerfile that installs `openssh-server` and
    /// declares `EXPOSE 22 8080`.
    ///
    /// Use instead: `EXPOSE 8080` only; reach containers with `docker exec`
    /// or `kubectl exec`, copy files with volumes or `docker cp`, debug with
    /// a port bound to `127.0.0.1` on a development build.
    ///
    /// ## Compared with Trivy and docker-bench-security
    /// Trivy's DS004 flags `EXPOSE 22` in the Dockerfile only (as does
    /// dockward's `ssh-port-exposed`); this rule reads the built image, whose
    /// ports may come from a base image. CIS 5.7 (no sshd in containers) is
    /// checked on running containers by `sshd-running`.
    ///
    /// ## References
    /// - [IANA service name and transport protocol port number registry](https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml)
    /// - [Docker: protect the Docker daemon socket (2375 is unencrypted, 2376 is TLS)](https://docs.docker.com/engine/security/protect-access/)
    /// - [Node.js: security implications of exposing the inspector port](https://nodejs.org/en/learn/getting-started/debugging#security-implications)
    /// - [Dockerfile reference: EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)
    pub struct SensitivePortExposed {
        severity: Medium,
        status: Stable,
        summary: "the image exposes a remote administration port",
        aliases: [],
        references: [
            "https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml",
            "https://docs.docker.com/engine/security/protect-access/",
            "https://nodejs.org/en/learn/getting-started/debugging#security-implications",
            "https://docs.docker.com/reference/dockerfile/#expose",
        ],
    }
}

/// A sensitive port: number, protocols, what listens there, severity.
struct SensitivePort {
    port: u16,
    protocols: &'static [&'static str],
    service: &'static str,
    severity: Severity,
}

const PORTS: [SensitivePort; 9] = [
    SensitivePort {
        port: 22,
        protocols: &["tcp"],
        service: "SSH",
        severity: Severity::Medium,
    },
    SensitivePort {
        port: 23,
        protocols: &["tcp"],
        service: "Telnet (cleartext)",
        severity: Severity::High,
    },
    SensitivePort {
        port: 2375,
        protocols: &["tcp"],
        service: "the Docker Engine API without TLS",
        severity: Severity::High,
    },
    SensitivePort {
        port: 2376,
        protocols: &["tcp"],
        service: "the Docker Engine API over TLS",
        severity: Severity::Medium,
    },
    SensitivePort {
        port: 3389,
        protocols: &["tcp", "udp"],
        service: "Remote Desktop (RDP)",
        severity: Severity::Medium,
    },
    SensitivePort {
        port: 5900,
        protocols: &["tcp"],
        service: "VNC",
        severity: Severity::Medium,
    },
    SensitivePort {
        port: 5985,
        protocols: &["tcp"],
        service: "WinRM over HTTP",
        severity: Severity::Medium,
    },
    SensitivePort {
        port: 5986,
        protocols: &["tcp"],
        service: "WinRM over HTTPS",
        severity: Severity::Medium,
    },
    SensitivePort {
        port: 9229,
        protocols: &["tcp"],
        service: "the Node.js inspector (runs any code sent to it)",
        severity: Severity::High,
    },
];

/// `22/tcp` → (22, "tcp"); a key without protocol is TCP, as the engine reads it.
fn parse(key: &str) -> Option<(u16, String)> {
    let (port, proto) = key.split_once('/').unwrap_or((key, "tcp"));
    Some((port.trim().parse().ok()?, proto.trim().to_ascii_lowercase()))
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    for image in &ctx.facts().images {
        let Some(ports) = image
            .inspect
            .get("Config")
            .and_then(|c| c.get("ExposedPorts"))
            .and_then(Value::as_object)
        else {
            continue;
        };
        for key in ports.keys() {
            let Some((number, proto)) = parse(key) else {
                continue;
            };
            let Some(known) = PORTS
                .iter()
                .find(|p| p.port == number && p.protocols.contains(&proto.as_str()))
            else {
                continue;
            };
            let finding = AuditFinding::new(
                SensitivePortExposed::META.rule,
                ObjectKind::Image,
                image_name(&image.inspect),
                format!(
                    "the image exposes {key}, the port of {}; reach containers through the runtime (`docker exec`) instead",
                    known.service
                ),
            );
            out.push(if known.severity == Severity::Medium {
                finding
            } else {
                finding.with_severity(known.severity)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn port_keys() {
        assert_eq!(parse("22/tcp"), Some((22, "tcp".to_owned())));
        assert_eq!(parse("3389/UDP"), Some((3389, "udp".to_owned())));
        assert_eq!(parse("2375"), Some((2375, "tcp".to_owned())));
        assert_eq!(parse("x/tcp"), None);
    }
}
