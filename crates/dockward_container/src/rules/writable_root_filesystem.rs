use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container whose root filesystem is writable: no `--read-only`
    /// (compose `read_only: true`), `HostConfig.ReadonlyRootfs: false`.
    ///
    /// ## Why is this bad?
    /// With a writable root filesystem, an attacker who gets code execution
    /// can replace the service's binaries and libraries, drop tools, and
    /// persist until the container is recreated. A read-only root makes the
    /// image's content immutable at run time; data that must change goes to
    /// named volumes and `tmpfs` mounts, where it is visible and bounded.
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
    /// $ docker run --read-only --tmpfs /tmp -v app-data:/var/lib/app my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     read_only: true
    ///     tmpfs: [/tmp]
    ///     volumes: [app-data:/var/lib/app]
    /// volumes:
    ///   app-data: {}
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.13 (Level 1); the number is unchanged in v1.8.0.
    /// - [docker run: --read-only](https://docs.docker.com/reference/cli/docker/container/run/#read-only)
    /// - [Compose file: read_only](https://docs.docker.com/reference/compose-file/services/#read_only)
    pub struct WritableRootFilesystem {
        severity: Low,
        status: Stable,
        summary: "the container's root filesystem is writable",
        aliases: ["CIS-5.13", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/cli/docker/container/run/#read-only",
            "https://docs.docker.com/reference/compose-file/services/#read_only",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if !spec.read_only_rootfs {
        out.push(finding(
            WritableRootFilesystem::META.rule,
            SpecField::ReadOnlyRootfs,
            "the root filesystem is writable; run with `--read-only` and mount volumes or tmpfs where it writes",
        ));
    }
}
