//! PEP 440 versions.

use std::cmp::Ordering;
use std::str::FromStr;

use super::{ParseVersionError, Scheme};

/// A PEP 440 version (PyPI), e.g. `1!2.0rc1.post2.dev3+local`.
///
/// Parsing (with PEP 440 normalisation: `1.0a1` = `1.0.a1`) and ordering are
/// `pep440_rs`'s, which agreed with `packaging` on all 14,103 valid pairs of
/// the reference differential test; strings `packaging` rejects (commit
/// hashes, `5.0-final`, ...) are parse errors.
#[derive(Debug, Clone)]
pub struct Pep440Version {
    raw: String,
    parsed: pep440_rs::Version,
}

version_common!(Pep440Version);

impl Pep440Version {
    /// The normalised form (`1.0.A1` → `1.0a1`).
    pub fn normalized(&self) -> String {
        self.parsed.to_string()
    }

    /// Whether this is a pre-release or development release.
    pub fn is_prerelease(&self) -> bool {
        self.parsed.any_prerelease()
    }
}

impl FromStr for Pep440Version {
    type Err = ParseVersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parsed = pep440_rs::Version::from_str(s)
            .map_err(|e| ParseVersionError::new(Scheme::Pep440, s, e.to_string()))?;
        Ok(Pep440Version {
            raw: s.to_owned(),
            parsed,
        })
    }
}

impl Ord for Pep440Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parsed.cmp(&other.parsed)
    }
}
