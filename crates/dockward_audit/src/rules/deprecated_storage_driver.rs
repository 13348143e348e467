use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a daemon using a storage driver Docker deprecated and later
    /// removed: `aufs` (removed in Engine 24.0), `devicemapper` (removed in
    /// 25.0) or the legacy `overlay` (removed in 24.0). The driver comes from
    /// `/info` `Driver`, else `--storage-driver` / `"storage-driver"`.
    ///
    /// ## Why is this bad?
    /// These drivers get no fixes any more, had their own escape and
    /// data-corruption bugs, and an engine upgrade will not start with them.
    ///
    /// ## Example
    /// `"storage-driver": "devicemapper"`.
    ///
    /// Use instead: `overlay2` (or the containerd image store).
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.6 (Level 1) covers `aufs`; CIS v1.8.0 adds 2.7 for
    /// `devicemapper` (and renumbers the following checks). docker-bench
    /// implements only the `aufs` check.
    ///
    /// ## References
    /// - [Docker: deprecated features](https://docs.docker.com/engine/deprecated/)
    /// - [Docker: storage drivers](https://docs.docker.com/engine/storage/drivers/select-storage-driver/)
    /// - [CIS Docker Benchmark v1.6.0, 2.6](https://www.cisecurity.org/benchmark/docker)
    pub struct DeprecatedStorageDriver {
        severity: Medium,
        status: Stable,
        summary: "the daemon uses a deprecated storage driver",
        aliases: ["CIS-2.6", "CIS-L1"],
        references: [
            "https://docs.docker.com/engine/deprecated/",
            "https://docs.docker.com/engine/storage/drivers/select-storage-driver/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    if !ctx.daemon_known() {
        return;
    }
    let Some(driver) = ctx.daemon().storage_driver.as_deref() else {
        return;
    };
    let removed = match driver {
        "aufs" | "overlay" => "24.0",
        "devicemapper" => "25.0",
        _ => return,
    };
    let mut finding = ctx.daemon_finding(
        DeprecatedStorageDriver::META.rule,
        format!("the daemon uses the `{driver}` storage driver, which Docker removed in Engine {removed}; migrate to `overlay2`"),
    );
    if driver == "aufs" {
        finding = finding.with_cis("2.6");
    }
    out.push(finding);
}
