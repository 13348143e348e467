//! Replacing one ecosystem export (`dockward db update`'s import step): real
//! records from the shared Go and RustSec exports, records removed upstream,
//! records held by two exports, hand-imported records, damaged archives that
//! must leave the store unchanged, and the version 1 schema.

mod common;

use std::io::{Read, Write};
use std::path::Path;

use common::osv_dir;
use dockward_vuln::db::{ReplaceStats, Store};
use dockward_vuln::import::{ImportError, Limits, import_path, import_update};

/// Copies the first `n` `.json` members of a shared export, except those
/// whose name contains one of `skip`, plus `extra` members.
fn subset(
    export: &str,
    n: usize,
    skip: &[&str],
    extra: &[(&str, &str)],
    out: &Path,
) -> Vec<String> {
    let src = osv_dir().join(export).join("all.zip");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut ids = Vec::new();
    for i in 0..archive.len() {
        if ids.len() == n {
            break;
        }
        let mut member = archive.by_index(i).unwrap();
        let name = member.name().unwrap().into_owned();
        if !Path::new(&name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            || skip.iter().any(|s| name.contains(s))
        {
            continue;
        }
        let mut body = Vec::new();
        member.read_to_end(&mut body).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        ids.push(v["id"].as_str().unwrap().to_owned());
        w.start_file(name, opts).unwrap();
        w.write_all(&body).unwrap();
    }
    for (name, body) in extra {
        w.start_file(*name, opts).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.finish().unwrap();
    ids
}

fn update(store: &mut Store, eco: &str, zip: &Path, at: i64) -> Result<ReplaceStats, ImportError> {
    import_update(
        store,
        eco,
        &format!("https://mirror.test/{eco}/all.zip"),
        zip,
        Limits::default(),
        at,
        &mut |_| {},
    )
    .map(|r| r.replace)
}

/// A record affecting a Go module and a crate (held by both exports).
const SHARED: &str = r#"{"id":"GHSA-test-both-ecos","modified":"2024-05-01T00:00:00Z",
  "affected":[
    {"package":{"ecosystem":"Go","name":"example.com/both"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]},
    {"package":{"ecosystem":"crates.io","name":"both"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]}]}"#;

#[test]
fn an_update_replaces_the_export_and_removed_records_disappear() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(&tmp.path().join("vuln.db")).unwrap();
    let go1 = tmp.path().join("go1.zip");
    let ids = subset("Go", 40, &[], &[("GHSA-test-both-ecos.json", SHARED)], &go1);
    let crates = tmp.path().join("crates.zip");
    subset(
        "crates.io",
        20,
        &[],
        &[("GHSA-test-both-ecos.json", SHARED)],
        &crates,
    );
    // A Go record imported by hand, in no export.
    let hand = tmp.path().join("hand.json");
    std::fs::write(
        &hand,
        SHARED
            .replace("GHSA-test-both-ecos", "GO-9999-0001")
            .replace(",\n    {\"package\":{\"ecosystem\":\"crates.io\",\"name\":\"both\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.2.0\"}]}]}", ""),
    )
    .unwrap();
    assert_eq!(
        import_path(&mut store, &hand, Limits::default(), 1, &mut |_| {})
            .unwrap()
            .records,
        1
    );
    assert!(store.raw_record("GO-9999-0001").unwrap().is_some());

    let first = update(&mut store, "Go", &go1, 1_000).unwrap();
    assert_eq!(first.records, 41);
    // The hand-imported Go record is not in the Go export: gone.
    assert_eq!(first.removed, 1);
    assert!(store.raw_record("GO-9999-0001").unwrap().is_none());
    let second = update(&mut store, "crates.io", &crates, 1_100).unwrap();
    assert_eq!((second.records, second.removed), (21, 0));
    let updates = store.updates().unwrap();
    let names: Vec<(&str, i64, u64)> = updates
        .iter()
        .map(|u| (u.ecosystem.as_str(), u.updated_at, u.records))
        .collect();
    assert_eq!(names, [("Go", 1_000, 41), ("crates.io", 1_100, 21)]);
    assert_eq!(updates[0].source, "https://mirror.test/Go/all.zip");
    let status = store.status().unwrap();
    assert_eq!(status.updates, updates);

    // Upstream drops one Go record and the shared one.
    let removed = &ids[7];
    let go2 = tmp.path().join("go2.zip");
    let ids2 = subset("Go", 39, &[&format!("{removed}.json")], &[], &go2);
    assert!(!ids2.contains(removed));
    let again = update(&mut store, "Go", &go2, 2_000).unwrap();
    // Not in the new export: that Go record and the shared one.
    assert_eq!(again.records, 39);
    assert_eq!(
        again.removed, 1,
        "the shared record is still held by crates.io"
    );
    assert!(
        store.raw_record(removed).unwrap().is_none(),
        "{removed} removed"
    );
    assert!(store.raw_record("GHSA-test-both-ecos").unwrap().is_some());
    assert_eq!(store.updates().unwrap()[0].updated_at, 2_000);
    // Once the crates.io export drops it too, it goes.
    let crates2 = tmp.path().join("crates2.zip");
    subset("crates.io", 20, &[], &[], &crates2);
    let last = update(&mut store, "crates.io", &crates2, 2_100).unwrap();
    assert_eq!(last.removed, 1);
    assert!(store.raw_record("GHSA-test-both-ecos").unwrap().is_none());

    // The same export again changes nothing.
    let before = store.content_hash().unwrap();
    let same = update(&mut store, "Go", &go2, 3_000).unwrap();
    assert_eq!(same.removed, 0);
    assert_eq!(store.content_hash().unwrap(), before);
}

#[test]
fn damaged_archives_leave_the_store_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(&tmp.path().join("vuln.db")).unwrap();
    let good = tmp.path().join("good.zip");
    subset("crates.io", 30, &[], &[], &good);
    update(&mut store, "crates.io", &good, 1_000).unwrap();
    let before = store.content_hash().unwrap();
    let log = store.updates().unwrap();

    let bytes = std::fs::read(&good).unwrap();
    // A download cut short: no central directory.
    let truncated = tmp.path().join("truncated.zip");
    std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let err = update(&mut store, "crates.io", &truncated, 2_000).unwrap_err();
    assert!(matches!(err, ImportError::Zip { .. }), "{err}");
    // A corrupt member (bytes flipped inside the compressed data): the CRC
    // or the inflater fails; the records read before it are rolled back.
    let mut corrupt = bytes.clone();
    let (start, size) = {
        let mut a = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let member = a.by_index_raw(25).unwrap();
        let start = member.data_start().unwrap_or(member.header_start() + 80);
        (usize::try_from(start).unwrap(), member.compressed_size())
    };
    assert!(size > 60, "member 25 is {size} bytes compressed");
    for b in corrupt.iter_mut().skip(start + 10).take(30) {
        *b ^= 0x5a;
    }
    let damaged = tmp.path().join("corrupt.zip");
    std::fs::write(&damaged, &corrupt).unwrap();
    let err = update(&mut store, "crates.io", &damaged, 2_000).unwrap_err();
    assert!(matches!(err, ImportError::Member { .. }), "{err}");
    // Not a zip at all (an HTML error page saved as the download).
    let html = tmp.path().join("page.zip");
    std::fs::write(&html, "<html>oops</html>").unwrap();
    assert!(update(&mut store, "crates.io", &html, 2_000).is_err());
    // A zip without records would wipe the ecosystem: refused.
    let empty = tmp.path().join("empty.zip");
    subset("crates.io", 0, &[], &[], &empty);
    let err = update(&mut store, "crates.io", &empty, 2_000).unwrap_err();
    assert!(matches!(err, ImportError::Empty { .. }), "{err}");

    assert_eq!(store.content_hash().unwrap(), before);
    assert_eq!(store.updates().unwrap(), log);
    // And the store still takes a good update afterwards.
    update(&mut store, "crates.io", &good, 3_000).unwrap();
    assert_eq!(store.updates().unwrap()[0].updated_at, 3_000);
}

#[test]
fn a_version_1_store_is_read_as_is_and_migrated_when_written() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("vuln.db");
    let zip = tmp.path().join("crates.zip");
    subset("crates.io", 5, &[], &[], &zip);
    {
        let mut store = Store::open(&path).unwrap();
        import_path(&mut store, &zip, Limits::default(), 1, &mut |_| {}).unwrap();
    }
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("DROP TABLE source; DROP TABLE update_log; PRAGMA user_version = 1;")
            .unwrap();
    }
    let ro = Store::open_read_only(&path).unwrap();
    let status = ro.status().unwrap();
    assert_eq!((status.schema_version, status.advisories), (1, 5));
    assert!(status.updates.is_empty());
    drop(ro);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.status().unwrap().schema_version, 2);
    update(&mut store, "crates.io", &zip, 10).unwrap();
    assert_eq!(store.updates().unwrap().len(), 1);
}

#[test]
fn an_invalid_new_version_keeps_the_stored_record() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(&tmp.path().join("vuln.db")).unwrap();
    let first = tmp.path().join("first.zip");
    subset(
        "Go",
        5,
        &[],
        &[("GHSA-test-both-ecos.json", SHARED)],
        &first,
    );
    update(&mut store, "Go", &first, 1).unwrap();
    let stored = store.raw_record("GHSA-test-both-ecos").unwrap().unwrap();
    // Upstream's new version has an event with two keys: invalid, skipped.
    let broken = SHARED.replace("2024-05-01", "2024-06-01").replacen(
        r#"{"fixed":"1.2.0"}"#,
        r#"{"fixed":"1.2.0","introduced":"1.0"}"#,
        1,
    );
    let second = tmp.path().join("second.zip");
    subset(
        "Go",
        5,
        &[],
        &[("GHSA-test-both-ecos.json", &broken)],
        &second,
    );
    let report = import_update(
        &mut store,
        "Go",
        "https://mirror.test/Go/all.zip",
        &second,
        Limits::default(),
        2,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.import.skipped, 1, "{:?}", report.import.errors);
    assert_eq!(report.replace.removed, 0);
    assert_eq!(
        store.raw_record("GHSA-test-both-ecos").unwrap().unwrap(),
        stored
    );
}
