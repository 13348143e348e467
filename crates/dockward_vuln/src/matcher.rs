//! Matching installed packages against OSV records, in memory.
//!
//! An [`Index`] holds the non-withdrawn affected entries keyed by
//! (ecosystem, normalised name); it is built from records ([`Index::add`]) or
//! loaded from the store ([`crate::db::Store::load_index`]). Version order is
//! not known here: the caller passes a comparator ([`VersionCmp`]).
//!
//! Range semantics follow the OSV schema's evaluation section:
//! - events of a range are sorted by version (`introduced: "0"` is lowest,
//!   `limit: "*"` highest; an insertion sort, so an inconsistent comparator
//!   cannot panic);
//! - walking them, `introduced <= v` makes `v` affected, `fixed <= v` or
//!   `last_affected < v` clears it;
//! - when a range has `limit` events, `v` must also be below one of them;
//! - a version listed in `versions[]` is affected whatever the ranges say;
//! - `ECOSYSTEM` ranges compare with the package's ecosystem; `SEMVER` ranges
//!   compare with [`Ecosystem::Npm`] (plain SemVer 2.0 precedence), so the
//!   comparator must implement SemVer for `Npm`; `GIT` ranges and unknown
//!   types are ignored;
//! - if the comparator returns `None` for any needed comparison, the range is
//!   skipped (no finding from it; `versions[]` still applies).
//!
//! For `Go` queries a leading `v` is dropped from the version, since OSV Go
//! records write versions without it.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use crate::ecosystem::Ecosystem;
use crate::osv::{Affected, EventKind, Range, RangeType, Severity, Vulnerability};

/// Compares two versions of an ecosystem; `None` when either cannot be parsed.
pub type VersionCmp<'a> = dyn Fn(&Ecosystem, &str, &str) -> Option<Ordering> + 'a;

/// One installed package to look up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub ecosystem: Ecosystem,
    /// Package name as installed (normalised here, e.g. PEP 503 for PyPI).
    /// For OS ecosystems, the source package name.
    pub name: String,
    /// Installed version (for OS ecosystems, the source version).
    pub version: String,
}

/// One finding: one or more OSV records (aliases of each other) affecting the
/// queried package version.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The preferred id among the merged records (an ecosystem-native id
    /// rather than a CVE or GHSA when there is one; else the smallest).
    pub advisory_id: String,
    /// Ids of all records merged into this finding, sorted.
    pub advisory_ids: Vec<String>,
    /// Every id and alias of the merged records, sorted and deduplicated.
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    /// The highest severity among the merged records.
    pub severity: Severity,
    /// The lowest fixed version above the installed one, per record; empty
    /// when no fix is known.
    pub fixed_versions: Vec<String>,
    /// Human-readable bounds that contain the version, e.g. `>= 1.0, < 1.2.3`.
    pub affected_range_description: String,
}

impl Match {
    /// Whether a fixed version is known (for `--ignore-unfixed`).
    pub fn is_fixed(&self) -> bool {
        !self.fixed_versions.is_empty()
    }
}

/// Normalises a package name the way the ecosystem compares names: PEP 503
/// for PyPI; lower case for npm, crates.io, Packagist, NuGet, Hex, Pub,
/// Debian, Ubuntu and Alpine; unchanged (case-sensitive) otherwise (Go module
/// paths, Maven coordinates, RubyGems, RPM names).
pub fn normalize_name(ecosystem: &str, name: &str) -> String {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    match base {
        "PyPI" => {
            let mut out = String::with_capacity(name.len());
            let mut in_sep = false;
            for c in name.trim().chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !in_sep {
                        out.push('-');
                    }
                    in_sep = true;
                } else {
                    out.extend(c.to_lowercase());
                    in_sep = false;
                }
            }
            out
        }
        "npm" | "crates.io" | "Packagist" | "NuGet" | "Hex" | "Pub" | "Debian" | "Ubuntu"
        | "Alpine" => name.to_lowercase(),
        _ => name.to_owned(),
    }
}

/// Record-level data shared by the record's entries.
#[derive(Debug, Clone)]
pub struct AdvisoryInfo {
    pub id: String,
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    pub severity: Severity,
}

/// One affected entry of one record, for one package.
#[derive(Debug, Clone)]
pub struct Entry {
    advisory: usize,
    ranges: Vec<Range>,
    versions: Vec<String>,
    severity: Option<Severity>,
}

/// Affected entries keyed by (ecosystem, normalised name).
#[derive(Debug, Default)]
pub struct Index {
    advisories: Vec<AdvisoryInfo>,
    by_package: HashMap<String, Vec<Entry>>,
}

fn key(ecosystem: &str, normalized_name: &str) -> String {
    let mut k = String::with_capacity(ecosystem.len() + normalized_name.len() + 1);
    k.push_str(ecosystem);
    k.push('\0');
    k.push_str(normalized_name);
    k
}

impl Index {
    pub fn new() -> Index {
        Index::default()
    }

    /// Number of records indexed.
    pub fn advisory_count(&self) -> usize {
        self.advisories.len()
    }

    /// Number of distinct (ecosystem, package) keys.
    pub fn package_count(&self) -> usize {
        self.by_package.len()
    }

    /// Adds a record's affected entries; withdrawn records are skipped
    /// (returns `false`).
    pub fn add(&mut self, v: &Vulnerability) -> bool {
        if v.withdrawn.is_some() {
            return false;
        }
        let idx = self.add_advisory(AdvisoryInfo {
            id: v.id.clone(),
            aliases: v.aliases.clone(),
            summary: v.summary.clone(),
            severity: crate::osv::record_severity(v),
        });
        for a in &v.affected {
            self.add_entry(idx, a);
        }
        true
    }

    /// Adds record-level data; returns the handle for [`Index::add_entry`].
    pub fn add_advisory(&mut self, info: AdvisoryInfo) -> usize {
        self.advisories.push(info);
        self.advisories.len() - 1
    }

    /// Adds one affected entry of the advisory `advisory`.
    pub fn add_entry(&mut self, advisory: usize, a: &Affected) {
        let Some(pkg) = &a.package else { return };
        let severity = crate::osv::severity_from_entries(&a.severity);
        let name = normalize_name(&pkg.ecosystem, &pkg.name);
        self.by_package
            .entry(key(&pkg.ecosystem, &name))
            .or_default()
            .push(Entry {
                advisory,
                ranges: a.ranges.clone(),
                versions: a.versions.clone(),
                severity,
            });
    }

    /// The findings for one installed package, aliases merged, sorted by id.
    pub fn matches(&self, q: &Query, cmp: &VersionCmp<'_>) -> Vec<Match> {
        let eco_name = q.ecosystem.osv_name();
        let name = normalize_name(&eco_name, &q.name);
        let Some(entries) = self.by_package.get(&key(&eco_name, &name)) else {
            return Vec::new();
        };
        let version = match q.ecosystem {
            Ecosystem::Go => q.version.strip_prefix('v').unwrap_or(&q.version),
            _ => q.version.as_str(),
        };
        // Per record: (advisory index, fixed versions, descriptions, entry severity).
        let mut hits: Vec<RecordHit> = Vec::new();
        for e in entries {
            let Some(hit) = evaluate_entry(e, &q.ecosystem, version, cmp) else {
                continue;
            };
            if let Some(h) = hits.iter_mut().find(|h| h.advisory == e.advisory) {
                h.fixed.extend(hit.fixed);
                h.descriptions.extend(hit.descriptions);
                if let Some(s) = e.severity.clone() {
                    h.severity = Some(max_severity(h.severity.take(), s));
                }
            } else {
                hits.push(RecordHit {
                    advisory: e.advisory,
                    fixed: hit.fixed,
                    descriptions: hit.descriptions,
                    severity: e.severity.clone(),
                });
            }
        }
        self.merge(&hits)
    }

    fn merge(&self, hits: &[RecordHit]) -> Vec<Match> {
        let infos: Vec<&AdvisoryInfo> = hits
            .iter()
            .filter_map(|h| self.advisories.get(h.advisory))
            .collect();
        if infos.len() != hits.len() {
            return Vec::new();
        }
        // Union-find over hits sharing an id or alias.
        let mut parent: Vec<usize> = (0..hits.len()).collect();
        let mut owner: HashMap<&str, usize> = HashMap::new();
        for (i, info) in infos.iter().enumerate() {
            for name in std::iter::once(&info.id).chain(&info.aliases) {
                match owner.get(name.as_str()) {
                    Some(&j) => {
                        let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                        if ri != rj
                            && let Some(slot) = parent.get_mut(ri)
                        {
                            *slot = rj;
                        }
                    }
                    None => {
                        owner.insert(name.as_str(), i);
                    }
                }
            }
        }
        let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
        for i in 0..hits.len() {
            groups.entry(find(&mut parent, i)).or_default().push(i);
        }
        let mut out: Vec<Match> = groups
            .into_values()
            .map(|members| {
                let mut ids = BTreeSet::new();
                let mut aliases = BTreeSet::new();
                let mut fixed = BTreeSet::new();
                let mut descriptions = BTreeSet::new();
                let mut summary = None;
                let mut severity: Option<Severity> = None;
                for &m in &members {
                    let (Some(info), Some(hit)) = (infos.get(m), hits.get(m)) else {
                        continue;
                    };
                    ids.insert(info.id.clone());
                    aliases.insert(info.id.clone());
                    aliases.extend(info.aliases.iter().cloned());
                    fixed.extend(hit.fixed.iter().cloned());
                    descriptions.extend(hit.descriptions.iter().cloned());
                    if summary.is_none() {
                        summary.clone_from(&info.summary);
                    }
                    let s = hit
                        .severity
                        .clone()
                        .unwrap_or_else(|| info.severity.clone());
                    severity = Some(max_severity(severity, s));
                }
                let advisory_id = ids
                    .iter()
                    .find(|id| !id.starts_with("CVE-") && !id.starts_with("GHSA-"))
                    .or_else(|| ids.iter().next())
                    .cloned()
                    .unwrap_or_default();
                Match {
                    advisory_id,
                    advisory_ids: ids.into_iter().collect(),
                    aliases: aliases.into_iter().collect(),
                    summary,
                    severity: severity.unwrap_or_else(Severity::unknown),
                    fixed_versions: fixed.into_iter().collect(),
                    affected_range_description: descriptions
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join("; "),
                }
            })
            .collect();
        out.sort_by(|a, b| a.advisory_id.cmp(&b.advisory_id));
        out
    }
}

/// Union-find root (no path compression; groups are tiny).
fn find(p: &mut [usize], mut i: usize) -> usize {
    while let Some(&up) = p.get(i) {
        if up == i {
            break;
        }
        i = up;
    }
    i
}

struct RecordHit {
    advisory: usize,
    fixed: Vec<String>,
    descriptions: Vec<String>,
    severity: Option<Severity>,
}

struct EntryHit {
    fixed: Vec<String>,
    descriptions: Vec<String>,
}

fn max_severity(a: Option<Severity>, b: Severity) -> Severity {
    match a {
        None => b,
        Some(a) => {
            let ka = (a.level, a.score.unwrap_or(-1.0));
            let kb = (b.level, b.score.unwrap_or(-1.0));
            if kb.0 > ka.0 || (kb.0 == ka.0 && kb.1 > ka.1) {
                b
            } else {
                a
            }
        }
    }
}

fn evaluate_entry(
    e: &Entry,
    ecosystem: &Ecosystem,
    version: &str,
    cmp: &VersionCmp<'_>,
) -> Option<EntryHit> {
    let mut hit = EntryHit {
        fixed: Vec::new(),
        descriptions: Vec::new(),
    };
    let mut affected = false;
    for r in &e.ranges {
        let eco = match r.kind {
            RangeType::Ecosystem => ecosystem,
            RangeType::Semver => &Ecosystem::Npm,
            RangeType::Git | RangeType::Other(_) => continue,
        };
        if let Some(RangeHit { fixed, description }) = evaluate_range(r, eco, version, cmp) {
            affected = true;
            hit.fixed.extend(fixed);
            hit.descriptions.push(description);
        }
    }
    if !affected && e.versions.iter().any(|v| v == version) {
        affected = true;
        hit.descriptions
            .push(format!("{version} is listed in versions[]"));
        // The nearest fix from the ranges, if they name one above the version.
        for r in &e.ranges {
            let eco = match r.kind {
                RangeType::Ecosystem => ecosystem,
                RangeType::Semver => &Ecosystem::Npm,
                RangeType::Git | RangeType::Other(_) => continue,
            };
            let best = r
                .events
                .iter()
                .filter_map(|ev| match ev.kind() {
                    Some(EventKind::Fixed(f)) => Some(f),
                    _ => None,
                })
                .filter(|f| cmp(eco, version, f) == Some(Ordering::Less))
                .fold(None::<&str>, |best, f| match best {
                    Some(b) if cmp(eco, b, f) != Some(Ordering::Greater) => Some(b),
                    _ => Some(f),
                });
            hit.fixed.extend(best.map(str::to_owned));
        }
    }
    affected.then_some(hit)
}

struct RangeHit {
    fixed: Option<String>,
    description: String,
}

/// Orders event versions: `0` (introduced) lowest, `*` (limit) highest.
fn cmp_event(
    eco: &Ecosystem,
    a: EventKind<'_>,
    b: EventKind<'_>,
    cmp: &VersionCmp<'_>,
) -> Option<Ordering> {
    let rank = |e: EventKind<'_>| match e {
        EventKind::Introduced("0") => 0,
        EventKind::Limit("*") => 2,
        _ => 1,
    };
    match (rank(a), rank(b)) {
        (1, 1) => cmp(eco, a.version(), b.version()),
        (x, y) => Some(x.cmp(&y)),
    }
}

/// `version` vs an event's version, with the `0` and `*` sentinels.
fn cmp_version(
    eco: &Ecosystem,
    version: &str,
    ev: EventKind<'_>,
    cmp: &VersionCmp<'_>,
) -> Option<Ordering> {
    match ev {
        EventKind::Introduced("0") => Some(Ordering::Greater),
        EventKind::Limit("*") => Some(Ordering::Less),
        _ => cmp(eco, version, ev.version()),
    }
}

fn evaluate_range(
    r: &Range,
    eco: &Ecosystem,
    version: &str,
    cmp: &VersionCmp<'_>,
) -> Option<RangeHit> {
    let mut events: Vec<EventKind<'_>> = Vec::with_capacity(r.events.len());
    for ev in &r.events {
        events.push(ev.kind()?);
    }
    // Insertion sort: never panics, whatever the comparator does.
    for i in 1..events.len() {
        let mut j = i;
        while j > 0 {
            let (Some(&prev), Some(&cur)) = (events.get(j - 1), events.get(j)) else {
                break;
            };
            if cmp_event(eco, prev, cur, cmp)? == Ordering::Greater {
                events.swap(j - 1, j);
                j -= 1;
            } else {
                break;
            }
        }
    }
    // Limits: v must be below at least one, if there are any.
    let mut has_limit = false;
    let mut below_a_limit = false;
    for ev in &events {
        if let EventKind::Limit(_) = ev {
            has_limit = true;
            if cmp_version(eco, version, *ev, cmp)? == Ordering::Less {
                below_a_limit = true;
            }
        }
    }
    if has_limit && !below_a_limit {
        return None;
    }
    let mut vulnerable = false;
    let mut since: Option<usize> = None;
    for (i, ev) in events.iter().enumerate() {
        let o = match ev {
            EventKind::Limit(_) => continue,
            _ => cmp_version(eco, version, *ev, cmp)?,
        };
        match ev {
            EventKind::Introduced(_) if o != Ordering::Less => {
                vulnerable = true;
                since = Some(i);
            }
            EventKind::Fixed(_) if o != Ordering::Less => vulnerable = false,
            EventKind::LastAffected(_) if o == Ordering::Greater => vulnerable = false,
            _ => {}
        }
    }
    if !vulnerable {
        return None;
    }
    let start = since.unwrap_or(0);
    let lower = events.get(start).and_then(|e| match e {
        EventKind::Introduced("0") => None,
        EventKind::Introduced(x) => Some(format!(">= {x}")),
        _ => None,
    });
    let upper = events.iter().skip(start + 1).find_map(|e| match e {
        EventKind::Fixed(f) => Some((Some((*f).to_owned()), format!("< {f}"))),
        EventKind::LastAffected(l) => Some((None, format!("<= {l}"))),
        _ => None,
    });
    let (fixed, upper_text) = match upper {
        Some((f, t)) => (f, Some(t)),
        None => (None, None),
    };
    let description = match (lower, upper_text) {
        (Some(l), Some(u)) => format!("{l}, {u}"),
        (Some(l), None) => l,
        (None, Some(u)) => u,
        (None, None) => "all versions".to_owned(),
    };
    Some(RangeHit { fixed, description })
}
