//! The JSON report contract, `dockward.report/v1`.
//!
//! These types are the boundary: they exist only to be serialized and to
//! generate the JSON Schema committed as `schemas/report.v1.schema.json`.
//! Internal types never derive `Serialize`. Changing a field here changes the
//! contract: additive changes keep `v1`, anything else needs `v2`.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::Serialize;

use super::Counts;
use crate::{Diagnostic, Location, Report, Severity, Suppression, SuppressionKind};

/// A dockward report: what was examined and what was found.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(
    title = "dockward report",
    extend("$id" = "https://dockward.dev/schemas/report.v1.schema.json")
)]
pub struct JsonReport {
    /// The contract's name and version.
    pub schema: SchemaVersion,
    /// The tool that produced the report.
    pub tool: JsonTool,
    /// What was examined, in order.
    pub subjects: Vec<JsonSubject>,
    /// Every finding, suppressed ones included (see `suppressed`).
    pub findings: Vec<JsonFinding>,
    /// Counts over the findings.
    pub summary: JsonSummary,
    /// The packages found in the examined image (`dockward scan` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packages: Option<Vec<JsonPackage>>,
    /// The known vulnerabilities of those packages, one per package and
    /// advisory (`dockward scan` only). Each also appears among `findings`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vulnerabilities: Option<Vec<JsonVulnerability>>,
}

/// What a scan adds to the report: the package inventory and the
/// vulnerabilities matched against it.
#[derive(Debug, Default)]
pub struct Inventory {
    /// Every package found.
    pub packages: Vec<JsonPackage>,
    /// Every vulnerability reported (after `--severity` and `--ignore-unfixed`).
    pub vulnerabilities: Vec<JsonVulnerability>,
}

/// One installed package.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Package")]
pub struct JsonPackage {
    /// The name as its package manager writes it (`libc6`, `PyYAML`).
    pub name: String,
    /// The installed version as written (dpkg: with its epoch).
    pub version: String,
    /// The format it was found by: `deb`, `apk`, `rpm`, `python`, `npm`,
    /// `go-module`, `go-stdlib`, `rust`, `java`, `gem`, `composer`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The OSV ecosystem its advisories are looked up in (`Debian:12`, `PyPI`).
    pub ecosystem: String,
    /// The package URL.
    pub purl: String,
    /// Where it was found: `os` for the OS package database, else the
    /// directory, application or file its group is reported under.
    pub target: String,
    /// The 0-based index of the layer that last wrote its metadata, base
    /// first; null for a root filesystem directory.
    pub layer: Option<usize>,
    /// The source package's name (dpkg `Source`, apk origin, rpm source RPM).
    pub source_name: Option<String>,
    /// The source package's version.
    pub source_version: Option<String>,
    /// Declared licences.
    pub licenses: Vec<String>,
    /// The files it was read from.
    pub locations: Vec<String>,
}

/// One advisory affecting one installed package.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Vulnerability")]
pub struct JsonVulnerability {
    /// The advisory's id (`DEBIAN-CVE-2023-4911`, `GHSA-…`, `PYSEC-…`).
    pub id: String,
    /// Other ids of the same vulnerability (`CVE-…`), the id excluded.
    pub aliases: Vec<String>,
    /// The advisory's one-line summary.
    pub summary: Option<String>,
    /// The affected package's purl (see `packages`).
    pub package: String,
    /// The affected package's name.
    pub package_name: String,
    /// The installed version.
    pub installed_version: String,
    /// The versions that fix it; empty when no fix is known.
    pub fixed_versions: Vec<String>,
    /// The severity reported (from the CVSS vector when there is one).
    pub severity: JsonSeverity,
    /// The CVSS score and vector the severity comes from.
    pub cvss: Option<JsonCvss>,
    /// The layer that introduced the package.
    pub layer: Option<usize>,
    /// Advisory URLs.
    pub references: Vec<String>,
    /// Why it does not count (`.dockwardignore`, a VEX statement), or null.
    pub suppressed: Option<JsonSuppression>,
}

/// A CVSS base score and the vector it was computed from.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Cvss")]
pub struct JsonCvss {
    /// The base score, 0.0 to 10.0.
    #[schemars(range(min = 0.0, max = 10.0))]
    pub score: f64,
    /// The vector (`CVSS:3.1/AV:N/…`).
    pub vector: String,
}

/// The version tag of the contract.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[schemars(rename = "SchemaVersion")]
pub enum SchemaVersion {
    /// Version 1.
    #[serde(rename = "dockward.report/v1")]
    V1,
}

/// The tool that produced the report.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Tool")]
pub struct JsonTool {
    /// `dockward`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// One thing that was examined.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Subject")]
pub struct JsonSubject {
    /// `dockerfile`, `compose`, `image`, `container`, `host`, `daemon`.
    pub kind: String,
    /// Path or name.
    pub name: String,
}

/// One finding.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Finding")]
pub struct JsonFinding {
    /// dockward's code for the rule, e.g. `DF003`.
    #[schemars(regex(pattern = r"^[A-Z]+[0-9]+$"))]
    pub code: String,
    /// The rule's kebab-case name, e.g. `from-latest-tag`.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub name: String,
    /// Effective severity.
    pub severity: JsonSeverity,
    /// What is wrong here.
    pub message: String,
    /// Equivalent identifiers in other tools and benchmarks.
    pub aliases: Vec<String>,
    /// Public sources the rule is derived from.
    pub references: Vec<String>,
    /// Where the rule is documented.
    pub help_uri: String,
    /// Why the finding does not count, or null when it counts.
    pub suppressed: Option<JsonSuppression>,
    /// Where the finding points.
    pub location: JsonLocation,
}

/// The severity scale, least severe first.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "Severity")]
pub enum JsonSeverity {
    /// Style and information.
    Info,
    /// Hygiene with a small effect.
    Low,
    /// Worth fixing.
    Medium,
    /// A real weakness.
    High,
    /// An immediate risk.
    Critical,
}

impl From<Severity> for JsonSeverity {
    fn from(severity: Severity) -> Self {
        match severity {
            Severity::Info => JsonSeverity::Info,
            Severity::Low => JsonSeverity::Low,
            Severity::Medium => JsonSeverity::Medium,
            Severity::High => JsonSeverity::High,
            Severity::Critical => JsonSeverity::Critical,
        }
    }
}

/// Why a finding is suppressed.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Suppression")]
pub struct JsonSuppression {
    /// `in_source` (a comment in the linted file) or `external` (configuration).
    pub kind: JsonSuppressionKind,
    /// The text that suppressed it.
    pub justification: String,
}

/// How a finding was suppressed.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "SuppressionKind")]
pub enum JsonSuppressionKind {
    /// By a comment in the linted file.
    InSource,
    /// By configuration or the command line.
    External,
}

/// A range of a file, or a named object.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
#[schemars(rename = "Location")]
pub enum JsonLocation {
    /// A range of a source file.
    File {
        /// The path as given by the user.
        path: String,
        /// First character of the range.
        start: JsonPosition,
        /// One past the last character of the range.
        end: JsonPosition,
    },
    /// A container, image, host or daemon.
    Object {
        /// `container`, `image`, `host`, `daemon`.
        kind: String,
        /// Its name or identifier.
        name: String,
    },
}

/// A position in a file.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Position")]
pub struct JsonPosition {
    /// 1-based line.
    #[schemars(range(min = 1))]
    pub line: u32,
    /// 1-based column, in Unicode scalar values.
    #[schemars(range(min = 1))]
    pub column: u32,
    /// 0-based byte offset.
    pub offset: usize,
}

/// Counts over the findings.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Summary")]
pub struct JsonSummary {
    /// Findings that count (not suppressed).
    pub total: usize,
    /// Findings that count, per severity.
    pub by_severity: JsonBySeverity,
    /// Suppressed findings.
    pub suppressed: usize,
    /// Number of subjects examined.
    pub subjects: usize,
}

/// Unsuppressed findings per severity; every key is always present.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "BySeverity")]
pub struct JsonBySeverity {
    /// Critical findings.
    pub critical: usize,
    /// High findings.
    pub high: usize,
    /// Medium findings.
    pub medium: usize,
    /// Low findings.
    pub low: usize,
    /// Info findings.
    pub info: usize,
}

impl JsonReport {
    /// The boundary value of `report`.
    pub fn from_report(report: &Report) -> Self {
        let counts = Counts::of(report);
        JsonReport {
            schema: SchemaVersion::V1,
            tool: JsonTool {
                name: report.tool.name.clone(),
                version: report.tool.version.clone(),
            },
            subjects: report
                .subjects
                .iter()
                .map(|subject| JsonSubject {
                    kind: subject.kind.clone(),
                    name: subject.name.clone(),
                })
                .collect(),
            findings: report.diagnostics.iter().map(finding).collect(),
            summary: JsonSummary {
                total: counts.total,
                by_severity: JsonBySeverity {
                    critical: counts.get(Severity::Critical),
                    high: counts.get(Severity::High),
                    medium: counts.get(Severity::Medium),
                    low: counts.get(Severity::Low),
                    info: counts.get(Severity::Info),
                },
                suppressed: counts.suppressed,
                subjects: report.subjects.len(),
            },
            packages: None,
            vulnerabilities: None,
        }
    }
}

fn finding(diagnostic: &Diagnostic) -> JsonFinding {
    let rule = diagnostic.rule;
    JsonFinding {
        code: rule.code.to_owned(),
        name: rule.name.to_owned(),
        severity: diagnostic.severity.into(),
        message: diagnostic.message.clone(),
        aliases: diagnostic.all_aliases(),
        references: rule.references.iter().map(|&r| r.to_owned()).collect(),
        help_uri: rule.help_uri(),
        suppressed: diagnostic.suppression.as_ref().map(suppression),
        location: location(&diagnostic.location),
    }
}

/// The JSON of a suppression (for [`JsonVulnerability::suppressed`]).
pub fn suppression(suppression: &Suppression) -> JsonSuppression {
    JsonSuppression {
        kind: match suppression.kind {
            SuppressionKind::InSource => JsonSuppressionKind::InSource,
            SuppressionKind::External => JsonSuppressionKind::External,
        },
        justification: suppression.justification.clone(),
    }
}

fn location(location: &Location) -> JsonLocation {
    match location {
        Location::File {
            path,
            span,
            start,
            end,
        } => JsonLocation::File {
            path: path.clone(),
            start: JsonPosition {
                line: start.line.max(1),
                column: start.column.max(1),
                offset: span.start,
            },
            end: JsonPosition {
                line: end.line.max(1),
                column: end.column.max(1),
                offset: span.end,
            },
        },
        Location::Object { kind, name } => JsonLocation::Object {
            kind: kind.clone(),
            name: name.clone(),
        },
    }
}

pub(super) fn render(report: &Report, inventory: Option<Inventory>) -> String {
    let mut json = JsonReport::from_report(report);
    if let Some(inventory) = inventory {
        json.packages = Some(inventory.packages);
        json.vulnerabilities = Some(inventory.vulnerabilities);
    }
    let mut text = serde_json::to_string_pretty(&json)
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"));
    text.push('\n');
    text
}

/// The JSON Schema (draft 2020-12) of the `dockward.report/v1` contract,
/// pretty-printed with sorted keys and a final newline: the text committed as
/// `schemas/report.v1.schema.json`.
pub fn report_schema() -> String {
    let schema = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<JsonReport>();
    let value = sort_keys(schema.to_value());
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The same JSON with object keys in sorted order, whatever map type
/// `serde_json` was built with.
fn sort_keys(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key, sort_keys(value)))
                    .collect(),
            )
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sort_keys).collect())
        }
        other => other,
    }
}
