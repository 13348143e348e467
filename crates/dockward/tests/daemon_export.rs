//! An image of the local daemon larger than 64 MiB (an incompressible random
//! file) exported by name: the Engine API body is streamed to the cache
//! directory, cataloged, scanned (packages and image checks), and removed
//! afterwards; a name the daemon does not know is an error. Needs the Docker
//! daemon: skipped without one, unless `DOCKWARD_REQUIRE_DOCKER=1` (CI).

use std::io::Read;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// Removes the image when the test ends, also on failure.
struct ImageGuard(String);

impl Drop for ImageGuard {
    fn drop(&mut self) {
        let _ = std::process::Command::new("docker")
            .args(["rmi", "-f", &self.0])
            .output();
    }
}

fn docker_available() -> bool {
    let required = std::env::var("DOCKWARD_REQUIRE_DOCKER").is_ok_and(|v| v == "1");
    let available = std::process::Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        available || !required,
        "DOCKWARD_REQUIRE_DOCKER=1 but the Docker daemon is not reachable"
    );
    if !available {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("skipping: no Docker daemon");
        }
    }
    available
}

const RECORD: &str = r#"{"id":"PYSEC-0000-DWTEST","modified":"2024-01-01T00:00:00Z",
  "affected":[{"package":{"ecosystem":"PyPI","name":"six"},
    "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.17.0"}]}]}]}"#;

#[test]
fn an_image_over_64_mib_is_streamed_from_the_daemon() {
    if !docker_available() {
        return;
    }
    let root = tempfile::tempdir().expect("tempdir");
    let info = root
        .path()
        .join("usr/lib/python3/dist-packages/six-1.16.0.dist-info");
    std::fs::create_dir_all(&info).expect("mkdir");
    std::fs::write(
        info.join("METADATA"),
        "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n",
    )
    .expect("write");
    // 80 MiB that no compression shrinks.
    let mut random = Vec::with_capacity(80 << 20);
    std::fs::File::open("/dev/urandom")
        .expect("urandom")
        .take(80 << 20)
        .read_to_end(&mut random)
        .expect("read");
    std::fs::create_dir_all(root.path().join("data")).expect("mkdir");
    std::fs::write(root.path().join("data/blob.bin"), &random).expect("write");
    drop(random);

    let image = format!("dockward-it/big-export-{}:1", std::process::id());
    let _guard = ImageGuard(image.clone());
    let mut tar = std::process::Command::new("tar")
        .arg("-C")
        .arg(root.path())
        .args(["-cf", "-", "."])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("tar");
    let status = std::process::Command::new("docker")
        .args(["import", "-", &image])
        .stdin(tar.stdout.take().expect("stdout"))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("docker import");
    assert!(tar.wait().expect("tar").success() && status.success());
    drop(root);

    let cache = tempfile::tempdir().expect("tempdir");
    let images = cache.path().join("dockward/images");
    // An export left by a process that was killed: swept away.
    std::fs::create_dir_all(&images).expect("mkdir");
    std::fs::write(images.join("export-999999999.tar"), b"stale").expect("write");
    std::fs::write(images.join("unrelated.txt"), b"kept").expect("write");

    let output = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(["sbom", "-f", "cyclonedx", &image])
        .env("XDG_CACHE_HOME", cache.path())
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bom: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(bom["metadata"]["component"]["name"], image.as_str());
    let purls: Vec<&str> = bom["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    assert_eq!(purls, ["pkg:pypi/six@1.16.0"]);
    let left: Vec<String> = std::fs::read_dir(&images)
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    assert_eq!(
        left,
        ["unrelated.txt"],
        "exports are removed, stale ones too"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("vuln.db");
    let record = dir.path().join("six.json");
    std::fs::write(&record, RECORD).expect("write");
    let db_arg = db.to_str().expect("path");
    let import = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(["db", "import", "--db", db_arg])
        .arg(&record)
        .output()
        .expect("runs");
    assert!(import.status.success());
    let output = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(["scan", "--db", db_arg, "-f", "json", &image])
        .env("XDG_CACHE_HOME", cache.path())
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let found = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| {
            f["message"]
                .as_str()
                .is_some_and(|m| m.contains("PYSEC-0000-DWTEST"))
        });
    assert!(found, "{report}");
    // The image's configuration is checked too: `docker import` sets no USER and no
    // HEALTHCHECK.
    let image_checks: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .filter(|code| code.starts_with("IM"))
        .collect();
    assert_eq!(image_checks, ["IM001", "IM002"], "{report}");
    assert_eq!(std::fs::read_dir(&images).expect("dir").count(), 1);
    assert!(Path::new(&images).join("unrelated.txt").exists());

    // An image the daemon does not have.
    let output = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(["sbom", "dockward-it/no-such-image:0"])
        .env("XDG_CACHE_HOME", cache.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("HTTP 404"), "{stderr}");
}
