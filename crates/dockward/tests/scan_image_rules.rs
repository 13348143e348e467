//! `dockward scan` runs the image rules (`IM`) on the configuration, history
//! and layers of an image: a docker-save archive generated here, and an
//! image imported into the local daemon.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dockward(args: &[&str], cache: &Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(args)
        .env_remove("NO_COLOR")
        .env("XDG_CACHE_HOME", cache)
        .output()
        .expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A vulnerability database with the Debian fixtures (`scan` needs one).
fn database(dir: &Path) -> String {
    let db = dir.join("vuln.db");
    let db = db.to_str().expect("path").to_owned();
    let fixtures = manifest().join("../dockward_vuln/tests/fixtures/debian");
    let (code, _, stderr) = dockward(
        &[
            "db",
            "import",
            "--db",
            &db,
            fixtures.to_str().expect("path"),
        ],
        dir,
    );
    assert_eq!(code, 0, "{stderr}");
    db
}

/// One member of a generated layer.
enum M<'a> {
    Dir(&'a str, u32),
    File(&'a str, u32, &'a [u8]),
}

fn layer(members: &[M<'_>]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for member in members {
        let mut header = tar::Header::new_gnu();
        match member {
            M::Dir(path, mode) => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(*mode);
                header.set_size(0);
                header.set_cksum();
                builder
                    .append_data(&mut header, format!("{path}/"), std::io::empty())
                    .expect("append");
            }
            M::File(path, mode, content) => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(*mode);
                header.set_size(content.len() as u64);
                header.set_cksum();
                builder
                    .append_data(&mut header, path, *content)
                    .expect("append");
            }
        }
    }
    builder.into_inner().expect("tar")
}

/// A `docker save` archive with `config` and `layers`, tagged `leaky:1`.
fn docker_archive(path: &Path, config: &Value, layers: &[Vec<u8>]) {
    let mut builder = tar::Builder::new(std::fs::File::create(path).expect("create"));
    let mut add = |name: &str, bytes: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_mode(0o644);
        header.set_size(bytes.len() as u64);
        header.set_cksum();
        builder
            .append_data(&mut header, name, bytes)
            .expect("append");
    };
    let names: Vec<String> = (0..layers.len())
        .map(|i| format!("l{i}/layer.tar"))
        .collect();
    for (name, bytes) in names.iter().zip(layers) {
        add(name, bytes);
    }
    add("config.json", config.to_string().as_bytes());
    let manifest = json!([{"Config": "config.json", "RepoTags": ["leaky:1"], "Layers": names}]);
    add("manifest.json", manifest.to_string().as_bytes());
}

const KEY: &[u8] = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n";
const AWS: &[u8] = b"[default]\naws_access_key_id = AKIAZ7Q3W5E2R4T6Y8U1\naws_secret_access_key = Zq8v7Xb2Lm4Nc6Vd9Fg1Hj3Kk5Ll7Mm9Nn0Pp2Qq\n";

fn findings(report: &Value) -> Vec<String> {
    let mut found: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["code"].as_str().unwrap_or_default(),
                f["severity"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn scan_reports_secrets_ports_and_world_writable_dirs_of_an_archive() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = database(dir.path());
    let gh = format!("ghp_{}", "aB3".repeat(12));
    let base = layer(&[
        M::Dir("root", 0o700),
        M::Dir("root/.ssh", 0o700),
        M::File("root/.ssh/id_rsa", 0o600, KEY),
        M::Dir("root/.aws", 0o755),
        M::File("root/.aws/credentials", 0o600, AWS),
        M::Dir("app", 0o755),
        M::Dir("app/cache", 0o777),
        M::File(
            "app/.npmrc",
            0o644,
            b"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
        ),
        M::Dir("tmp", 0o1777),
        M::File(
            "etc/ssl/certs/ca.pem",
            0o644,
            b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        ),
        M::File("usr/lib/node_modules/x/test/server.key", 0o644, KEY),
    ]);
    let cleanup = layer(&[M::File("root/.aws/.wh.credentials", 0o644, b"")]);
    let config = json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "User": "10001",
            "Env": ["PATH=/usr/bin", format!("GITHUB_TOKEN={gh}"), "DB_PASSWORD_FILE=/run/secrets/db"],
            "Labels": {"com.example.db.password": "hunter22"},
            "ExposedPorts": {"22/tcp": {}, "8080/tcp": {}},
            "Healthcheck": {"Test": ["CMD", "/app/healthcheck"]}
        },
        "history": [
            {"created_by": "/bin/sh -c #(nop) ADD file:0123 in / "},
            {"created_by": "|1 NPM_TOKEN=tok3n-value-123 /bin/sh -c rm /root/.aws/credentials"},
            {"created_by": "/bin/sh -c #(nop)  EXPOSE 22 8080", "empty_layer": true}
        ]
    });
    let archive = dir.path().join("leaky.tar");
    docker_archive(&archive, &config, &[base, cleanup]);
    let target = archive.to_str().expect("path");

    let (code, stdout, stderr) = dockward(&["scan", "--db", &db, "-f", "json", target], dir.path());
    assert_eq!(code, 1, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).expect("JSON");
    let found = findings(&report);
    let codes: Vec<&str> = found.iter().map(|f| &f[..5]).collect();
    assert_eq!(
        codes,
        [
            "IM004", "IM004", "IM004", "IM005", "IM006", "IM006", "IM007"
        ],
        "{found:#?}"
    );
    insta::assert_snapshot!(found.join("\n"));
    for secret in [
        gh.as_str(),
        "hunter22",
        "tok3n-value",
        "Zq8v7Xb2Lm4N",
        "b3BlbnNzaC1rZXkt",
    ] {
        assert!(!stdout.contains(secret), "{secret} leaked: {stdout}");
    }
}

/// Removes the image when the test ends, also on failure.
struct ImageGuard(String);

impl Drop for ImageGuard {
    fn drop(&mut self) {
        let _ = std::process::Command::new("docker")
            .args(["rmi", "-f", &self.0])
            .output();
    }
}

#[test]
fn an_imported_image_with_a_secret_in_env_and_a_key_in_a_layer() {
    let required = std::env::var("DOCKWARD_REQUIRE_DOCKER").is_ok_and(|v| v == "1");
    let available = std::process::Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(!required, "DOCKWARD_REQUIRE_DOCKER=1 but no daemon");
        #[allow(clippy::print_stderr)]
        {
            eprintln!("skipping: no Docker daemon");
        }
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let rootfs = layer(&[
        M::Dir("root", 0o700),
        M::Dir("root/.ssh", 0o700),
        M::File("root/.ssh/id_ed25519", 0o600, KEY),
        M::Dir("srv", 0o777),
    ]);
    let image = format!("dockward-it/im-rules-{}:1", std::process::id());
    let guard = ImageGuard(image.clone());
    let mut child = std::process::Command::new("docker")
        .args([
            "import",
            "--change",
            "ENV AWS_SECRET_ACCESS_KEY=Zq8v7Xb2Lm4Nc6Vd9Fg1Hj3Kk5Ll7Mm9Nn0Pp2Qq",
            "--change",
            "EXPOSE 2375",
            "-",
            &image,
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("docker import");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&rootfs)
        .expect("write");
    assert!(child.wait().expect("docker import").success());

    let db = database(dir.path());
    let (code, stdout, stderr) = dockward(&["scan", "--db", &db, "-f", "json", &image], dir.path());
    assert_eq!(code, 1, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).expect("JSON");
    let found = findings(&report);
    let codes: Vec<&str> = found.iter().map(|f| &f[..5]).collect();
    // `docker import` sets no USER and no HEALTHCHECK either.
    assert_eq!(
        codes,
        ["IM001", "IM002", "IM004", "IM005", "IM006", "IM007"],
        "{found:#?}"
    );
    assert!(
        found[2].starts_with(
            "IM004 critical ENV `AWS_SECRET_ACCESS_KEY` holds an AWS secret access key (`Zq8v***`)"
        ),
        "{found:#?}"
    );
    assert!(
        found[4].contains(
            "`/root/.ssh/id_ed25519` holds an SSH private key, added in layer 0 (sha256:"
        ),
        "{found:#?}"
    );
    assert!(found[5].ends_with("/srv (0777)"), "{found:#?}");
    assert!(!stdout.contains("Zq8v7Xb2"), "the key is masked");
    drop(guard);
}
