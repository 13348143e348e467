//! Which rules run, and at which severity.
//!
//! A rule runs when it is
//! - stable and enabled by default, or
//! - selected explicitly (`select`, `--select`), or
//! - a preview rule enabled by default while preview mode is on,
//!
//! and it is not ignored. Deprecated rules never run. `DF001` (parse errors)
//! always runs unless ignored. [`Selection::restrict_to`] (`--only`) replaces
//! all of this with an explicit list.
//!
//! Configuration is applied in layers (the configuration file, then the
//! command line): a later layer's `select` undoes an earlier layer's `ignore`
//! of the same rule and the other way round; within one layer `ignore` wins.

use std::collections::{BTreeMap, BTreeSet};

use dockward_diagnostics::Severity;

use crate::{Registry, RegistryError, Rule, RuleMeta, Status};

/// The set of enabled rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    selected: BTreeSet<Rule>,
    ignored: BTreeSet<Rule>,
    only: Option<BTreeSet<Rule>>,
    preview: bool,
}

impl Selection {
    /// The default selection, with or without preview rules.
    pub fn new(preview: bool) -> Self {
        Selection {
            preview,
            ..Selection::default()
        }
    }

    /// Turns preview mode on or off.
    pub fn set_preview(&mut self, preview: bool) {
        self.preview = preview;
    }

    /// Applies one configuration layer on top of the previous ones.
    pub fn apply_layer(&mut self, select: &[Rule], ignore: &[Rule]) {
        for rule in select {
            self.ignored.remove(rule);
            self.selected.insert(*rule);
        }
        for rule in ignore {
            self.selected.remove(rule);
            self.ignored.insert(*rule);
        }
    }

    /// Runs exactly `rules` (minus ignored and deprecated ones), whatever
    /// their status: for trying one rule on many files.
    pub fn restrict_to(&mut self, rules: &[Rule]) {
        self.only = Some(rules.iter().copied().collect());
    }

    /// Whether the rule described by `meta` runs.
    pub fn is_enabled(&self, meta: &RuleMeta) -> bool {
        if meta.status == Status::Deprecated || self.ignored.contains(&meta.rule) {
            return false;
        }
        if let Some(only) = &self.only {
            return only.contains(&meta.rule);
        }
        if meta.rule == Rule::ParseError || self.selected.contains(&meta.rule) {
            return true;
        }
        meta.default_enabled
            && match meta.status {
                Status::Stable => true,
                Status::Preview => self.preview,
                Status::Deprecated => false,
            }
    }

    /// The enabled rules of `registry`, in code order.
    pub fn enabled<'r>(
        &'r self,
        registry: &'r Registry,
    ) -> impl Iterator<Item = &'static RuleMeta> + 'r {
        registry
            .all()
            .iter()
            .copied()
            .filter(|meta| self.is_enabled(meta))
    }
}

/// Per-rule severities that replace the declared ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeverityOverrides {
    by_rule: BTreeMap<Rule, Severity>,
}

impl SeverityOverrides {
    /// Sets the severity of `rule`, replacing an earlier override.
    pub fn set(&mut self, rule: Rule, severity: Severity) {
        self.by_rule.insert(rule, severity);
    }

    /// The severity configured for `rule`, if any.
    pub fn get(&self, rule: Rule) -> Option<Severity> {
        self.by_rule.get(&rule).copied()
    }

    /// The effective severity of the rule described by `meta`.
    pub fn severity_of(&self, meta: &RuleMeta) -> Severity {
        self.by_rule
            .get(&meta.rule)
            .copied()
            .unwrap_or(meta.descriptor.default_severity)
    }
}

/// Resolves user-given rule identities (codes, names, aliases; any case) to
/// rules. An alias shared by several rules yields all of them.
pub fn resolve_all<'a>(
    registry: &Registry,
    keys: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Rule>, RegistryError> {
    let mut rules = Vec::new();
    for key in keys {
        for meta in registry.resolve(key)? {
            if !rules.contains(&meta.rule) {
                rules.push(meta.rule);
            }
        }
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use dockward_diagnostics::RuleDescriptor;

    use super::*;

    const fn meta(rule: Rule, status: Status, default_enabled: bool) -> RuleMeta {
        RuleMeta {
            rule,
            status,
            default_enabled,
            descriptor: RuleDescriptor {
                code: rule.code(),
                name: rule.name(),
                summary: "",
                docs: "",
                default_severity: Severity::Medium,
                aliases: &["DL3007", "SHARED"],
                references: &[],
            },
        }
    }

    static PARSE: RuleMeta = meta(Rule::ParseError, Status::Preview, false);
    static STABLE: RuleMeta = meta(Rule::FromLatestTag, Status::Stable, true);
    static OPT_IN: RuleMeta = meta(Rule::HealthcheckMissing, Status::Stable, false);
    static PREVIEW: RuleMeta = meta(Rule::SudoInRun, Status::Preview, true);
    static GONE: RuleMeta = meta(Rule::CdInRun, Status::Deprecated, true);

    #[test]
    fn defaults_run_stable_default_rules_and_parse_errors() {
        let selection = Selection::default();
        assert!(selection.is_enabled(&PARSE));
        assert!(selection.is_enabled(&STABLE));
        assert!(!selection.is_enabled(&OPT_IN));
        assert!(!selection.is_enabled(&PREVIEW));
        assert!(!selection.is_enabled(&GONE));
    }

    #[test]
    fn preview_mode_runs_preview_rules() {
        let selection = Selection::new(true);
        assert!(selection.is_enabled(&PREVIEW));
        assert!(!selection.is_enabled(&OPT_IN));
    }

    #[test]
    fn explicit_selection_enables_opt_in_and_preview_but_never_deprecated() {
        let mut selection = Selection::default();
        selection.apply_layer(
            &[Rule::HealthcheckMissing, Rule::SudoInRun, Rule::CdInRun],
            &[],
        );
        assert!(selection.is_enabled(&OPT_IN));
        assert!(selection.is_enabled(&PREVIEW));
        assert!(!selection.is_enabled(&GONE));
    }

    #[test]
    fn ignore_wins_within_a_layer_and_later_layers_win_across() {
        let mut selection = Selection::default();
        selection.apply_layer(
            &[Rule::FromLatestTag],
            &[Rule::FromLatestTag, Rule::ParseError],
        );
        assert!(!selection.is_enabled(&STABLE));
        assert!(!selection.is_enabled(&PARSE));
        selection.apply_layer(&[Rule::FromLatestTag], &[]);
        assert!(selection.is_enabled(&STABLE));
        selection.apply_layer(&[], &[Rule::FromLatestTag]);
        assert!(!selection.is_enabled(&STABLE));
    }

    #[test]
    fn restricting_runs_exactly_the_listed_rules() {
        let mut selection = Selection::new(true);
        selection.restrict_to(&[Rule::HealthcheckMissing, Rule::CdInRun, Rule::FromLatestTag]);
        selection.apply_layer(&[], &[Rule::FromLatestTag]);
        assert!(selection.is_enabled(&OPT_IN));
        assert!(!selection.is_enabled(&GONE));
        assert!(!selection.is_enabled(&STABLE));
        assert!(!selection.is_enabled(&PARSE));
        assert!(!selection.is_enabled(&PREVIEW));
    }

    #[test]
    fn overrides_replace_the_declared_severity() {
        let mut overrides = SeverityOverrides::default();
        assert_eq!(overrides.severity_of(&STABLE), Severity::Medium);
        overrides.set(Rule::FromLatestTag, Severity::Critical);
        assert_eq!(overrides.severity_of(&STABLE), Severity::Critical);
        assert_eq!(overrides.severity_of(&OPT_IN), Severity::Medium);
    }

    #[test]
    fn aliases_resolve_to_every_rule_declaring_them() {
        let list: &[&'static RuleMeta] = &[&STABLE, &PREVIEW];
        let registry = Registry::new([list]);
        let rules = resolve_all(&registry, ["shared", "DF003"]).expect("known");
        assert_eq!(rules, [Rule::FromLatestTag, Rule::SudoInRun]);
        assert_eq!(
            resolve_all(&registry, ["DL9999"]),
            Err(RegistryError::Unknown("DL9999".to_owned()))
        );
    }
}
