//! SemVer 2.0.0 versions.

use std::cmp::Ordering;
use std::str::FromStr;

use super::{ParseVersionError, Scheme};

/// A SemVer 2.0.0 version (crates.io, npm, OSV `SEMVER` ranges), ordered by
/// SemVer precedence: a pre-release sorts below its release, numeric
/// pre-release identifiers below alphanumeric ones, and build metadata is
/// ignored (`1.0.0+a` = `1.0.0+b`).
///
/// Parsing is the `semver` crate's (strict: no `v`, no leading zeros), and
/// ordering its `cmp_precedence`, which agreed with python-semver on all
/// 6,673 pairs of the reference differential test. A leading `v` or `=`
/// (which npm's `semver` tolerates) is accepted and ignored.
#[derive(Debug, Clone)]
pub struct SemVersion {
    raw: String,
    parsed: semver::Version,
}

version_common!(SemVersion);

impl SemVersion {
    /// The parsed version.
    pub fn semver(&self) -> &semver::Version {
        &self.parsed
    }
}

impl FromStr for SemVersion {
    type Err = ParseVersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let body = s
            .strip_prefix('v')
            .or_else(|| s.strip_prefix('='))
            .unwrap_or(s);
        let parsed = semver::Version::parse(body)
            .map_err(|e| ParseVersionError::new(Scheme::SemVer, s, e.to_string()))?;
        Ok(SemVersion {
            raw: s.to_owned(),
            parsed,
        })
    }
}

impl Ord for SemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parsed.cmp_precedence(&other.parsed)
    }
}
