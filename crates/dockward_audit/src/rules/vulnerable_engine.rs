use dockward_rules::declare_rule;

use crate::daemon_config::component_version;
use crate::packaging::{packaging, report};
use crate::version::ENGINE_ADVISORIES;
use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Compares the Engine version (`GET /version`) with known Engine
    /// vulnerabilities, one finding per advisory:
    ///
    /// | CVE | What | Fixed in |
    /// |---|---|---|
    /// | CVE-2024-24557 | classic builder cache poisoning (low) | 24.0.9, 25.0.2 |
    /// | CVE-2024-41110 | AuthZ bypass with an empty body | 23.0.15, 25.0.6, 26.1.5, 27.1.1 |
    /// | CVE-2025-54388 | firewalld reload exposes 127.0.0.1 ports (28.2.0–28.3.2) | 28.3.3 |
    /// | CVE-2026-34040 | AuthZ bypass with an oversized body | 29.3.1 |
    ///
    /// The AuthZ bypasses are reported always, but at high (critical)
    /// severity only when an authorization plugin is configured, and at low
    /// severity otherwise.
    ///
    /// When the Engine comes from a distribution package (`docker.io` on
    /// Debian and Ubuntu, `moby-engine`, `docker`), or its version carries a
    /// repack marker (`20.10.24+dfsg1`), the distribution may have
    /// back-ported fixes without changing the upstream version: the finding
    /// is then *info* and names the package, to be checked against the
    /// distribution's security tracker.
    ///
    /// ## Why is this bad?
    /// An AuthZ bypass lets a client the policy denies run anything,
    /// including a privileged container; the others weaken isolation.
    ///
    /// ## Example
    /// Docker Engine 27.1.0 with an AuthZ plugin (CVE-2024-41110).
    ///
    /// Use instead: the current Engine release.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 1.2.2 (Level 1). docker-bench compares the version with a date
    /// string (meaningless since Engine 23) and never warns.
    ///
    /// ## References
    /// - [GHSA-v23v-6jw2-98fq (CVE-2024-41110)](https://github.com/moby/moby/security/advisories/GHSA-v23v-6jw2-98fq)
    /// - [GHSA-x744-4wpc-v9h2 (CVE-2026-34040)](https://github.com/moby/moby/security/advisories/GHSA-x744-4wpc-v9h2)
    /// - [Docker Engine release notes](https://docs.docker.com/engine/release-notes/)
    /// - [CIS Docker Benchmark v1.6.0, 1.2.2](https://www.cisecurity.org/benchmark/docker)
    pub struct VulnerableEngine {
        severity: High,
        status: Stable,
        summary: "the Docker Engine version has a known vulnerability",
        aliases: ["CIS-1.2.2", "CIS-L1"],
        references: [
            "https://github.com/moby/moby/security/advisories/GHSA-v23v-6jw2-98fq",
            "https://github.com/moby/moby/security/advisories/GHSA-x744-4wpc-v9h2",
            "https://docs.docker.com/engine/release-notes/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let Some(daemon) = ctx.daemon_facts() else {
        return;
    };
    let Some(version) =
        component_version(daemon, "Engine").or_else(|| ctx.daemon().engine_version.clone())
    else {
        return;
    };
    let packaging = packaging(ctx, &["docker.io", "moby-engine", "docker"], &version);
    report(
        ctx,
        VulnerableEngine::META.rule,
        "Docker Engine",
        &version,
        ENGINE_ADVISORIES,
        &packaging,
        Some("1.2.2"),
        out,
    );
}
