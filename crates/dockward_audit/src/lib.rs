//! The audit engine: host (`HS`), daemon (`DM`), image (`IM`) and container
//! (`CT`, through `dockward_container`) checks over recorded [`facts`].
//!
//! Pure: the probe (`dockward_probe`) collects [`facts::Facts`]; this crate only
//! reads them, so an audit can be replayed from a snapshot.
//!
//! - [`audit`] runs the enabled host, daemon and image rules and returns
//!   [`AuditFinding`]s in a deterministic order (whatever the order of the facts).
//! - [`daemon_config`] resolves what the daemon is configured to do and what it
//!   actually does (flags, `daemon.json`, `GET /info`).
//! - [`cis`] is the CIS Docker Benchmark table the rules and findings refer to.

use dockward_diagnostics::Severity;
use dockward_rules::{Rule, RuleMeta};

pub mod cis;
mod containers;
mod context;
pub mod daemon_config;
pub mod facts;
mod files;
pub mod inside;
mod packaging;
mod rules;
mod version;

pub use containers::{container_name, selected};
pub use context::Context;

/// What the caller tells the audit beyond the facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditSettings {
    /// Users allowed in the `docker` group. `None`: `HS010` only lists the
    /// members, at info severity; `Some`: every other member is a finding.
    pub trusted_docker_users: Option<Vec<String>>,
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectKind {
    /// The host (kernel, sysctls, mounts, users).
    Host,
    /// The Docker daemon (its configuration and what its API reports).
    Daemon,
    /// A file or directory on the host.
    File,
    /// An image.
    Image,
    /// A container.
    Container,
}

impl ObjectKind {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Host => "host",
            ObjectKind::Daemon => "daemon",
            ObjectKind::File => "file",
            ObjectKind::Image => "image",
            ObjectKind::Container => "container",
        }
    }
}

/// One finding of a host, daemon or image rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFinding {
    /// The rule.
    pub rule: Rule,
    /// This finding's own severity when it differs from the rule's (a
    /// vulnerable version the distribution may have patched is only info; a
    /// world-writable file is high). `None`: the rule's severity, after any
    /// configuration override.
    pub severity: Option<Severity>,
    /// What is wrong, in one or two sentences.
    pub message: String,
    /// What kind of object it is about.
    pub object_kind: ObjectKind,
    /// The object: a path, an image tag or short ID, `host`, or the daemon's
    /// endpoint.
    pub object: String,
    /// Identifiers of this finding beyond the rule's own aliases: the CIS
    /// benchmark ID and level of the one check it answers (`CIS-3.14`, `CIS-L1`).
    pub aliases: Vec<String>,
}

/// A host, daemon or image rule: its metadata and its check.
#[derive(Clone, Copy)]
pub struct AuditRule {
    /// What the rule declares about itself.
    pub meta: &'static RuleMeta,
    /// The check.
    pub check: fn(&Context<'_>, &mut Vec<AuditFinding>),
}

impl std::fmt::Debug for AuditRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.meta.code())
    }
}

/// The metadata of every host, daemon and image rule, for the registry.
pub fn rule_metas() -> Vec<&'static RuleMeta> {
    rules::RULES.iter().map(|r| r.meta).collect()
}

/// Every host, daemon and image rule, in code order.
pub fn rules() -> &'static [AuditRule] {
    rules::RULES
}

/// Runs every rule for which `enabled` is true over `facts`. A rule that
/// panics is reported as a finding of that rule, and the other rules still
/// run. Findings are sorted by rule, object and message, so the order of the
/// facts does not matter.
pub fn audit(
    facts: &facts::Facts,
    settings: &AuditSettings,
    enabled: &dyn Fn(Rule) -> bool,
) -> Vec<AuditFinding> {
    let ctx = Context::new(facts, settings);
    let mut out = Vec::new();
    for rule in rules::RULES {
        if !enabled(rule.meta.rule) {
            continue;
        }
        match dockward_rules::run_isolated(|found| (rule.check)(&ctx, found)) {
            Ok(found) => out.extend(found),
            Err(why) => {
                out.push(AuditFinding {
                    rule: rule.meta.rule,
                    severity: None,
                    message: format!(
                        "internal error: this rule crashed on these facts ({why}); please report it"
                    ),
                    object_kind: ObjectKind::Host,
                    object: "host".to_owned(),
                    aliases: Vec::new(),
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (a.rule, a.object_kind, &a.object, &a.message).cmp(&(
            b.rule,
            b.object_kind,
            &b.object,
            &b.message,
        ))
    });
    out.dedup();
    out
}

/// Which parts of the facts an audit covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Host rules (`HS`).
    pub host: bool,
    /// Daemon rules (`DM`), including the daemon's files.
    pub daemon: bool,
    /// Container rules (`CT`) over every recorded container.
    pub containers: bool,
    /// Image rules (`IM`).
    pub images: bool,
    /// Only these containers (names or ID prefixes); empty = all recorded.
    pub container_names: Vec<String>,
}

/// What an audit found, and what it could not look at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditOutcome {
    /// Findings: host, daemon and image rules in rule order, then containers
    /// in the daemon's order.
    pub findings: Vec<AuditFinding>,
    /// Objects that could not be audited, and why (the others were).
    pub problems: Vec<String>,
}

/// Runs the rules of the parts `scope` selects. `DM029` (daemon unreachable)
/// runs whenever a part needs the daemon, so an audit of containers alone
/// does not pass silently when there is no daemon to ask.
pub fn audit_scoped(
    facts: &facts::Facts,
    settings: &AuditSettings,
    scope: &Scope,
    enabled: &dyn Fn(Rule) -> bool,
) -> AuditOutcome {
    use dockward_rules::Family;
    let needs_daemon = scope.daemon || scope.containers || scope.images;
    let in_scope = |rule: Rule| match rule.family() {
        Family::Host => scope.host,
        Family::Daemon => scope.daemon || (rule == Rule::DaemonUnreachable && needs_daemon),
        Family::Image => scope.images,
        Family::Container | Family::Dockerfile | Family::Vulnerability => false,
    };
    let mut outcome = AuditOutcome {
        findings: audit(facts, settings, &|rule| in_scope(rule) && enabled(rule)),
        problems: Vec::new(),
    };
    if scope.containers {
        let (daemon, _) = daemon_config::effective_daemon(facts);
        let (findings, problems) =
            containers::audit_containers(facts, &daemon, &scope.container_names, enabled);
        outcome.findings.extend(findings);
        outcome.problems.extend(problems);
    }
    outcome
}

/// What an audit of `scope` examined, in report order: the host, the daemon,
/// each image, each container.
pub fn subjects(facts: &facts::Facts, scope: &Scope) -> Vec<(ObjectKind, String)> {
    let mut out = Vec::new();
    if scope.host && facts.host.is_some() {
        let name = facts
            .host
            .as_ref()
            .and_then(|h| h.hostname.clone())
            .unwrap_or_else(|| "host".to_owned());
        out.push((ObjectKind::Host, name));
    }
    if scope.daemon
        && let Some(daemon) = &facts.daemon
    {
        let name = daemon
            .endpoint
            .clone()
            .unwrap_or_else(|| "daemon".to_owned());
        out.push((ObjectKind::Daemon, name));
    }
    if scope.images {
        for image in &facts.images {
            out.push((ObjectKind::Image, rules::image_name(&image.inspect)));
        }
    }
    if scope.containers {
        for container in facts
            .containers
            .iter()
            .filter(|c| selected(&c.inspect, &scope.container_names))
        {
            out.push((ObjectKind::Container, container_name(&container.inspect)));
        }
    }
    out
}
