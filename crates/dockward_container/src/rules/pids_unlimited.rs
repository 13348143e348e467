use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container without a PIDs limit: no `--pids-limit` (compose
    /// `pids_limit`), or a value of `0` or `-1` (unlimited).
    ///
    /// ## Why is this bad?
    /// Without a limit, a fork bomb or a thread leak in one container
    /// exhausts the host's process table (`kernel.pid_max`), and then nothing
    /// on the host can start a process, including the tools to stop it.
    ///
    /// ## Example
    /// ```console
    /// $ docker run my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ docker run --pids-limit 200 my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     pids_limit: 200
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.29 (Level 1); the number is unchanged in v1.8.0.
    /// - [docker run: --pids-limit](https://docs.docker.com/reference/cli/docker/container/run/#pids-limit)
    /// - [Kernel docs: process number controller](https://docs.kernel.org/admin-guide/cgroup-v1/pids.html)
    pub struct PidsUnlimited {
        severity: Low,
        status: Stable,
        summary: "the container has no PIDs limit",
        aliases: ["CIS-5.29", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/cli/docker/container/run/#pids-limit",
            "https://docs.kernel.org/admin-guide/cgroup-v1/pids.html",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if spec.resources.pids_limit.is_none_or(|limit| limit <= 0) {
        out.push(finding(
            PidsUnlimited::META.rule,
            SpecField::Pids,
            "the container has no PIDs limit (`--pids-limit`)",
        ));
    }
}
