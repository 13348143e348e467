//! Go module versions.

use std::cmp::Ordering;
use std::str::FromStr;

use super::{ParseVersionError, Scheme};

/// A Go module version: SemVer with a `v` prefix (`v1.2.3`), as
/// `golang.org/x/mod/semver` reads it. OSV's `Go` ecosystem writes versions
/// without the `v` (`1.2.3`); both forms are accepted.
///
/// * `+incompatible` (a v2+ module without a `go.mod`) is build metadata and
///   does not affect the order: `v2.0.0+incompatible` = `v2.0.0`.
/// * Pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`,
///   `v1.2.4-0.20191109021931-daa7c04131f5`) are SemVer pre-releases and sort
///   by their timestamp, below the release they precede.
/// * The shorthands `v1` and `v1.2` mean `v1.0.0` and `v1.2.0`.
#[derive(Debug, Clone)]
pub struct GoVersion {
    raw: String,
    parsed: semver::Version,
}

version_common!(GoVersion);

impl GoVersion {
    /// Whether this is a pseudo-version (a commit, not a tag).
    pub fn is_pseudo(&self) -> bool {
        let pre = self.parsed.pre.as_str();
        let last = pre.rsplit(['-', '.']).next().unwrap_or_default();
        let stamp = pre
            .strip_suffix(last)
            .and_then(|p| p.strip_suffix(['-', '.']))
            .and_then(|p| p.rsplit(['-', '.']).next())
            .unwrap_or_default();
        last.len() == 12
            && last.bytes().all(|c| c.is_ascii_hexdigit())
            && stamp.len() == 14
            && stamp.bytes().all(|c| c.is_ascii_digit())
    }

    /// Whether the version carries `+incompatible`.
    pub fn is_incompatible(&self) -> bool {
        self.parsed.build.as_str() == "incompatible"
    }
}

impl FromStr for GoVersion {
    type Err = ParseVersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| ParseVersionError::new(Scheme::Go, s, reason);
        let body = s.strip_prefix('v').unwrap_or(s);
        let dots = body.bytes().filter(|&c| c == b'.').count();
        let plain = body.bytes().all(|c| c.is_ascii_digit() || c == b'.');
        let full = match (plain, dots) {
            (true, 0) => format!("{body}.0.0"),
            (true, 1) => format!("{body}.0"),
            _ => body.to_owned(),
        };
        let parsed = semver::Version::parse(&full).map_err(|e| err(e.to_string()))?;
        Ok(GoVersion {
            raw: s.to_owned(),
            parsed,
        })
    }
}

impl Ord for GoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parsed.cmp_precedence(&other.parsed)
    }
}
