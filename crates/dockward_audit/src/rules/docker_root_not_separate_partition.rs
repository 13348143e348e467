use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a Docker root directory (`/info` `DockerRootDir`, else
    /// `data-root`, else `/var/lib/docker`; its parent with `userns-remap`)
    /// that is on the same filesystem as `/`: no mount point at it or at an
    /// ancestor other than `/`, or only a bind mount of the root device.
    /// Not judged when the host's mounts were not read.
    ///
    /// ## Why is this bad?
    /// Images, container layers, volumes and JSON logs all grow under the
    /// Docker root. On the root filesystem, a container that fills its
    /// writable layer or its log fills `/`, and the host's own services
    /// (logging, package updates, sshd) fail.
    ///
    /// ## Example
    /// `/var/lib/docker` is a directory of `/`, or a bind mount of
    /// `/dev/vda` which is also mounted at `/`.
    ///
    /// Use instead: a dedicated partition or logical volume mounted at
    /// `/var/lib/docker`.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 1.1.1 (Level 1). docker-bench uses `mountpoint -q`, which a bind
    /// mount of the root device satisfies, and fails when run in a container
    /// (#332); dockward compares mount sources from the host's mount table.
    ///
    /// ## References
    /// - [CIS Docker Benchmark v1.6.0, 1.1.1](https://www.cisecurity.org/benchmark/docker)
    /// - [Docker: daemon data directory](https://docs.docker.com/engine/daemon/#daemon-data-directory)
    pub struct DockerRootNotSeparatePartition {
        severity: Low,
        status: Stable,
        summary: "the Docker root directory is on the root filesystem",
        aliases: ["CIS-1.1.1", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/daemon/#daemon-data-directory",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let Some(host) = ctx.host() else {
        return;
    };
    if host.mounts.is_empty() {
        return;
    }
    let daemon = ctx.daemon();
    let root = daemon.docker_root_dir.trim_end_matches('/');
    let dir = match root.rsplit_once('/') {
        Some((parent, last)) if daemon.userns_remap && last.contains('.') => parent.to_owned(),
        _ => root.to_owned(),
    };
    let root_source = host
        .mounts
        .iter()
        .rev()
        .find(|m| m.mount_point == "/")
        .map(|m| m.source.as_str());
    // The most specific mount covering the directory (the last one wins when
    // the same point is mounted twice).
    let covering = host
        .mounts
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            let point = m.mount_point.trim_end_matches('/');
            !point.is_empty() && (dir == point || dir.starts_with(&format!("{point}/")))
        })
        .max_by_key(|(i, m)| (m.mount_point.len(), *i))
        .map(|(_, m)| m);
    let message = match covering {
        None => format!(
            "{dir} is on the root filesystem; mount a dedicated partition there so containers cannot fill `/`"
        ),
        Some(m) if Some(m.source.as_str()) == root_source && m.fs_type != "tmpfs" => format!(
            "{dir} is mounted from {}, the device of `/` (a bind mount, not a separate partition); mount a dedicated partition there so containers cannot fill `/`",
            m.source
        ),
        Some(_) => return,
    };
    out.push(
        AuditFinding::new(
            DockerRootNotSeparatePartition::META.rule,
            crate::ObjectKind::File,
            dir,
            message,
        )
        .with_cis("1.1.1"),
    );
}
