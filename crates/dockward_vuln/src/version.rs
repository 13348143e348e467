//! One version type per ecosystem, and a dispatcher for the matcher.
//!
//! Each scheme has its own type ([`DebVersion`], [`ApkVersion`], [`RpmVersion`],
//! [`Pep440Version`], [`SemVersion`], [`GoVersion`], [`MavenVersion`],
//! [`GemVersion`]) implementing `FromStr` (with a typed [`ParseVersionError`];
//! no input makes a parser panic) and `Ord`. The types are distinct, so
//! comparing a dpkg version with an apk version does not compile.
//!
//! The matcher, which only knows an OSV ecosystem string at run time, uses
//! [`parse_for`] and [`compare`]. Those treat the OSV range sentinel `"0"`
//! ("from the beginning") as lower than every version of every scheme.
//!
//! Which implementation decides each scheme, and how it was checked, is
//! written on each type. The labelled pairs of `shared/data/version-corpus`
//! are checked by `tests/version_corpus.rs`.

use std::cmp::Ordering;
use std::fmt;

use crate::ecosystem::Ecosystem;

/// Implements `PartialEq`, `Eq`, `PartialOrd` (all from the type's `Ord`),
/// `Display` (the string as given) and `as_str` for a type with a `raw: String`.
macro_rules! version_common {
    ($ty:ident) => {
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                self.cmp(other) == std::cmp::Ordering::Equal
            }
        }
        impl Eq for $ty {}
        impl PartialOrd for $ty {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.raw)
            }
        }
        impl $ty {
            /// The version string as it was parsed.
            pub fn as_str(&self) -> &str {
                &self.raw
            }
        }
    };
}

mod apk;
mod deb;
mod gem;
mod go;
mod maven;
mod pep440;
mod rpm;
mod semver;

pub use apk::ApkVersion;
pub use deb::DebVersion;
pub use gem::GemVersion;
pub use go::GoVersion;
pub use maven::MavenVersion;
pub use pep440::Pep440Version;
pub use rpm::RpmVersion;
pub use semver::SemVersion;

/// A version scheme: the rules by which one ecosystem orders its versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scheme {
    /// dpkg (Debian, Ubuntu).
    Deb,
    /// apk-tools (Alpine).
    Apk,
    /// rpm EVR (AlmaLinux, Rocky Linux, Red Hat).
    Rpm,
    /// PEP 440 (PyPI).
    Pep440,
    /// SemVer 2.0.0 precedence (npm, crates.io).
    SemVer,
    /// Go module versions (SemVer with a `v`, `+incompatible`, pseudo-versions).
    Go,
    /// Maven `ComparableVersion`.
    Maven,
    /// RubyGems `Gem::Version`.
    Gem,
}

impl Scheme {
    /// The scheme an ecosystem's versions follow; `None` for ecosystems
    /// whose scheme is not implemented (Packagist).
    pub fn for_ecosystem(ecosystem: &Ecosystem) -> Option<Scheme> {
        Some(match ecosystem {
            Ecosystem::Debian(_) | Ecosystem::Ubuntu(_) => Scheme::Deb,
            Ecosystem::Alpine(_) => Scheme::Apk,
            Ecosystem::AlmaLinux(_) | Ecosystem::RockyLinux(_) | Ecosystem::RedHat(_) => {
                Scheme::Rpm
            }
            Ecosystem::PyPi => Scheme::Pep440,
            Ecosystem::Npm | Ecosystem::CratesIo => Scheme::SemVer,
            Ecosystem::Go => Scheme::Go,
            Ecosystem::Maven => Scheme::Maven,
            Ecosystem::RubyGems => Scheme::Gem,
            Ecosystem::Packagist => return None,
        })
    }

    /// A short name: `deb`, `apk`, `rpm`, `pep440`, `semver`, `go`, `maven`, `gem`.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Deb => "deb",
            Scheme::Apk => "apk",
            Scheme::Rpm => "rpm",
            Scheme::Pep440 => "pep440",
            Scheme::SemVer => "semver",
            Scheme::Go => "go",
            Scheme::Maven => "maven",
            Scheme::Gem => "gem",
        }
    }

    /// Parses `s` as a version of this scheme (no OSV `"0"` sentinel).
    pub fn parse(self, s: &str) -> Result<AnyVersion, ParseVersionError> {
        Ok(match self {
            Scheme::Deb => AnyVersion::Deb(s.parse()?),
            Scheme::Apk => AnyVersion::Apk(s.parse()?),
            Scheme::Rpm => AnyVersion::Rpm(s.parse()?),
            Scheme::Pep440 => AnyVersion::Pep440(s.parse()?),
            Scheme::SemVer => AnyVersion::SemVer(s.parse()?),
            Scheme::Go => AnyVersion::Go(s.parse()?),
            Scheme::Maven => AnyVersion::Maven(s.parse()?),
            Scheme::Gem => AnyVersion::Gem(s.parse()?),
        })
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A string that is not a valid version of a scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a valid {scheme} version: {reason}")]
pub struct ParseVersionError {
    /// The scheme whose grammar rejected the string.
    pub scheme: Scheme,
    /// The rejected string.
    pub input: String,
    /// Why it was rejected.
    pub reason: String,
}

impl ParseVersionError {
    pub(crate) fn new(scheme: Scheme, input: &str, reason: impl Into<String>) -> Self {
        ParseVersionError {
            scheme,
            input: input.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Why two versions could not be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// One of the strings is not a version of the ecosystem's scheme.
    #[error(transparent)]
    Parse(#[from] ParseVersionError),
    /// The ecosystem's version scheme is not implemented.
    #[error("no version comparator for ecosystem `{0}`")]
    Unsupported(String),
}

/// A version of any scheme, for code that learns the ecosystem at run time.
///
/// Versions of different schemes are unordered: `partial_cmp` returns `None`.
#[derive(Debug, Clone)]
pub enum AnyVersion {
    /// The OSV sentinel `"0"`: lower than every version of every scheme.
    Zero,
    /// dpkg.
    Deb(DebVersion),
    /// apk.
    Apk(ApkVersion),
    /// rpm.
    Rpm(RpmVersion),
    /// PEP 440.
    Pep440(Pep440Version),
    /// SemVer.
    SemVer(SemVersion),
    /// Go.
    Go(GoVersion),
    /// Maven.
    Maven(MavenVersion),
    /// RubyGems.
    Gem(GemVersion),
}

impl AnyVersion {
    /// The scheme of this version; `None` for [`AnyVersion::Zero`].
    pub fn scheme(&self) -> Option<Scheme> {
        Some(match self {
            AnyVersion::Zero => return None,
            AnyVersion::Deb(_) => Scheme::Deb,
            AnyVersion::Apk(_) => Scheme::Apk,
            AnyVersion::Rpm(_) => Scheme::Rpm,
            AnyVersion::Pep440(_) => Scheme::Pep440,
            AnyVersion::SemVer(_) => Scheme::SemVer,
            AnyVersion::Go(_) => Scheme::Go,
            AnyVersion::Maven(_) => Scheme::Maven,
            AnyVersion::Gem(_) => Scheme::Gem,
        })
    }
}

impl PartialEq for AnyVersion {
    fn eq(&self, other: &Self) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for AnyVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        use AnyVersion as V;
        Some(match (self, other) {
            (V::Zero, V::Zero) => Ordering::Equal,
            (V::Zero, _) => Ordering::Less,
            (_, V::Zero) => Ordering::Greater,
            (V::Deb(a), V::Deb(b)) => a.cmp(b),
            (V::Apk(a), V::Apk(b)) => a.cmp(b),
            (V::Rpm(a), V::Rpm(b)) => a.cmp(b),
            (V::Pep440(a), V::Pep440(b)) => a.cmp(b),
            (V::SemVer(a), V::SemVer(b)) => a.cmp(b),
            (V::Go(a), V::Go(b)) => a.cmp(b),
            (V::Maven(a), V::Maven(b)) => a.cmp(b),
            (V::Gem(a), V::Gem(b)) => a.cmp(b),
            _ => return None,
        })
    }
}

impl fmt::Display for AnyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnyVersion::Zero => f.write_str("0"),
            AnyVersion::Deb(v) => v.fmt(f),
            AnyVersion::Apk(v) => v.fmt(f),
            AnyVersion::Rpm(v) => v.fmt(f),
            AnyVersion::Pep440(v) => v.fmt(f),
            AnyVersion::SemVer(v) => v.fmt(f),
            AnyVersion::Go(v) => v.fmt(f),
            AnyVersion::Maven(v) => v.fmt(f),
            AnyVersion::Gem(v) => v.fmt(f),
        }
    }
}

/// Parses `s` as a version of `ecosystem`, as an OSV range event value:
/// the exact string `"0"` is [`AnyVersion::Zero`], lower than everything.
pub fn parse_for(ecosystem: &Ecosystem, s: &str) -> Result<AnyVersion, VersionError> {
    let scheme = Scheme::for_ecosystem(ecosystem)
        .ok_or_else(|| VersionError::Unsupported(ecosystem.osv_name()))?;
    if s == "0" {
        return Ok(AnyVersion::Zero);
    }
    Ok(scheme.parse(s)?)
}

/// Compares two version strings of `ecosystem` (with the OSV `"0"` sentinel,
/// see [`parse_for`]). An unparseable string is an error, never a guess.
pub fn compare(ecosystem: &Ecosystem, a: &str, b: &str) -> Result<Ordering, VersionError> {
    let a = parse_for(ecosystem, a)?;
    let b = parse_for(ecosystem, b)?;
    // Both come from one scheme, so they are always comparable.
    Ok(a.partial_cmp(&b).unwrap_or(Ordering::Equal))
}
