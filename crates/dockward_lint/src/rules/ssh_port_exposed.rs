use dockward_dockerfile::InstructionKind;
use dockward_rules::declare_rule;

use super::expose_port_out_of_range::PortSpec;
use super::relative_workdir::with_triggers;
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an `EXPOSE` of TCP port 22, the SSH port, alone (`22`, `22/tcp`)
    /// or inside a range (`20-25`).
    ///
    /// ## Why is this bad?
    /// An SSH server in a container is a second way in that bypasses the
    /// container runtime's own access control (`docker exec`, `kubectl exec`),
    /// carries its own keys and passwords to manage and rotate, and is a
    /// favourite target of scanners. Containers are reached through the
    /// runtime; files are moved with volumes or `docker cp`.
    ///
    /// `22/udp` and `22/sctp` are not SSH and are not flagged; neither are
    /// ports given by variables.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    /// EXPOSE 22 8080
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// EXPOSE 8080
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)
    /// - [Docker CLI: docker container exec](https://docs.docker.com/reference/cli/docker/container/exec/)
    /// - [IANA service name and port registry (ssh, 22/tcp)](https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml?search=22)
    pub struct SshPortExposed {
        severity: Medium,
        status: Stable,
        summary: "EXPOSE opens the SSH port 22",
        aliases: ["DS004", "DS-0004", "AVD-DS-0004", "docker-no-ssh-port"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#expose",
            "https://docs.docker.com/reference/cli/docker/container/exec/",
            "https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml?search=22",
        ],
    }
}

const SSH_PORT: u64 = 22;

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in with_triggers(ctx.instructions()) {
        let InstructionKind::Expose(ports) = &instruction.kind else {
            continue;
        };
        for port in ports {
            let Some(spec) = PortSpec::parse(port.as_str()) else {
                continue;
            };
            if spec.protocol != "tcp" || !spec.covers(SSH_PORT) {
                continue;
            }
            let how = if spec.end.is_some() {
                format!("the range `{}` includes the SSH port 22", port.as_str())
            } else {
                "port 22 is the SSH port".to_owned()
            };
            out.push(Violation::new(
                SshPortExposed::META.rule,
                port.span,
                format!("{how}; reach containers through the runtime (`docker exec`) instead of an SSH server"),
            ));
        }
    }
}
