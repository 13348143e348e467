use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a `dm.basesize` storage option (`--storage-opt dm.basesize=…`
    /// or in `"storage-opts"`).
    ///
    /// ## Why is this bad?
    /// It raises the size of every container's devicemapper base device, so
    /// one container can fill much more of the pool; and it only applies to
    /// `devicemapper`, which Engine 25.0 removed: an engine upgrade will not
    /// start with it.
    ///
    /// ## Example
    /// `"storage-opts": ["dm.basesize=50G"]`.
    ///
    /// Use instead: remove it, and migrate to `overlay2` (with
    /// `overlay2.size` on xfs with project quotas, if a limit is needed).
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.11 in v1.6.0 (2.12 in v1.8.0), Level 2.
    ///
    /// ## References
    /// - [Docker: deprecated features](https://docs.docker.com/engine/deprecated/)
    /// - [CIS Docker Benchmark v1.6.0, 2.11](https://www.cisecurity.org/benchmark/docker)
    pub struct BaseDeviceSizeChanged {
        severity: Low,
        status: Stable,
        summary: "the devicemapper base device size is changed",
        aliases: ["CIS-2.11", "CIS-L2"],
        references: [
            "https://docs.docker.com/engine/deprecated/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    for opt in &ctx.daemon().storage_opts {
        if opt.trim().starts_with("dm.basesize") {
            out.push(
                ctx.daemon_finding(
                    BaseDeviceSizeChanged::META.rule,
                    format!("the storage option `{opt}` changes the devicemapper base device size for every container; remove it"),
                )
                .with_cis("2.11"),
            );
        }
    }
}
