//! The OSV record model (`ossf/osv-schema` 1.7), lenient loading with typed
//! errors, and CVSS scores computed from vectors (v3.x, v2 here; v4.0 in
//! [`crate::cvss4`]).
//!
//! Loading is lenient where real data is sloppy (short GIT hashes, timestamps
//! without `Z`, unknown fields) and strict where a record could not be
//! evaluated (no `id`, no `modified`, an event with zero or several keys).
//! Soft problems come back as [`Warning`]s; hard ones as [`OsvError`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One OSV record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vulnerability {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<String>,
    pub id: String,
    pub modified: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub aliases: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub upstream: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub related: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub affected: Vec<Affected>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub references: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Value>,
}

/// `severity[]` entry: `type` and the vector string in `score`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityEntry {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

/// `references[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub url: String,
}

/// `affected[]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    #[serde(default)]
    pub package: Option<Package>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ranges: Vec<Range>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub versions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem_specific: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Value>,
}

/// `affected[].package`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub ecosystem: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// `ranges[]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: RangeType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    pub events: Vec<Event>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Value>,
}

/// Range `type`. Unknown types are kept as `Other` and never match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RangeType {
    #[serde(rename = "SEMVER")]
    Semver,
    #[serde(rename = "ECOSYSTEM")]
    Ecosystem,
    #[serde(rename = "GIT")]
    Git,
    #[serde(untagged)]
    Other(String),
}

/// One range event as written: exactly one of the four keys must be set
/// ([`Event::kind`] checks it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Event {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_affected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// The kind of an event with its version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind<'a> {
    Introduced(&'a str),
    Fixed(&'a str),
    LastAffected(&'a str),
    Limit(&'a str),
}

impl<'a> EventKind<'a> {
    /// The event's version string.
    pub fn version(&self) -> &'a str {
        match self {
            EventKind::Introduced(v)
            | EventKind::Fixed(v)
            | EventKind::LastAffected(v)
            | EventKind::Limit(v) => v,
        }
    }
}

impl Event {
    /// The single key of this event; `None` when zero or several are set.
    pub fn kind(&self) -> Option<EventKind<'_>> {
        let set = [
            self.introduced.as_deref().map(EventKind::Introduced),
            self.fixed.as_deref().map(EventKind::Fixed),
            self.last_affected.as_deref().map(EventKind::LastAffected),
            self.limit.as_deref().map(EventKind::Limit),
        ];
        let mut found = set.into_iter().flatten();
        let first = found.next()?;
        if found.next().is_some() {
            return None;
        }
        Some(first)
    }
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A record that cannot be used. `source` names the file or zip member.
#[derive(Debug, thiserror::Error)]
pub enum OsvError {
    #[error("{source_name}: not a valid OSV record{}: {message}", id_suffix(.id.as_deref()))]
    Json {
        source_name: String,
        id: Option<String>,
        message: String,
    },
    #[error("{source_name}: record has an empty `id`")]
    EmptyId { source_name: String },
    #[error(
        "{source_name}: {id}: affected[{affected}].ranges[{range}].events[{event}] must have exactly one of introduced, fixed, last_affected, limit"
    )]
    BadEvent {
        source_name: String,
        id: String,
        affected: usize,
        range: usize,
        event: usize,
    },
    #[error("{source_name}: {id}: affected[{affected}].ranges[{range}] has no events")]
    NoEvents {
        source_name: String,
        id: String,
        affected: usize,
        range: usize,
    },
}

impl OsvError {
    /// The id of the rejected record, when it could be read.
    pub fn id(&self) -> Option<&str> {
        match self {
            OsvError::Json { id, .. } => id.as_deref(),
            OsvError::EmptyId { .. } => None,
            OsvError::BadEvent { id, .. } | OsvError::NoEvents { id, .. } => Some(id),
        }
    }
}

fn id_suffix(id: Option<&str>) -> String {
    id.map(|i| format!(" ({i})")).unwrap_or_default()
}

/// A soft problem in a record that was still loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub source_name: String,
    pub id: String,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.source_name, self.id, self.message)
    }
}

/// Parses and validates one record. `source_name` is used in errors and warnings.
pub fn parse_record(
    bytes: &[u8],
    source_name: &str,
) -> Result<(Vulnerability, Vec<Warning>), OsvError> {
    let vuln: Vulnerability = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            // Second, lenient pass only to name the record in the error.
            let id = serde_json::from_slice::<Value>(bytes)
                .ok()
                .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned));
            return Err(OsvError::Json {
                source_name: source_name.to_owned(),
                id,
                message: e.to_string(),
            });
        }
    };
    let warnings = validate(&vuln, source_name)?;
    Ok((vuln, warnings))
}

/// Checks what serde cannot: non-empty id, one key per event, timestamps.
pub fn validate(v: &Vulnerability, source_name: &str) -> Result<Vec<Warning>, OsvError> {
    if v.id.trim().is_empty() {
        return Err(OsvError::EmptyId {
            source_name: source_name.to_owned(),
        });
    }
    let mut warnings = Vec::new();
    let mut warn = |message: String| {
        warnings.push(Warning {
            source_name: source_name.to_owned(),
            id: v.id.clone(),
            message,
        });
    };
    for (field, ts) in [
        ("modified", Some(&v.modified)),
        ("published", v.published.as_ref()),
        ("withdrawn", v.withdrawn.as_ref()),
    ] {
        if let Some(ts) = ts
            && !is_osv_timestamp(ts)
        {
            warn(format!(
                "`{field}` {ts:?} is not an RFC 3339 UTC timestamp ending in Z"
            ));
        }
    }
    for (ai, a) in v.affected.iter().enumerate() {
        if a.package.is_none() {
            warn(format!("affected[{ai}] has no package; it is ignored"));
        }
        for (ri, r) in a.ranges.iter().enumerate() {
            if r.events.is_empty() {
                return Err(OsvError::NoEvents {
                    source_name: source_name.to_owned(),
                    id: v.id.clone(),
                    affected: ai,
                    range: ri,
                });
            }
            for (ei, e) in r.events.iter().enumerate() {
                if e.kind().is_none() {
                    return Err(OsvError::BadEvent {
                        source_name: source_name.to_owned(),
                        id: v.id.clone(),
                        affected: ai,
                        range: ri,
                        event: ei,
                    });
                }
            }
            match &r.kind {
                RangeType::Other(t) => {
                    warn(format!(
                        "affected[{ai}].ranges[{ri}] has unknown type {t:?}; it is ignored"
                    ));
                }
                RangeType::Git if r.repo.is_none() => {
                    warn(format!("affected[{ai}].ranges[{ri}] is GIT without `repo`"));
                }
                _ => {}
            }
            if !r.events.iter().any(|e| e.introduced.is_some()) {
                warn(format!(
                    "affected[{ai}].ranges[{ri}] has no `introduced` event"
                ));
            }
        }
    }
    Ok(warnings)
}

/// `YYYY-MM-DDTHH:MM:SS(.frac)?Z`.
fn is_osv_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if b.len() < 20 || !digits(0..4) || !digits(5..7) || !digits(8..10) || !digits(11..13) {
        return false;
    }
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || b.get(10) != Some(&b'T') {
        return false;
    }
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') || !digits(14..16) || !digits(17..19) {
        return false;
    }
    match b.get(19..) {
        Some([b'Z']) => true,
        Some([b'.', rest @ ..]) => {
            matches!(rest.split_last(), Some((b'Z', frac)) if !frac.is_empty() && frac.iter().all(u8::is_ascii_digit))
        }
        _ => false,
    }
}

/// Orders two OSV timestamps (`modified`), fractional seconds included.
/// Malformed timestamps compare as plain strings.
pub fn compare_timestamps(a: &str, b: &str) -> std::cmp::Ordering {
    fn split(s: &str) -> (&str, f64) {
        let s = s.trim_end_matches('Z');
        match s.split_once('.') {
            Some((head, frac)) => (head, format!("0.{frac}").parse().unwrap_or(0.0)),
            None => (s, 0.0),
        }
    }
    let (ha, fa) = split(a);
    let (hb, fb) = split(b);
    ha.cmp(hb).then(fa.total_cmp(&fb))
}

/// A qualitative severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityLevel {
    Unknown,
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityLevel {
    /// The lowercase name (`critical`).
    pub fn as_str(self) -> &'static str {
        match self {
            SeverityLevel::Unknown => "unknown",
            SeverityLevel::None => "none",
            SeverityLevel::Low => "low",
            SeverityLevel::Medium => "medium",
            SeverityLevel::High => "high",
            SeverityLevel::Critical => "critical",
        }
    }

    /// Parses [`SeverityLevel::as_str`] output and GHSA's `MODERATE`.
    pub fn parse(s: &str) -> Option<SeverityLevel> {
        Some(match s.to_ascii_lowercase().as_str() {
            "unknown" => SeverityLevel::Unknown,
            "none" => SeverityLevel::None,
            "low" => SeverityLevel::Low,
            "medium" | "moderate" => SeverityLevel::Medium,
            "high" | "important" => SeverityLevel::High,
            "critical" => SeverityLevel::Critical,
            _ => return None,
        })
    }

    /// CVSS v3 qualitative rating of a base score; CVSS v4.0 uses the same
    /// scale (v4.0 specification, "Qualitative Severity Rating Scale").
    pub fn from_cvss3_score(score: f64) -> SeverityLevel {
        if score <= 0.0 {
            SeverityLevel::None
        } else if score < 4.0 {
            SeverityLevel::Low
        } else if score < 7.0 {
            SeverityLevel::Medium
        } else if score < 9.0 {
            SeverityLevel::High
        } else {
            SeverityLevel::Critical
        }
    }
}

/// The severity of a record or of one of its affected packages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Severity {
    pub level: SeverityLevel,
    /// CVSS base score, when computed from a vector.
    pub score: Option<f64>,
    /// The vector the score was computed from.
    pub vector: Option<String>,
}

impl Severity {
    /// No usable severity.
    pub fn unknown() -> Severity {
        Severity {
            level: SeverityLevel::Unknown,
            score: None,
            vector: None,
        }
    }
}

/// Severity from `severity[]` entries: the highest CVSS v3.x score, else the
/// highest CVSS v4.0 score, else the highest CVSS v2 score. `Ubuntu` entries
/// are not scored.
///
/// v3.x wins over v4.0 when a record has both: most tooling and policies
/// still rank by v3, and the two versions often score the same flaw
/// differently, so switching would move existing findings across severity
/// thresholds. A record carrying only a v4.0 vector (as newer RustSec and
/// GHSA records do) is scored from it rather than left unknown. v4.0's
/// qualitative scale is the same as v3.x's.
pub fn severity_from_entries(entries: &[SeverityEntry]) -> Option<Severity> {
    let best = |kind: &str, score: fn(&str) -> Result<f64, CvssError>| {
        entries
            .iter()
            .filter(|e| e.kind == kind)
            .filter_map(|e| score(&e.score).ok().map(|s| (s, &e.score)))
            .max_by(|a, b| a.0.total_cmp(&b.0))
    };
    if let Some((score, vector)) =
        best("CVSS_V3", cvss3_base_score).or_else(|| best("CVSS_V4", cvss4_score))
    {
        return Some(Severity {
            level: SeverityLevel::from_cvss3_score(score),
            score: Some(score),
            vector: Some(vector.clone()),
        });
    }
    best("CVSS_V2", cvss2_base_score).map(|(score, vector)| Severity {
        level: if score < 4.0 {
            SeverityLevel::Low
        } else if score < 7.0 {
            SeverityLevel::Medium
        } else {
            SeverityLevel::High
        },
        score: Some(score),
        vector: Some(vector.clone()),
    })
}

/// The score of a CVSS v4.0 vector (CVSS-B, or -BT/-BE/-BTE when it carries
/// Threat or Environmental metrics); see [`crate::cvss4`].
pub fn cvss4_score(vector: &str) -> Result<f64, CvssError> {
    crate::cvss4::score(vector).map(|s| s.score)
}

/// The record's severity: top-level CVSS, else `database_specific.severity`
/// (GHSA `LOW`/`MODERATE`/`HIGH`/`CRITICAL`), else unknown.
pub fn record_severity(v: &Vulnerability) -> Severity {
    if let Some(s) = severity_from_entries(&v.severity) {
        return s;
    }
    // RustSec keeps its vector in affected[].database_specific.cvss too.
    for a in &v.affected {
        if let Some(s) = severity_from_entries(&a.severity) {
            return s;
        }
        if let Some(vector) = a
            .database_specific
            .as_ref()
            .and_then(|d| d.get("cvss"))
            .and_then(Value::as_str)
            && let Ok(score) = cvss3_base_score(vector).or_else(|_| cvss4_score(vector))
        {
            return Severity {
                level: SeverityLevel::from_cvss3_score(score),
                score: Some(score),
                vector: Some(vector.to_owned()),
            };
        }
    }
    if let Some(level) = v
        .database_specific
        .as_ref()
        .and_then(|d| d.get("severity"))
        .and_then(Value::as_str)
        .and_then(SeverityLevel::parse)
    {
        return Severity {
            level,
            score: None,
            vector: None,
        };
    }
    Severity::unknown()
}

/// Why a CVSS vector could not be scored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvssError {
    #[error("CVSS vector {0:?} has an unsupported version prefix")]
    Version(String),
    #[error("CVSS vector has a malformed or unknown metric {0:?}")]
    Metric(String),
    #[error("CVSS vector repeats metric {0:?}")]
    Duplicate(String),
    #[error("CVSS vector lacks base metric {0:?}")]
    Missing(&'static str),
}

fn metrics<'a>(
    body: &'a str,
    base: &[&'static str],
    allowed_other: &[&str],
) -> Result<Vec<&'a str>, CvssError> {
    let mut values: Vec<Option<&'a str>> = vec![None; base.len()];
    let mut seen_other: Vec<&str> = Vec::new();
    for part in body.split('/') {
        let (k, val) = part
            .split_once(':')
            .ok_or_else(|| CvssError::Metric(part.to_owned()))?;
        if val.is_empty() {
            return Err(CvssError::Metric(part.to_owned()));
        }
        if let Some(i) = base.iter().position(|b| *b == k) {
            let slot = values
                .get_mut(i)
                .ok_or_else(|| CvssError::Metric(part.to_owned()))?;
            if slot.is_some() {
                return Err(CvssError::Duplicate(k.to_owned()));
            }
            *slot = Some(val);
        } else if allowed_other.contains(&k) {
            if seen_other.contains(&k) {
                return Err(CvssError::Duplicate(k.to_owned()));
            }
            seen_other.push(k);
        } else {
            return Err(CvssError::Metric(part.to_owned()));
        }
    }
    values
        .into_iter()
        .zip(base)
        .map(|(v, name)| v.ok_or(CvssError::Missing(name)))
        .collect()
}

const CVSS3_BASE: [&str; 8] = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];
const CVSS3_OTHER: [&str; 14] = [
    "E", "RL", "RC", "CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA",
];
const CVSS2_BASE: [&str; 6] = ["AV", "AC", "Au", "C", "I", "A"];
const CVSS2_OTHER: [&str; 8] = ["E", "RL", "RC", "CDP", "TD", "CR", "IR", "AR"];

/// CVSS v3.1 `Roundup`: the smallest one-decimal number >= x, computed on
/// integers to avoid floating-point artefacts (FIRST CVSS v3.1 spec, Appendix A).
#[allow(clippy::cast_precision_loss)]
fn roundup(x: f64) -> f64 {
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) + 1) as f64 / 10.0
    }
}

/// Base score of a CVSS v3.0/v3.1 vector (`CVSS:3.1/AV:N/...`), per the FIRST
/// specification. Temporal and environmental metrics are accepted and ignored.
#[allow(clippy::many_single_char_names)]
pub fn cvss3_base_score(vector: &str) -> Result<f64, CvssError> {
    let body = vector
        .strip_prefix("CVSS:3.1/")
        .or_else(|| vector.strip_prefix("CVSS:3.0/"))
        .ok_or_else(|| CvssError::Version(vector.to_owned()))?;
    let m = metrics(body, &CVSS3_BASE, &CVSS3_OTHER)?;
    let bad = |k: &str, v: &str| CvssError::Metric(format!("{k}:{v}"));
    let get = |i: usize| m.get(i).copied().unwrap_or("");
    let scope_changed = match get(4) {
        "U" => false,
        "C" => true,
        v => return Err(bad("S", v)),
    };
    let av = match get(0) {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        "P" => 0.2,
        v => return Err(bad("AV", v)),
    };
    let ac = match get(1) {
        "L" => 0.77,
        "H" => 0.44,
        v => return Err(bad("AC", v)),
    };
    let pr = match (get(2), scope_changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        (v, _) => return Err(bad("PR", v)),
    };
    let ui = match get(3) {
        "N" => 0.85,
        "R" => 0.62,
        v => return Err(bad("UI", v)),
    };
    let cia = |k: &str, v: &str| match v {
        "H" => Ok(0.56),
        "L" => Ok(0.22),
        "N" => Ok(0.0),
        _ => Err(bad(k, v)),
    };
    let c = cia("C", get(5))?;
    let i = cia("I", get(6))?;
    let a = cia("A", get(7))?;
    let iss = 1.0 - ((1.0 - c) * (1.0 - i) * (1.0 - a));
    let impact = if scope_changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02f64).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    if impact <= 0.0 {
        return Ok(0.0);
    }
    Ok(if scope_changed {
        roundup(f64::min(1.08 * (impact + exploitability), 10.0))
    } else {
        roundup(f64::min(impact + exploitability, 10.0))
    })
}

/// Base score of a CVSS v2 vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, optionally
/// in parentheses or prefixed `CVSS:2.0/`), per the FIRST CVSS v2 guide.
#[allow(clippy::many_single_char_names)]
pub fn cvss2_base_score(vector: &str) -> Result<f64, CvssError> {
    let body = vector.trim_start_matches('(').trim_end_matches(')');
    let body = body.strip_prefix("CVSS:2.0/").unwrap_or(body);
    let m = metrics(body, &CVSS2_BASE, &CVSS2_OTHER)?;
    let bad = |k: &str, v: &str| CvssError::Metric(format!("{k}:{v}"));
    let get = |i: usize| m.get(i).copied().unwrap_or("");
    let av = match get(0) {
        "L" => 0.395,
        "A" => 0.646,
        "N" => 1.0,
        v => return Err(bad("AV", v)),
    };
    let ac = match get(1) {
        "H" => 0.35,
        "M" => 0.61,
        "L" => 0.71,
        v => return Err(bad("AC", v)),
    };
    let au = match get(2) {
        "M" => 0.45,
        "S" => 0.56,
        "N" => 0.704,
        v => return Err(bad("Au", v)),
    };
    let cia = |k: &str, v: &str| match v {
        "N" => Ok(0.0),
        "P" => Ok(0.275),
        "C" => Ok(0.660),
        _ => Err(bad(k, v)),
    };
    let c = cia("C", get(3))?;
    let i = cia("I", get(4))?;
    let a = cia("A", get(5))?;
    let impact = 10.41 * (1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a));
    let exploitability = 20.0 * av * ac * au;
    let f: f64 = if impact == 0.0 { 0.0 } else { 1.176 };
    let score = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f;
    Ok((score * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvss3_known_vectors() {
        for (v, want) in [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),
            ("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:H/A:N", 8.6),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O", 9.8),
        ] {
            let got = cvss3_base_score(v).unwrap();
            assert!((got - want).abs() < 1e-9, "{v}: {got} != {want}");
        }
    }

    #[test]
    fn cvss3_rejects_bad_vectors() {
        assert!(matches!(
            cvss3_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            Err(CvssError::Version(_))
        ));
        assert_eq!(
            cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"),
            Err(CvssError::Missing("A"))
        );
        assert!(matches!(
            cvss3_base_score("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Err(CvssError::Duplicate(_))
        ));
        assert!(cvss3_base_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").is_err());
        assert!(cvss3_base_score("CVSS:3.1/").is_err());
        assert!(cvss3_base_score("").is_err());
    }

    #[test]
    fn cvss2_known_vectors() {
        assert!((cvss2_base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P").unwrap() - 7.5).abs() < 1e-9);
        assert!((cvss2_base_score("AV:N/AC:L/Au:N/C:C/I:C/A:C").unwrap() - 10.0).abs() < 1e-9);
        assert!((cvss2_base_score("AV:N/AC:M/Au:N/C:N/I:P/A:N").unwrap() - 4.3).abs() < 1e-9);
    }

    #[test]
    fn timestamps() {
        assert!(is_osv_timestamp("0001-01-01T00:00:00Z"));
        assert!(is_osv_timestamp("2021-07-05T00:01:27.298545Z"));
        assert!(!is_osv_timestamp("2021-07-05T00:01:27+00:00"));
        assert!(!is_osv_timestamp("2021-07-05T00:01:27.Z"));
        assert_eq!(
            compare_timestamps("2021-07-05T00:01:27Z", "2021-07-05T00:01:27.5Z"),
            std::cmp::Ordering::Less
        );
    }

    #[test]
    fn severity_fallbacks() {
        let mut v: Vulnerability =
            serde_json::from_str(r#"{"id":"GHSA-x","modified":"2024-01-01T00:00:00Z","database_specific":{"severity":"MODERATE"}}"#)
                .unwrap();
        assert_eq!(record_severity(&v).level, SeverityLevel::Medium);
        v.severity.push(SeverityEntry {
            kind: "CVSS_V4".into(),
            score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".into(),
        });
        // A v4.0 vector alone is scored (9.3) and beats the GHSA label.
        let s = record_severity(&v);
        assert_eq!(s.level, SeverityLevel::Critical);
        assert_eq!(s.score, Some(9.3));
        // v3.x wins over v4.0 when both are present.
        v.severity.push(SeverityEntry {
            kind: "CVSS_V3".into(),
            score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into(),
        });
        let s = record_severity(&v);
        assert_eq!(s.level, SeverityLevel::Critical);
        assert_eq!(s.score, Some(9.8));
    }
    #[test]
    fn cvss_version_preference() {
        let entry = |kind: &str, score: &str| SeverityEntry {
            kind: kind.into(),
            score: score.into(),
        };
        let v4 = entry(
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        );
        let v3 = entry("CVSS_V3", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N");
        let v2 = entry("CVSS_V2", "AV:N/AC:M/Au:N/C:N/I:P/A:N");
        let score =
            |entries: &[SeverityEntry]| severity_from_entries(entries).and_then(|s| s.score);
        // v3.x wins even when its score is lower than v4.0's.
        assert_eq!(score(&[v4.clone(), v3.clone(), v2.clone()]), Some(5.9));
        // v4.0 wins over v2.
        assert_eq!(score(&[v2.clone(), v4.clone()]), Some(9.3));
        // A malformed v4.0 vector is skipped, not fatal.
        let bad = entry("CVSS_V4", "CVSS:4.0/AV:N/AC:L");
        assert_eq!(score(&[bad.clone(), v2.clone()]), Some(4.3));
        assert_eq!(score(&[bad]), None);
        // The highest of several v4.0 vectors.
        let low = entry(
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:N",
        );
        assert_eq!(score(&[low, v4]), Some(9.3));
    }

    #[test]
    fn rustsec_database_specific_v4_vector() {
        let v: Vulnerability = serde_json::from_str(
            r#"{"id":"RUSTSEC-0000-0000","modified":"2024-01-01T00:00:00Z",
                "affected":[{"package":{"ecosystem":"crates.io","name":"x"},
                  "database_specific":{"cvss":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N"}}]}"#,
        )
        .unwrap();
        let s = record_severity(&v);
        assert_eq!(s.level, SeverityLevel::High);
        assert_eq!(s.score, Some(8.7));
    }
}
