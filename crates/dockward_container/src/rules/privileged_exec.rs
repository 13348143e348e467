use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags an exec session started with `--privileged` (`docker exec
    /// --privileged`, `POST /containers/{id}/exec` with `Privileged: true`).
    ///
    /// Needs the container's exec sessions (`GET /exec/{id}/json`, kept by
    /// the daemon only while the exec runs); with none known, nothing is
    /// reported. An authorization plugin can judge the exec request itself.
    /// docker-bench does not implement 5.23.
    ///
    /// ## Why is this bad?
    /// A privileged exec runs with every capability (and without the
    /// container's AppArmor profile) inside a container that was deliberately
    /// started with fewer: the hardening of the container does not apply to
    /// it. Whoever can exec privileged can escape to the host.
    ///
    /// ## Example
    /// ```console
    /// $ docker exec --privileged -it app sh
    /// ```
    /// ```yaml
    /// # docker compose exec --privileged app sh
    /// services:
    ///   app:
    ///     image: my/app:1.0
    /// ```
    ///
    /// Use instead: an unprivileged exec; if a capability is really needed,
    /// add it to the container's definition where it is reviewed:
    /// ```console
    /// $ docker exec -it app sh
    /// ```
    /// ```yaml
    /// # docker compose exec app sh
    /// services:
    ///   app:
    ///     image: my/app:1.0
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.23 (Level 2); the number is unchanged in v1.8.0.
    /// - [docker exec](https://docs.docker.com/reference/cli/docker/container/exec/)
    /// - [Engine API: inspect an exec instance](https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Exec/operation/ExecInspect)
    pub struct PrivilegedExec {
        severity: High,
        status: Stable,
        summary: "an exec session runs privileged",
        aliases: ["CIS-5.23", "CIS-L2"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/cli/docker/container/exec/",
            "https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Exec/operation/ExecInspect",
        ],
    }
}

pub(crate) fn check(
    _spec: &ContainerSpec,
    ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    for exec in ctx.execs.iter().filter(|e| e.privileged) {
        out.push(finding(
            PrivilegedExec::META.rule,
            SpecField::Name,
            format!("exec `{}` runs `{}` privileged", exec.id, exec.command),
        ));
    }
}
