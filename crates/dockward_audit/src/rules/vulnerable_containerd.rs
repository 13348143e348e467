use dockward_rules::declare_rule;

use crate::daemon_config::component_version;
use crate::packaging::{packaging, report};
use crate::version::CONTAINERD_ADVISORIES;
use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Compares the containerd version (the `containerd` component of
    /// `GET /version`) with known containerd escapes:
    ///
    /// | CVE | What | Fixed in |
    /// |---|---|---|
    /// | CVE-2020-15257 | the shim API on an abstract socket is reachable from `--net=host` containers | 1.3.9, 1.4.3 |
    ///
    /// A containerd from a distribution package (`containerd` on Debian and
    /// Ubuntu), or with a repack marker in its version (`1.6.20~ds1`), may
    /// carry back-ported fixes: the finding is then *info*. Docker's
    /// `containerd.io` package is upstream.
    ///
    /// ## Why is this bad?
    /// containerd runs as root and manages every container; a host-network
    /// container reaching the shim API can start a process as root on the
    /// host.
    ///
    /// ## Example
    /// containerd 1.4.1.
    ///
    /// Use instead: a supported containerd release.
    ///
    /// ## References
    /// - [GHSA-36xw-fx78-c5r4 (CVE-2020-15257)](https://github.com/containerd/containerd/security/advisories/GHSA-36xw-fx78-c5r4)
    /// - [containerd releases](https://containerd.io/releases/)
    pub struct VulnerableContainerd {
        severity: High,
        status: Stable,
        summary: "the containerd version has a known vulnerability",
        aliases: [],
        references: [
            "https://github.com/containerd/containerd/security/advisories/GHSA-36xw-fx78-c5r4",
            "https://containerd.io/releases/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let Some(daemon) = ctx.daemon_facts() else {
        return;
    };
    let Some(version) = component_version(daemon, "containerd") else {
        return;
    };
    let packaging = packaging(ctx, &["containerd"], &version);
    report(
        ctx,
        VulnerableContainerd::META.rule,
        "containerd",
        &version,
        CONTAINERD_ADVISORIES,
        &packaging,
        None,
        out,
    );
}
