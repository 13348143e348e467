//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! One run; `tool.driver.rules` lists every rule enabled for the run (plus any
//! rule a finding cites that was not listed), and each result links to its rule
//! by `ruleId` and `ruleIndex`. Columns are counted in Unicode code points
//! (`run.columnKind = "unicodeCodePoints"`), as dockward counts them.
//!
//! ## `primaryLocationLineHash`
//!
//! GitHub matches alerts across commits by `partialFingerprints`. dockward's
//! own scheme, stable when lines move:
//!
//! * file locations: the first 16 hex digits of SHA-256 over the text of the
//!   region's first line with all whitespace removed, then `:N`, where N is
//!   the 1-based count of lines up to and including this one, in the same
//!   file, whose whitespace-free text is identical (so two identical lines get
//!   `:1` and `:2`). When the report carries no source for the file, the hash
//!   is taken over `path:line` instead and N is 1;
//! * object locations: the same hash over `kind`, a NUL byte and `name`, `:1`.
//!
//! Object locations (a container, an image) have no source file. GitHub
//! rejects a whole upload when one result lacks a physical location, so each
//! is written as a `logicalLocation` plus a physical pseudo-artifact
//! `kind/name` at line 1 (as Trivy does for images). Callers that know the
//! Dockerfile line behind an image finding should give a file location instead.
//!
//! Rules of severity `info` are not security problems on their own: they get
//! no `security` tag and no `security-severity` (GitHub accepts only
//! 0.1–10.0), so GitHub shows them as plain code-quality notes.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Diagnostic, Location, Report, RuleDescriptor, Severity, SourceFile, SuppressionKind};

use super::source_for;

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://dockward.dev";
/// GitHub's limit on `shortDescription` and `fullDescription`.
const MAX_DESCRIPTION: usize = 1024;
/// GitHub's limit on tags per rule.
const MAX_TAGS: usize = 20;

#[derive(Debug, Serialize)]
struct SarifLog {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Debug, Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: String,
    information_uri: &'static str,
    semantic_version: String,
    rules: Vec<Rule>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Debug, Serialize)]
struct Text {
    text: String,
}

#[derive(Debug, Serialize)]
struct Help {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
}

#[derive(Debug, Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Debug, Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties>,
}

/// Aliases that belong to one result rather than to its rule (a CIS ID per file).
#[derive(Debug, Serialize)]
struct ResultProperties {
    aliases: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprints {
    primary_location_line_hash: String,
}

#[derive(Debug, Serialize)]
struct SarifSuppression {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
}

pub(super) fn render(report: &Report) -> String {
    let rules = rule_list(report);
    let mut fingerprints = LineHashes::default();
    let results = report
        .diagnostics
        .iter()
        .map(|diagnostic| result(report, &rules, &mut fingerprints, diagnostic))
        .collect();
    let name = if report.tool.name.is_empty() {
        "dockward".to_owned()
    } else {
        report.tool.name.clone()
    };
    let log = SarifLog {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name,
                    information_uri: INFORMATION_URI,
                    semantic_version: report.tool.version.clone(),
                    rules: rules.iter().map(|rule| rule_descriptor(rule)).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// The report's rules, without duplicates, followed by any rule a finding
/// cites that the report did not list.
fn rule_list(report: &Report) -> Vec<&'static RuleDescriptor> {
    let mut rules: Vec<&'static RuleDescriptor> = Vec::new();
    let cited = report.diagnostics.iter().map(|diagnostic| diagnostic.rule);
    for rule in report.rules.iter().copied().chain(cited) {
        if !rules.iter().any(|known| known.code == rule.code) {
            rules.push(rule);
        }
    }
    rules
}

fn rule_descriptor(rule: &RuleDescriptor) -> Rule {
    let docs = dedent(rule.docs);
    let summary = non_empty(rule.summary, rule.code);
    let security = rule.default_severity > Severity::Info;
    let mut tags: Vec<String> = Vec::new();
    let candidates = security
        .then_some("security")
        .into_iter()
        .chain(rule.aliases.iter().copied());
    for tag in candidates {
        if !tag.is_empty() && !tags.iter().any(|known| known == tag) && tags.len() < MAX_TAGS {
            tags.push(tag.to_owned());
        }
    }
    Rule {
        id: rule.code.to_owned(),
        name: pascal_case(rule.name),
        short_description: Text {
            text: truncate(summary, MAX_DESCRIPTION),
        },
        full_description: Text {
            text: truncate(
                &first_paragraph(&docs).unwrap_or_else(|| summary.to_owned()),
                MAX_DESCRIPTION,
            ),
        },
        help: Help {
            text: if docs.is_empty() {
                summary.to_owned()
            } else {
                docs.clone()
            },
            markdown: (!docs.is_empty()).then_some(docs),
        },
        help_uri: rule.help_uri(),
        default_configuration: Configuration {
            level: rule.default_severity.sarif_level(),
        },
        properties: RuleProperties {
            tags,
            security_severity: security.then(|| rule.default_severity.security_severity()),
            precision: "high",
            problem_severity: match rule.default_severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                Severity::Low | Severity::Info => "recommendation",
            },
        },
    }
}

fn result(
    report: &Report,
    rules: &[&'static RuleDescriptor],
    hashes: &mut LineHashes,
    diagnostic: &Diagnostic,
) -> SarifResult {
    let rule_index = rules
        .iter()
        .position(|rule| rule.code == diagnostic.rule.code)
        .unwrap_or_default();
    let message = if diagnostic.message.trim().is_empty() {
        non_empty(diagnostic.rule.summary, diagnostic.rule.code).to_owned()
    } else {
        diagnostic.message.clone()
    };
    let (location, fingerprint) = match &diagnostic.location {
        Location::File {
            path, start, end, ..
        } => {
            let start_line = start.line.max(1);
            let start_column = start.column.max(1);
            let (mut end_line, mut end_column) = (end.line.max(1), end.column.max(1));
            if (end_line, end_column) <= (start_line, start_column) {
                (end_line, end_column) = (start_line, start_column + 1);
            }
            let location = SarifLocation {
                physical_location: PhysicalLocation {
                    artifact_location: artifact_location(path),
                    region: Region {
                        start_line,
                        start_column,
                        end_line,
                        end_column,
                    },
                },
                logical_locations: Vec::new(),
            };
            let source = source_for(report, path);
            (location, hashes.file(path, source, start_line))
        }
        Location::Object { kind, name } => {
            // GitHub rejects a whole upload when one result has no physical
            // location, so an object is also given as a pseudo-artifact
            // `kind/name` (not under %SRCROOT%), line 1.
            let location = SarifLocation {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: percent_encode(&format!("{kind}/{name}")),
                        uri_base_id: None,
                    },
                    region: Region {
                        start_line: 1,
                        start_column: 1,
                        end_line: 1,
                        end_column: 2,
                    },
                },
                logical_locations: vec![LogicalLocation {
                    name: name.clone(),
                    fully_qualified_name: format!("{kind}/{name}"),
                    kind: kind.clone(),
                }],
            };
            (
                location,
                format!("{}:1", hash16(&format!("{kind}\0{name}"))),
            )
        }
    };
    let suppressions = diagnostic
        .suppression
        .iter()
        .map(|suppression| SarifSuppression {
            kind: match suppression.kind {
                SuppressionKind::InSource => "inSource",
                SuppressionKind::External => "external",
            },
            justification: (!suppression.justification.is_empty())
                .then(|| suppression.justification.clone()),
        })
        .collect();
    SarifResult {
        rule_id: diagnostic.rule.code.to_owned(),
        rule_index,
        level: diagnostic.severity.sarif_level(),
        message: Text { text: message },
        locations: vec![location],
        partial_fingerprints: Fingerprints {
            primary_location_line_hash: fingerprint,
        },
        suppressions,
        properties: (!diagnostic.aliases.is_empty()).then(|| ResultProperties {
            aliases: diagnostic.aliases.clone(),
        }),
    }
}

/// Per-file line fingerprints, computed once per file.
#[derive(Debug, Default)]
struct LineHashes {
    files: HashMap<String, Vec<String>>,
}

impl LineHashes {
    /// The fingerprint of 1-based `line` of `path`.
    fn file(&mut self, path: &str, source: Option<&SourceFile>, line: u32) -> String {
        let Some(source) = source else {
            return format!("{}:1", hash16(&format!("{path}:{line}")));
        };
        let lines = self
            .files
            .entry(path.to_owned())
            .or_insert_with(|| file_line_hashes(source));
        let index = (line as usize)
            .saturating_sub(1)
            .min(lines.len().saturating_sub(1));
        lines
            .get(index)
            .cloned()
            .unwrap_or_else(|| format!("{}:1", hash16("")))
    }
}

/// `hash:N` for every line of `source`, per the scheme in the module docs.
fn file_line_hashes(source: &SourceFile) -> Vec<String> {
    let index = source.line_index();
    let mut seen: HashMap<String, usize> = HashMap::new();
    (0..index.line_count())
        .map(|line| {
            let span = index.line_span(line);
            let text = source.text().get(span.start..span.end).unwrap_or("");
            let normalized: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            let hash = hash16(&normalized);
            let count = seen.entry(hash.clone()).or_insert(0);
            *count += 1;
            format!("{hash}:{count}")
        })
        .collect()
}

/// The first 16 hex digits of SHA-256 of `text`.
fn hash16(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(8).fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// A relative path becomes a percent-encoded URI relative to `%SRCROOT%`; an
/// absolute one a `file://` URI.
fn artifact_location(path: &str) -> ArtifactLocation {
    let mut path = path.replace('\\', "/");
    let drive =
        path.len() >= 2 && path.as_bytes()[0].is_ascii_alphabetic() && path.as_bytes()[1] == b':';
    if path.starts_with('/') || drive {
        let prefix = if drive { "file:///" } else { "file://" };
        return ArtifactLocation {
            uri: format!("{prefix}{}", percent_encode(&path)),
            uri_base_id: None,
        };
    }
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.to_owned();
    }
    ArtifactLocation {
        uri: percent_encode(&path),
        uri_base_id: Some("%SRCROOT%"),
    }
}

/// Percent-encodes every byte outside RFC 3986's unreserved set, keeping `/`
/// (and `:` after a drive letter, which `file:///C:/` needs).
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, byte) in path.bytes().enumerate() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/')
            || (byte == b':' && i == 1);
        if keep {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// `from-latest-tag` → `FromLatestTag`.
fn pascal_case(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

/// Doc-comment text without the indentation every line shares, trimmed.
fn dedent(docs: &str) -> String {
    let indent = docs
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    docs.lines()
        .map(|line| line.get(indent..).unwrap_or_else(|| line.trim_start()))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// The first paragraph of Markdown text that is not a heading, on one line.
fn first_paragraph(docs: &str) -> Option<String> {
    let mut words: Vec<&str> = Vec::new();
    for line in docs.lines().map(str::trim) {
        let ends_paragraph = line.is_empty() || line.starts_with('#');
        if ends_paragraph {
            if words.is_empty() {
                continue;
            }
            break;
        }
        words.extend(line.split_whitespace());
    }
    (!words.is_empty()).then(|| words.join(" "))
}

fn non_empty<'a>(text: &'a str, fallback: &'a str) -> &'a str {
    if text.trim().is_empty() {
        fallback
    } else {
        text
    }
}

/// At most `max` characters, with `…` when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_forward_slashed_and_encoded() {
        let location = artifact_location("./sub dir\\Dockerfile#1");
        assert_eq!(location.uri, "sub%20dir/Dockerfile%231");
        assert_eq!(location.uri_base_id, Some("%SRCROOT%"));
        let absolute = artifact_location("/srv/app/Dockerfile");
        assert_eq!(absolute.uri, "file:///srv/app/Dockerfile");
        assert_eq!(absolute.uri_base_id, None);
        assert_eq!(artifact_location("C:\\x\\y").uri, "file:///C:/x/y");
        assert_eq!(artifact_location("é").uri, "%C3%A9");
    }

    #[test]
    fn pascal_case_of_kebab_names() {
        assert_eq!(pascal_case("from-latest-tag"), "FromLatestTag");
        assert_eq!(pascal_case("x"), "X");
    }

    #[test]
    fn identical_lines_get_distinct_occurrence_suffixes() {
        let source = SourceFile::new("Dockerfile", "RUN a\n  RUN  a\nRUN b\r\nRUN a");
        let hashes = file_line_hashes(&source);
        assert_eq!(hashes.len(), 4);
        let (first, second, fourth) = (&hashes[0], &hashes[1], &hashes[3]);
        assert!(first.ends_with(":1") && second.ends_with(":2") && fourth.ends_with(":3"));
        assert_eq!(first.split(':').next(), second.split(':').next());
        assert_ne!(hashes[2].split(':').next(), first.split(':').next());
        assert_eq!(first.split(':').next().map(str::len), Some(16));
    }

    #[test]
    fn docs_are_dedented_and_summarised() {
        let docs = dedent(" ## What it does\n Flags `latest`.\n More.\n\n ## Why\n Because.\n");
        assert_eq!(
            docs,
            "## What it does\nFlags `latest`.\nMore.\n\n## Why\nBecause."
        );
        assert_eq!(
            first_paragraph(&docs).as_deref(),
            Some("Flags `latest`. More.")
        );
    }
}
