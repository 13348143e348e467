//! Read-only probes of the machine the tests run on, and of its Docker daemon.
//! Each test asserts only what holds on any host where its precondition is
//! met, and says on stderr when it skips.

// Skip messages go to stderr; this is a test, not a library.
#![allow(clippy::print_stderr)]

use std::path::Path;
use std::time::Duration;

use dockward_probe::{Client, Endpoint, ProbeOptions, collect, collect_inside};

const SOCKET: &str = "/var/run/docker.sock";

fn docker_required() -> bool {
    std::env::var("DOCKWARD_REQUIRE_DOCKER").is_ok_and(|v| v == "1")
}

fn docker_available(test: &str) -> bool {
    if Path::new(SOCKET).exists() {
        return true;
    }
    assert!(
        !docker_required(),
        "{SOCKET} is absent and DOCKWARD_REQUIRE_DOCKER=1"
    );
    eprintln!("{test}: skipped, {SOCKET} is absent");
    false
}

#[test]
fn the_real_daemon_answers_version() {
    if !docker_available("the_real_daemon_answers_version") {
        return;
    }
    let mut client = Client::new(Endpoint::Unix(SOCKET.into()), Duration::from_secs(10));
    let daemon_api = client.negotiate().expect("GET /_ping");
    assert!(daemon_api.starts_with("1."), "{daemon_api}");
    let version = client.get_json("/version").expect("GET /version");
    assert!(
        version["Version"].as_str().is_some_and(|v| !v.is_empty()),
        "{version}"
    );
    assert_eq!(version["ApiVersion"].as_str(), Some(daemon_api.as_str()));
}

#[test]
fn the_real_daemon_is_probed_without_problems() {
    if !docker_available("the_real_daemon_is_probed_without_problems") {
        return;
    }
    let options = ProbeOptions {
        host: false,
        all_containers: true,
        ..ProbeOptions::default()
    };
    let facts = collect(&options);
    assert_eq!(
        facts.problems,
        [],
        "the API probe of a healthy daemon has no problems"
    );
    let daemon = facts.daemon.unwrap();
    let info = daemon.info.unwrap();
    let listed = info["Containers"].as_u64().unwrap();
    assert_eq!(
        facts.containers.len() as u64,
        listed,
        "every container in /info is inspected"
    );
    assert!(daemon.version.is_some() && daemon.plugins.is_some() && daemon.networks.is_some());
}

#[test]
fn the_real_host_is_probed_read_only() {
    let options = ProbeOptions {
        daemon: false,
        containers: false,
        images: false,
        ..ProbeOptions::default()
    };
    let facts = collect(&options);
    let host = facts.host.expect("host facts");
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    assert!(!host.kernel.release.is_empty());
    assert_eq!(host.kernel.release, release.trim());
    assert!(
        host.cgroup.version.is_some(),
        "every Linux host with Docker has cgroups mounted"
    );
    assert!(!host.mounts.is_empty());
    assert!(host.mounts.iter().any(|m| m.mount_point == "/"));

    let group = std::fs::read_to_string("/etc/group").unwrap_or_default();
    if group.lines().any(|l| l.starts_with("docker:")) {
        assert!(host.docker_group.is_some(), "/etc/group has a docker group");
    } else {
        eprintln!("the_real_host_is_probed_read_only: no docker group here, not checked");
    }
    let dpkg = std::fs::read_to_string("/var/lib/dpkg/status").unwrap_or_default();
    let docker_io = dpkg.split("\n\n").any(|s| {
        s.lines().any(|l| l == "Package: docker.io")
            && s.lines().any(|l| l == "Status: install ok installed")
    });
    if docker_io {
        let package = host
            .packages
            .iter()
            .find(|p| p.name == "docker.io")
            .expect("docker.io recorded");
        assert_eq!(package.manager, "dpkg");
        assert!(
            package
                .version
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit()),
            "{}",
            package.version
        );
    } else {
        eprintln!(
            "the_real_host_is_probed_read_only: docker.io is not installed by dpkg here, not checked"
        );
    }
}

#[test]
fn the_real_process_sees_its_own_status() {
    let facts = collect_inside(&ProbeOptions::default());
    let inside = facts.inside.unwrap();
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let seccomp_line = status.lines().find(|l| l.starts_with("Seccomp:"));
    assert_eq!(inside.status.seccomp.is_some(), seccomp_line.is_some());
    assert!(inside.status.cap_bnd.is_some());
    assert!(
        inside.namespaces.contains_key("pid"),
        "{:?}",
        inside.namespaces
    );
    assert!(inside.cap_last_cap.is_some_and(|c| c >= 30));
    assert!(!inside.mounts.is_empty());
}
