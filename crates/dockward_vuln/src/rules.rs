//! The vulnerability rule (`VL`): one rule whose findings carry each
//! advisory's own severity and identifiers.

mod vulnerable_package;

pub use vulnerable_package::VulnerablePackage;

/// The metadata of every vulnerability rule, for the registry.
pub fn rule_metas() -> Vec<&'static dockward_rules::RuleMeta> {
    vec![&VulnerablePackage::META]
}
