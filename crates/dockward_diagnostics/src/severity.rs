use std::fmt;
use std::str::FromStr;

/// One severity scale for every engine, ordered from least to most severe.
///
/// It is Trivy's scale (which CVSS ratings map onto) plus `Info`. hadolint's
/// levels are accepted as input: `style` = info, `info` = low,
/// `warning` = medium, `error` = high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Style and information; never a security problem on its own.
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

impl Severity {
    /// All severities, least severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// Lowercase name, as written in reports and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// SARIF `level` for this severity.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Info | Severity::Low => "note",
            Severity::Medium => "warning",
            Severity::High | Severity::Critical => "error",
        }
    }

    /// GitHub code scanning `security-severity` (a CVSS-like score).
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Info => "0.0",
            Severity::Low => "2.0",
            Severity::Medium => "5.5",
            Severity::High => "8.0",
            Severity::Critical => "9.5",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity name that is not on the scale.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown severity `{0}` (expected info, low, medium, high, critical; or hadolint's style, info, warning, error)"
)]
pub struct SeverityParseError(pub String);

impl FromStr for Severity {
    type Err = SeverityParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "style" | "note" | "unknown" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" | "warning" | "warn" => Ok(Severity::Medium),
            "high" | "error" => Ok(Severity::High),
            "critical" | "fatal" => Ok(Severity::Critical),
            _ => Err(SeverityParseError(s.to_owned())),
        }
    }
}
