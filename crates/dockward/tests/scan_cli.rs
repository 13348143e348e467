//! `dockward db`, `dockward scan` and `dockward sbom` end to end on a small
//! Debian root filesystem (a real-format dpkg status with three packages) and
//! the hand-written Debian OSV records of `dockward_vuln` (no real Debian 12
//! advisory data is available offline; see their README).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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

/// A database with the Debian fixtures imported.
fn database(dir: &Path) -> String {
    let db = dir.join("vuln.db");
    let db = db.to_str().expect("path").to_owned();
    let fixtures = manifest().join("../dockward_vuln/tests/fixtures/debian");
    let (code, stdout, stderr) = dockward(&[
        "db",
        "import",
        "--db",
        &db,
        fixtures.to_str().expect("path"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("5 records imported"), "{stdout}");
    db
}

fn rootfs() -> String {
    manifest()
        .join("tests/fixtures/scan/rootfs")
        .to_str()
        .expect("path")
        .to_owned()
}

#[test]
fn scan_matches_debian_packages_by_source_package_and_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = database(dir.path());
    let (code, stdout, stderr) = dockward(&["scan", "--db", &db, "-f", "json", &rootfs()]);
    assert_eq!(code, 1, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).expect("JSON");
    let mut found: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect();
    found.sort();
    // libc6 comes from source glibc 2.36-9+deb12u1, below the fix 2.36-9+deb12u3;
    // curl 7.88.1-10+deb12u5 is above its fix 7.88.1-10+deb12u4; tar has no fix.
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("VL001 libc6 2.36-9+deb12u1 is affected by DEBIAN-CVE-2023-4911"),
        "{found:#?}"
    );
    assert!(
        found[0].ends_with("fixed in 2.36-9+deb12u3 (layer 0)"),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with("VL001 tar 1.34+dfsg-1.2+deb12u1 is affected by DEBIAN-CVE-2005-2541"),
        "{found:#?}"
    );

    let (code, stdout, _) = dockward(&[
        "scan",
        "--db",
        &db,
        "-f",
        "json",
        "--ignore-unfixed",
        &rootfs(),
    ]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(1));

    let (code, _, _) = dockward(&[
        "scan",
        "--db",
        &db,
        "--fail-on",
        "critical",
        "-f",
        "json",
        &rootfs(),
    ]);
    assert_eq!(
        code, 0,
        "no critical finding: the fixtures carry no CVSS vector"
    );
}

#[test]
fn db_status_lists_ecosystems_and_import_is_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = database(dir.path());
    let _ = database(dir.path());
    let (code, stdout, stderr) = dockward(&["db", "status", "--db", &db, "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let status: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(status["advisories"], 5);
    assert_eq!(status["ecosystems"][0]["ecosystem"], "Debian:12");
}

#[test]
fn scan_without_a_database_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("none.db");
    let (code, _, stderr) = dockward(&["scan", "--db", missing.to_str().expect("path"), &rootfs()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("dockward db import"), "{stderr}");
}

#[test]
fn sbom_lists_the_packages_with_debian_purls() {
    let (code, stdout, stderr) = dockward(&["sbom", "-f", "cyclonedx", &rootfs()]);
    assert_eq!(code, 0, "{stderr}");
    let bom: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(bom["specVersion"], "1.6");
    let purls: Vec<&str> = bom["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    assert!(
        purls.contains(
            &"pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=bookworm&upstream=glibc"
        ),
        "{purls:#?}"
    );
    let (code, stdout, _) = dockward(&["sbom", "-f", "spdx-json", &rootfs()]);
    assert_eq!(code, 0);
    let spdx: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(spdx["spdxVersion"], "SPDX-2.3");
}

/// A path-like target that does not exist is reported as missing, not sent
/// to the daemon as an image reference.
#[test]
fn a_missing_path_is_not_taken_for_an_image_name() {
    for target in ["/no/such/archive.tar", "./no-such-dir"] {
        let output = Command::new(env!("CARGO_BIN_EXE_dockward"))
            .args(["sbom", "-f", "cyclonedx", target])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("`{target}` does not exist")),
            "{stderr}"
        );
    }
}

/// A docker-save archive (legacy layout) of the fixture root filesystem as one plain
/// layer, whose config states `diff_id`.
fn archive_of_rootfs(path: &Path, diff_id: &str) {
    let mut layer = tar::Builder::new(Vec::new());
    layer.append_dir_all(".", rootfs()).expect("layer");
    let layer = layer.into_inner().expect("layer");
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux", "config": {},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    }))
    .expect("config");
    let manifest = serde_json::to_vec(&serde_json::json!([
        {"Config": "config.json", "RepoTags": ["fixture:1"], "Layers": ["l0/layer.tar"]}
    ]))
    .expect("manifest");
    let mut out = tar::Builder::new(std::fs::File::create(path).expect("archive"));
    for (name, data) in [
        ("manifest.json", &manifest),
        ("config.json", &config),
        ("l0/layer.tar", &layer),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        out.append_data(&mut header, name, data.as_slice())
            .expect("member");
    }
    out.finish().expect("archive");
}

/// Without `--verify-layers` an archive is read as it lists its layers; with it, a layer
/// that does not match the config's diff_id fails the command (exit 2) and one that
/// matches reads the same.
#[test]
fn verify_layers_fails_closed_on_a_layer_the_config_does_not_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lying = dir.path().join("lying.tar");
    let claimed = format!("sha256:{}", "0".repeat(64));
    archive_of_rootfs(&lying, &claimed);
    let lying = lying.to_str().expect("path");
    let (code, unverified, stderr) = dockward(&["sbom", "-f", "cyclonedx", lying]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = dockward(&["sbom", "-f", "cyclonedx", "--verify-layers", lying]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    let (_, actual) = stderr.split_once("diff_id is ").expect("names the diff_id");
    let actual = actual.get(..71).expect("a sha256 digest");
    assert!(
        stderr.contains(&format!(
            "layer 0 (l0/layer.tar): diff_id is {actual}, but {claimed} was expected"
        )),
        "{stderr}"
    );
    let (code, _, stderr) = dockward(&[
        "scan",
        "--db",
        &database(dir.path()),
        "--verify-layers",
        lying,
    ]);
    assert_eq!(code, 2, "{stderr}");

    let honest = dir.path().join("honest.tar");
    archive_of_rootfs(&honest, actual);
    let (code, verified, stderr) = dockward(&[
        "sbom",
        "-f",
        "cyclonedx",
        "--verify-layers",
        honest.to_str().expect("path"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let components = |doc: &str| -> Value {
        serde_json::from_str::<Value>(doc).expect("CycloneDX")["components"].clone()
    };
    assert_eq!(components(&verified), components(&unverified));
    assert_eq!(
        components(&verified).as_array().map(Vec::len),
        Some(4),
        "three dpkg packages and the OS"
    );
}
