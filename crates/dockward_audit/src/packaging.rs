//! Judging a component's version (`DM021`–`DM023`) against its advisories,
//! with the distribution's packaging in mind.

use dockward_diagnostics::Severity;
use dockward_rules::Rule;

use crate::version::{Advisory, Relevance, Version};
use crate::{AuditFinding, Context};

/// How a component was installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Packaging {
    /// Upstream binaries (Docker's own packages, static binaries).
    Upstream,
    /// A distribution package that may carry back-ported fixes:
    /// `"Debian GNU/Linux 12 (bookworm) package docker.io 20.10.24+dfsg1-1+deb12u1"`.
    Distribution(String),
}

/// The distribution package among `names` (`docker.io`, `runc`, ...), or,
/// without package facts, a repack marker in the version (`+dfsg`, `+ds`, `~ds`).
pub(crate) fn packaging(ctx: &Context, names: &[&str], version: &str) -> Packaging {
    let distro = ctx
        .host()
        .and_then(|h| {
            h.os_release
                .get("PRETTY_NAME")
                .or_else(|| h.os_release.get("NAME"))
                .cloned()
        })
        .unwrap_or_else(|| "the distribution".to_owned());
    if let Some(package) = ctx.host().and_then(|h| {
        let mut found: Vec<_> = h
            .packages
            .iter()
            .filter(|p| names.contains(&p.name.as_str()))
            .collect();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found.into_iter().next()
    }) {
        return Packaging::Distribution(format!(
            "{distro} package {} {} ({})",
            package.name, package.version, package.manager
        ));
    }
    let lower = version.to_ascii_lowercase();
    if ["+dfsg", "+ds", "~ds"].iter().any(|m| lower.contains(m)) {
        return Packaging::Distribution(format!("{distro} (version {version})"));
    }
    Packaging::Upstream
}

/// One finding per advisory affecting `version` of `component`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn report(
    ctx: &Context,
    rule: Rule,
    component: &str,
    version: &str,
    advisories: &[(Advisory, Relevance)],
    packaging: &Packaging,
    cis: Option<&str>,
    out: &mut Vec<AuditFinding>,
) {
    let Some(parsed) = Version::parse(version) else {
        return;
    };
    let has_authz = !ctx.daemon().authorization_plugins.is_empty();
    for (advisory, relevance) in advisories {
        let Some(fix) = advisory.affects(&parsed) else {
            continue;
        };
        let (note, severity) = match relevance {
            Relevance::Always => (String::new(), None),
            Relevance::AuthzPlugin if has_authz => (
                " (an authorization plugin is configured, so it applies here)".to_owned(),
                Some(Severity::Critical),
            ),
            Relevance::AuthzPlugin => (
                " (it only matters with an authorization plugin; none is configured now)"
                    .to_owned(),
                Some(Severity::Low),
            ),
            Relevance::Firewalld => (
                " (it only matters on hosts running firewalld)".to_owned(),
                Some(Severity::Medium),
            ),
            Relevance::Low => (String::new(), Some(Severity::Low)),
        };
        let mut finding = match packaging {
            Packaging::Upstream => ctx.daemon_finding(
                rule,
                format!(
                    "{component} {version} is affected by {}: {}{note}; upgrade to {fix} or later",
                    advisory.id, advisory.summary
                ),
            ),
            Packaging::Distribution(package) => ctx
                .daemon_finding(
                    rule,
                    format!(
                        "{component} is packaged by {package}; upstream {parsed} is affected by {}: {}{note}, fixed upstream in {fix}, unless the distribution back-ported the fix; check its security tracker",
                        advisory.id, advisory.summary
                    ),
                )
                .with_severity(Severity::Info),
        };
        if finding.severity.is_none()
            && let Some(severity) = severity
        {
            finding = finding.with_severity(severity);
        }
        if let Some(cis) = cis {
            finding = finding.with_cis(cis);
        }
        out.push(finding);
    }
}
