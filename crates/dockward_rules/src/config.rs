//! `dockward.toml`: the configuration file.
//!
//! Each engine owns one section (`[lint]` for Dockerfile rules). A section
//! mixes keys every engine shares ([`RuleOptions`]: selection, severity
//! overrides, the failure threshold) with the engine's own settings, which are
//! deserialized into the engine's settings type. Every problem is a
//! [`ConfigError`] with the byte span it points at, so the binary can show a
//! code frame of the user's file.
//!
//! ```toml
//! [lint]
//! select = ["DF055"]            # enable off-by-default or preview rules
//! ignore = ["DL3008", "DF016"]  # codes, names or aliases
//! fail-on = "medium"
//! preview = false
//! trusted-registries = ["docker.io"]   # an engine setting
//! [lint.severity]
//! DF009 = "low"
//! ```

use std::fmt;
use std::str::FromStr;

use dockward_diagnostics::{Severity, Span};
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::{Registry, Rule};

/// The file name searched for.
pub const FILE_NAME: &str = "dockward.toml";

/// The sections a configuration file may have, one per engine.
pub const SECTIONS: &[&str] = &["lint", "audit"];

/// The keys every engine section shares; the others belong to the engine.
pub const SHARED_KEYS: &[&str] = &[
    "select",
    "extend-select",
    "ignore",
    "fail-on",
    "preview",
    "disable-inline-suppressions",
    "severity",
];

/// A problem in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    /// What is wrong.
    pub message: String,
    /// Where in the file, when known.
    pub span: Option<Span>,
}

impl ConfigError {
    /// An error at `span`.
    pub fn at(span: Span, message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
            span: Some(span),
        }
    }

    fn from_toml(error: &toml::de::Error) -> Self {
        ConfigError {
            message: error.message().trim_end().to_owned(),
            span: error.span().map(|r| Span::new(r.start, r.end)),
        }
    }
}

/// A value and where it was written in the configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Its byte range in the file.
    pub span: Span,
}

/// When a run counts as failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Never: findings are reported, the run still succeeds.
    Never,
    /// When an unsuppressed finding at or above this severity remains.
    AtLeast(Severity),
}

impl FailOn {
    /// True when a finding of `severity` fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Never => false,
            FailOn::AtLeast(threshold) => severity >= threshold,
        }
    }
}

impl Default for FailOn {
    /// `low`: everything but informational findings fails the run.
    fn default() -> Self {
        FailOn::AtLeast(Severity::Low)
    }
}

impl fmt::Display for FailOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailOn::Never => f.write_str("none"),
            FailOn::AtLeast(severity) => severity.fmt(f),
        }
    }
}

/// A threshold name that is neither a severity nor `none`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown threshold `{0}` (expected info, low, medium, high, critical or none)")]
pub struct FailOnParseError(pub String);

impl FromStr for FailOn {
    type Err = FailOnParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("none") || s.eq_ignore_ascii_case("never") {
            return Ok(FailOn::Never);
        }
        s.parse()
            .map(FailOn::AtLeast)
            .map_err(|_| FailOnParseError(s.to_owned()))
    }
}

/// The keys every engine section shares, as written (rule identities are
/// resolved later, against the registry, see [`crate::selection`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleOptions {
    /// `select` and `extend-select`: rules to run in addition to the defaults.
    pub select: Vec<Located<String>>,
    /// `ignore`: rules not to run.
    pub ignore: Vec<Located<String>>,
    /// `fail-on`.
    pub fail_on: Option<FailOn>,
    /// `preview`: run preview rules too.
    pub preview: Option<bool>,
    /// `disable-inline-suppressions`: ignore `# dockward ignore=` and
    /// `# hadolint ignore=` comments.
    pub disable_inline_suppressions: Option<bool>,
    /// `[section.severity]`: rule → severity.
    pub severity: Vec<(Located<String>, Severity)>,
}

/// One engine's section: the shared keys and the engine's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section<S> {
    /// Selection, severities, threshold.
    pub rules: RuleOptions,
    /// The engine's own settings.
    pub settings: S,
}

/// Parses `text` (a whole `dockward.toml`) and returns its `[section]`, or
/// the default section when the file has none.
///
/// Unknown sections, unknown keys, wrong types and bad severities are errors.
pub fn parse_section<S>(text: &str, section: &str) -> Result<Section<S>, ConfigError>
where
    S: DeserializeOwned + Default,
{
    let document = DeTable::parse(text).map_err(|e| ConfigError::from_toml(&e))?;
    let document = document.into_inner();
    let mut found = None;
    for (key, value) in document {
        let name = key.get_ref().as_ref();
        if name == section {
            found = Some(value);
        } else if !SECTIONS.contains(&name) {
            return Err(ConfigError::at(
                span_of(&key),
                format!(
                    "unknown section `{name}` (expected {})",
                    SECTIONS
                        .iter()
                        .map(|s| format!("`[{s}]`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    let Some(value) = found else {
        return Ok(Section::default());
    };
    let value_span = span_of(&value);
    let DeValue::Table(table) = value.into_inner() else {
        return Err(ConfigError::at(
            value_span,
            format!("`{section}` must be a table (`[{section}]`)"),
        ));
    };
    let mut rules = RuleOptions::default();
    let mut rest = DeTable::new();
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        match name {
            "select" | "extend-select" => rules.select.extend(string_list(name, &value)?),
            "ignore" => rules.ignore.extend(string_list(name, &value)?),
            "fail-on" => {
                let (text, span) = string(name, &value)?;
                rules.fail_on = Some(
                    text.parse()
                        .map_err(|e: FailOnParseError| ConfigError::at(span, e.to_string()))?,
                );
            }
            "preview" => rules.preview = Some(boolean(name, &value)?),
            "disable-inline-suppressions" => {
                rules.disable_inline_suppressions = Some(boolean(name, &value)?);
            }
            "severity" => rules.severity = severity_table(section, &value)?,
            _ => {
                rest.insert(key, value);
            }
        }
    }
    let keys: Vec<(String, Span)> = rest
        .iter()
        .map(|(key, value)| (key.get_ref().to_string(), span_of(value)))
        .collect();
    let settings = S::deserialize(ValueDeserializer::from(Spanned::new(
        value_span.start..value_span.end,
        DeValue::Table(rest),
    )))
    .map_err(|e| {
        let mut error = ConfigError::from_toml(&e);
        let inside = |span: Span| {
            error
                .span
                .is_some_and(|e| span.start <= e.start && e.end <= span.end)
        };
        if let Some((key, _)) = keys.iter().find(|(_, span)| inside(*span)) {
            error.message = format!("`{key}`: {}", error.message);
        }
        if error.message.starts_with("unknown field") {
            let shared: Vec<String> = SHARED_KEYS.iter().map(|k| format!("`{k}`")).collect();
            error.message = format!(
                "{}, {}",
                error.message.replacen("unknown field", "unknown key", 1),
                shared.join(", ")
            );
        }
        error
    })?;
    Ok(Section { rules, settings })
}

/// Resolves rule identities written in a configuration file (codes, names,
/// aliases; any case); an unknown one is an error pointing at it.
pub fn resolve_rules(
    registry: &Registry,
    written: &[Located<String>],
) -> Result<Vec<Rule>, ConfigError> {
    let mut rules = Vec::new();
    for item in written {
        let found = registry.resolve(&item.value).map_err(|_| {
            ConfigError::at(
                item.span,
                format!(
                    "unknown rule `{}` (expected a code, a name or an alias; `dockward rule` lists them)",
                    item.value
                ),
            )
        })?;
        for meta in found {
            if !rules.contains(&meta.rule) {
                rules.push(meta.rule);
            }
        }
    }
    Ok(rules)
}

fn span_of<T>(spanned: &Spanned<T>) -> Span {
    let range = spanned.span();
    Span::new(range.start, range.end)
}

fn string<'v>(key: &str, value: &'v Spanned<DeValue<'_>>) -> Result<(&'v str, Span), ConfigError> {
    match value.get_ref() {
        DeValue::String(s) => Ok((s.as_ref(), span_of(value))),
        other => Err(ConfigError::at(
            span_of(value),
            format!("`{key}` must be a string, not {}", other.type_str()),
        )),
    }
}

fn boolean(key: &str, value: &Spanned<DeValue<'_>>) -> Result<bool, ConfigError> {
    value.get_ref().as_bool().ok_or_else(|| {
        ConfigError::at(
            span_of(value),
            format!(
                "`{key}` must be a boolean, not {}",
                value.get_ref().type_str()
            ),
        )
    })
}

fn string_list(
    key: &str,
    value: &Spanned<DeValue<'_>>,
) -> Result<Vec<Located<String>>, ConfigError> {
    let Some(items) = value.get_ref().as_array() else {
        return Err(ConfigError::at(
            span_of(value),
            format!(
                "`{key}` must be an array of strings, not {}",
                value.get_ref().type_str()
            ),
        ));
    };
    items
        .iter()
        .map(|item| {
            let (text, span) = string(&format!("{key}[]"), item)?;
            Ok(Located {
                value: text.to_owned(),
                span,
            })
        })
        .collect()
}

fn severity_table(
    section: &str,
    value: &Spanned<DeValue<'_>>,
) -> Result<Vec<(Located<String>, Severity)>, ConfigError> {
    let Some(table) = value.get_ref().as_table() else {
        return Err(ConfigError::at(
            span_of(value),
            format!(
                "`severity` must be a table of rule = \"severity\" (`[{section}.severity]`), not {}",
                value.get_ref().type_str()
            ),
        ));
    };
    table
        .iter()
        .map(|(key, value)| {
            let code = key.get_ref().as_ref();
            let (text, span) = string(code, value)?;
            let severity = text
                .parse::<Severity>()
                .map_err(|e| ConfigError::at(span, e.to_string()))?;
            Ok((
                Located {
                    value: code.to_owned(),
                    span: span_of(key),
                },
                severity,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
    struct Settings {
        trusted_registries: Vec<String>,
        label_schema: BTreeMap<String, String>,
    }

    fn slice(text: &str, error: &ConfigError) -> String {
        let span = error.span.expect("located");
        text[span.start..span.end].to_owned()
    }

    #[test]
    fn splits_shared_keys_from_engine_settings() {
        let text = r#"
[lint]
select = ["DF055"]
extend-select = ["DF026"]
ignore = ["DL3008", "apt-get-install-recommends"]
fail-on = "medium"
preview = true
trusted-registries = ["docker.io"]
[lint.severity]
DF009 = "low"
[lint.label-schema]
maintainer = "email"
"#;
        let section: Section<Settings> = parse_section(text, "lint").expect("valid");
        let mut select: Vec<&str> = section
            .rules
            .select
            .iter()
            .map(|s| s.value.as_str())
            .collect();
        select.sort_unstable();
        assert_eq!(select, ["DF026", "DF055"]);
        assert_eq!(section.rules.ignore.len(), 2);
        assert_eq!(
            &text[section.rules.ignore[0].span.start..section.rules.ignore[0].span.end],
            "\"DL3008\""
        );
        assert_eq!(
            section.rules.fail_on,
            Some(FailOn::AtLeast(Severity::Medium))
        );
        assert_eq!(section.rules.preview, Some(true));
        assert_eq!(section.rules.severity[0].0.value, "DF009");
        assert_eq!(section.rules.severity[0].1, Severity::Low);
        assert_eq!(section.settings.trusted_registries, ["docker.io"]);
        assert_eq!(section.settings.label_schema["maintainer"], "email");
    }

    #[test]
    fn missing_section_is_the_default() {
        let section: Section<Settings> = parse_section("", "lint").expect("valid");
        assert_eq!(section, Section::default());
    }

    #[test]
    fn errors_point_at_the_offending_text() {
        let cases = [
            (
                "[lint]\nfail-on = \"sometimes\"\n",
                "\"sometimes\"",
                "threshold",
            ),
            ("[lint]\nignore = \"DL3008\"\n", "\"DL3008\"", "array"),
            ("[lint]\nignore = [\"DL3008\", 7]\n", "7", "string"),
            ("[lint]\npreview = \"yes\"\n", "\"yes\"", "boolean"),
            (
                "[lint.severity]\nDF009 = \"loud\"\n",
                "\"loud\"",
                "severity",
            ),
            ("[lint]\nbogus = 1\n", "bogus", "unknown key `bogus`"),
            ("[lint]\ntrusted-registries = 3\n", "3", "sequence"),
            ("[scan]\nx = 1\n", "scan", "unknown section"),
        ];
        for (text, at, says) in cases {
            let error = parse_section::<Settings>(text, "lint").expect_err(text);
            assert_eq!(slice(text, &error), at, "{text}");
            assert!(error.message.contains(says), "{text}: {}", error.message);
        }
    }

    #[test]
    fn rule_identities_resolve_or_point_at_the_unknown_one() {
        use crate::{RuleMeta, Status};
        static META: RuleMeta = RuleMeta {
            rule: Rule::FromLatestTag,
            status: Status::Stable,
            default_enabled: true,
            descriptor: dockward_diagnostics::RuleDescriptor {
                code: "DF003",
                name: "from-latest-tag",
                summary: "",
                docs: "",
                default_severity: Severity::Medium,
                aliases: &["DL3007"],
                references: &[],
            },
        };
        let list: &[&'static RuleMeta] = &[&META];
        let registry = Registry::new([list]);
        let text = "[lint]\nignore = [\"dl3007\", \"from-latest-tag\"]\nselect = [\"DL9999\"]\n";
        let section: Section<Settings> = parse_section(text, "lint").expect("valid");
        assert_eq!(
            resolve_rules(&registry, &section.rules.ignore),
            Ok(vec![Rule::FromLatestTag])
        );
        let error = resolve_rules(&registry, &section.rules.select).expect_err("unknown");
        assert_eq!(slice(text, &error), "\"DL9999\"");
        assert!(error.message.contains("unknown rule `DL9999`"));
    }

    #[test]
    fn syntax_errors_are_located() {
        let error = parse_section::<Settings>("[lint\n", "lint").expect_err("bad");
        assert!(error.span.is_some());
    }

    #[test]
    fn fail_on_parses_severities_hadolint_levels_and_none() {
        assert_eq!("none".parse(), Ok(FailOn::Never));
        assert_eq!("HIGH".parse(), Ok(FailOn::AtLeast(Severity::High)));
        assert_eq!("warning".parse(), Ok(FailOn::AtLeast(Severity::Medium)));
        assert!("loud".parse::<FailOn>().is_err());
        assert!(FailOn::default().fails(Severity::Low));
        assert!(!FailOn::default().fails(Severity::Info));
        assert!(!FailOn::Never.fails(Severity::Critical));
    }
}
