use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Placeholder for DF027; not written yet.
    pub struct AptInRun {
        severity: Medium,
        status: Preview,
        summary: "",
        aliases: [],
        references: [],
    }
}

pub(crate) fn check(_ctx: &Context, _out: &mut Vec<Violation>) {}
