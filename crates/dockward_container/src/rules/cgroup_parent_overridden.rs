use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container placed under a cgroup of its own choosing:
    /// `--cgroup-parent` (compose `cgroup_parent`, `HostConfig.CgroupParent`).
    /// With the systemd cgroup driver the value is a slice (`my.slice`), with
    /// cgroupfs a path.
    ///
    /// ## Why is this bad?
    /// The daemon puts containers under its own parent, where the host's
    /// resource policy for containers applies. A different parent moves the
    /// container out of it: into a cgroup with other limits or none, or next to
    /// host services, whose resources it then shares. CIS 5.25 asks that it be
    /// used only on purpose, and reviewed.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --cgroup-parent /system.slice my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     cgroup_parent: system.slice
    /// ```
    ///
    /// Use instead: the daemon's default parent, with explicit limits:
    /// ```console
    /// $ docker run --memory 512m --cpus 1 my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     mem_limit: 512m
    ///     cpus: 1
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.25 (Level 1); the number is unchanged in v1.8.0.
    /// - [docker run: --cgroup-parent](https://docs.docker.com/reference/cli/docker/container/run/#cgroup-parent)
    /// - [Kernel docs: control group v2](https://docs.kernel.org/admin-guide/cgroup-v2.html)
    pub struct CgroupParentOverridden {
        severity: Medium,
        status: Stable,
        summary: "the container's cgroup parent is overridden",
        aliases: ["CIS-5.25", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/cli/docker/container/run/#cgroup-parent",
            "https://docs.kernel.org/admin-guide/cgroup-v2.html",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if let Some(parent) = spec.cgroup_parent.as_deref().filter(|p| !p.is_empty()) {
        out.push(finding(
            CgroupParentOverridden::META.rule,
            SpecField::CgroupParent,
            format!("the container's cgroup parent is set to `{parent}` instead of the daemon's"),
        ));
    }
}
