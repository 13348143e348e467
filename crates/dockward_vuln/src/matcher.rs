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
use crate::version::{self, AnyVersion};

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
    /// Each range's event versions parsed for the entry's ecosystem (for
    /// [`Index::matches_versions`]); `None` where they do not parse.
    parsed: Vec<Vec<Option<AnyVersion>>>,
}

impl Entry {
    /// Whether `versions[]` lists `version` (kept sorted: a binary search).
    fn lists(&self, version: &str) -> bool {
        self.versions
            .binary_search_by(|v| v.as_str().cmp(version))
            .is_ok()
    }
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
        let ecosystem = Ecosystem::from_osv(&pkg.ecosystem);
        self.by_package
            .entry(key(&pkg.ecosystem, &name))
            .or_default()
            .push(Entry {
                advisory,
                ranges: a.ranges.clone(),
                versions: {
                    let mut v = a.versions.clone();
                    v.sort_unstable();
                    v
                },
                severity,
                parsed: parse_events(ecosystem.as_ref(), &a.ranges),
            });
    }

    /// The findings for one installed package, aliases merged, sorted by id,
    /// comparing versions with `cmp`.
    pub fn matches(&self, q: &Query, cmp: &VersionCmp<'_>) -> Vec<Match> {
        self.find(q, &|e: &Entry, version: &str| {
            evaluate_entry(
                e,
                version,
                &ByString {
                    entry: e,
                    ecosystem: &q.ecosystem,
                    version,
                    cmp,
                },
            )
        })
    }

    /// The same findings as [`Index::matches`] with the comparator
    /// `|e, a, b| version::compare(e, a, b).ok()`, faster: the entries'
    /// versions were parsed when they were added, the queried version is
    /// parsed once per scheme.
    pub fn matches_versions(&self, q: &Query) -> Vec<Match> {
        let query = QueryVersion {
            own: std::cell::OnceCell::new(),
            semver: std::cell::OnceCell::new(),
        };
        self.find(q, &|e: &Entry, version: &str| {
            evaluate_entry(
                e,
                version,
                &Parsed {
                    entry: e,
                    ecosystem: &q.ecosystem,
                    version,
                    query: &query,
                },
            )
        })
    }

    fn find(&self, q: &Query, evaluate: &dyn Fn(&Entry, &str) -> Option<EntryHit>) -> Vec<Match> {
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
            let Some(hit) = evaluate(e, version) else {
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
        // Union-find over hits sharing an id or alias (one hit: nothing to merge).
        let mut parent: Vec<usize> = (0..hits.len()).collect();
        let mut owner: HashMap<&str, usize> = HashMap::new();
        for (i, info) in infos.iter().enumerate().filter(|_| hits.len() > 1) {
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

/// One side of a comparison inside an entry: the queried version, or the
/// version of event `event` of range `range`.
#[derive(Debug, Clone, Copy)]
enum Operand {
    Query,
    Event { range: usize, event: usize },
}

/// How an entry's versions are compared: by string through a caller's
/// comparator ([`Index::matches`]), or pre-parsed ([`Index::matches_versions`]).
/// Both answer `None` when either side cannot be compared; the evaluation
/// above them is shared, so both give the same findings.
trait Versions {
    fn cmp(&self, range: usize, a: Operand, b: Operand) -> Option<Ordering>;
}

/// The ecosystem a range's versions follow.
fn range_ecosystem<'e>(kind: &RangeType, ecosystem: &'e Ecosystem) -> Option<&'e Ecosystem> {
    match kind {
        RangeType::Ecosystem => Some(ecosystem),
        RangeType::Semver => Some(&Ecosystem::Npm),
        RangeType::Git | RangeType::Other(_) => None,
    }
}

fn event_version(e: &Entry, range: usize, event: usize) -> Option<&str> {
    let ev = e.ranges.get(range)?.events.get(event)?;
    Some(ev.kind()?.version())
}

/// Strings, through the caller's comparator.
struct ByString<'a> {
    entry: &'a Entry,
    ecosystem: &'a Ecosystem,
    version: &'a str,
    cmp: &'a VersionCmp<'a>,
}

impl Versions for ByString<'_> {
    fn cmp(&self, range: usize, a: Operand, b: Operand) -> Option<Ordering> {
        let eco = range_ecosystem(&self.entry.ranges.get(range)?.kind, self.ecosystem)?;
        let text = |o: Operand| match o {
            Operand::Query => Some(self.version),
            Operand::Event { range, event } => event_version(self.entry, range, event),
        };
        (self.cmp)(eco, text(a)?, text(b)?)
    }
}

/// Versions parsed once: the entry's at index time, the query's once per
/// scheme (its own ecosystem's, and SemVer for `SEMVER` ranges).
struct Parsed<'a> {
    entry: &'a Entry,
    ecosystem: &'a Ecosystem,
    version: &'a str,
    query: &'a QueryVersion,
}

/// The queried version, parsed on first need, once per scheme.
struct QueryVersion {
    own: std::cell::OnceCell<Option<AnyVersion>>,
    semver: std::cell::OnceCell<Option<AnyVersion>>,
}

impl Parsed<'_> {
    fn query(&self, kind: &RangeType) -> Option<&AnyVersion> {
        let (cell, eco) = match kind {
            RangeType::Ecosystem => (&self.query.own, self.ecosystem),
            RangeType::Semver => (&self.query.semver, &Ecosystem::Npm),
            RangeType::Git | RangeType::Other(_) => return None,
        };
        cell.get_or_init(|| version::parse_for(eco, self.version).ok())
            .as_ref()
    }
}

impl Versions for Parsed<'_> {
    fn cmp(&self, range: usize, a: Operand, b: Operand) -> Option<Ordering> {
        let kind = &self.entry.ranges.get(range)?.kind;
        let value = |o: Operand| match o {
            Operand::Query => self.query(kind),
            Operand::Event { range, event } => self.entry.parsed.get(range)?.get(event)?.as_ref(),
        };
        value(a)?.partial_cmp(value(b)?)
    }
}

/// Parses every event version of an entry for its ecosystem (`None` where
/// the comparator would answer `None`).
fn parse_events(ecosystem: Option<&Ecosystem>, ranges: &[Range]) -> Vec<Vec<Option<AnyVersion>>> {
    ranges
        .iter()
        .map(|r| {
            let eco = ecosystem.and_then(|e| range_ecosystem(&r.kind, e));
            r.events
                .iter()
                .map(|ev| {
                    let eco = eco?;
                    version::parse_for(eco, ev.kind()?.version()).ok()
                })
                .collect()
        })
        .collect()
}

fn evaluate_entry(e: &Entry, version: &str, versions: &dyn Versions) -> Option<EntryHit> {
    let mut hit = EntryHit {
        fixed: Vec::new(),
        descriptions: Vec::new(),
    };
    let mut affected = false;
    for (i, r) in e.ranges.iter().enumerate() {
        if matches!(r.kind, RangeType::Git | RangeType::Other(_)) {
            continue;
        }
        if let Some(RangeHit { fixed, description }) = evaluate_range(r, i, versions) {
            affected = true;
            hit.fixed.extend(fixed);
            hit.descriptions.push(description);
        }
    }
    if !affected && e.lists(version) {
        affected = true;
        hit.descriptions
            .push(format!("{version} is listed in versions[]"));
        // The nearest fix from the ranges, if they name one above the version.
        for (i, r) in e.ranges.iter().enumerate() {
            if matches!(r.kind, RangeType::Git | RangeType::Other(_)) {
                continue;
            }
            let best = r
                .events
                .iter()
                .enumerate()
                .filter(|(_, ev)| matches!(ev.kind(), Some(EventKind::Fixed(_))))
                .map(|(j, ev)| (Operand::Event { range: i, event: j }, ev))
                .filter(|(o, _)| versions.cmp(i, Operand::Query, *o) == Some(Ordering::Less))
                .fold(
                    None::<(Operand, &crate::osv::Event)>,
                    |best, (o, ev)| match best {
                        Some((b, bev)) if versions.cmp(i, b, o) != Some(Ordering::Greater) => {
                            Some((b, bev))
                        }
                        _ => Some((o, ev)),
                    },
                );
            hit.fixed.extend(
                best.and_then(|(_, ev)| ev.kind())
                    .map(|k| k.version().to_owned()),
            );
        }
    }
    affected.then_some(hit)
}

struct RangeHit {
    fixed: Option<String>,
    description: String,
}

/// Orders events: `0` (introduced) lowest, `*` (limit) highest.
fn cmp_event(
    range: usize,
    a: (usize, EventKind<'_>),
    b: (usize, EventKind<'_>),
    versions: &dyn Versions,
) -> Option<Ordering> {
    let rank = |e: EventKind<'_>| match e {
        EventKind::Introduced("0") => 0,
        EventKind::Limit("*") => 2,
        _ => 1,
    };
    match (rank(a.1), rank(b.1)) {
        (1, 1) => versions.cmp(
            range,
            Operand::Event { range, event: a.0 },
            Operand::Event { range, event: b.0 },
        ),
        (x, y) => Some(x.cmp(&y)),
    }
}

/// The version vs an event, with the `0` and `*` sentinels.
fn cmp_version(
    range: usize,
    ev: (usize, EventKind<'_>),
    versions: &dyn Versions,
) -> Option<Ordering> {
    match ev.1 {
        EventKind::Introduced("0") => Some(Ordering::Greater),
        EventKind::Limit("*") => Some(Ordering::Less),
        _ => versions.cmp(range, Operand::Query, Operand::Event { range, event: ev.0 }),
    }
}

fn evaluate_range(r: &Range, range: usize, versions: &dyn Versions) -> Option<RangeHit> {
    let mut events: Vec<(usize, EventKind<'_>)> = Vec::with_capacity(r.events.len());
    for (i, ev) in r.events.iter().enumerate() {
        events.push((i, ev.kind()?));
    }
    // Insertion sort: never panics, whatever the comparator does.
    for i in 1..events.len() {
        let mut j = i;
        while j > 0 {
            let (Some(&prev), Some(&cur)) = (events.get(j - 1), events.get(j)) else {
                break;
            };
            if cmp_event(range, prev, cur, versions)? == Ordering::Greater {
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
        if let EventKind::Limit(_) = ev.1 {
            has_limit = true;
            if cmp_version(range, *ev, versions)? == Ordering::Less {
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
        let o = match ev.1 {
            EventKind::Limit(_) => continue,
            _ => cmp_version(range, *ev, versions)?,
        };
        match ev.1 {
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
    let lower = events.get(start).and_then(|e| match e.1 {
        EventKind::Introduced("0") => None,
        EventKind::Introduced(x) => Some(format!(">= {x}")),
        _ => None,
    });
    let upper = events.iter().skip(start + 1).find_map(|e| match e.1 {
        EventKind::Fixed(f) => Some((Some(f.to_owned()), format!("< {f}"))),
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
