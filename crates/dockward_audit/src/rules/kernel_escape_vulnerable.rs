use dockward_diagnostics::Severity;
use dockward_rules::declare_rule;

use crate::version::{KERNEL_ADVISORIES, KernelCondition, Version};
use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Compares the running kernel with a table of kernel bugs that lead
    /// from a container to root on the host:
    ///
    /// | CVE | Affected | Fixed in |
    /// |---|---|---|
    /// | CVE-2016-5195 "Dirty COW" | 2.6.22 – | 4.4.26, 4.7.9, 4.8.3, 4.9 |
    /// | CVE-2022-0847 "Dirty Pipe" | 5.8 – | 5.10.102, 5.15.25, 5.16.11, 5.17 |
    /// | CVE-2022-0492 cgroup v1 `release_agent` (only on cgroup v1 hosts) | all | 4.9.301, 4.14.266, 4.19.229, 5.4.177, 5.10.97, 5.15.20, 5.16.6, 5.17 |
    /// | CVE-2022-0185 `fs_context` overflow | 5.1 – | 5.4.173, 5.10.93, 5.15.16, 5.16.2, 5.17 |
    /// | CVE-2024-1086 nf_tables use-after-free | 3.15 – | 4.19.306, 5.4.269, 5.10.209, 5.15.149, 6.1.76, 6.6.15, 6.7.3, 6.8 |
    ///
    /// A release line with no listed back-port (5.11–5.14 for Dirty Pipe)
    /// never got the fix.
    ///
    /// The version compared is the *upstream* one:
    /// - when `uname -v` names a Debian kernel package (`Debian 6.1.140-1`),
    ///   its upstream version (6.1.140) is used, and the message says so;
    /// - when `uname -r` carries a distribution ABI number instead of the
    ///   upstream patch level (`5.15.0-91-generic`, `4.18.0-513.el8`), only
    ///   whole release lines can be judged: a line that never got an
    ///   upstream fix is reported at *info* severity, as the distribution
    ///   may have back-ported it; a line with an upstream fix is not
    ///   reported (the patch level cannot be told);
    /// - otherwise (a vanilla or stable kernel, `6.18.44`) `uname -r` is used.
    ///
    /// ## Why is this bad?
    /// Containers share the host's kernel. These bugs are reachable from an
    /// unprivileged process in a default container (or, for CVE-2022-0492
    /// and CVE-2022-0185, from one allowed to create a user namespace) and
    /// give root on the host.
    ///
    /// ## Example
    /// A host running 5.15.20 (Dirty Pipe, fixed in 5.15.25).
    ///
    /// Use instead: install the distribution's current kernel and reboot.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 1.2.1 ("host hardened") is a manual note in docker-bench; the
    /// benchmark checks no kernel version. This rule is dockward's own.
    ///
    /// ## References
    /// - [NVD: CVE-2016-5195](https://nvd.nist.gov/vuln/detail/CVE-2016-5195)
    /// - [NVD: CVE-2022-0847](https://nvd.nist.gov/vuln/detail/CVE-2022-0847)
    /// - [NVD: CVE-2022-0492](https://nvd.nist.gov/vuln/detail/CVE-2022-0492)
    /// - [NVD: CVE-2022-0185](https://nvd.nist.gov/vuln/detail/CVE-2022-0185)
    /// - [NVD: CVE-2024-1086](https://nvd.nist.gov/vuln/detail/CVE-2024-1086)
    /// - [kernel.org stable changelogs](https://cdn.kernel.org/pub/linux/kernel/)
    pub struct KernelEscapeVulnerable {
        severity: High,
        status: Stable,
        summary: "the kernel has a known container-escape or local-root bug",
        aliases: [],
        references: [
            "https://nvd.nist.gov/vuln/detail/CVE-2016-5195",
            "https://nvd.nist.gov/vuln/detail/CVE-2022-0847",
            "https://nvd.nist.gov/vuln/detail/CVE-2022-0492",
            "https://nvd.nist.gov/vuln/detail/CVE-2022-0185",
            "https://nvd.nist.gov/vuln/detail/CVE-2024-1086",
            "https://cdn.kernel.org/pub/linux/kernel/",
        ],
    }
}

/// How the kernel's upstream version was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KernelVersion {
    /// From the Debian package version in `uname -v`.
    Debian(Version, String),
    /// `uname -r` with a distribution ABI number: only the line is known.
    LineOnly(Version),
    /// `uname -r` of a vanilla or stable kernel.
    Upstream(Version),
}

/// The upstream version of the running kernel, from `uname -r` and `uname -v`.
pub(crate) fn kernel_version(release: &str, version: &str) -> Option<KernelVersion> {
    let words: Vec<&str> = version.split_whitespace().collect();
    for pair in words.windows(2) {
        if let [distro, package] = pair
            && *distro == "Debian"
            && let Some(v) = Version::parse(package)
        {
            return Some(KernelVersion::Debian(v, (*package).to_owned()));
        }
    }
    let v = Version::parse(release)?;
    // `5.15.0-91-generic`, `6.1.0-37-amd64`, `4.18.0-513.5.1.el8_9.x86_64`:
    // patch level 0 followed by a distribution build number.
    let after = release
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
        .to_owned();
    let abi = v.parts[2] == 0
        && after
            .strip_prefix('-')
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    if abi {
        Some(KernelVersion::LineOnly(v))
    } else {
        Some(KernelVersion::Upstream(v))
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let Some(host) = ctx.host() else {
        return;
    };
    let kernel = &host.kernel;
    let Some(found) = kernel_version(&kernel.release, &kernel.version) else {
        return;
    };
    let cgroup_v1 = host.cgroup.version == Some(1);
    for (advisory, condition) in KERNEL_ADVISORIES {
        if *condition == KernelCondition::CgroupV1 && !cgroup_v1 {
            continue;
        }
        let v1_note = if *condition == KernelCondition::CgroupV1 {
            " (this host mounts cgroup v1)"
        } else {
            ""
        };
        match &found {
            KernelVersion::Upstream(v) => {
                if let Some(fix) = advisory.affects(v) {
                    out.push(ctx.host_finding(
                        KernelEscapeVulnerable::META.rule,
                        format!(
                            "kernel {} is affected by {}: {}{v1_note}; fixed in {fix}",
                            kernel.release, advisory.id, advisory.summary
                        ),
                    ));
                }
            }
            KernelVersion::Debian(v, package) => {
                if let Some(fix) = advisory.affects(v) {
                    out.push(ctx.host_finding(
                        KernelEscapeVulnerable::META.rule,
                        format!(
                            "Debian kernel package {package} is upstream {v}, which is affected by {}: {}{v1_note}; upstream fixed it in {fix}, install the current Debian kernel",
                            advisory.id, advisory.summary
                        ),
                    ));
                }
            }
            KernelVersion::LineOnly(v) => {
                // Judge the line by its first and last possible release.
                let first = Version::new(v.parts[0], v.parts[1], 0);
                let last = Version::new(v.parts[0], v.parts[1], u64::MAX);
                if advisory.affects(&first).is_some() && advisory.affects(&last).is_some() {
                    out.push(
                        ctx.host_finding(
                            KernelEscapeVulnerable::META.rule,
                            format!(
                                "distribution kernel {} belongs to the {}.{} line, which never got the upstream fix for {}: {}{v1_note}; check the distribution's advisory",
                                kernel.release, v.parts[0], v.parts[1], advisory.id, advisory.summary
                            ),
                        )
                        .with_severity(Severity::Info),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_package_version_wins_over_the_abi_release() {
        assert_eq!(
            kernel_version(
                "6.1.0-37-amd64",
                "#1 SMP PREEMPT_DYNAMIC Debian 6.1.140-1 (2025-05-22)"
            ),
            Some(KernelVersion::Debian(
                Version::new(6, 1, 140),
                "6.1.140-1".to_owned()
            ))
        );
        assert_eq!(
            kernel_version(
                "5.15.0-91-generic",
                "#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023"
            ),
            Some(KernelVersion::LineOnly(Version::new(5, 15, 0)))
        );
        assert_eq!(
            kernel_version("6.18.44-fc-v857", "#1 SMP PREEMPT_DYNAMIC @0"),
            Some(KernelVersion::Upstream(Version::new(6, 18, 44)))
        );
    }
}
