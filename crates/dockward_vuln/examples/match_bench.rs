//! Matching benchmark with the real comparators: imports the whole shared OSV
//! set into a temporary store, loads the index (timed separately), builds
//! 10,000 queries from real package names and versions of the data, across
//! ecosystems, and times matching them with `dockward_vuln::version::compare`.
//!
//! `cargo run --release -p dockward_vuln --example match_bench [-- OSV_DIR [REPS]]`
//!
//! Queries (deterministic): an ecosystem is drawn uniformly, then one of its
//! packages (uniformly: `stdlib` or `tensorflow`, with hundreds of
//! advisories, count once) and one of the versions its advisories name — an
//! `introduced`, `fixed` or `last_affected` event or a `versions[]` item — so
//! some are affected and some are not (a `fixed` version usually is not);
//! every tenth query's name is changed to one without advisories. The figures are
//! medians over REPS (default 15) runs of all 10,000 queries, for
//! [`Index::matches_versions`] (versions parsed at load, what `scan` should
//! use) and for [`Index::matches`] with `version::compare` as the comparator
//! (every comparison parses both strings). Both must give the same findings.

#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use dockward_vuln::db::Store;
use dockward_vuln::ecosystem::Ecosystem;
use dockward_vuln::import::{Limits, import_path};
use dockward_vuln::matcher::Query;

/// A small deterministic generator (64-bit LCG, high bits).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(self.0 >> 33).unwrap_or(0) % n.max(1)
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Packages of one base ecosystem: (ecosystem, name) -> the versions its
/// advisories name.
type Packages = std::collections::BTreeMap<(Ecosystem, String), Vec<String>>;

/// CPU time of this thread so far (`/proc/thread-self/schedstat`, Linux),
/// so a loaded machine's waiting is not counted.
fn cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let dir = args.next().map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .ancestors()
                .map(|a| a.join("shared/data/osv"))
                .find(|p| p.is_dir())
                .unwrap_or_else(|| PathBuf::from("../shared/data/osv"))
        },
        PathBuf::from,
    );
    let reps: usize = args
        .next()
        .and_then(|r| r.to_str()?.parse().ok())
        .unwrap_or(15);
    let tmp = tempfile::tempdir()?;
    let db = tmp.path().join("vuln.db");
    let mut store = Store::open(&db)?;
    let t = Instant::now();
    let report = import_path(&mut store, &dir, Limits::default(), 0, &mut |_| {})?;
    println!(
        "import: {} records ({} skipped) from {} in {}",
        report.records,
        report.skipped,
        dir.display(),
        ms(t.elapsed())
    );
    drop(store);

    let store = Store::open_read_only(&db)?;
    let ecosystems: Vec<Ecosystem> = store
        .ecosystems()?
        .iter()
        .filter_map(|e| Ecosystem::from_osv(e))
        .collect();
    let mut loads = Vec::new();
    let mut index = None;
    let mut load_cpu = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let c = cpu_time();
        let (i, _) = store.load_index(&ecosystems)?;
        loads.push(t.elapsed());
        if let (Some(before), Some(after)) = (c, cpu_time()) {
            load_cpu.push(after.saturating_sub(before));
        }
        index = Some(i);
    }
    let index = index.ok_or("no index")?;
    println!(
        "load index: {} advisories, {} packages, {} ecosystems: wall median {} of 5, CPU median {}",
        index.advisory_count(),
        index.package_count(),
        ecosystems.len(),
        ms(median(loads)),
        ms(median(load_cpu))
    );

    // Real (ecosystem, name, version) triples from the affected entries.
    let conn = rusqlite::Connection::open(&db)?;
    let mut stmt = conn.prepare(
        "SELECT f.ecosystem, f.name, f.entry FROM affected f JOIN advisory a ON a.id = f.advisory_id
         WHERE a.withdrawn IS NULL ORDER BY f.ecosystem, f.name, f.advisory_id",
    )?;
    // Base ecosystem -> (ecosystem, package) -> versions named by its advisories.
    let mut entries: std::collections::BTreeMap<String, Packages> =
        std::collections::BTreeMap::new();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let eco: String = row.get(0)?;
        let Some(ecosystem) = Ecosystem::from_osv(&eco) else {
            continue;
        };
        let entry: serde_json::Value = serde_json::from_str(&row.get::<_, String>(2)?)?;
        let mut versions: Vec<String> = Vec::new();
        for r in entry["ranges"].as_array().into_iter().flatten() {
            if r["type"] == "GIT" {
                continue;
            }
            for ev in r["events"].as_array().into_iter().flatten() {
                for key in ["introduced", "fixed", "last_affected"] {
                    if let Some(v) = ev[key].as_str().filter(|v| *v != "0") {
                        versions.push(v.to_owned());
                    }
                }
            }
        }
        versions.extend(
            entry["versions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned)),
        );
        if !versions.is_empty() {
            let base = eco.split(':').next().unwrap_or_default().to_owned();
            entries
                .entry(base)
                .or_default()
                .entry((ecosystem, row.get(1)?))
                .or_default()
                .extend(versions);
        }
    }
    let mut rng = Lcg(0x5eed);
    let mut queries = Vec::with_capacity(10_000);
    for i in 0..10_000usize {
        let group = entries
            .values()
            .nth(rng.next(entries.len()))
            .ok_or("no entries")?;
        let ((ecosystem, name), versions) = group
            .iter()
            .nth(rng.next(group.len()))
            .ok_or("no package")?;
        let version = versions[rng.next(versions.len())].clone();
        let name = if i % 10 == 9 {
            format!("{name}-without-advisories")
        } else {
            name.clone()
        };
        queries.push(Query {
            ecosystem: ecosystem.clone(),
            name,
            version,
        });
    }
    let compare = |e: &Ecosystem, a: &str, b: &str| dockward_vuln::version::compare(e, a, b).ok();

    let time = |f: &dyn Fn(&Query) -> Vec<dockward_vuln::matcher::Match>| {
        let mut runs = Vec::with_capacity(reps);
        let mut cpu = Vec::with_capacity(reps);
        let (mut findings, mut affected) = (0, 0);
        for _ in 0..reps {
            let t = Instant::now();
            let c = cpu_time();
            findings = 0;
            affected = 0;
            for q in &queries {
                let m = f(q);
                affected += usize::from(!m.is_empty());
                findings += m.len();
            }
            runs.push(t.elapsed());
            if let (Some(before), Some(after)) = (c, cpu_time()) {
                cpu.push(after.saturating_sub(before));
            }
        }
        (runs, cpu, findings, affected)
    };
    let (parsed, parsed_cpu, findings, affected) = time(&|q| index.matches_versions(q));
    let (by_string, by_string_cpu, by_string_findings, _) = time(&|q| index.matches(q, &compare));
    for q in &queries {
        assert_eq!(
            index.matches_versions(q),
            index.matches(q, &compare),
            "{q:?}"
        );
    }
    assert_eq!(findings, by_string_findings);
    let mut per_eco: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for q in &queries {
        let name = q.ecosystem.osv_name();
        let base = name.split(':').next().unwrap_or_default().to_owned();
        *per_eco.entry(base).or_default() += 1;
    }
    println!(
        "queries: {} ({affected} affected, {findings} findings); by ecosystem: {per_eco:?}",
        queries.len()
    );
    let show = |label: &str, runs: &[Duration], cpu: &[Duration]| {
        let min = runs.iter().min().copied().unwrap_or_default();
        let max = runs.iter().max().copied().unwrap_or_default();
        let cpu = if cpu.is_empty() {
            String::new()
        } else {
            format!(", CPU median {}", ms(median(cpu.to_vec())))
        };
        println!(
            "match 10,000 queries, {label}: wall median {} of {reps} (min {}, max {}){cpu}",
            ms(median(runs.to_vec())),
            ms(min),
            ms(max)
        );
    };
    show("matches_versions (parsed at load)", &parsed, &parsed_cpu);
    show(
        "matches + version::compare (parse per comparison)",
        &by_string,
        &by_string_cpu,
    );
    Ok(())
}
