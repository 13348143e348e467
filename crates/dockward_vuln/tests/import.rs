//! Importing the shared OSV data, directories, zips, osv-scanner's layout,
//! the Debian fixtures, and invalid records.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use common::{dotted, osv_dir};
use dockward_vuln::db::{Store, default_path};
use dockward_vuln::ecosystem::Ecosystem;
use dockward_vuln::import::{Limits, Progress, import_path};
use dockward_vuln::matcher::Query;
use dockward_vuln::osv::SeverityLevel;

fn zip_entry_count(path: &Path) -> usize {
    let f = std::fs::File::open(path).unwrap();
    let z = zip::ZipArchive::new(f).unwrap();
    z.file_names()
        .filter(|n| n.as_ref().is_ok_and(|n| n.ends_with(".json")))
        .count()
}

fn write_zip(path: &Path, members: &[(&str, &str)]) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in members {
        w.start_file(*name, opts).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.finish().unwrap();
}

fn rec(id: &str, modified: &str, eco: &str, name: &str, fixed: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"{modified}","aliases":["CVE-{id}"],
            "affected":[{{"package":{{"ecosystem":"{eco}","name":"{name}"}},
              "ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"{fixed}"}}]}}]}}]}}"#
    )
}

fn import(store: &mut Store, path: &Path) -> dockward_vuln::import::ImportReport {
    import_path(store, path, Limits::default(), 1_700_000_000, &mut |_| {}).unwrap()
}

#[test]
fn full_shared_set_imports_idempotently() {
    let dir = osv_dir();
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(&tmp.path().join("vuln.db")).unwrap();
    let mut expected = 0;
    for eco in ["AlmaLinux", "Go", "PyPI", "crates.io"] {
        expected += zip_entry_count(&dir.join(eco).join("all.zip"));
    }
    let mut sources = Vec::new();
    let mut batches = 0;
    let first = import_path(
        &mut store,
        &dir,
        Limits::default(),
        1_700_000_000,
        &mut |p| match p {
            Progress::Source { path } => sources.push(path.to_owned()),
            Progress::Stored { .. } => batches += 1,
        },
    )
    .unwrap();
    assert_eq!(
        sources.len(),
        5,
        "four all.zip files and schema.json: {sources:?}"
    );
    assert!(
        first
            .warnings
            .iter()
            .any(|w| w.contains("schema.json") && w.contains("not an OSV record"))
    );
    assert!(batches >= 4);
    assert_eq!(first.records + first.skipped, expected);
    assert_eq!(first.skipped, 0, "{:?}", first.errors.first());
    assert_eq!(first.stats.inserted, expected);
    let status = store.status().unwrap();
    let by_eco: BTreeMap<&str, (u64, u64)> = status
        .ecosystems
        .iter()
        .map(|e| (e.ecosystem.as_str(), (e.advisories, e.withdrawn)))
        .collect();
    for eco in [
        "AlmaLinux:8",
        "AlmaLinux:9",
        "AlmaLinux:10",
        "Go",
        "PyPI",
        "crates.io",
    ] {
        assert!(
            by_eco.get(eco).is_some_and(|c| c.0 > 0),
            "{eco} missing: {by_eco:?}"
        );
    }
    assert_eq!(status.advisories + status.withdrawn, expected as u64);
    assert!(by_eco["Go"].1 > 0 && by_eco["crates.io"].1 > 0 && by_eco["PyPI"].1 > 0);
    assert_eq!(by_eco["AlmaLinux:9"].1, 0);
    assert!(
        status
            .ecosystems
            .iter()
            .all(|e| e.last_import == Some(1_700_000_000))
    );
    let hash = store.content_hash().unwrap();

    let second = import(&mut store, &dir);
    assert_eq!(second.stats.unchanged, expected);
    assert_eq!(second.stats.rescored, 0);
    assert_eq!(second.stats.inserted + second.stats.replaced, 0);
    assert_eq!(store.content_hash().unwrap(), hash);
    assert_eq!(store.status().unwrap().advisories, status.advisories);

    // Matching works on the imported data: RUSTSEC-2021-0003 (smallvec).
    let (index, bad) = store
        .load_index(&[Ecosystem::CratesIo, Ecosystem::PyPi, Ecosystem::Go])
        .unwrap();
    assert_eq!(bad, 0);
    let q = |v: &str| Query {
        ecosystem: Ecosystem::CratesIo,
        name: "smallvec".into(),
        version: v.into(),
    };
    let m = index.matches(&q("1.6.0"), &dotted);
    let hit = m
        .iter()
        .find(|m| m.advisory_id == "RUSTSEC-2021-0003")
        .expect("smallvec 1.6.0 is affected");
    assert!(hit.aliases.contains(&"CVE-2021-25900".to_owned()));
    assert_eq!(hit.fixed_versions, vec!["1.6.1"]);
    assert_eq!(hit.severity.level, SeverityLevel::Critical);
    assert!(
        !index
            .matches(&q("1.6.1"), &dotted)
            .iter()
            .any(|m| m.advisory_id == "RUSTSEC-2021-0003")
    );
    assert!(
        store
            .raw_record("RUSTSEC-2021-0003")
            .unwrap()
            .is_some_and(|r| r.starts_with(b"{"))
    );
}

#[test]
fn directory_zip_and_osv_scanner_layout() {
    let tmp = tempfile::tempdir().unwrap();
    // osv-scanner layout: {Ecosystem}/all.zip, plus a loose JSON tree.
    let layout = tmp.path().join("osv-scanner");
    std::fs::create_dir_all(layout.join("PyPI")).unwrap();
    std::fs::create_dir_all(layout.join("npm")).unwrap();
    write_zip(
        &layout.join("PyPI/all.zip"),
        &[
            (
                "PYSEC-1.json",
                &rec("PYSEC-1", "2024-01-01T00:00:00Z", "PyPI", "Demo", "2.0"),
            ),
            (
                "PYSEC-2.json",
                &rec("PYSEC-2", "2024-01-01T00:00:00Z", "PyPI", "other", "1.0"),
            ),
            ("README.txt", "not a record"),
        ],
    );
    write_zip(
        &layout.join("npm/all.zip"),
        &[(
            "GHSA-1.json",
            &rec("GHSA-1", "2024-01-01T00:00:00Z", "npm", "left-pad", "1.1"),
        )],
    );
    let mut store = Store::open(&tmp.path().join("a.db")).unwrap();
    let r = import(&mut store, &layout);
    assert_eq!((r.records, r.skipped, r.sources), (3, 0, 2));

    // A single zip file.
    let mut store2 = Store::open(&tmp.path().join("b.db")).unwrap();
    let r = import(&mut store2, &layout.join("PyPI/all.zip"));
    assert_eq!(r.records, 2);

    // A directory tree of JSON files, one holding an array.
    let tree = tmp.path().join("tree/a/b");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(
        tree.join("x.json"),
        rec(
            "RUSTSEC-1",
            "2024-01-01T00:00:00Z",
            "crates.io",
            "foo",
            "0.2",
        ),
    )
    .unwrap();
    std::fs::write(
        tree.join("list.json"),
        format!(
            "[{},{}]",
            rec("GO-1", "2024-01-01T00:00:00Z", "Go", "example.com/m", "1.0"),
            rec("GO-2", "2024-01-01T00:00:00Z", "Go", "example.com/n", "1.0")
        ),
    )
    .unwrap();
    std::fs::write(tree.join("notes.txt"), "ignored").unwrap();
    let mut store3 = Store::open(&tmp.path().join("c.db")).unwrap();
    let r = import(&mut store3, &tmp.path().join("tree"));
    assert_eq!((r.records, r.skipped), (3, 0));
    let ecos = store3.ecosystems().unwrap();
    assert_eq!(ecos, vec!["Go", "crates.io"]);

    let (index, _) = store.load_index(&[Ecosystem::PyPi]).unwrap();
    let m = index.matches(
        &Query {
            ecosystem: Ecosystem::PyPi,
            name: "demo".into(),
            version: "1.0".into(),
        },
        &dotted,
    );
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].aliases, vec!["CVE-PYSEC-1", "PYSEC-1"]);
    assert_eq!(store.ids_for_alias("CVE-PYSEC-1").unwrap(), vec!["PYSEC-1"]);
}

#[test]
fn invalid_records_are_skipped_with_reasons() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(
        d.join("1-good.json"),
        rec("PYSEC-9", "2024-01-01T00:00:00Z", "PyPI", "x", "1.0"),
    )
    .unwrap();
    std::fs::write(d.join("2-broken.json"), "{\"id\": \"PYSEC-10\", ").unwrap();
    std::fs::write(d.join("3-nomodified.json"), r#"{"id":"PYSEC-11"}"#).unwrap();
    std::fs::write(
        d.join("4-twokeys.json"),
        r#"{"id":"PYSEC-12","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"x"},
            "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"}]}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        d.join("5-emptyid.json"),
        r#"{"id":" ","modified":"2024-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    std::fs::write(
        d.join("6-wrongtype.json"),
        r#"{"id":"PYSEC-13","modified":"2024-01-01T00:00:00Z","aliases":"CVE-1"}"#,
    )
    .unwrap();
    std::fs::write(
        d.join("7-badtime.json"),
        r#"{"id":"PYSEC-14","modified":"2024-01-01T00:00:00+00:00"}"#,
    )
    .unwrap();
    std::fs::write(d.join("8-null.json"), "null").unwrap();
    std::fs::write(d.join("9-empty.json"), "").unwrap();
    std::fs::write(
        d.join("10-notrecord.json"),
        r#"{"$schema":"x","title":"OSV"}"#,
    )
    .unwrap();
    let mut store = Store::open(&tmp.path().join("v.db")).unwrap();
    let r = import(&mut store, &d);
    assert_eq!(r.records, 2, "{:?}", r.errors);
    assert_eq!(r.skipped, 7, "{:?}", r.errors);
    let all = r.errors.join("\n");
    for needle in [
        "2-broken.json",
        "PYSEC-11",
        "PYSEC-12: affected[0].ranges[0].events[0]",
        "empty `id`",
        "PYSEC-13",
        "8-null.json",
        "9-empty.json",
    ] {
        assert!(all.contains(needle), "{needle} not in {all}");
    }
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("PYSEC-14") && w.contains("modified")),
        "{:?}",
        r.warnings
    );
    assert!(
        r.warnings.iter().any(|w| w.contains("10-notrecord.json")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn newer_modified_replaces_and_older_is_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("r.json");
    let mut store = Store::open(&tmp.path().join("v.db")).unwrap();
    std::fs::write(
        &f,
        rec("PYSEC-5", "2024-01-01T00:00:00Z", "PyPI", "x", "1.0"),
    )
    .unwrap();
    assert_eq!(import(&mut store, &f).stats.inserted, 1);
    std::fs::write(
        &f,
        rec("PYSEC-5", "2024-02-01T00:00:00.5Z", "PyPI", "x", "1.1"),
    )
    .unwrap();
    assert_eq!(import(&mut store, &f).stats.replaced, 1);
    std::fs::write(
        &f,
        rec("PYSEC-5", "2023-12-01T00:00:00Z", "PyPI", "x", "0.9"),
    )
    .unwrap();
    assert_eq!(import(&mut store, &f).stats.older, 1);
    let (index, _) = store.load_index(&[Ecosystem::PyPi]).unwrap();
    let m = index.matches(
        &Query {
            ecosystem: Ecosystem::PyPi,
            name: "x".into(),
            version: "1.0.5".into(),
        },
        &dotted,
    );
    assert_eq!(
        m.len(),
        1,
        "the 2024-02 record (fixed 1.1) is the stored one"
    );
    assert_eq!(m[0].fixed_versions, vec!["1.1"]);
    assert_eq!(
        store.status().unwrap().aliases,
        1,
        "replaced rows do not accumulate"
    );
}

#[test]
fn withdrawn_records_are_stored_but_not_matched() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("w.json");
    std::fs::write(
        &f,
        r#"{"id":"GHSA-w","modified":"2024-01-01T00:00:00Z","withdrawn":"2024-01-02T00:00:00Z",
            "affected":[{"package":{"ecosystem":"npm","name":"w"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}"#,
    )
    .unwrap();
    let db = tmp.path().join("v.db");
    let mut store = Store::open(&db).unwrap();
    import(&mut store, &f);
    drop(store);
    let ro = Store::open_read_only(&db).unwrap();
    let s = ro.status().unwrap();
    assert_eq!((s.advisories, s.withdrawn), (0, 1));
    let (index, _) = ro.load_index(&[Ecosystem::Npm]).unwrap();
    assert_eq!(index.advisory_count(), 0);
}

#[test]
fn read_only_store_refuses_writes_and_wrong_schema_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("v.db");
    drop(Store::open(&db).unwrap());
    let mut ro = Store::open_read_only(&db).unwrap();
    assert!(
        ro.import_batch(&[], 1).is_ok(),
        "an empty batch writes nothing"
    );
    let f = tmp.path().join("r.json");
    std::fs::write(
        &f,
        rec("PYSEC-5", "2024-01-01T00:00:00Z", "PyPI", "x", "1.0"),
    )
    .unwrap();
    assert!(import_path(&mut ro, &f, Limits::default(), 1, &mut |_| {}).is_err());
    assert!(Store::open_read_only(&tmp.path().join("missing.db")).is_err());
    let other = tmp.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("PRAGMA user_version = 99").unwrap();
    }
    assert!(matches!(
        Store::open(&other),
        Err(dockward_vuln::db::DbError::SchemaVersion { found: 99, .. })
    ));
}

#[test]
fn zip_member_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let z = tmp.path().join("all.zip");
    let big = format!(
        r#"{{"id":"PYSEC-big","modified":"2024-01-01T00:00:00Z","details":"{}"}}"#,
        "a".repeat(10_000)
    );
    write_zip(
        &z,
        &[
            ("big.json", &big),
            (
                "small.json",
                &rec("PYSEC-s", "2024-01-01T00:00:00Z", "PyPI", "s", "1"),
            ),
        ],
    );
    let mut store = Store::open(&tmp.path().join("v.db")).unwrap();
    let limits = Limits {
        max_record_bytes: 5_000,
        ..Limits::default()
    };
    let r = import_path(&mut store, &z, limits, 1, &mut |_| {}).unwrap();
    assert_eq!((r.records, r.skipped), (1, 1));
    assert!(r.errors[0].contains("big.json"));
    let tiny_total = Limits {
        max_total_bytes: 100,
        ..Limits::default()
    };
    assert!(import_path(&mut store, &z, tiny_total, 1, &mut |_| {}).is_err());
}

#[test]
fn debian_fixtures_import_and_match() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/debian");
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(&tmp.path().join("v.db")).unwrap();
    let r = import(&mut store, &dir);
    assert_eq!((r.records, r.skipped), (5, 0), "{:?}", r.errors);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let s = store.status().unwrap();
    assert_eq!(s.ecosystems.len(), 1);
    assert_eq!(s.ecosystems[0].ecosystem, "Debian:12");
    assert_eq!(s.ecosystems[0].advisories, 5);
    // A table comparator with the few dpkg orderings this test needs; the
    // real dpkg comparator is tested elsewhere.
    let table = |_: &Ecosystem, a: &str, b: &str| {
        let order = [
            "2.38.1-5",
            "2.38.1-5+deb12u1",
            "2.38.1-5+deb12u3",
            "1:9.2p1-2+deb12u2",
            "1:9.2p1-2+deb12u3",
        ];
        let ia = order.iter().position(|x| *x == a)?;
        let ib = order.iter().position(|x| *x == b)?;
        Some(ia.cmp(&ib))
    };
    let (index, _) = store.load_index(&[Ecosystem::Debian("12".into())]).unwrap();
    let q = |name: &str, version: &str| Query {
        ecosystem: Ecosystem::Debian("12".into()),
        name: name.into(),
        version: version.into(),
    };
    let m = index.matches(&q("util-linux", "2.38.1-5"), &table);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].advisory_id, "DEBIAN-CVE-2024-28085");
    assert_eq!(m[0].fixed_versions, vec!["2.38.1-5+deb12u1"]);
    assert!(
        index
            .matches(&q("util-linux", "2.38.1-5+deb12u3"), &table)
            .is_empty()
    );
    assert!(
        index.matches(&q("bsdutils", "2.38.1-5"), &table).is_empty(),
        "binary names never match"
    );
    let m = index.matches(&q("openssh", "1:9.2p1-2+deb12u2"), &table);
    assert_eq!(m[0].fixed_versions, vec!["1:9.2p1-2+deb12u3"]);
    let tar = index.matches(&q("tar", "1.34+dfsg-1.2+deb12u1"), &table);
    assert_eq!(tar.len(), 1);
    assert!(!tar[0].is_fixed());
}

#[test]
fn default_path_follows_xdg() {
    assert_eq!(
        default_path(Some("/x/cache"), Some("/home/u")).unwrap(),
        Path::new("/x/cache/dockward/vuln.db")
    );
    assert_eq!(
        default_path(None, Some("/home/u")).unwrap(),
        Path::new("/home/u/.cache/dockward/vuln.db")
    );
    assert_eq!(
        default_path(Some("relative"), Some("/home/u")).unwrap(),
        Path::new("/home/u/.cache/dockward/vuln.db")
    );
    assert_eq!(default_path(Some(""), None), None);
    assert_eq!(default_path(None, Some("")), None);
}

/// A store filled before CVSS v4.0 vectors were scored kept `unknown` for
/// v4-only records; importing the same bytes again rewrites the severity.
#[test]
fn reimport_rescores_stale_severity() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("r.json");
    let db = tmp.path().join("v.db");
    std::fs::write(
        &f,
        r#"{"id":"RUSTSEC-2099-0001","modified":"2024-01-01T00:00:00Z",
            "severity":[{"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N"}],
            "affected":[{"package":{"ecosystem":"crates.io","name":"x"},
              "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}]}"#,
    )
    .unwrap();
    let mut store = Store::open(&db).unwrap();
    assert_eq!(import(&mut store, &f).stats.inserted, 1);
    let fresh = store.content_hash().unwrap();
    drop(store);
    // What an older dockward stored for this record.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE advisory SET severity = 'unknown', score = NULL, vector = NULL",
            [],
        )
        .unwrap();
    let mut store = Store::open(&db).unwrap();
    assert_ne!(store.content_hash().unwrap(), fresh);
    let stats = import(&mut store, &f).stats;
    assert_eq!((stats.unchanged, stats.rescored), (1, 1));
    assert_eq!(store.content_hash().unwrap(), fresh);
    let (index, _) = store.load_index(&[Ecosystem::CratesIo]).unwrap();
    let m = index.matches(
        &Query {
            ecosystem: Ecosystem::CratesIo,
            name: "x".into(),
            version: "0.5.0".into(),
        },
        &dotted,
    );
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].severity.level, SeverityLevel::High);
    assert_eq!(m[0].severity.score, Some(8.7));
    // Nothing left to rescore.
    assert_eq!(import(&mut store, &f).stats.rescored, 0);
}
