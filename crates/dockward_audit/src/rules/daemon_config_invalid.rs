use dockward_rules::declare_rule;

use crate::daemon_config::DaemonProblem;
use crate::{AuditFinding, Context, ObjectKind};

declare_rule! {
    /// ## What it does
    /// Flags a daemon configuration dockerd refuses: a configuration file
    /// that is not valid JSON (with the line and column of the error) or not
    /// a JSON object, a known key with a value of the wrong type, or an
    /// option set both on the command line and in the file ("the following
    /// directives are specified both as a flag and in the configuration
    /// file"). Unknown keys are not reported (dockward's key list is not
    /// exhaustive).
    ///
    /// ## Why is this bad?
    /// A running daemon keeps its old configuration, so the problem stays
    /// hidden until the next restart, which then fails: containers stay
    /// down, and the security settings the file was meant to add never
    /// apply. The other daemon checks read the configuration as dockerd
    /// would, so with an invalid file they may judge settings that will
    /// never be in force.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "icc": false,
    /// }
    /// ```
    ///
    /// Use instead: valid JSON, each option in one place; check with
    /// `dockerd --validate --config-file /etc/docker/daemon.json`.
    ///
    /// ## References
    /// - [dockerd reference: daemon configuration file](https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file)
    pub struct DaemonConfigInvalid {
        severity: High,
        status: Stable,
        summary: "dockerd would refuse its configuration",
        aliases: [],
        references: ["https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file"],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    for problem in ctx.daemon_problems() {
        let (path, message) = match problem {
            DaemonProblem::InvalidJson {
                path,
                line,
                column,
                message,
            } => (
                path,
                format!(
                    "{path} is not valid JSON (line {line}, column {column}: {message}); dockerd will refuse to start with it"
                ),
            ),
            DaemonProblem::NotAnObject { path } => (
                path,
                format!("{path} is not a JSON object; dockerd will refuse to start with it"),
            ),
            DaemonProblem::WrongType {
                path,
                key,
                expected,
            } => (
                path,
                format!(
                    "`\"{key}\"` in {path} must be {expected}; dockerd will refuse to start with it"
                ),
            ),
            DaemonProblem::Conflict { path, keys } => (
                path,
                format!(
                    "{} set both on the dockerd command line and in {path}; dockerd refuses to start when an option is in both places",
                    keys.iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                        + if keys.len() == 1 { " is" } else { " are" }
                ),
            ),
            DaemonProblem::PendingRestart { .. } => continue,
        };
        out.push(AuditFinding::new(
            DaemonConfigInvalid::META.rule,
            ObjectKind::File,
            path.clone(),
            message,
        ));
    }
}
