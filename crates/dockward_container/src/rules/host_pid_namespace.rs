use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container sharing the host's PID namespace: `--pid host`,
    /// compose `pid: host`, `HostConfig.PidMode: host`. Sharing another
    /// container's (`container:<name>`) is not reported.
    ///
    /// ## Why is this bad?
    /// The container sees every process on the host with its command line;
    /// root in it can signal (kill) host processes, read their environment
    /// (`/proc/<pid>/environ`, often holding secrets) and, with `SYS_PTRACE`,
    /// inject code into them. `/proc/<pid>/root` of a host process leads to the
    /// host's filesystem. The daemon also turns SELinux separation off for such
    /// a container.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --pid host alpine:3.20 ps aux
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: alpine:3.20
    ///     pid: host
    /// ```
    ///
    /// Use instead: the container's own PID namespace (the default), or
    /// another container's for a debugging sidecar:
    /// ```console
    /// $ docker run --pid container:app alpine:3.20 ps aux
    /// ```
    /// ```yaml
    /// services:
    ///   debug:
    ///     image: alpine:3.20
    ///     pid: "service:app"
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.16 (Level 1); the number is unchanged in v1.8.0.
    /// - [docker run: --pid](https://docs.docker.com/engine/containers/run/#pid-settings---pid)
    /// - [pid_namespaces(7)](https://man7.org/linux/man-pages/man7/pid_namespaces.7.html)
    pub struct HostPidNamespace {
        severity: High,
        status: Stable,
        summary: "the container shares the host's PID namespace",
        aliases: ["CIS-5.16", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/containers/run/#pid-settings---pid",
            "https://man7.org/linux/man-pages/man7/pid_namespaces.7.html",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if spec.namespaces.pid.is_host() {
        out.push(finding(
            HostPidNamespace::META.rule,
            SpecField::Pid,
            "the container shares the host's PID namespace (`pid=host`): it sees and can signal every host process",
        ));
    }
}
