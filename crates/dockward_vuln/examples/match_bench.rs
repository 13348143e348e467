//! Imports the shared OSV set into a temporary store and times 10,000
//! matches. `cargo run --release -p dockward_vuln --example match_bench [OSV_DIR]`
//!
//! The comparator is a stand-in (numeric and alphabetic segments compared in
//! turn), about as costly as a real one; the real comparators live in
//! `version.rs`.

#![allow(clippy::print_stdout, clippy::many_single_char_names)]

use std::cmp::Ordering;
use std::path::PathBuf;
use std::time::Instant;

use dockward_vuln::db::Store;
use dockward_vuln::ecosystem::Ecosystem;
use dockward_vuln::import::{Limits, import_path};
use dockward_vuln::matcher::Query;

fn segments(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
}

fn stand_in(_: &Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    let mut x = segments(a);
    let mut y = segments(b);
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Some(Ordering::Equal),
            (None, Some(_)) => return Some(Ordering::Less),
            (Some(_), None) => return Some(Ordering::Greater),
            (Some(p), Some(q)) => {
                let o = match (p.parse::<u64>(), q.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    _ => p.cmp(q),
                };
                if o != Ordering::Equal {
                    return Some(o);
                }
            }
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args_os().nth(1).map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .ancestors()
                .map(|a| a.join("shared/data/osv"))
                .find(|p| p.is_dir())
                .unwrap_or_else(|| PathBuf::from("../shared/data/osv"))
        },
        PathBuf::from,
    );
    let tmp = tempfile::tempdir()?;
    let db = tmp.path().join("vuln.db");
    let mut store = Store::open(&db)?;
    let t = Instant::now();
    let report = import_path(&mut store, &dir, Limits::default(), 0, &mut |_| {})?;
    println!(
        "import: {} records ({} skipped) in {:?}",
        report.records,
        report.skipped,
        t.elapsed()
    );
    let t = Instant::now();
    let again = import_path(&mut store, &dir, Limits::default(), 0, &mut |_| {})?;
    println!(
        "re-import: {} unchanged in {:?}",
        again.stats.unchanged,
        t.elapsed()
    );
    drop(store);

    let store = Store::open_read_only(&db)?;
    let ecosystems: Vec<Ecosystem> = store
        .ecosystems()?
        .iter()
        .filter_map(|e| Ecosystem::from_osv(e))
        .collect();
    let t = Instant::now();
    let (index, _) = store.load_index(&ecosystems)?;
    println!(
        "load index: {} advisories, {} packages, {} ecosystems in {:?}",
        index.advisory_count(),
        index.package_count(),
        ecosystems.len(),
        t.elapsed()
    );

    // 10,000 queries: every 4th a real advisory package, the rest misses.
    let conn = rusqlite::Connection::open(&db)?;
    let mut stmt =
        conn.prepare("SELECT DISTINCT ecosystem, name FROM affected ORDER BY ecosystem, name")?;
    let pkgs: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut queries = Vec::with_capacity(10_000);
    for i in 0..10_000usize {
        let (eco, name) = &pkgs[(i * 7919) % pkgs.len()];
        let ecosystem = Ecosystem::from_osv(eco).unwrap_or(Ecosystem::PyPi);
        let version = match ecosystem {
            Ecosystem::AlmaLinux(_) => "1.2.3-4.el9".to_owned(),
            _ => format!("{}.{}.{}", i % 5, i % 13, i % 7),
        };
        let name = if i % 4 == 0 {
            name.clone()
        } else {
            format!("{name}-not-vulnerable-{i}")
        };
        queries.push(Query {
            ecosystem,
            name,
            version,
        });
    }
    let t = Instant::now();
    let mut findings = 0;
    for q in &queries {
        findings += index.matches(q, &stand_in).len();
    }
    println!(
        "match: {} queries, {findings} findings in {:?}",
        queries.len(),
        t.elapsed()
    );
    let t = Instant::now();
    let mut findings = 0;
    for q in queries.iter().step_by(4) {
        findings += index.matches(q, &stand_in).len();
    }
    println!(
        "match (hits only): 2500 queries, {findings} findings in {:?}",
        t.elapsed()
    );
    Ok(())
}
