use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a host that mounts cgroup v1 hierarchies (legacy or hybrid
    /// mode), from the host's mounts, or from `/info` `CgroupVersion` when
    /// the host was not probed.
    ///
    /// ## Why is this bad?
    /// The classic `release_agent` escape (a privileged container, or one
    /// with `CAP_SYS_ADMIN`, writes a host command into a cgroup v1
    /// `release_agent` file) and CVE-2022-0492 only exist on cgroup v1:
    /// cgroup v2 has no `release_agent`. cgroup v2 also gives containers a
    /// private cgroup namespace by default, and resource limits that work
    /// for rootless containers. cgroup v1 is deprecated in systemd and
    /// containerd.
    ///
    /// ## Example
    /// `/sys/fs/cgroup/memory` is a `cgroup` (v1) mount.
    ///
    /// Use instead: boot with `systemd.unified_cgroup_hierarchy=1` (the
    /// default on current distributions).
    ///
    /// ## References
    /// - [Linux kernel: cgroup v2](https://docs.kernel.org/admin-guide/cgroup-v2.html)
    /// - [NVD: CVE-2022-0492](https://nvd.nist.gov/vuln/detail/CVE-2022-0492)
    /// - [Docker: runtime metrics and cgroup v2](https://docs.docker.com/engine/containers/runmetrics/)
    pub struct CgroupV1 {
        severity: Low,
        status: Stable,
        summary: "the host uses cgroup v1",
        aliases: [],
        references: [
            "https://docs.kernel.org/admin-guide/cgroup-v2.html",
            "https://nvd.nist.gov/vuln/detail/CVE-2022-0492",
            "https://docs.docker.com/engine/containers/runmetrics/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let from_host = ctx.host().and_then(|h| h.cgroup.version);
    let from_info = ctx.daemon().cgroup_version.as_deref();
    let v1 = match (from_host, from_info) {
        (Some(v), _) => v == 1,
        (None, Some(v)) => v == "1",
        (None, None) => false,
    };
    if v1 {
        out.push(ctx.host_finding(
            CgroupV1::META.rule,
            "the host mounts cgroup v1 hierarchies, where `release_agent` escapes (CVE-2022-0492, privileged containers) work; boot with the unified cgroup v2 hierarchy",
        ));
    }
}
