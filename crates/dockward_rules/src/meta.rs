use dockward_diagnostics::RuleDescriptor;

use crate::Rule;

/// Where a rule is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// New; runs only when selected explicitly or with `preview = true`.
    Preview,
    /// Runs by default (unless it is off by default, see [`RuleMeta::default_enabled`]).
    Stable,
    /// Kept so configurations keep working; never runs.
    Deprecated,
}

impl Status {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Preview => "preview",
            Status::Stable => "stable",
            Status::Deprecated => "deprecated",
        }
    }
}

/// Everything a rule declares about itself.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// Its identity.
    pub rule: Rule,
    /// Lifecycle.
    pub status: Status,
    /// Whether it runs without being selected (some rules, like
    /// "no HEALTHCHECK", are only useful for application images).
    pub default_enabled: bool,
    /// The rendering face: code, name, summary, docs, severity, aliases.
    pub descriptor: RuleDescriptor,
}

impl RuleMeta {
    /// The rule's code, e.g. `DF003`.
    pub fn code(&self) -> &'static str {
        self.descriptor.code
    }
}

/// Declares a rule: a unit struct carrying the rule's doc comment as its user
/// documentation, and a `META` constant.
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct FromLatestTag {
///         severity: Medium,
///         status: Stable,
///         summary: "FROM uses the `latest` tag",
///         aliases: ["DL3007", "DS001", "AVD-DS-0001", "DKL-DI-0006"],
///         references: ["https://docs.docker.com/reference/dockerfile/#from"],
///     }
/// }
/// ```
///
/// An optional `default_enabled: false,` after `status` turns the rule off
/// unless the user selects it.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            severity: $severity:ident,
            status: $status:ident,
            $(default_enabled: $enabled:literal,)?
            summary: $summary:literal,
            aliases: [$($alias:literal),* $(,)?],
            references: [$($reference:literal),* $(,)?] $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $name {
            /// This rule's metadata.
            pub const META: $crate::RuleMeta = $crate::RuleMeta {
                rule: $crate::Rule::$name,
                status: $crate::Status::$status,
                default_enabled: $crate::__default_enabled!($($enabled)?),
                descriptor: $crate::__diagnostics::RuleDescriptor {
                    code: $crate::Rule::$name.code(),
                    name: $crate::Rule::$name.name(),
                    summary: $summary,
                    docs: concat!($($doc, "\n"),*),
                    default_severity: $crate::__diagnostics::Severity::$severity,
                    aliases: &[$($alias),*],
                    references: &[$($reference),*],
                },
            };
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __default_enabled {
    () => {
        true
    };
    ($enabled:literal) => {
        $enabled
    };
}
