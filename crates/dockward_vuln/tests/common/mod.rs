//! Test helpers: a dotted-numeric comparator standing in for the real ones.
#![allow(dead_code)]

use std::cmp::Ordering;

use dockward_vuln::ecosystem::Ecosystem;

/// Compares dotted numeric versions (`1.2.10 > 1.2.9`), ignoring the
/// ecosystem; an optional `N:` epoch prefix compares first. Anything else is
/// `None`. Test-only: the real comparators live in `version.rs`.
pub fn dotted(_: &Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    fn parse(s: &str) -> Option<(u64, Vec<u64>)> {
        let (epoch, rest) = match s.split_once(':') {
            Some((e, r)) => (e.parse().ok()?, r),
            None => (0, s),
        };
        let parts = rest
            .split('.')
            .map(|p| p.parse().ok())
            .collect::<Option<Vec<u64>>>()?;
        Some((epoch, parts))
    }
    let (ea, mut pa) = parse(a)?;
    let (eb, mut pb) = parse(b)?;
    let n = pa.len().max(pb.len());
    pa.resize(n, 0);
    pb.resize(n, 0);
    Some(ea.cmp(&eb).then(pa.cmp(&pb)))
}

/// `../shared/data/osv` next to the repository; every ancestor of the crate
/// is tried so nested worktrees find it. `DOCKWARD_OSV_DIR` overrides.
pub fn osv_dir() -> std::path::PathBuf {
    if let Some(dir) = std::env::var_os("DOCKWARD_OSV_DIR") {
        return dir.into();
    }
    let manifest = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = manifest
        .ancestors()
        .map(|a| a.join("shared/data/osv"))
        .find(|p| p.join("schema.json").is_file());
    let dir = found.unwrap_or_else(|| manifest.join("../../../shared/data/osv"));
    assert!(dir.is_dir(), "shared OSV data {} is missing", dir.display());
    dir
}

/// Parses a record from JSON text, panicking on invalid test input.
pub fn record(json: &str) -> dockward_vuln::osv::Vulnerability {
    dockward_vuln::osv::parse_record(json.as_bytes(), "test")
        .expect("valid test record")
        .0
}
