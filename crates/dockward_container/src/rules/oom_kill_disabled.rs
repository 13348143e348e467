use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags `--oom-kill-disable` (compose `oom_kill_disable: true`,
    /// `HostConfig.OomKillDisable`). The message says whether a memory limit
    /// is set: without one the host is at risk; with one, the container's
    /// processes hang at the limit instead of being killed. The rule has one
    /// severity (medium), for the worse case.
    ///
    /// On cgroup v2 the kernel has no per-cgroup switch for the OOM killer, and
    /// the daemon ignores the option (with a warning). Not a CIS benchmark
    /// recommendation.
    ///
    /// ## Why is this bad?
    /// Docker's documentation: only disable the OOM killer on containers that
    /// also have a memory limit. Without a limit, the container can use all of
    /// the host's memory and the kernel kills host processes (the daemon, sshd)
    /// instead of it. With a limit, a leak freezes the container rather than
    /// restarting it, which hides the failure.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --oom-kill-disable my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     oom_kill_disable: true
    /// ```
    ///
    /// Use instead: a memory limit, and let the OOM killer work:
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
    /// - [Resource constraints: memory](https://docs.docker.com/engine/containers/resource_constraints/#memory)
    /// - [Kernel docs: memory resource controller (cgroup v1), OOM control](https://docs.kernel.org/admin-guide/cgroup-v1/memory.html)
    pub struct OomKillDisabled {
        severity: Medium,
        status: Stable,
        summary: "the OOM killer is disabled for the container",
        aliases: [],
        references: [
            "https://docs.docker.com/engine/containers/resource_constraints/#memory",
            "https://docs.kernel.org/admin-guide/cgroup-v1/memory.html",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if !spec.oom_kill_disable {
        return;
    }
    let message = if spec.resources.memory.is_some_and(|m| m > 0) {
        "the OOM killer is disabled: at its memory limit the container hangs instead of being restarted"
    } else {
        "the OOM killer is disabled without a memory limit: the kernel will kill host processes instead"
    };
    out.push(finding(
        OomKillDisabled::META.rule,
        SpecField::OomKillDisable,
        message,
    ));
}
