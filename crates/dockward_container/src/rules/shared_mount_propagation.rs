use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, Propagation, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a bind mount with `shared` or `rshared` propagation (`-v
    /// /mnt:/mnt:rshared`, `--mount type=bind,...,bind-propagation=shared`,
    /// compose `bind: {propagation: rshared}`). `slave`/`rslave` (host mounts
    /// appear in the container, not the reverse) and the default `rprivate`
    /// are not reported.
    ///
    /// ## Why is this bad?
    /// With shared propagation, mounts made inside the container under that
    /// path appear on the host, and the other way round. A container that can
    /// mount (with `SYS_ADMIN`) can then cover host paths with its own
    /// filesystems, and mounts pile up on the host. Only a few system
    /// containers (CSI drivers, some storage agents) need it.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -v /mnt/data:/data:rshared my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     volumes:
    ///       - type: bind
    ///         source: /mnt/data
    ///         target: /data
    ///         bind:
    ///           propagation: rshared
    /// ```
    ///
    /// Use instead: the default (`rprivate`), or `rslave` to see host mounts:
    /// ```console
    /// $ docker run -v /mnt/data:/data:rslave my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     volumes:
    ///       - /mnt/data:/data:rslave
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.20 (Level 1); the number is unchanged in v1.8.0.
    /// - [Bind mounts: bind propagation](https://docs.docker.com/engine/storage/bind-mounts/#configure-bind-propagation)
    /// - [Kernel docs: shared subtrees](https://docs.kernel.org/filesystems/sharedsubtree.html)
    pub struct SharedMountPropagation {
        severity: Medium,
        status: Stable,
        summary: "a bind mount uses shared propagation",
        aliases: ["CIS-5.20", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/storage/bind-mounts/#configure-bind-propagation",
            "https://docs.kernel.org/filesystems/sharedsubtree.html",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    for (i, mount) in spec.mounts.iter().enumerate() {
        let mode = match mount.propagation {
            Some(Propagation::Shared) => "shared",
            Some(Propagation::Rshared) => "rshared",
            _ => continue,
        };
        let source = mount.source.as_deref().unwrap_or("<anonymous>");
        out.push(finding(
            SharedMountPropagation::META.rule,
            SpecField::Mount(i),
            format!(
                "mount of `{source}` at `{}` uses `{mode}` propagation: mounts made in the container reach the host",
                mount.target
            ),
        ));
    }
}
