use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container with no CPU limit or priority at all: none of
    /// `--cpus` (`NanoCpus`), `--cpu-quota` (`CpuQuota`), `--cpuset-cpus`
    /// (`CpusetCpus`) and `--cpu-shares` (`CpuShares`) is set. Any one of them
    /// is enough; docker-bench's 5.12 only looks at `CpuShares` and
    /// `NanoCpus`.
    ///
    /// ## Why is this bad?
    /// A container without a CPU limit can take every core of the host, and
    /// with equal default weights a busy container slows every other one. A
    /// limit or a weight bounds the damage of a runaway process or a
    /// CPU-exhaustion attack.
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
    /// $ docker run --cpus 1.5 my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     cpus: 1.5
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.12 (Level 1); the number is unchanged in v1.8.0.
    /// - [Resource constraints: CPU](https://docs.docker.com/engine/containers/resource_constraints/#cpu)
    /// - [Kernel docs: CPU controller (cgroup v2)](https://docs.kernel.org/admin-guide/cgroup-v2.html#cpu)
    pub struct CpuUnlimited {
        severity: Low,
        status: Stable,
        summary: "the container has no CPU limit or priority",
        aliases: ["CIS-5.12", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/containers/resource_constraints/#cpu",
            "https://docs.kernel.org/admin-guide/cgroup-v2.html#cpu",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    let r = &spec.resources;
    let set = |v: Option<i64>| v.is_some_and(|v| v > 0);
    let limited = set(r.nano_cpus)
        || set(r.cpu_quota)
        || set(r.cpu_shares)
        || r.cpuset_cpus
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty());
    if !limited {
        out.push(finding(
            CpuUnlimited::META.rule,
            SpecField::Cpu,
            "the container has no CPU limit or weight (`--cpus`, `--cpu-quota`, `--cpuset-cpus` or `--cpu-shares`)",
        ));
    }
}
