use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container without a memory limit: no `--memory` (compose
    /// `mem_limit` or `deploy.resources.limits.memory`), `HostConfig.Memory`
    /// of `0`. A reservation (`--memory-reservation`) is a soft target, not a
    /// limit, and does not count.
    ///
    /// ## Why is this bad?
    /// Without a limit one container can use all of the host's memory: a leak
    /// or a crafted request then makes the kernel's OOM killer pick processes
    /// across the host, other containers and the Docker daemon included.
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
    /// $ docker run --memory 512m my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     mem_limit: 512m
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.11 (Level 1); the number is unchanged in v1.8.0.
    /// - [Resource constraints: memory](https://docs.docker.com/engine/containers/resource_constraints/#memory)
    /// - [Kernel docs: memory controller (cgroup v2)](https://docs.kernel.org/admin-guide/cgroup-v2.html#memory)
    pub struct MemoryUnlimited {
        severity: Low,
        status: Stable,
        summary: "the container has no memory limit",
        aliases: ["CIS-5.11", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/containers/resource_constraints/#memory",
            "https://docs.kernel.org/admin-guide/cgroup-v2.html#memory",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if spec.resources.memory.is_none_or(|bytes| bytes <= 0) {
        out.push(finding(
            MemoryUnlimited::META.rule,
            SpecField::Memory,
            "the container has no memory limit (`--memory`)",
        ));
    }
}
