//! What every rule reads: the facts, the settings, and the daemon resolved once.

use dockward_diagnostics::Severity;
use dockward_rules::Rule;
use serde_json::Value;

use crate::daemon_config::{DaemonProblem, EffectiveDaemon, effective_daemon};
use crate::facts::{DaemonFacts, Facts, FileFacts, FileKind, HostFacts};
use crate::{AuditFinding, AuditSettings, ObjectKind};

/// The input of every rule.
#[derive(Debug)]
pub struct Context<'a> {
    facts: &'a Facts,
    settings: &'a AuditSettings,
    daemon: EffectiveDaemon,
    daemon_problems: Vec<DaemonProblem>,
}

impl<'a> Context<'a> {
    /// Resolves the daemon once for all rules.
    pub fn new(facts: &'a Facts, settings: &'a AuditSettings) -> Self {
        let (daemon, daemon_problems) = effective_daemon(facts);
        Context {
            facts,
            settings,
            daemon,
            daemon_problems,
        }
    }

    /// The facts.
    pub fn facts(&self) -> &'a Facts {
        self.facts
    }

    /// The settings.
    pub fn settings(&self) -> &'a AuditSettings {
        self.settings
    }

    /// The host facts, when the host was probed.
    pub fn host(&self) -> Option<&'a HostFacts> {
        self.facts.host.as_ref()
    }

    /// The daemon facts, when the daemon was probed.
    pub fn daemon_facts(&self) -> Option<&'a DaemonFacts> {
        self.facts.daemon.as_ref()
    }

    /// `GET /info`, when it was read.
    pub fn info(&self) -> Option<&'a Value> {
        self.daemon_facts()?.info.as_ref()
    }

    /// The daemon as resolved by [`effective_daemon`].
    pub fn daemon(&self) -> &EffectiveDaemon {
        &self.daemon
    }

    /// Problems met while resolving the daemon.
    pub fn daemon_problems(&self) -> &[DaemonProblem] {
        &self.daemon_problems
    }

    /// Whether anything is known about the daemon's configuration or state
    /// (its `/info`, its command line, or its configuration file). Daemon
    /// rules judge nothing without it: dockerd's defaults alone are no evidence.
    pub fn daemon_known(&self) -> bool {
        self.daemon.has_info || self.daemon.has_process || self.daemon.has_config_file
    }

    /// How findings about the daemon name it: its endpoint, else `dockerd`.
    pub fn daemon_object(&self) -> String {
        self.daemon_facts()
            .and_then(|d| d.endpoint.clone())
            .unwrap_or_else(|| "dockerd".to_owned())
    }

    /// The recorded facts of `path`, when it exists.
    pub fn existing_file(&self, path: &str) -> Option<&'a FileFacts> {
        self.host()?
            .files
            .iter()
            .find(|f| f.path == path && f.kind != FileKind::Missing)
    }

    /// A sysctl's value, trimmed.
    pub fn sysctl(&self, name: &str) -> Option<&'a str> {
        self.host()?.sysctls.get(name).map(|v| v.trim())
    }

    /// A finding about the host.
    pub fn host_finding(&self, rule: Rule, message: impl Into<String>) -> AuditFinding {
        AuditFinding::new(rule, ObjectKind::Host, "host", message)
    }

    /// A finding about the daemon.
    pub fn daemon_finding(&self, rule: Rule, message: impl Into<String>) -> AuditFinding {
        AuditFinding::new(rule, ObjectKind::Daemon, self.daemon_object(), message)
    }
}

impl AuditFinding {
    /// A finding at the rule's severity, without aliases of its own.
    pub fn new(
        rule: Rule,
        object_kind: ObjectKind,
        object: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        AuditFinding {
            rule,
            severity: None,
            message: message.into(),
            object_kind,
            object: object.into(),
            aliases: Vec::new(),
        }
    }

    /// Adds the CIS v1.6.0 ID and level of the check this finding answers.
    #[must_use]
    pub fn with_cis(mut self, id: &str) -> Self {
        self.aliases.extend(crate::cis::aliases(id));
        self
    }

    /// Gives this finding its own severity.
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
}

/// `0o644` as `0644`.
pub(crate) fn octal(mode: u32) -> String {
    format!("{mode:04o}")
}
