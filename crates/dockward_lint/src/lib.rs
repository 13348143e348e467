//! Dockerfile rules.
//!
//! [`lint`] runs the enabled rules over a parsed [`Dockerfile`] and returns
//! [`Violation`]s. It is pure: no file, socket or clock is touched. Each rule
//! lives in its own file under `rules/`, declares its metadata with
//! [`dockward_rules::declare_rule!`] and exposes `check(&Context, &mut Vec<Violation>)`.

mod context;
pub mod rules;
mod settings;
pub mod suppress;

pub use context::{Context, RunInfo};
use dockward_diagnostics::Span;
use dockward_dockerfile::Dockerfile;
use dockward_rules::Rule;
pub use rules::RULES;
pub use settings::{LabelType, LintSettings};

/// A rule's finding before configuration (severity overrides, suppressions)
/// turns it into a [`dockward_diagnostics::Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule that fired.
    pub rule: Rule,
    /// Where, in the Dockerfile.
    pub span: Span,
    /// What is wrong here.
    pub message: String,
}

impl Violation {
    /// A violation of `rule` at `span`.
    pub fn new(rule: Rule, span: Span, message: impl Into<String>) -> Self {
        Violation {
            rule,
            span,
            message: message.into(),
        }
    }
}

/// A Dockerfile rule: its metadata and its check.
#[derive(Clone, Copy)]
pub struct LintRule {
    /// What the rule declares about itself.
    pub meta: &'static dockward_rules::RuleMeta,
    /// The check.
    pub check: fn(&Context<'_>, &mut Vec<Violation>),
}

impl std::fmt::Debug for LintRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.meta.code())
    }
}

/// The metadata of every Dockerfile rule, for the registry.
pub fn rule_metas() -> Vec<&'static dockward_rules::RuleMeta> {
    RULES.iter().map(|r| r.meta).collect()
}

/// Runs every rule for which `enabled` is true over `dockerfile` (parsed from
/// `text`). Parse errors are reported as `DF001`. A rule that panics is
/// reported as a finding of that rule, and the other rules still run.
pub fn lint(
    dockerfile: &Dockerfile,
    text: &str,
    settings: &LintSettings,
    enabled: &dyn Fn(Rule) -> bool,
) -> Vec<Violation> {
    let ctx = Context::new(dockerfile, text, settings);
    let mut out = Vec::new();
    if enabled(Rule::ParseError) {
        for error in &dockerfile.errors {
            out.push(Violation::new(
                Rule::ParseError,
                error.span,
                error.message.clone(),
            ));
        }
    }
    for rule in RULES {
        if rule.meta.rule == Rule::ParseError || !enabled(rule.meta.rule) {
            continue;
        }
        match dockward_rules::run_isolated(|found| (rule.check)(&ctx, found)) {
            Ok(found) => out.extend(found),
            Err(why) => {
                out.push(Violation::new(
                    rule.meta.rule,
                    Span::empty(0),
                    format!(
                        "internal error: this rule crashed on this file ({why}); please report it"
                    ),
                ));
            }
        }
    }
    out.sort_by_key(|v| (v.span.start, v.rule));
    out
}
