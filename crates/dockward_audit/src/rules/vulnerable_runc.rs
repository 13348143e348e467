use dockward_rules::declare_rule;

use crate::daemon_config::component_version;
use crate::packaging::{packaging, report};
use crate::version::RUNC_ADVISORIES;
use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Compares the runc version (the `runc` component of `GET /version`)
    /// with known runc escapes, one finding per advisory:
    ///
    /// | CVE | What | Fixed in |
    /// |---|---|---|
    /// | CVE-2019-5736 | a container overwrites the host's runc binary | 1.0.0-rc7 |
    /// | CVE-2024-21626 "Leaky Vessels" | leaked host fd: WORKDIR / exec escape | 1.1.12 |
    /// | CVE-2024-45310 | a race creates files on the host (low) | 1.1.14, 1.2.0-rc.3 |
    /// | CVE-2025-31133, CVE-2025-52565, CVE-2025-52881 | masked-path and /dev/console races: full breakout | 1.2.8, 1.3.3, 1.4.0-rc.3 |
    ///
    /// A runc from a distribution package (`runc` on Debian, Ubuntu,
    /// Fedora), or with a repack marker in its version (`1.1.5+ds1`), may
    /// carry back-ported fixes: the finding is then *info* and names the
    /// package. Docker's own `containerd.io` package ships upstream runc and
    /// is judged by version.
    ///
    /// ## Why is this bad?
    /// runc starts every container; these bugs let a malicious image or a
    /// process in a container take over the host.
    ///
    /// ## Example
    /// runc 1.1.11 (CVE-2024-21626).
    ///
    /// Use instead: the current runc (Docker Engine packages update it with
    /// `containerd.io`).
    ///
    /// ## References
    /// - [GHSA-xr7r-f8xq-vfvv (CVE-2024-21626)](https://github.com/opencontainers/runc/security/advisories/GHSA-xr7r-f8xq-vfvv)
    /// - [NVD: CVE-2019-5736](https://nvd.nist.gov/vuln/detail/CVE-2019-5736)
    /// - [runc security advisories](https://github.com/opencontainers/runc/security/advisories)
    pub struct VulnerableRunc {
        severity: High,
        status: Stable,
        summary: "the runc version has a known container escape",
        aliases: [],
        references: [
            "https://github.com/opencontainers/runc/security/advisories/GHSA-xr7r-f8xq-vfvv",
            "https://nvd.nist.gov/vuln/detail/CVE-2019-5736",
            "https://github.com/opencontainers/runc/security/advisories",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let Some(daemon) = ctx.daemon_facts() else {
        return;
    };
    let Some(version) = component_version(daemon, "runc") else {
        return;
    };
    let packaging = packaging(ctx, &["runc"], &version);
    report(
        ctx,
        VulnerableRunc::META.rule,
        "runc",
        &version,
        RUNC_ADVISORIES,
        &packaging,
        None,
        out,
    );
}
