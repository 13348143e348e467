use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a running container with an SSH server process: a process whose
    /// command's program name (the first word, without its directory and a
    /// trailing `:`, as `sshd: alice@pts/0` shows) is `sshd` or `dropbear`.
    ///
    /// Needs the container's process list (`GET /containers/{id}/top`, which
    /// the daemon reads from the host's `/proc`); when it is not known (a
    /// compose file, a create request) nothing is reported. docker-bench's 5.7
    /// runs `ps` inside every container with `docker exec`, and silently
    /// passes images without `ps`.
    ///
    /// ## Why is this bad?
    /// An SSH server is one more listening service with its own credentials,
    /// keys and patching to manage, and a way in that bypasses the Docker API
    /// (and its authorization and audit). `docker exec` already gives a shell
    /// to whoever is allowed one.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d -p 2222:22 my/app-with-sshd:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app-with-sshd:1.0
    ///     command: ["/usr/sbin/sshd", "-D"]
    /// ```
    ///
    /// Use instead: no SSH server in the image; use `docker exec`:
    /// ```console
    /// $ docker exec -it app sh
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.7 (Level 1); the number is unchanged in v1.8.0.
    /// - [docker exec](https://docs.docker.com/reference/cli/docker/container/exec/)
    /// - [Engine API: list processes running inside a container](https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Container/operation/ContainerTop)
    pub struct SshdRunning {
        severity: Low,
        status: Stable,
        summary: "an SSH server runs in the container",
        aliases: ["CIS-5.7", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/cli/docker/container/exec/",
            "https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Container/operation/ContainerTop",
        ],
    }
}

/// The program name of a command line: first word, basename, without a trailing `:`.
fn program(command: &str) -> &str {
    let first = command.split_whitespace().next().unwrap_or_default();
    let base = first.rsplit('/').next().unwrap_or_default();
    base.strip_suffix(':').unwrap_or(base)
}

pub(crate) fn check(
    _spec: &ContainerSpec,
    ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    let Some(processes) = &ctx.processes else {
        return;
    };
    for process in processes {
        let name = program(&process.command);
        if name == "sshd" || name == "dropbear" {
            out.push(finding(
                SshdRunning::META.rule,
                SpecField::Name,
                format!(
                    "an SSH server runs in the container: `{}` (user {})",
                    process.command, process.user
                ),
            ));
        }
    }
}
