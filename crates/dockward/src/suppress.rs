//! Suppressions of `dockward scan` findings: the `.dockwardignore` file
//! (one id per line, like `.trivyignore`) and package-URL matching, which the
//! OpenVEX statements of [`crate::vex`] share.
//!
//! Parsing and matching are pure; [`load_ignore_file`] is the edge that finds
//! and reads the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

/// The ignore file searched for in the working directory.
pub const IGNORE_FILE: &str = ".dockwardignore";

/// What a suppression is matched against: one finding's identifiers and the
/// package URLs of what it is about.
#[derive(Debug, Clone, Default)]
pub struct FindingKeys {
    /// The advisory id and its aliases, or the rule's code, name and aliases.
    pub ids: Vec<String>,
    /// The affected package's purl, and its source package's purl when it
    /// has one. Empty for findings about the image itself.
    pub purls: Vec<String>,
}

impl FindingKeys {
    /// Whether `id` names this finding (ASCII case-insensitive).
    pub fn has_id(&self, id: &str) -> bool {
        self.ids.iter().any(|known| known.eq_ignore_ascii_case(id))
    }
}

/// A parsed package URL, for matching (`pkg:type/namespace/name@version?qualifiers#subpath`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purl {
    /// Lower-cased type (`deb`, `pypi`, `oci`).
    pub kind: String,
    /// Percent-decoded namespace segments joined by `/`, when there is one.
    pub namespace: Option<String>,
    /// Percent-decoded name.
    pub name: String,
    /// Percent-decoded version.
    pub version: Option<String>,
    /// Qualifiers by lower-cased key, values percent-decoded.
    pub qualifiers: BTreeMap<String, String>,
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Purl {
    /// Parses a purl; `None` when `s` is not one.
    pub fn parse(s: &str) -> Option<Purl> {
        let rest = s.trim().strip_prefix("pkg:")?;
        let rest = rest.trim_start_matches('/');
        let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (kind, path) = rest.split_once('/')?;
        if kind.is_empty() {
            return None;
        }
        let path = path.trim_end_matches('/');
        // The version starts at the last `@` after the last `/` (npm scopes
        // are written `%40scope`, but tolerate a literal `@scope/`).
        let last_slash = path.rfind('/').map_or(0, |i| i + 1);
        let (path, version) = match path[last_slash..].rfind('@') {
            Some(at) => (
                &path[..last_slash + at],
                Some(percent_decode(&path[last_slash + at + 1..])),
            ),
            None => (path, None),
        };
        let (namespace, name) = match path.rsplit_once('/') {
            Some((ns, name)) => (Some(ns), name),
            None => (None, path),
        };
        if name.is_empty() {
            return None;
        }
        let kind = kind.to_ascii_lowercase();
        let qualifiers = query
            .split('&')
            .filter(|q| !q.is_empty())
            .filter_map(|q| q.split_once('='))
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_ascii_lowercase(), percent_decode(v)))
            .collect();
        Some(Purl {
            namespace: namespace.map(|ns| {
                ns.split('/')
                    .map(percent_decode)
                    .collect::<Vec<_>>()
                    .join("/")
            }),
            name: percent_decode(name),
            version: version.filter(|v| !v.is_empty()),
            qualifiers,
            kind,
        })
    }

    /// Whether names of this type compare case-insensitively (the purl spec
    /// lower-cases them for these types).
    fn case_insensitive(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "deb" | "apk" | "pypi" | "github" | "bitbucket" | "composer" | "golang"
        )
    }

    /// Whether `self`, used as a pattern, covers `other`: same type,
    /// namespace and name; the same version when the pattern has one; and
    /// every qualifier of the pattern present in `other` with the same value
    /// (in any order). Qualifiers the pattern leaves out are not compared.
    pub fn covers(&self, other: &Purl) -> bool {
        let same = |a: &str, b: &str| {
            if self.case_insensitive() {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        };
        let namespace_same = match (&self.namespace, &other.namespace) {
            (Some(a), Some(b)) => same(a, b),
            (None, None) => true,
            _ => false,
        };
        let (version, qualifiers) = self.with_epoch_in_version();
        let (other_version, other_qualifiers) = other.with_epoch_in_version();
        let namespace = self.namespace.as_deref().unwrap_or_default();
        self.kind == other.kind
            && namespace_same
            && same(&self.name, &other.name)
            && version
                .as_ref()
                .is_none_or(|v| other_version.as_ref() == Some(v))
            && qualifiers.iter().all(|(k, v)| {
                other_qualifiers.get(k).is_some_and(|o| {
                    o == v
                        || (k == "distro"
                            && self.kind == "deb"
                            && distro_release(namespace, o) == distro_release(namespace, v))
                })
            })
    }

    /// The version with a deb or rpm `epoch` qualifier folded into it (`1:2.38.1-5`, the
    /// qualifier dropped) and an explicit zero epoch removed, so that the two ways tools
    /// write an epoch (Trivy: `@2.38.1-5?epoch=1`; dockward for deb: `@1:2.38.1-5`) compare
    /// equal.
    fn with_epoch_in_version(&self) -> (Option<String>, BTreeMap<String, String>) {
        let mut qualifiers = self.qualifiers.clone();
        let mut version = self.version.clone();
        if matches!(self.kind.as_str(), "deb" | "rpm") {
            let epoch = qualifiers.remove("epoch");
            version = version.map(|v| match &epoch {
                Some(e) if !v.contains(':') => format!("{e}:{v}"),
                _ => v,
            });
            version = version.map(|v| v.strip_prefix("0:").map_or(v.clone(), str::to_owned));
        }
        (version, qualifiers)
    }
}

/// A deb purl's `distro` qualifier as a release number, whichever way it is written:
/// `bookworm`, `debian-12`, `debian-12.5` and `12` are Debian 12; `jammy`,
/// `ubuntu-22.04` and `22.04` are Ubuntu 22.04. Other values stay as written.
fn distro_release(namespace: &str, distro: &str) -> String {
    const CODENAMES: [(&str, &str); 15] = [
        ("jessie", "8"),
        ("stretch", "9"),
        ("buster", "10"),
        ("bullseye", "11"),
        ("bookworm", "12"),
        ("trixie", "13"),
        ("forky", "14"),
        ("xenial", "16.04"),
        ("bionic", "18.04"),
        ("focal", "20.04"),
        ("jammy", "22.04"),
        ("mantic", "23.10"),
        ("noble", "24.04"),
        ("oracular", "24.10"),
        ("plucky", "25.04"),
    ];
    let lower = distro.to_ascii_lowercase();
    if let Some((_, number)) = CODENAMES.iter().find(|(name, _)| *name == lower) {
        return (*number).to_owned();
    }
    let number = lower
        .strip_prefix(&format!("{}-", namespace.to_ascii_lowercase()))
        .unwrap_or(&lower);
    // Debian point releases (12.5) are the same release; Ubuntu's minor is part of it.
    if namespace.eq_ignore_ascii_case("debian") {
        return number.split('.').next().unwrap_or(number).to_owned();
    }
    number.to_owned()
}

/// One line of an ignore file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreEntry {
    /// The advisory id, alias or rule code/name/alias.
    pub id: String,
    /// 1-based line number.
    pub line: usize,
    /// The last day (`YYYY-MM-DD`) it suppresses.
    pub expires: Option<String>,
    /// Only findings about packages this purl covers.
    pub purl: Option<Purl>,
    /// The purl as written.
    pub purl_text: Option<String>,
}

/// A parsed ignore file.
#[derive(Debug, Clone, Default)]
pub struct IgnoreFile {
    /// The path as shown to the user.
    pub display: String,
    /// Its entries, in order.
    pub entries: Vec<IgnoreEntry>,
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) {
        return false;
    }
    if !digits(5..7) || !digits(8..10) {
        return false;
    }
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

impl IgnoreFile {
    /// Parses an ignore file: one entry per line, `ID [exp:YYYY-MM-DD]
    /// [pkg:…]`, blank lines and `#` comments (also after an entry) skipped.
    /// An unknown word or a malformed date is an error naming the line.
    pub fn parse(display: &str, text: &str) -> anyhow::Result<IgnoreFile> {
        let mut entries = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let content = raw.split_once('#').map_or(raw, |(c, _)| c).trim();
            let mut words = content.split_whitespace();
            let Some(id) = words.next() else { continue };
            let mut entry = IgnoreEntry {
                id: id.to_owned(),
                line,
                expires: None,
                purl: None,
                purl_text: None,
            };
            if id.starts_with("exp:") || id.starts_with("pkg:") {
                bail!("{display}:{line}: the line starts with `{id}`, not with an id");
            }
            for word in words {
                if let Some(date) = word.strip_prefix("exp:") {
                    if !is_date(date) {
                        bail!("{display}:{line}: `{word}` is not an expiry date (exp:YYYY-MM-DD)");
                    }
                    entry.expires = Some(date.to_owned());
                } else if word.starts_with("pkg:") {
                    let Some(purl) = Purl::parse(word) else {
                        bail!("{display}:{line}: `{word}` is not a package URL");
                    };
                    entry.purl = Some(purl);
                    entry.purl_text = Some(word.to_owned());
                } else {
                    bail!(
                        "{display}:{line}: unexpected `{word}` after `{id}` (expected exp:YYYY-MM-DD or a pkg: URL)"
                    );
                }
            }
            entries.push(entry);
        }
        Ok(IgnoreFile {
            display: display.to_owned(),
            entries,
        })
    }

    /// Entries whose expiry date is before `today` (`YYYY-MM-DD`).
    pub fn expired<'a>(&'a self, today: &'a str) -> impl Iterator<Item = &'a IgnoreEntry> {
        self.entries
            .iter()
            .filter(move |e| e.expires.as_deref().is_some_and(|d| d < today))
    }

    /// The first entry, not expired on `today`, that suppresses the finding.
    pub fn find(&self, keys: &FindingKeys, today: &str) -> Option<&IgnoreEntry> {
        self.entries.iter().find(|e| {
            e.expires.as_deref().is_none_or(|d| d >= today)
                && keys.has_id(&e.id)
                && e.purl.as_ref().is_none_or(|pattern| {
                    keys.purls
                        .iter()
                        .filter_map(|p| Purl::parse(p))
                        .any(|p| pattern.covers(&p))
                })
        })
    }

    /// The text shown as the suppression's justification.
    pub fn justification(&self, entry: &IgnoreEntry) -> String {
        let mut text = format!("{}:{}: {}", self.display, entry.line, entry.id);
        if let Some(purl) = &entry.purl_text {
            text.push(' ');
            text.push_str(purl);
        }
        if let Some(date) = &entry.expires {
            text.push_str(" exp:");
            text.push_str(date);
        }
        text
    }
}

/// Reads `explicit`, else `.dockwardignore` in the working directory when it
/// exists. A named file that cannot be read is an error.
pub fn load_ignore_file(explicit: Option<&Path>) -> anyhow::Result<Option<IgnoreFile>> {
    let (path, display) = if let Some(path) = explicit {
        (path.to_owned(), path.display().to_string())
    } else {
        let path = PathBuf::from(IGNORE_FILE);
        if !path.is_file() {
            return Ok(None);
        }
        (path, IGNORE_FILE.to_owned())
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the ignore file `{display}`"))?;
    IgnoreFile::parse(&display, &text).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_parse_and_decode() {
        let p = Purl::parse(
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?distro=bookworm&arch=amd64&upstream=glibc",
        )
        .expect("purl");
        assert_eq!(p.kind, "deb");
        assert_eq!(p.namespace.as_deref(), Some("debian"));
        assert_eq!(p.name, "libc6");
        assert_eq!(p.version.as_deref(), Some("2.36-9+deb12u1"));
        assert_eq!(p.qualifiers["arch"], "amd64");
        let npm = Purl::parse("pkg:npm/%40angular/core@12.3.1").expect("purl");
        assert_eq!(npm.namespace.as_deref(), Some("@angular"));
        assert_eq!(npm.name, "core");
        assert_eq!(Purl::parse("pkg:pypi/six").and_then(|p| p.version), None);
        assert!(Purl::parse("CVE-2023-1").is_none());
        assert!(Purl::parse("pkg:deb").is_none());
    }

    #[test]
    fn a_pattern_covers_versions_and_qualifiers_it_leaves_out() {
        let installed = Purl::parse(
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=bookworm&upstream=glibc",
        )
        .expect("purl");
        let covers = |p: &str| Purl::parse(p).expect("purl").covers(&installed);
        assert!(covers("pkg:deb/debian/libc6"));
        assert!(covers("pkg:deb/debian/LIBC6@2.36-9+deb12u1"));
        assert!(covers(
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?distro=bookworm&arch=amd64"
        ));
        assert!(!covers("pkg:deb/debian/libc6@2.36-9+deb12u3"));
        assert!(!covers("pkg:deb/debian/libc6?arch=arm64"));
        assert!(!covers("pkg:deb/ubuntu/libc6"));
        assert!(!covers("pkg:rpm/debian/libc6"));
    }

    /// Trivy writes a deb epoch as a qualifier and the distro as `debian-12.N`; dockward
    /// writes the epoch in the version and the distro as the codename. Either covers the
    /// other; a different release or epoch does not.
    #[test]
    fn deb_epochs_and_distro_spellings_compare_by_meaning() {
        let ours = Purl::parse(
            "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&distro=bookworm&upstream=util-linux",
        )
        .expect("purl");
        let trivy =
            "pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12.15&epoch=1";
        let covers = |p: &str| Purl::parse(p).expect("purl").covers(&ours);
        assert!(covers(trivy));
        assert!(covers("pkg:deb/debian/bsdutils?distro=debian-12"));
        assert!(covers("pkg:deb/debian/bsdutils?distro=12"));
        assert!(
            Purl::parse("pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?distro=bookworm")
                .expect("purl")
                .covers(&Purl::parse(trivy).expect("purl"))
        );
        assert!(!covers("pkg:deb/debian/bsdutils?distro=debian-11"));
        assert!(!covers("pkg:deb/debian/bsdutils?distro=bullseye"));
        assert!(!covers("pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3"));
        assert!(!covers(
            "pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3?epoch=2"
        ));
        // No epoch and epoch 0 are the same version.
        let plain = Purl::parse("pkg:deb/debian/libc6@2.36-9?distro=bookworm").expect("purl");
        assert!(
            Purl::parse("pkg:deb/debian/libc6@2.36-9?epoch=0")
                .expect("purl")
                .covers(&plain)
        );
        // Ubuntu: codename and number.
        let jammy = Purl::parse("pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.15?distro=ubuntu-22.04")
            .expect("purl");
        assert!(
            Purl::parse("pkg:deb/ubuntu/curl?distro=jammy")
                .expect("purl")
                .covers(&jammy)
        );
        assert!(
            !Purl::parse("pkg:deb/ubuntu/curl?distro=noble")
                .expect("purl")
                .covers(&jammy)
        );
    }

    #[test]
    fn ignore_files_take_ids_expiry_and_purls() {
        let file = IgnoreFile::parse(
            ".dockwardignore",
            "# accepted risks\n\nCVE-2023-4911  # glibc, reviewed\nCVE-2005-2541 exp:2000-01-31\nCVE-2023-38545 pkg:deb/debian/curl exp:2999-12-31\n",
        )
        .expect("parses");
        assert_eq!(file.entries.len(), 3);
        assert_eq!(file.entries[0].line, 3);
        let keys = |ids: &[&str], purl: &str| FindingKeys {
            ids: ids.iter().map(|s| (*s).to_owned()).collect(),
            purls: vec![purl.to_owned()],
        };
        let today = "2026-01-01";
        let glibc = keys(
            &["DEBIAN-CVE-2023-4911", "cve-2023-4911"],
            "pkg:deb/debian/libc6@1",
        );
        assert_eq!(file.find(&glibc, today).map(|e| e.line), Some(3));
        let tar = keys(&["CVE-2005-2541"], "pkg:deb/debian/tar@1");
        assert!(file.find(&tar, today).is_none(), "expired");
        assert!(
            file.find(&tar, "2000-01-31").is_some(),
            "the last day counts"
        );
        assert_eq!(file.expired(today).count(), 1);
        let curl = keys(&["CVE-2023-38545"], "pkg:deb/debian/curl@7");
        assert!(file.find(&curl, today).is_some());
        let libcurl = keys(&["CVE-2023-38545"], "pkg:deb/debian/libcurl4@7");
        assert!(file.find(&libcurl, today).is_none(), "scoped to curl");
        assert_eq!(
            file.justification(&file.entries[2]),
            ".dockwardignore:5: CVE-2023-38545 pkg:deb/debian/curl exp:2999-12-31"
        );
    }

    #[test]
    fn malformed_lines_name_their_line() {
        let error = IgnoreFile::parse("x", "CVE-1\nCVE-2 exp:2024-13-01\n").expect_err("bad date");
        assert!(
            error.to_string().starts_with("x:2: `exp:2024-13-01`"),
            "{error}"
        );
        let error = IgnoreFile::parse("x", "CVE-2 because\n").expect_err("unknown word");
        assert!(
            error.to_string().contains("unexpected `because`"),
            "{error}"
        );
        let error = IgnoreFile::parse("x", "exp:2024-01-01\n").expect_err("no id");
        assert!(error.to_string().contains("not with an id"), "{error}");
    }
}
