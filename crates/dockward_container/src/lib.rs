//! Container rules (`CT`): checks over one [`ContainerSpec`], whatever it was built
//! from (a compose service, a `/containers/create` body, `docker inspect`).
//!
//! [`check`] runs the enabled rules and returns [`ContainerFinding`]s, each naming
//! the [`SpecField`] it is about; the caller turns that into a location (a span
//! in a compose file, a container object, a request field). Pure.
//!
//! Each rule lives in its own file under `rules/`, declares its metadata with
//! [`dockward_rules::declare_rule!`] and exposes
//! `check(&ContainerSpec, &ContainerContext, &mut Vec<ContainerFinding>)`.
//! Rules that implement a CIS Docker Benchmark recommendation carry its v1.6.0
//! ID and profile level as aliases (`CIS-5.5`, `CIS-L1`); section 5 keeps the
//! same numbering in v1.7.0 and v1.8.0.

pub mod rules;

use dockward_rules::{Rule, RuleMeta};
use dockward_spec::{ContainerSpec, SpecField};
pub use rules::RULES;

/// What the caller knows beyond the spec itself. The default is what a static
/// description (a compose file) gives: nothing about the daemon or the image.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerContext {
    /// The daemon sets `no-new-privileges` for every container (daemon.json or
    /// `--no-new-privileges`).
    pub daemon_no_new_privileges: bool,
    /// The daemon remaps root to an unprivileged user (`userns-remap`, rootless).
    pub daemon_userns_remap: bool,
    /// The spec already includes what the image sets (`USER`, `HEALTHCHECK`):
    /// true for `docker inspect`, false for compose files and create bodies,
    /// where an unset user or healthcheck means "whatever the image says".
    pub image_config_merged: bool,
    /// The AppArmor profile the container actually runs with (inspect's
    /// `AppArmorProfile`), when known. Empty means none was applied.
    pub effective_apparmor_profile: Option<String>,
    /// Whether the host has AppArmor enabled, when known.
    pub host_apparmor: Option<bool>,
    /// Processes running in the container, when known (`GET /containers/{id}/top`).
    pub processes: Option<Vec<Process>>,
    /// Exec sessions running in the container, when known (`GET /exec/{id}/json`).
    pub execs: Vec<Exec>,
}

/// A process running in a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// User name or uid as `ps` shows it.
    pub user: String,
    /// The command line.
    pub command: String,
}

/// An exec session (`docker exec`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exec {
    /// Exec ID.
    pub id: String,
    /// `ProcessConfig.privileged`.
    pub privileged: bool,
    /// `ProcessConfig.user`; empty means the container's user.
    pub user: String,
    /// `ProcessConfig.entrypoint` and `arguments`, joined.
    pub command: String,
}

/// One finding of a container rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerFinding {
    /// The rule.
    pub rule: Rule,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The part of the spec it is about.
    pub field: SpecField,
}

/// A container rule: its metadata and its check.
#[derive(Clone, Copy)]
pub struct ContainerRule {
    /// What the rule declares about itself.
    pub meta: &'static RuleMeta,
    /// The check.
    pub check: fn(&ContainerSpec, &ContainerContext, &mut Vec<ContainerFinding>),
}

impl std::fmt::Debug for ContainerRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.meta.code())
    }
}

/// The metadata of every container rule, for the registry.
pub fn rule_metas() -> Vec<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta).collect()
}

/// Runs every rule for which `enabled` is true over `spec`. Findings come in
/// rule-code order. A rule that panics is reported as a finding of that rule
/// (about the container as a whole), and the other rules still run.
pub fn check(
    spec: &ContainerSpec,
    ctx: &ContainerContext,
    enabled: &dyn Fn(Rule) -> bool,
) -> Vec<ContainerFinding> {
    run(RULES, spec, ctx, enabled)
}

fn run(
    rules: &[ContainerRule],
    spec: &ContainerSpec,
    ctx: &ContainerContext,
    enabled: &dyn Fn(Rule) -> bool,
) -> Vec<ContainerFinding> {
    let mut out = Vec::new();
    for rule in rules {
        if !enabled(rule.meta.rule) {
            continue;
        }
        match dockward_rules::run_isolated(|found| (rule.check)(spec, ctx, found)) {
            Ok(found) => out.extend(found),
            Err(why) => {
                out.push(ContainerFinding {
                    rule: rule.meta.rule,
                    message: format!(
                        "internal error: this rule crashed on this container ({why}); please report it"
                    ),
                    field: SpecField::Name,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crashes(_: &ContainerSpec, _: &ContainerContext, out: &mut Vec<ContainerFinding>) {
        out.push(ContainerFinding {
            rule: Rule::PrivilegedContainer,
            message: "partial".to_owned(),
            field: SpecField::Privileged,
        });
        panic!("boom");
    }

    #[test]
    fn a_crashing_rule_becomes_a_finding_and_the_others_still_run() {
        let rules = [
            ContainerRule {
                meta: RULES[5].meta,
                check: crashes,
            },
            RULES[13],
        ];
        let found = run(
            &rules,
            &ContainerSpec::default(),
            &ContainerContext::default(),
            &|_| true,
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].rule, Rule::PrivilegedContainer);
        assert!(
            found[0]
                .message
                .starts_with("internal error: this rule crashed"),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].field, SpecField::Name);
        assert_eq!(found[1].rule, Rule::WritableRootFilesystem);
    }

    #[test]
    fn disabled_rules_do_not_run() {
        let found = check(
            &ContainerSpec::default(),
            &ContainerContext::default(),
            &|rule| rule == Rule::MemoryUnlimited,
        );
        let rules: Vec<Rule> = found.iter().map(|f| f.rule).collect();
        assert_eq!(rules, [Rule::MemoryUnlimited]);
        assert_eq!(rule_metas().len(), RULES.len());
    }
}
