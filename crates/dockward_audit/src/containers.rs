//! Containers: each recorded inspect becomes a `ContainerSpec`, what the daemon
//! and the probe know becomes its `ContainerContext`, and the container rules
//! (`dockward_container`) run on them.

use dockward_container::{ContainerContext, Exec, Process};
use dockward_rules::Rule;
use dockward_spec::ContainerSpec;
use serde_json::Value;

use crate::daemon_config::EffectiveDaemon;
use crate::facts::{ContainerFacts, Facts};
use crate::{AuditFinding, ObjectKind};

/// The name a container is reported under: its name without the leading `/`,
/// else its short ID.
pub fn container_name(inspect: &Value) -> String {
    match inspect.get("Name").and_then(Value::as_str) {
        Some(name) if !name.trim_start_matches('/').is_empty() => {
            name.trim_start_matches('/').to_owned()
        }
        _ => inspect.get("Id").and_then(Value::as_str).map_or_else(
            || "<unnamed>".to_owned(),
            |id| id.chars().take(12).collect(),
        ),
    }
}

/// Whether `filter` (names or ID prefixes; empty = all) selects the container.
pub fn selected(inspect: &Value, filter: &[String]) -> bool {
    if filter.is_empty() {
        return true;
    }
    let name = container_name(inspect);
    let id = inspect
        .get("Id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    filter.iter().any(|wanted| {
        let wanted = wanted.trim_start_matches('/');
        wanted == name || (wanted.len() >= 4 && id.starts_with(wanted))
    })
}

/// The context of one container: the daemon's defaults and what the probe saw.
pub fn context(
    facts: &Facts,
    daemon: &EffectiveDaemon,
    container: &ContainerFacts,
) -> ContainerContext {
    let inspect = &container.inspect;
    let host_apparmor = facts
        .host
        .as_ref()
        .and_then(|host| host.lsm.apparmor_enabled)
        .or_else(|| {
            let options = facts
                .daemon
                .as_ref()?
                .info
                .as_ref()?
                .get("SecurityOptions")?;
            Some(
                options
                    .as_array()?
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|option| option == "name=apparmor"),
            )
        });
    ContainerContext {
        daemon_no_new_privileges: daemon.no_new_privileges,
        daemon_userns_remap: daemon.userns_remap || daemon.rootless,
        image_config_merged: true,
        effective_apparmor_profile: inspect
            .get("AppArmorProfile")
            .and_then(Value::as_str)
            .map(str::to_owned),
        host_apparmor,
        processes: container.top.as_ref().map(processes),
        execs: container.execs.iter().filter_map(exec).collect(),
    }
}

/// Rows of `GET /containers/{id}/top`: the `USER` (or `UID`) column and the
/// last `COMMAND`/`CMD` column.
fn processes(top: &Value) -> Vec<Process> {
    let titles: Vec<&str> = top
        .get("Titles")
        .and_then(Value::as_array)
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let user = titles.iter().position(|t| matches!(*t, "USER" | "UID"));
    let command = titles
        .iter()
        .rposition(|t| matches!(*t, "COMMAND" | "CMD" | "ARGS"));
    top.get("Processes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .map(|row| {
            let cell = |i: Option<usize>| {
                i.and_then(|i| row.get(i))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            Process {
                user: cell(user),
                command: cell(command.or(row.len().checked_sub(1))),
            }
        })
        .collect()
}

/// `GET /exec/{id}/json`, when it describes a running exec.
fn exec(value: &Value) -> Option<Exec> {
    if value.get("Running").and_then(Value::as_bool) == Some(false) {
        return None;
    }
    let config = value.get("ProcessConfig")?;
    let text = |key: &str| config.get(key).and_then(Value::as_str).unwrap_or_default();
    let mut command = text("entrypoint").to_owned();
    for argument in config
        .get("arguments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        command.push(' ');
        command.push_str(argument);
    }
    Some(Exec {
        id: value
            .get("ID")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        privileged: config
            .get("privileged")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        user: text("user").to_owned(),
        command,
    })
}

/// Runs the container rules on every recorded container `filter` selects.
/// A container whose inspect cannot be read as a spec is reported by name
/// with the reason, and the others are still audited.
pub fn audit_containers(
    facts: &Facts,
    daemon: &EffectiveDaemon,
    filter: &[String],
    enabled: &dyn Fn(Rule) -> bool,
) -> (Vec<AuditFinding>, Vec<String>) {
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    for container in facts
        .containers
        .iter()
        .filter(|c| selected(&c.inspect, filter))
    {
        let name = container_name(&container.inspect);
        let spec = match ContainerSpec::from_inspect(&container.inspect) {
            Ok(spec) => spec,
            Err(error) => {
                problems.push(format!("container {name}: {error}"));
                continue;
            }
        };
        let context = context(facts, daemon, container);
        for finding in dockward_container::check(&spec, &context, enabled) {
            findings.push(AuditFinding {
                rule: finding.rule,
                severity: None,
                message: finding.message,
                object_kind: ObjectKind::Container,
                object: name.clone(),
                aliases: Vec::new(),
            });
        }
    }
    (findings, problems)
}
