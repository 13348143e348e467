//! `dockward audit --images --read-image-layers` on an image of the local
//! daemon: a key added in one layer and removed in the next, a build argument
//! recorded in the history, a world-writable directory.

use std::io::Write as _;
use std::process::{Command, Stdio};

/// Removes the images when the test ends, also on failure, one at a time.
struct ImageGuard(Vec<String>);

impl Drop for ImageGuard {
    fn drop(&mut self) {
        for image in self.0.iter().rev() {
            let _ = Command::new("docker")
                .args(["rmi", "-f", image])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

fn docker_available() -> bool {
    let required = std::env::var("DOCKWARD_REQUIRE_DOCKER").is_ok_and(|v| v == "1");
    let available = Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let busybox = std::path::Path::new("/bin/busybox").exists();
    if !(available && busybox) {
        assert!(
            !required,
            "DOCKWARD_REQUIRE_DOCKER=1 but no daemon or no /bin/busybox"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!("skipping: no Docker daemon or no /bin/busybox");
        }
        return false;
    }
    true
}

const KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n";

/// The codes and messages reported for the image named `name`.
fn image_findings(report: &serde_json::Value, name: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["location"]["kind"] == "image" && f["location"]["name"] == name)
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_owned(),
                f["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

fn audit(args: &[&str]) -> serde_json::Value {
    let output = assert_cmd::Command::cargo_bin("dockward")
        .expect("binary")
        .arg("audit")
        .args(args)
        .output()
        .expect("run dockward");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn a_removed_key_a_build_argument_and_a_world_writable_dir_are_found() {
    if !docker_available() {
        return;
    }
    let base = format!("dockward-it/im-layers-base-{}:1", std::process::id());
    let image = format!("dockward-it/im-layers-{}:1", std::process::id());
    let mut guard = ImageGuard(Vec::new());

    // Base layer: busybox as /bin/sh, a private key, a 0777 directory.
    let root = tempfile::tempdir().expect("tempdir");
    let r = root.path();
    for dir in ["bin", "root/.ssh", "srv/drop"] {
        std::fs::create_dir_all(r.join(dir)).expect("mkdir");
    }
    std::fs::copy("/bin/busybox", r.join("bin/busybox")).expect("copy");
    std::os::unix::fs::symlink("busybox", r.join("bin/sh")).expect("symlink");
    std::fs::write(r.join("root/.ssh/id_ed25519"), KEY).expect("write");
    std::fs::set_permissions(
        r.join("srv/drop"),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .expect("chmod");
    let mut tar = Command::new("tar")
        .arg("-C")
        .arg(r)
        .args(["-cf", "-", "."])
        .stdout(Stdio::piped())
        .spawn()
        .expect("tar");
    let status = Command::new("docker")
        .args(["import", "-", &base])
        .stdin(tar.stdout.take().expect("stdout"))
        .stdout(Stdio::null())
        .status()
        .expect("docker import");
    assert!(tar.wait().expect("tar").success() && status.success());
    guard.0.push(base.clone());

    // Second layer: the key is removed; the build argument stays in the history.
    let dockerfile = format!(
        "FROM {base}\nARG NPM_TOKEN\nRUN rm /root/.ssh/id_ed25519\nUSER 10001\nHEALTHCHECK CMD true\n"
    );
    let mut build = Command::new("docker")
        .args([
            "build",
            "-q",
            "--build-arg",
            "NPM_TOKEN=tok3n-value-123",
            "-t",
            &image,
            "-",
        ])
        .env("DOCKER_BUILDKIT", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("docker build");
    build
        .stdin
        .take()
        .expect("stdin")
        .write_all(dockerfile.as_bytes())
        .expect("write");
    let output = build.wait_with_output().expect("docker build");
    guard.0.push(image.clone());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let report = audit(&["-f", "json", "--images", "--read-image-layers"]);
    let found = image_findings(&report, &image);
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["IM004", "IM006", "IM007"], "{found:#?}");
    assert!(
        found[0]
            .1
            .starts_with("build argument `NPM_TOKEN` in history step "),
        "{found:#?}"
    );
    assert!(
        found[1].1.starts_with(
            "`/root/.ssh/id_ed25519` holds an SSH private key: removed in layer 1 but still in layer 0 (sha256:"
        ),
        "{found:#?}"
    );
    assert_eq!(
        found[2].1,
        "1 world-writable directory without the sticky bit: /srv/drop (0777)"
    );
    assert!(
        !report.to_string().contains("tok3n-value"),
        "the build argument is masked"
    );

    // Without --read-image-layers only the configuration and history are judged.
    let report = audit(&["-f", "json", "--images"]);
    let found = image_findings(&report, &image);
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["IM004"], "{found:#?}");
    drop(guard);
}
