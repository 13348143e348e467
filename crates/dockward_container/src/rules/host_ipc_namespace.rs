use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container sharing the host's IPC namespace: `--ipc host`,
    /// compose `ipc: host`, `HostConfig.IpcMode: host`. `shareable` and
    /// `container:<name>` (sharing with other containers) are not reported.
    ///
    /// ## Why is this bad?
    /// The container can attach to the host's System V shared memory
    /// segments, semaphores and message queues and to `/dev/shm`: it can read
    /// and corrupt what host processes (databases, browsers, X11) keep there.
    /// The daemon also turns SELinux separation off for such a container.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --ipc host my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     ipc: host
    /// ```
    ///
    /// Use instead: a private namespace (the default), or share one between
    /// the containers that need it:
    /// ```console
    /// $ docker run --ipc shareable --name producer my/producer:1.0
    /// $ docker run --ipc container:producer my/consumer:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   producer:
    ///     image: my/producer:1.0
    ///     ipc: shareable
    ///   consumer:
    ///     image: my/consumer:1.0
    ///     ipc: "service:producer"
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.17 (Level 1); the number is unchanged in v1.8.0.
    /// - [docker run: --ipc](https://docs.docker.com/engine/containers/run/#ipc-settings---ipc)
    /// - [ipc_namespaces(7)](https://man7.org/linux/man-pages/man7/ipc_namespaces.7.html)
    pub struct HostIpcNamespace {
        severity: Medium,
        status: Stable,
        summary: "the container shares the host's IPC namespace",
        aliases: ["CIS-5.17", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/containers/run/#ipc-settings---ipc",
            "https://man7.org/linux/man-pages/man7/ipc_namespaces.7.html",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if spec.namespaces.ipc.is_host() {
        out.push(finding(
            HostIpcNamespace::META.rule,
            SpecField::Ipc,
            "the container shares the host's IPC namespace (`ipc=host`): host shared memory and semaphores",
        ));
    }
}
