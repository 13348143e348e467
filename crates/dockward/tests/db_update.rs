//! `dockward db update` against a mirror served on 127.0.0.1 by the test
//! itself (never the network): exports built from the shared OSV records,
//! a missing ecosystem, damaged downloads, a record removed upstream, and
//! `db status` with update ages.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use dockward_vuln::db::Store;
use serde_json::Value;

/// `../shared/data/osv` (every ancestor of the crate is tried, so worktrees
/// find it); `DOCKWARD_OSV_DIR` overrides.
fn osv_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("DOCKWARD_OSV_DIR") {
        return dir.into();
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = manifest
        .ancestors()
        .map(|a| a.join("shared/data/osv"))
        .find(|p| p.join("schema.json").is_file());
    let dir = found.unwrap_or_else(|| manifest.join("../../../shared/data/osv"));
    assert!(dir.is_dir(), "shared OSV data {} is missing", dir.display());
    dir
}

/// The first `n` records of a shared export, except the ids in `skip`, as a
/// zip; returns it and the ids it holds.
fn export(name: &str, n: usize, skip: &[&str]) -> (Vec<u8>, Vec<String>) {
    let src = osv_dir().join(name).join("all.zip");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(src).expect("zip")).expect("zip");
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut ids = Vec::new();
    for i in 0..archive.len() {
        if ids.len() == n {
            break;
        }
        let mut member = archive.by_index(i).expect("member");
        let member_name = member.name().expect("name").into_owned();
        let mut body = Vec::new();
        member.read_to_end(&mut body).expect("read");
        let Ok(record) = serde_json::from_slice::<Value>(&body) else {
            continue;
        };
        let Some(id) = record["id"].as_str() else {
            continue;
        };
        if skip.contains(&id) {
            continue;
        }
        ids.push(id.to_owned());
        w.start_file(member_name, opts).expect("start");
        w.write_all(&body).expect("write");
    }
    (w.finish().expect("finish").into_inner(), ids)
}

/// What the mirror answers for a path.
#[derive(Clone)]
enum Reply {
    Ok(Vec<u8>),
    /// Announces the full length, sends half, closes.
    Truncated(Vec<u8>),
}

/// A tiny HTTP/1.1 server on 127.0.0.1: `GET /<Ecosystem>/all.zip` from a
/// table the test edits; 404 for anything else. One connection at a time,
/// `Connection: close`. The thread lives as long as the test process.
struct Mirror {
    url: String,
    files: Arc<Mutex<HashMap<String, Reply>>>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Mirror {
    fn start() -> Mirror {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let files: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let (f, r) = (Arc::clone(&files), Arc::clone(&requests));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    continue;
                }
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).map_or(true, |n| n == 0) || line == "\r\n" {
                        break;
                    }
                }
                let path = first.split(' ').nth(1).unwrap_or_default().to_owned();
                r.lock().expect("lock").push(path.clone());
                let reply = f.lock().expect("lock").get(&path).cloned();
                let _ = match reply {
                    Some(Reply::Ok(body)) => stream
                        .write_all(
                            format!(
                                "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                                body.len()
                            )
                            .as_bytes(),
                        )
                        .and_then(|()| stream.write_all(&body)),
                    Some(Reply::Truncated(body)) => stream
                        .write_all(
                            format!(
                                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                                body.len()
                            )
                            .as_bytes(),
                        )
                        .and_then(|()| stream.write_all(&body[..body.len() / 2])),
                    None => stream.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Type: application/xml\r\nContent-Length: 24\r\nConnection: close\r\n\r\n<Error>NoSuchKey</Error>",
                    ),
                };
            }
        });
        Mirror {
            url,
            files,
            requests,
        }
    }

    fn serve(&self, ecosystem: &str, reply: Reply) {
        let path = format!("/{}/all.zip", ecosystem.replace(' ', "%20"));
        self.files.lock().expect("lock").insert(path, reply);
    }
}

fn dockward(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn update(db: &Path, mirror: &Mirror, ecosystems: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "db",
        "update",
        "--db",
        db.to_str().expect("path"),
        "--mirror",
        &mirror.url,
    ];
    for e in ecosystems {
        args.extend(["--ecosystem", e]);
    }
    dockward(&args)
}

fn status_json(db: &Path) -> Value {
    let (code, stdout, stderr) =
        dockward(&["db", "status", "--json", "--db", db.to_str().expect("path")]);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("JSON")
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains("download"))
        .collect()
}

#[test]
fn update_then_a_record_removed_upstream_disappears() {
    let mirror = Mirror::start();
    let (go, go_ids) = export("Go", 40, &[]);
    let (crates, _) = export("crates.io", 25, &[]);
    mirror.serve("Go", Reply::Ok(go));
    mirror.serve("crates.io", Reply::Ok(crates));
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("cache/vuln.db");
    // A download left by a killed run (no such process): swept away.
    std::fs::create_dir_all(tmp.path().join("cache")).expect("mkdir");
    std::fs::write(tmp.path().join("cache/.download-999999999-Go.zip"), b"x").expect("write");

    let (code, stdout, stderr) = update(&db, &mirror, &["Go", "CRATES.IO"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("Go: 40 records (40 new, 0 changed, 0 removed"),
        "{stdout}"
    );
    assert!(stdout.contains("crates.io: 25 records (25 new"), "{stdout}");
    assert!(stdout.contains("2 of 2 ecosystems updated"), "{stdout}");
    assert_eq!(
        *mirror.requests.lock().expect("lock"),
        ["/Go/all.zip", "/crates.io/all.zip"]
    );
    assert!(leftovers(&db.with_file_name("")).is_empty());

    let (code, text, stderr) = dockward(&["db", "status", "--db", db.to_str().expect("path")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("Go ") && l.contains("updated"))
        .expect(&text);
    assert!(line.contains("updated just now"), "{line}");
    assert!(
        line.contains(&format!("40 records from {}/Go/all.zip", mirror.url)),
        "{line}"
    );
    let status = status_json(&db);
    let updates = status["updates"].as_array().expect("updates");
    assert_eq!(updates.len(), 2);
    assert_eq!(updates[0]["ecosystem"], "Go");
    assert_eq!(updates[0]["stale"], false);
    assert_eq!(status["schema_version"], 2);

    // Upstream drops one Go record: the next update removes it.
    let gone = go_ids[3].clone();
    let (go2, _) = export("Go", 39, &[&gone]);
    mirror.serve("Go", Reply::Ok(go2));
    let (code, stdout, stderr) = update(&db, &mirror, &["Go"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("Go: 39 records (0 new, 0 changed, 1 removed"),
        "{stdout}"
    );
    let store = Store::open_read_only(&db).expect("db");
    assert!(
        store.raw_record(&gone).expect("read").is_none(),
        "{gone} is gone"
    );
    assert!(store.raw_record(&go_ids[4]).expect("read").is_some());
}

#[test]
fn a_missing_ecosystem_fails_alone_and_exits_2() {
    let mirror = Mirror::start();
    let (go, _) = export("Go", 10, &[]);
    mirror.serve("Go", Reply::Ok(go));
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("vuln.db");
    let (code, stdout, stderr) = update(&db, &mirror, &["npm", "Go"]);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stderr.contains("npm: update failed"), "{stderr}");
    assert!(
        stderr.contains("/npm/all.zip: HTTP 404 Not Found"),
        "{stderr}"
    );
    assert!(stdout.contains("Go: 10 records"), "{stdout}");
    assert!(stdout.contains("1 of 2 ecosystems updated"), "{stdout}");
    let status = status_json(&db);
    let names: Vec<&str> = status["updates"]
        .as_array()
        .expect("updates")
        .iter()
        .filter_map(|u| u["ecosystem"].as_str())
        .collect();
    assert_eq!(names, ["Go"]);
    // Unknown names and plain http:// elsewhere than loopback are usage errors.
    let (code, _, stderr) = update(&db, &mirror, &["Debian:12"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--ecosystem Debian:12: unknown"),
        "{stderr}"
    );
    let (code, _, stderr) = dockward(&[
        "db",
        "update",
        "--db",
        db.to_str().expect("path"),
        "--mirror",
        "http://mirror.example",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("plain http:// is accepted only for"),
        "{stderr}"
    );
}

#[test]
fn damaged_downloads_leave_the_database_unchanged() {
    let mirror = Mirror::start();
    let (crates, _) = export("crates.io", 30, &[]);
    mirror.serve("crates.io", Reply::Ok(crates.clone()));
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("vuln.db");
    let (code, _, stderr) = update(&db, &mirror, &["crates.io"]);
    assert_eq!(code, 0, "{stderr}");
    let hash = || {
        Store::open_read_only(&db)
            .expect("db")
            .content_hash()
            .expect("hash")
    };
    let log = || {
        Store::open_read_only(&db)
            .expect("db")
            .updates()
            .expect("log")
    };
    let (before, before_log) = (hash(), log());

    // The connection drops halfway through the body.
    mirror.serve("crates.io", Reply::Truncated(crates.clone()));
    let (code, _, stderr) = update(&db, &mirror, &["crates.io"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("download interrupted"), "{stderr}");
    // A complete response whose zip lost its end (no central directory).
    mirror.serve(
        "crates.io",
        Reply::Ok(crates[..crates.len() * 3 / 4].to_vec()),
    );
    let (code, _, stderr) = update(&db, &mirror, &["crates.io"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("crates.io is unchanged"), "{stderr}");
    assert!(stderr.contains("not a readable zip archive"), "{stderr}");
    // Bytes damaged inside a member: the CRC check fails mid-import.
    let mut corrupt = crates.clone();
    let middle = corrupt.len() / 2;
    for b in &mut corrupt[middle..middle + 40] {
        *b ^= 0xa5;
    }
    mirror.serve("crates.io", Reply::Ok(corrupt));
    let (code, _, stderr) = update(&db, &mirror, &["crates.io"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("crates.io is unchanged"), "{stderr}");

    assert_eq!(hash(), before);
    assert_eq!(log(), before_log);
    assert!(
        leftovers(tmp.path()).is_empty(),
        "{:?}",
        leftovers(tmp.path())
    );
}

#[test]
fn status_warns_about_updates_older_than_a_week() {
    let mirror = Mirror::start();
    let (go, _) = export("Go", 5, &[]);
    mirror.serve("Go", Reply::Ok(go));
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("vuln.db");
    assert_eq!(update(&db, &mirror, &["Go"]).0, 0);
    age_updates(&db, 9 * 86_400 + 60);
    let (code, stdout, stderr) = dockward(&["db", "status", "--db", db.to_str().expect("path")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning: Go was last updated 9 days ago: run `dockward db update`"),
        "{stderr}"
    );
    assert!(stdout.contains("updated 9 days ago"), "{stdout}");
    assert!(stdout.contains("[stale]"), "{stdout}");
    let status = status_json(&db);
    assert_eq!(status["updates"][0]["stale"], true);
    assert!(status["updates"][0]["age_seconds"].as_i64().expect("age") >= 9 * 86_400);
}

/// A mirror over TLS on 127.0.0.1 with a certificate of the test CA
/// (`tests/fixtures/tls`), serving `GET /Go/all.zip` from `body`.
fn tls_mirror(body: Vec<u8>) -> String {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let cert = CertificateDer::from(include_bytes!("fixtures/tls/server.der").to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        include_bytes!("fixtures/tls/server.key.der").to_vec(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .expect("certificate"),
    );
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("https://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
            let Ok(conn) = rustls::ServerConnection::new(Arc::clone(&config)) else {
                continue;
            };
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            // A client that refuses the certificate ends the handshake here.
            while !head.ends_with(b"\r\n\r\n") {
                match tls.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            if !head.ends_with(b"\r\n\r\n") {
                continue;
            }
            let ok = head.starts_with(b"GET /Go/all.zip ");
            let reply = if ok {
                let mut r = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                r.extend(&body);
                r
            } else {
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
            };
            let _ = tls.write_all(&reply);
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    });
    url
}

#[test]
fn https_mirrors_are_verified_and_ca_file_adds_trust() {
    let (go, _) = export("Go", 10, &[]);
    let url = tls_mirror(go);
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("vuln.db");
    let db_arg = db.to_str().expect("path");
    let ca = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls/ca.pem");
    let ca_arg = ca.to_str().expect("path");

    // The test CA is not among the bundled roots: refused.
    let (code, stdout, stderr) = dockward(&[
        "db",
        "update",
        "--db",
        db_arg,
        "--mirror",
        &url,
        "--ecosystem",
        "Go",
    ]);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("invalid peer certificate: UnknownIssuer"),
        "{stderr}"
    );
    assert!(stdout.contains("0 of 1 ecosystems updated"), "{stdout}");

    let (code, stdout, stderr) = dockward(&[
        "db",
        "update",
        "--db",
        db_arg,
        "--mirror",
        &url,
        "--ecosystem",
        "Go",
        "--ca-file",
        ca_arg,
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("Go: 10 records (10 new"), "{stdout}");
    let status = status_json(&db);
    assert_eq!(status["updates"][0]["source"], format!("{url}/Go/all.zip"));

    // A file without certificates is a usage error, before any download.
    let (code, _, stderr) = dockward(&[
        "db",
        "update",
        "--db",
        db_arg,
        "--mirror",
        &url,
        "--ca-file",
        db_arg,
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("holds no PEM certificate"), "{stderr}");
}

#[test]
fn scan_warns_when_the_advisories_it_uses_are_stale() {
    let mirror = Mirror::start();
    let (pypi, _) = export("PyPI", 5, &[]);
    mirror.serve("PyPI", Reply::Ok(pypi));
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("vuln.db");
    assert_eq!(update(&db, &mirror, &["PyPI"]).0, 0);
    // A root filesystem with one Python package and nothing else.
    let rootfs = tmp.path().join("rootfs");
    let info = rootfs.join("usr/lib/python3/dist-packages/demo-1.0.dist-info");
    std::fs::create_dir_all(&info).expect("mkdir");
    std::fs::write(
        info.join("METADATA"),
        "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n",
    )
    .expect("write");
    let scan = |db: &std::path::Path| {
        dockward(&[
            "scan",
            "--db",
            db.to_str().expect("path"),
            "-f",
            "json",
            rootfs.to_str().expect("path"),
        ])
    };
    let (code, _, stderr) = scan(&db);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("last updated"), "fresh: {stderr}");
    age_updates(&db, 8 * 86_400 + 60);
    let (code, _, stderr) = scan(&db);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "warning: the PyPI advisories were last updated 8 days ago: run `dockward db update`"
        ),
        "{stderr}"
    );
}

/// Moves every recorded update `seconds` into the past.
fn age_updates(db: &std::path::Path, seconds: i64) {
    let c = rusqlite::Connection::open(db).expect("db");
    c.execute(
        "UPDATE update_log SET updated_at = updated_at - ?1",
        [seconds],
    )
    .expect("update");
}
