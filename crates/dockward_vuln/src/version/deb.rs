//! dpkg versions.

use std::cmp::Ordering;
use std::str::FromStr;

use super::{ParseVersionError, Scheme};

/// A dpkg version, `[epoch:]upstream[-revision]` (Debian, Ubuntu).
///
/// Parsing and ordering are those of the `debversion` crate, which agreed with
/// dpkg on all 12,642 pairs of the reference differential test (and on every
/// pair of `deb.pairs.tsv`, see `tests/version_corpus.rs`).
#[derive(Debug, Clone)]
pub struct DebVersion {
    raw: String,
    parsed: debversion::Version,
}

version_common!(DebVersion);

impl DebVersion {
    /// The epoch (0 when absent).
    pub fn epoch(&self) -> u32 {
        self.parsed.epoch.unwrap_or(0)
    }

    /// The upstream part.
    pub fn upstream(&self) -> &str {
        &self.parsed.upstream_version
    }

    /// The Debian revision, if any.
    pub fn revision(&self) -> Option<&str> {
        self.parsed.debian_revision.as_deref()
    }
}

impl FromStr for DebVersion {
    type Err = ParseVersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| ParseVersionError::new(Scheme::Deb, s, reason);
        // dpkg: the upstream part must start with a digit and the string
        // holds no whitespace; debversion checks the rest of the grammar.
        if s.is_empty() {
            return Err(err("empty version".to_owned()));
        }
        if s.chars().any(char::is_whitespace) {
            return Err(err("contains whitespace".to_owned()));
        }
        let parsed: debversion::Version = s.parse().map_err(|e| err(format!("{e:?}")))?;
        if !parsed
            .upstream_version
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
        {
            return Err(err(
                "the upstream version must start with a digit".to_owned()
            ));
        }
        Ok(DebVersion {
            raw: s.to_owned(),
            parsed,
        })
    }
}

impl Ord for DebVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parsed.cmp(&other.parsed)
    }
}
