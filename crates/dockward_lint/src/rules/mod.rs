//! One file per rule. Add a rule: see CONTRIBUTING.md.

use crate::LintRule;

mod from_latest_tag;

macro_rules! lint_rules {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        /// Every Dockerfile rule, in code order.
        pub static RULES: &[LintRule] = &[
            $(LintRule { meta: &$module::$rule::META, check: $module::check }),*
        ];
    };
}

lint_rules! {
    from_latest_tag::FromLatestTag,
}
