use std::collections::HashMap;

use crate::{Rule, RuleMeta};

/// A rule identity given by a user could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// Nothing has this code, name or alias.
    #[error("unknown rule `{0}`")]
    Unknown(String),
    /// Two rules declare the same alias; the registry is inconsistent.
    #[error("alias `{alias}` is declared by both {first} and {second}")]
    DuplicateAlias {
        /// The alias.
        alias: String,
        /// One rule declaring it.
        first: &'static str,
        /// The other.
        second: &'static str,
    },
}

/// The metadata of every rule linked into the binary, with lookup by code,
/// name and alias.
#[derive(Debug, Clone)]
pub struct Registry {
    rules: Vec<&'static RuleMeta>,
    by_rule: HashMap<Rule, usize>,
    by_key: HashMap<String, Vec<usize>>,
}

impl Registry {
    /// Builds a registry from the metadata lists of the engines.
    ///
    /// An alias may be shared by several rules (Trivy's DS031 covers both
    /// secret names and secret values); resolving it yields all of them.
    pub fn new<'a>(lists: impl IntoIterator<Item = &'a [&'static RuleMeta]>) -> Self {
        let mut rules: Vec<&'static RuleMeta> = lists.into_iter().flatten().copied().collect();
        rules.sort_by_key(|meta| meta.rule);
        let mut by_rule = HashMap::new();
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, meta) in rules.iter().enumerate() {
            by_rule.insert(meta.rule, i);
            let keys = [meta.descriptor.code, meta.descriptor.name]
                .into_iter()
                .chain(meta.descriptor.aliases.iter().copied());
            for key in keys {
                let entry = by_key.entry(key.to_ascii_uppercase()).or_default();
                if !entry.contains(&i) {
                    entry.push(i);
                }
            }
        }
        Registry {
            rules,
            by_rule,
            by_key,
        }
    }

    /// All rules, in code order.
    pub fn all(&self) -> &[&'static RuleMeta] {
        &self.rules
    }

    /// The metadata of `rule`, if linked.
    pub fn get(&self, rule: Rule) -> Option<&'static RuleMeta> {
        self.by_rule.get(&rule).map(|&i| self.rules[i])
    }

    /// Resolves a code (`DF003`), a name (`from-latest-tag`) or an alias
    /// (`DL3007`, `AVD-DS-0001`, `CIS-4.6`), ignoring ASCII case.
    pub fn resolve(&self, key: &str) -> Result<Vec<&'static RuleMeta>, RegistryError> {
        self.by_key
            .get(&key.trim().to_ascii_uppercase())
            .map(|found| found.iter().map(|&i| self.rules[i]).collect())
            .ok_or_else(|| RegistryError::Unknown(key.to_owned()))
    }
}
