//! Upstream release versions (Engine, runc, containerd, the kernel) and the
//! tables of known fixed versions the `HS001` and `DM021`–`DM023` rules use.
//!
//! Only *upstream* versions are compared here. A distribution package version
//! (`20.10.24+dfsg1-1+deb12u1`) is reduced to its upstream part (`20.10.24`),
//! and the rules say that the distribution may have back-ported a fix.

use std::cmp::Ordering;
use std::fmt;

/// An upstream release version: up to three numbers and an optional
/// pre-release tag (`1.0.0-rc92`, `1.4.0-rc.3`, `25.0.0-beta.1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Major, minor, patch (missing parts are 0).
    pub parts: [u64; 3],
    /// Pre-release tag, without the dash.
    pub pre: Option<String>,
}

impl Version {
    /// A release version.
    pub const fn new(major: u64, minor: u64, patch: u64) -> Self {
        Version {
            parts: [major, minor, patch],
            pre: None,
        }
    }

    /// Parses the upstream part of a version string: a leading `v` is dropped,
    /// and so is everything from a `+` (build metadata, `+dfsg1`) or `~`
    /// (Debian repack, `~ds1`). The numbers must start the string; trailing
    /// text after them that is not a `-` pre-release (`-fc-v857` on a kernel
    /// release) is ignored, as is a pre-release that starts with a digit
    /// (`6.1.0-37-amd64`, a distribution ABI number).
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        let end = text.find(['+', '~']).unwrap_or(text.len());
        let text = text.get(..end)?;
        let numbers_end = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let numbers = text.get(..numbers_end)?.trim_end_matches('.');
        if numbers.is_empty() {
            return None;
        }
        let mut parts = [0u64; 3];
        for (i, piece) in numbers.split('.').enumerate() {
            if i >= 3 {
                break;
            }
            parts[i] = piece.parse().ok()?;
        }
        let rest = text.get(numbers_end..).unwrap_or("");
        let pre = rest
            .strip_prefix('-')
            .filter(|p| p.starts_with(|c: char| c.is_ascii_alphabetic()))
            .filter(|p| is_prerelease_tag(p))
            .map(str::to_owned);
        Some(Version { parts, pre })
    }

    /// `(major, minor)`.
    pub fn line(&self) -> (u64, u64) {
        (self.parts[0], self.parts[1])
    }
}

/// `rc92`, `rc.3`, `beta.1`, `alpha`: a pre-release, not a local suffix.
fn is_prerelease_tag(tag: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    ["rc", "alpha", "beta", "pre", "dev"]
        .iter()
        .any(|p| lower.starts_with(p))
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c] = self.parts;
        write!(f, "{a}.{b}.{c}")?;
        if let Some(pre) = &self.pre {
            write!(f, "-{pre}")?;
        }
        Ok(())
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts
            .cmp(&other.parts)
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => compare_tags(a, b),
            })
    }
}

/// Compares pre-release tags by runs of letters and digits, digits as numbers:
/// `rc6 < rc7 < rc92`, `rc.2 < rc.10`.
fn compare_tags(a: &str, b: &str) -> Ordering {
    let (ra, rb) = (runs(a), runs(b));
    for (x, y) in ra.iter().zip(&rb) {
        let order = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    ra.len().cmp(&rb.len())
}

fn runs(tag: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last_digit: Option<bool> = None;
    for c in tag.chars() {
        if !c.is_ascii_alphanumeric() {
            last_digit = None;
            continue;
        }
        let digit = c.is_ascii_digit();
        match out.last_mut() {
            Some(run) if last_digit == Some(digit) => run.push(c),
            _ => out.push(c.to_string()),
        }
        last_digit = Some(digit);
    }
    out
}

/// A known vulnerability of a component and the versions that fix it.
#[derive(Debug, Clone, Copy)]
pub struct Advisory {
    /// `CVE-2024-21626`.
    pub id: &'static str,
    /// What it allows, in a few words.
    pub summary: &'static str,
    /// The first affected version; `None` for "every earlier version".
    pub introduced: Option<(u64, u64, u64)>,
    /// The first release line that contains the fix from its start, e.g. `(5, 17)`.
    pub fixed_line: (u64, u64),
    /// Fixed versions of older release lines (back-ports), e.g. `(5, 15, 25)`.
    /// A line older than [`Advisory::fixed_line`] that is not listed has no fix.
    pub backports: &'static [(u64, u64, u64)],
    /// Versions before this one (exclusive) count, and versions of a line
    /// listed here are affected only within `[line.0, fixed)`; used for
    /// pre-release fixes. Usually empty.
    pub fixed_prerelease: Option<&'static str>,
}

impl Advisory {
    /// Whether `v` is affected, and the version that fixes it for `v`'s line.
    pub fn affects(&self, v: &Version) -> Option<String> {
        if let Some((a, b, c)) = self.introduced
            && *v < Version::new(a, b, c)
        {
            return None;
        }
        if let Some(pre) = self.fixed_prerelease.and_then(Version::parse)
            && v.line() == pre.line()
        {
            return (*v < pre).then(|| pre.to_string());
        }
        if v.line() >= self.fixed_line {
            return None;
        }
        let release = Version::new(v.parts[0], v.parts[1], v.parts[2]);
        match self.backports.iter().find(|(a, b, _)| (*a, *b) == v.line()) {
            Some(&(a, b, c)) => (release < Version::new(a, b, c)).then(|| format!("{a}.{b}.{c}")),
            None => Some(self.fix_list()),
        }
    }

    /// The fixed versions, oldest line first: `5.10.102 / 5.15.25 / 5.16.11`.
    /// The first fixed line is added (`/ 4.9`) only when no back-port sits
    /// on the line just before it; a pre-release fix is named as such.
    pub fn fix_list(&self) -> String {
        let mut fixes: Vec<String> = self
            .backports
            .iter()
            .map(|(a, b, c)| format!("{a}.{b}.{c}"))
            .collect();
        let (major, minor) = self.fixed_line;
        let line_before_has_fix = self
            .backports
            .iter()
            .any(|(a, b, _)| *a == major && b + 1 == minor);
        if let Some(pre) = self.fixed_prerelease {
            fixes.push(pre.to_owned());
        } else if !line_before_has_fix {
            fixes.push(format!("{major}.{minor}"));
        }
        fixes.join(" / ")
    }
}

/// The kernel vulnerabilities `HS001` checks. Fixed versions are the stable
/// releases listed in each CVE's NVD record (kernel.org stable changelogs).
pub const KERNEL_ADVISORIES: &[(Advisory, KernelCondition)] = &[
    (
        Advisory {
            id: "CVE-2016-5195",
            summary: "\"Dirty COW\": copy-on-write race lets a process write read-only mappings (root on the host)",
            introduced: Some((2, 6, 22)),
            fixed_line: (4, 9),
            backports: &[(4, 4, 26), (4, 7, 9), (4, 8, 3)],
            fixed_prerelease: None,
        },
        KernelCondition::Always,
    ),
    (
        Advisory {
            id: "CVE-2022-0847",
            summary: "\"Dirty Pipe\": pipe page-cache overwrite of read-only files, including image layers and host binaries",
            introduced: Some((5, 8, 0)),
            fixed_line: (5, 17),
            backports: &[(5, 10, 102), (5, 15, 25), (5, 16, 11)],
            fixed_prerelease: None,
        },
        KernelCondition::Always,
    ),
    (
        Advisory {
            id: "CVE-2022-0492",
            summary: "cgroup v1 release_agent written without a capability check: container escape through unshare + mount",
            introduced: None,
            fixed_line: (5, 17),
            backports: &[
                (4, 9, 301),
                (4, 14, 266),
                (4, 19, 229),
                (5, 4, 177),
                (5, 10, 97),
                (5, 15, 20),
                (5, 16, 6),
            ],
            fixed_prerelease: None,
        },
        KernelCondition::CgroupV1,
    ),
    (
        Advisory {
            id: "CVE-2022-0185",
            summary: "fs_context heap overflow reachable from a user namespace: container escape",
            introduced: Some((5, 1, 0)),
            fixed_line: (5, 17),
            backports: &[(5, 4, 173), (5, 10, 93), (5, 15, 16), (5, 16, 2)],
            fixed_prerelease: None,
        },
        KernelCondition::Always,
    ),
    (
        Advisory {
            id: "CVE-2024-1086",
            summary: "nf_tables use-after-free (nft_verdict_init): local root, reachable from a user namespace",
            introduced: Some((3, 15, 0)),
            fixed_line: (6, 8),
            backports: &[
                (4, 19, 306),
                (5, 4, 269),
                (5, 10, 209),
                (5, 15, 149),
                (6, 1, 76),
                (6, 6, 15),
                (6, 7, 3),
            ],
            fixed_prerelease: None,
        },
        KernelCondition::Always,
    ),
];

/// When a kernel advisory matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KernelCondition {
    /// On every host.
    Always,
    /// Only where cgroup v1 hierarchies are mounted.
    CgroupV1,
}

/// How far a component advisory's impact depends on the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relevance {
    /// Always matters.
    Always,
    /// Only exploitable when an authorization plugin is in use.
    AuthzPlugin,
    /// Only with firewalld.
    Firewalld,
    /// Low impact by itself.
    Low,
}

/// Docker Engine advisories (`DM021`), from `docs/reference/audit.md` §4.2.
pub const ENGINE_ADVISORIES: &[(Advisory, Relevance)] = &[
    (
        Advisory {
            id: "CVE-2024-24557",
            summary: "classic builder cache poisoning",
            introduced: None,
            fixed_line: (25, 1),
            backports: &[(24, 0, 9), (25, 0, 2)],
            fixed_prerelease: None,
        },
        Relevance::Low,
    ),
    (
        Advisory {
            id: "CVE-2024-41110",
            summary: "AuthZ plugin bypass with an empty request body",
            introduced: None,
            fixed_line: (27, 2),
            backports: &[(23, 0, 15), (25, 0, 6), (26, 1, 5), (27, 1, 1)],
            fixed_prerelease: None,
        },
        Relevance::AuthzPlugin,
    ),
    (
        Advisory {
            id: "CVE-2025-54388",
            summary: "a firewalld reload exposes ports published on 127.0.0.1",
            introduced: Some((28, 2, 0)),
            fixed_line: (28, 4),
            backports: &[(28, 3, 3)],
            fixed_prerelease: None,
        },
        Relevance::Firewalld,
    ),
    (
        Advisory {
            id: "CVE-2026-34040",
            summary: "AuthZ plugin bypass with an oversized request body (incomplete fix of CVE-2024-41110)",
            introduced: None,
            fixed_line: (29, 4),
            backports: &[(29, 3, 1)],
            fixed_prerelease: None,
        },
        Relevance::AuthzPlugin,
    ),
];

/// runc advisories (`DM022`), from `docs/reference/audit.md` §4.2.
pub const RUNC_ADVISORIES: &[(Advisory, Relevance)] = &[
    (
        Advisory {
            id: "CVE-2019-5736",
            summary: "a container overwrites the host runc binary through /proc/self/exe",
            introduced: None,
            fixed_line: (1, 0),
            backports: &[],
            fixed_prerelease: Some("1.0.0-rc7"),
        },
        Relevance::Always,
    ),
    (
        Advisory {
            id: "CVE-2024-21626",
            summary: "\"Leaky Vessels\": a leaked host directory fd lets WORKDIR or exec escape to the host",
            introduced: None,
            fixed_line: (1, 2),
            backports: &[(1, 1, 12)],
            fixed_prerelease: None,
        },
        Relevance::Always,
    ),
    (
        Advisory {
            id: "CVE-2024-45310",
            summary: "a race creates empty files or directories on the host",
            introduced: None,
            fixed_line: (1, 2),
            backports: &[(1, 1, 14)],
            fixed_prerelease: Some("1.2.0-rc.3"),
        },
        Relevance::Low,
    ),
    (
        Advisory {
            id: "CVE-2025-31133, CVE-2025-52565, CVE-2025-52881",
            summary: "maskedPaths, /dev/console and LSM-write races give arbitrary /proc writes and a full breakout",
            introduced: None,
            fixed_line: (1, 4),
            backports: &[(1, 2, 8), (1, 3, 3)],
            fixed_prerelease: Some("1.4.0-rc.3"),
        },
        Relevance::Always,
    ),
];

/// containerd advisories (`DM023`).
pub const CONTAINERD_ADVISORIES: &[(Advisory, Relevance)] = &[(
    Advisory {
        id: "CVE-2020-15257",
        summary: "containerd-shim API on an abstract socket reachable from --net=host containers: root on the host",
        introduced: None,
        fixed_line: (1, 5),
        backports: &[(1, 3, 9), (1, 4, 3)],
        fixed_prerelease: None,
    },
    Relevance::Always,
)];

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).expect(text)
    }

    #[test]
    fn distribution_and_prefixed_versions_parse_to_upstream() {
        assert_eq!(v("20.10.24+dfsg1"), Version::new(20, 10, 24));
        assert_eq!(v("1.6.20~ds1"), Version::new(1, 6, 20));
        assert_eq!(v("1.1.5+ds1-1+deb12u1"), Version::new(1, 1, 5));
        assert_eq!(v("v1.7.27"), Version::new(1, 7, 27));
        assert_eq!(v("6.18.44-fc-v857"), Version::new(6, 18, 44));
        assert_eq!(v("6.1.0-37-amd64"), Version::new(6, 1, 0));
        assert_eq!(v("28.5"), Version::new(28, 5, 0));
        assert_eq!(v("1.0.0-rc92").pre.as_deref(), Some("rc92"));
        assert!(Version::parse("dev").is_none());
        assert!(Version::parse("").is_none());
    }

    #[test]
    fn prereleases_sort_before_the_release_and_numerically() {
        assert!(v("1.0.0-rc6") < v("1.0.0-rc7"));
        assert!(v("1.0.0-rc7") < v("1.0.0-rc92"));
        assert!(v("1.0.0-rc92") < v("1.0.0"));
        assert!(v("1.4.0-rc.2") < v("1.4.0-rc.10"));
        assert!(v("25.0.0-beta.1") < v("25.0.0"));
    }

    #[test]
    fn advisories_use_the_backport_of_the_version_line() {
        let dirty_pipe = &KERNEL_ADVISORIES[1].0;
        assert_eq!(
            dirty_pipe.affects(&v("5.15.24")),
            Some("5.15.25".to_owned())
        );
        assert_eq!(dirty_pipe.affects(&v("5.15.25")), None);
        assert_eq!(
            dirty_pipe.affects(&v("5.10.101")),
            Some("5.10.102".to_owned())
        );
        assert!(dirty_pipe.affects(&v("5.13.4")).is_some());
        assert_eq!(dirty_pipe.affects(&v("5.4.300")), None);
        assert_eq!(dirty_pipe.affects(&v("6.1.0")), None);
        let runc_5736 = &RUNC_ADVISORIES[0].0;
        assert!(runc_5736.affects(&v("1.0.0-rc6")).is_some());
        assert!(runc_5736.affects(&v("1.0.0-rc7")).is_none());
        assert!(runc_5736.affects(&v("0.1.1")).is_some());
        assert!(runc_5736.affects(&v("1.1.5")).is_none());
        let leaky = &RUNC_ADVISORIES[1].0;
        assert!(leaky.affects(&v("1.1.5+ds1")).is_some());
        assert!(leaky.affects(&v("1.1.12")).is_none());
        let breakout = &RUNC_ADVISORIES[3].0;
        assert!(breakout.affects(&v("1.3.2")).is_some());
        assert!(breakout.affects(&v("1.3.3")).is_none());
        assert!(breakout.affects(&v("1.4.0-rc.2")).is_some());
        assert!(breakout.affects(&v("1.4.0")).is_none());
    }
}
