//! `dockward audit` against the machine's real Docker daemon.
//!
//! Builds a one-binary busybox image with `docker import` (no registry is
//! needed), starts one container per misconfiguration on top of a fully
//! hardened baseline, runs `dockward audit -f json`, and asserts exactly the
//! container codes reported for each. `--privileged` containers cannot start
//! on the CI sandbox (its bounding set lacks CAP_SYS_RESOURCE), so that one is
//! only created and audited with `--all`. Everything made here is removed when
//! the test ends, also when it fails (see [`Daemon`]'s `Drop`).
//!
//! Without a daemon the tests skip with a message, unless
//! `DOCKWARD_REQUIRE_DOCKER=1` (CI), where a missing daemon is a failure.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt as _;

/// The flags of a container that no CT rule flags.
const HARDENED: &[&str] = &[
    "--user",
    "1000:1000",
    "--read-only",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "--memory",
    "64m",
    "--pids-limit",
    "100",
    "--cpus",
    "0.5",
    "--health-cmd",
    "true",
    "--restart",
    "on-failure:3",
    "--network",
    "none",
    "--cgroupns",
    "private",
];

/// Serializes container removal across the tests of this binary.
static CLEANUP: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Images and containers made by one test; removed on drop.
struct Daemon {
    prefix: String,
    image: String,
    /// Other images to remove on drop.
    extra_images: std::cell::RefCell<Vec<String>>,
}

impl Daemon {
    /// Connects to the daemon and builds the test image, or returns `None`
    /// (after saying why) when there is no daemon and it is not required.
    fn start(test: &str) -> Option<Daemon> {
        let required = std::env::var("DOCKWARD_REQUIRE_DOCKER").is_ok_and(|v| v == "1");
        let available = Command::new("docker")
            .args(["version", "--format", "{{.Server.Version}}"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !available {
            assert!(
                !required,
                "DOCKWARD_REQUIRE_DOCKER=1 but the Docker daemon is not reachable"
            );
            #[allow(clippy::print_stderr)]
            {
                eprintln!(
                    "skipping {test}: no Docker daemon (set DOCKWARD_REQUIRE_DOCKER=1 to fail)"
                );
            }
            return None;
        }
        let busybox = Path::new("/bin/busybox");
        assert!(
            busybox.exists() || !required,
            "/bin/busybox is missing: install busybox-static"
        );
        if !busybox.exists() {
            return None;
        }
        let prefix = format!("dockward-it-{}-{test}-", std::process::id());
        let daemon = Daemon {
            image: format!("dockward-it/{test}-{}:1", std::process::id()),
            prefix,
            extra_images: std::cell::RefCell::default(),
        };
        daemon.build_image(busybox);
        Some(daemon)
    }

    fn build_image(&self, busybox: &Path) {
        let root = tempfile::tempdir().expect("tempdir");
        let bin = root.path().join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        std::fs::copy(busybox, bin.join("busybox")).expect("copy busybox");
        for link in ["sh", "sleep", "true"] {
            std::os::unix::fs::symlink("busybox", bin.join(link)).expect("symlink");
        }
        import(root.path(), &self.image);
    }

    /// Removes `image` when the test ends, whatever happens.
    fn forget_image_later(&self, image: &str) {
        self.extra_images.borrow_mut().push(image.to_owned());
    }

    /// `docker run -d` (or `docker create` when `start` is false) of the test
    /// image running `sleep`, named `prefix + name`.
    fn container(&self, name: &str, flags: &[&str], start: bool) -> String {
        let full = format!("{}{name}", self.prefix);
        let verb = if start {
            ["run", "-d"].as_slice()
        } else {
            ["create"].as_slice()
        };
        let output = Command::new("docker")
            .args(verb)
            .args(["--name", &full])
            .args(flags)
            .args([&self.image, "sleep", "600"])
            .output()
            .expect("docker run");
        assert!(
            output.status.success(),
            "docker {verb:?} {name} {flags:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        full
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let ids = Command::new("docker")
            .args(["ps", "-aq", "--filter", &format!("name=^/{}", self.prefix)])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        // One container at a time, one test at a time: Engine 20.10 can
        // deadlock in libnetwork when many containers exit at once (a parallel
        // `docker rm -f` of 50 containers did on the development machine).
        let _serial = CLEANUP
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for id in ids.split_whitespace() {
            let _ = Command::new("docker")
                .args(["rm", "-f", "-v", id])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let images = self.extra_images.borrow();
        let _ = Command::new("docker")
            .args(["rmi", "-f", &self.image])
            .args(images.iter())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// `docker import` of the directory `root` as `image`.
fn import(root: &Path, image: &str) {
    let mut tar = Command::new("tar")
        .arg("-C")
        .arg(root)
        .args(["-cf", "-", "."])
        .stdout(Stdio::piped())
        .spawn()
        .expect("tar");
    let status = Command::new("docker")
        .args(["import", "-", image])
        .stdin(tar.stdout.take().expect("tar stdout"))
        .stdout(Stdio::null())
        .status()
        .expect("docker import");
    assert!(tar.wait().expect("tar").success(), "tar failed");
    assert!(status.success(), "docker import of {image} failed");
}

/// Runs `dockward audit` with `args`; returns the exit code and the JSON report.
fn audit(args: &[&str]) -> (i32, serde_json::Value) {
    let output = Command::cargo_bin("dockward")
        .expect("binary")
        .arg("audit")
        .args(args)
        .output()
        .expect("run dockward");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), report)
}

/// The CT codes reported per container name (containers without findings
/// are present with an empty set when they were audited, i.e. listed as a subject).
fn container_codes(report: &serde_json::Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut codes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for subject in report["subjects"].as_array().into_iter().flatten() {
        if subject["kind"] == "container" {
            codes
                .entry(subject["name"].as_str().unwrap_or_default().to_owned())
                .or_default();
        }
    }
    for finding in report["findings"].as_array().into_iter().flatten() {
        let location = &finding["location"];
        if location["kind"] == "container" {
            let name = location["name"].as_str().unwrap_or_default().to_owned();
            let code = finding["code"].as_str().unwrap_or_default().to_owned();
            codes.entry(name).or_default().insert(code);
        }
    }
    codes
}

fn set(codes: &[&str]) -> BTreeSet<String> {
    codes.iter().map(|&c| c.to_owned()).collect()
}

/// One case: a name, the baseline options it removes, the flags it adds, and
/// the CT codes it must yield (no more, no less).
type Case = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

/// One misconfiguration each, on top of [`HARDENED`].
const CASES: &[Case] = &[
    ("hardened", &[], &[], &[]),
    // docker-bench-security skips every container whose name contains "nil".
    ("vanilla-app", &[], &[], &[]),
    ("pid-host", &[], &["--pid", "host"], &["CT017"]),
    (
        "net-host",
        &["--network"],
        &["--network", "host"],
        &["CT011"],
    ),
    ("ipc-host", &[], &["--ipc", "host"], &["CT018"]),
    ("uts-host", &[], &["--uts", "host"], &["CT022"]),
    ("userns-host", &[], &["--userns", "host"], &["CT032"]),
    (
        "cgroupns-host",
        &["--cgroupns"],
        &["--cgroupns", "host"],
        &["CT034"],
    ),
    (
        "docker-sock",
        &[],
        &["-v", "/var/run/docker.sock:/var/run/docker.sock"],
        &["CT033"],
    ),
    ("etc-rw", &[], &["-v", "/etc:/host-etc"], &["CT007"]),
    ("sys-admin", &[], &["--cap-add", "SYS_ADMIN"], &["CT004"]),
    (
        "audit-control",
        &[],
        &["--cap-add", "AUDIT_CONTROL"],
        &["CT003"],
    ),
    ("caps-kept", &["--cap-drop"], &[], &["CT005"]),
    (
        "seccomp-unconfined",
        &[],
        &["--security-opt", "seccomp=unconfined"],
        &["CT023"],
    ),
    (
        "apparmor-unconfined",
        &[],
        &["--security-opt", "apparmor=unconfined"],
        &["CT001"],
    ),
    ("root-user", &["--user"], &["--user", "0"], &["CT035"]),
    ("no-memory", &["--memory"], &[], &["CT012"]),
    ("no-cpu", &["--cpus"], &[], &["CT013"]),
    ("no-pids", &["--pids-limit"], &[], &["CT030"]),
    ("writable-root", &["--read-only"], &[], &["CT014"]),
    ("no-nnp", &["--security-opt"], &[], &["CT027"]),
    (
        "restart-always",
        &["--restart"],
        &["--restart", "always"],
        &["CT016"],
    ),
    ("no-healthcheck", &["--health-cmd"], &[], &["CT028"]),
    (
        "shared-propagation",
        &[],
        &[
            "--mount",
            "type=bind,source=/tmp,target=/hosttmp,bind-propagation=rshared",
        ],
        &["CT021"],
    ),
    (
        "cgroup-parent",
        &[],
        &["--cgroup-parent", "/dockward-it"],
        &["CT026"],
    ),
    ("default-bridge", &["--network"], &[], &["CT031"]),
    (
        "published-low-port",
        &["--network"],
        &["-p", "80:8080"],
        &["CT009", "CT015", "CT031"],
    ),
    ("kmsg-device", &[], &["--device", "/dev/kmsg"], &["CT019"]),
    (
        "systempaths",
        &[],
        &["--security-opt", "systempaths=unconfined"],
        &["CT037"],
    ),
];

/// [`HARDENED`] without the options in `without` (each with its value), then `extra`.
fn flags(without: &[&str], extra: &[&'static str]) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < HARDENED.len() {
        let option = HARDENED[i];
        let takes_value = option != "--read-only";
        if without.contains(&option) {
            i += if takes_value { 2 } else { 1 };
            continue;
        }
        out.push(option);
        if takes_value {
            out.push(HARDENED[i + 1]);
            i += 2;
        } else {
            i += 1;
        }
    }
    out.extend_from_slice(extra);
    out
}

#[test]
fn each_misconfiguration_yields_exactly_its_codes_and_defect_8_nil_names_are_audited() {
    let Some(daemon) = Daemon::start("cases") else {
        return;
    };
    let mut expected = BTreeMap::new();
    let mut names = Vec::new();
    for &(name, without, extra, codes) in CASES {
        // rshared needs a shared source mount, which this host's / is not:
        // the daemon refuses to start such a container, so it is only created.
        let start = name != "shared-propagation";
        let full = daemon.container(name, &flags(without, extra), start);
        names.push(full.clone());
        expected.insert(full, set(codes));
    }
    // Cannot start here: created only, audited with --all.
    let full = daemon.container("privileged", &flags(&[], &["--privileged"]), false);
    names.push(full.clone());
    // Privileged also means no seccomp (moby applies no profile); AppArmor is
    // not reported on hosts without it, nor are the unmasked /proc paths
    // (privileged-container covers both).
    expected.insert(full, set(&["CT006", "CT023"]));

    // CT034 is off by default (every container is in the host's cgroup
    // namespace on cgroup v1 hosts); the baseline asks for a private one.
    let mut args = vec!["-f", "json", "--all", "--select", "CT034", "--containers"];
    args.extend(names.iter().map(String::as_str));
    let (code, report) = audit(&args);
    let got = container_codes(&report);
    let ct_only: BTreeMap<String, BTreeSet<String>> = got
        .into_iter()
        .map(|(name, codes)| {
            (
                name,
                codes.into_iter().filter(|c| c.starts_with("CT")).collect(),
            )
        })
        .collect();
    assert_eq!(ct_only, expected, "CT codes per container");
    assert_eq!(
        code, 1,
        "findings at or above the default --fail-on make the exit status 1"
    );
}

#[test]
fn stopped_containers_need_all_and_the_filter_limits_the_audit() {
    let Some(daemon) = Daemon::start("filter") else {
        return;
    };
    let created = daemon.container("created", &flags(&[], &["--pid", "host"]), false);
    let running = daemon.container("running", HARDENED, true);

    let (_, report) = audit(&["-f", "json", "--containers", &created, &running]);
    let got = container_codes(&report);
    assert!(
        !got.contains_key(&created),
        "a stopped container is audited only with --all: {got:?}"
    );
    assert!(got.contains_key(&running), "{got:?}");
    assert_eq!(got.len(), 1, "only the named containers: {got:?}");

    let (_, report) = audit(&["-f", "json", "--all", "--containers", &created]);
    let got = container_codes(&report);
    assert_eq!(got.get(&created), Some(&set(&["CT017"])), "{got:?}");
}

#[test]
fn hardened_container_passes_and_exit_status_follows_fail_on() {
    let Some(daemon) = Daemon::start("exit") else {
        return;
    };
    let hardened = daemon.container("hardened", HARDENED, true);
    let (code, report) = audit(&["-f", "json", "--containers", &hardened]);
    let got = container_codes(&report);
    assert_eq!(got.get(&hardened), Some(&BTreeSet::new()), "{got:?}");
    assert_eq!(code, 0, "no container finding: exit 0 ({report})");

    let bad = daemon.container("pid-host", &flags(&[], &["--pid", "host"]), true);
    let (code, _) = audit(&["-f", "json", "--containers", &bad]);
    assert_eq!(code, 1, "a high finding fails at the default threshold");
    let (code, _) = audit(&["-f", "json", "--fail-on", "critical", "--containers", &bad]);
    assert_eq!(code, 0, "a high finding passes --fail-on critical");
}

#[test]
fn facts_snapshot_replays_the_same_findings() {
    let Some(daemon) = Daemon::start("facts") else {
        return;
    };
    let name = daemon.container("ptrace", &flags(&[], &["--cap-add", "SYS_PTRACE"]), true);
    let dir = tempfile::tempdir().expect("tempdir");
    let facts = dir.path().join("facts.json");
    let facts = facts.to_str().expect("utf-8 path");
    let (live_code, live) = audit(&["-f", "json", "--containers", &name, "--save-facts", facts]);
    drop(daemon);
    // The container is gone; the snapshot still has it.
    let (replay_code, replayed) = audit(&["-f", "json", "--facts", facts, "--containers", &name]);
    assert_eq!(live["findings"], replayed["findings"]);
    assert_eq!(live_code, replay_code);
    let codes = container_codes(&replayed);
    assert_eq!(codes.get(&name), Some(&set(&["CT004"])), "{codes:?}");
}

/// An image holding this dockward binary, the shared libraries `ldd` names,
/// and busybox; removed on drop (with its containers) by [`Daemon`].
fn build_dockward_image(daemon: &Daemon) -> String {
    let image = format!("{}-self", daemon.image.replace(':', "-")) + ":1";
    let root = tempfile::tempdir().expect("tempdir");
    let binary = Path::new(env!("CARGO_BIN_EXE_dockward"));
    let copy = |from: &Path| {
        let to = root.path().join(from.strip_prefix("/").unwrap_or(from));
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(from, &to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
    };
    std::fs::copy(binary, root.path().join("dockward")).expect("copy dockward");
    let ldd = Command::new("ldd").arg(binary).output().expect("ldd");
    for line in String::from_utf8_lossy(&ldd.stdout).lines() {
        let path = line
            .split_once("=>")
            .map_or(line, |(_, right)| right)
            .split_whitespace()
            .next()
            .unwrap_or_default();
        if path.starts_with('/') {
            copy(Path::new(path));
        }
    }
    let bin = root.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir bin");
    std::fs::copy("/bin/busybox", bin.join("busybox")).expect("copy busybox");
    std::os::unix::fs::symlink("busybox", bin.join("sh")).expect("symlink");
    import(root.path(), &image);
    daemon.forget_image_later(&image);
    image
}

/// Runs `dockward audit --inside -f json` in a new container with `flags`;
/// returns the CT codes it reports.
fn inside_codes(daemon: &Daemon, image: &str, name: &str, flags: &[&str]) -> BTreeSet<String> {
    let output = Command::new("docker")
        .args(["run", "--name", &format!("{}{name}", daemon.prefix)])
        .args(flags)
        .args([
            image,
            "/dockward",
            "audit",
            "--inside",
            "-f",
            "json",
            "--fail-on",
            "none",
        ])
        .output()
        .expect("docker run");
    assert!(
        output.status.success(),
        "dockward audit --inside in {name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["code"].as_str())
        .map(str::to_owned)
        .collect()
}

#[test]
fn inside_a_container_reports_what_it_can_see() {
    let Some(daemon) = Daemon::start("inside") else {
        return;
    };
    let image = build_dockward_image(&daemon);
    let risky = inside_codes(
        &daemon,
        &image,
        "risky",
        &[
            "--pid",
            "host",
            "--cap-add",
            "SYS_ADMIN",
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock",
        ],
    );
    for code in ["CT017", "CT004", "CT033"] {
        assert!(risky.contains(code), "{code} missing from {risky:?}");
    }
    let hardened = inside_codes(&daemon, &image, "hardened", &flags(&["--health-cmd"], &[]));
    for code in [
        "CT017", "CT004", "CT033", "CT006", "CT023", "CT027", "CT035", "CT012", "CT030",
    ] {
        assert!(
            !hardened.contains(code),
            "{code} reported in a hardened container: {hardened:?}"
        );
    }
    let _ = Command::new("docker")
        .args(["rmi", "-f", &image])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// The codes and messages reported for the image named `name`.
fn image_findings(report: &serde_json::Value, name: &str) -> Vec<(String, String)> {
    report["findings"]
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
        .collect()
}

#[test]
fn setuid_files_in_image_layers_are_found() {
    let Some(daemon) = Daemon::start("suid") else {
        return;
    };
    let root = tempfile::tempdir().expect("tempdir");
    let bin = root.path().join("usr/bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    std::fs::copy("/bin/busybox", bin.join("su-helper")).expect("copy");
    std::fs::set_permissions(
        bin.join("su-helper"),
        std::os::unix::fs::PermissionsExt::from_mode(0o4755),
    )
    .expect("chmod");
    let image = format!("{}-suid:1", daemon.image.replace(':', "-"));
    import(root.path(), &image);
    daemon.forget_image_later(&image);

    let (_, report) = audit(&["-f", "json", "--images", "--read-image-layers"]);
    let found = image_findings(&report, &image);
    assert!(
        found.contains(&(
            "IM003".to_owned(),
            "1 setuid/setgid file: /usr/bin/su-helper (4755)".to_owned()
        )),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(code, _)| code == "IM001"),
        "no USER: {found:?}"
    );

    let (_, report) = audit(&["-f", "json", "--images"]);
    let found = image_findings(&report, &image);
    assert!(
        !found.iter().any(|(code, _)| code == "IM003"),
        "layers are read only with --read-image-layers: {found:?}"
    );
}
