//! What a process sees from inside a container (reference/audit.md §5.2).
//! Read-only: files are read and stat'ed, sockets are connected to and closed
//! without sending a byte; no syscall is probed, nothing is written, and
//! `/proc/sysrq-trigger` is never opened.

use std::io;
use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::UnixStream;
use std::path::Path;

use dockward_audit::facts::{InsideFacts, InsideMount, ProcessStatus, SocketProbe};

use crate::Problems;
use crate::fs::{
    MountInfo, cgroup_mode, dir_names, parse_mountinfo, read_text, read_trimmed, status_field,
    under,
};

/// Engine sockets looked for.
pub const ENGINE_SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/run/crio/crio.sock",
    "/run/podman/podman.sock",
    "/run/buildkit/buildkitd.sock",
];

/// Paths Docker masks by default (a `/dev/null` bind for files, a read-only
/// tmpfs for directories).
pub const MASKED_PATHS: &[&str] = &[
    "/proc/acpi",
    "/proc/asound",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/sys/firmware",
];

/// Character devices only a privileged container or `--device` exposes.
const HOST_CHAR_DEVICES: &[&str] = &["/dev/kmem", "/dev/kmsg", "/dev/mem", "/dev/port"];

const NAMESPACES: &[&str] = &["cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"];

/// Collects the inside facts under `root`.
pub(crate) fn collect_inside(root: &Path, problems: &mut Problems) -> InsideFacts {
    let mut facts = InsideFacts::default();
    let mounts = match read_text(root, "/proc/self/mountinfo") {
        Ok(Some(text)) => parse_mountinfo(&text),
        Ok(None) => {
            problems.push("inside", "/proc/self/mountinfo", "does not exist");
            Vec::new()
        }
        Err(e) => {
            problems.io("inside", "/proc/self/mountinfo", &e);
            Vec::new()
        }
    };
    markers(root, &mounts, &mut facts);
    match read_text(root, "/proc/self/status") {
        Ok(Some(status)) => facts.status = parse_status(&status),
        Ok(None) => problems.push("inside", "/proc/self/status", "does not exist"),
        Err(e) => problems.io("inside", "/proc/self/status", &e),
    }
    facts.cap_last_cap =
        read_trimmed(root, "/proc/sys/kernel/cap_last_cap").and_then(|v| v.parse().ok());
    for path in [
        "/proc/self/attr/apparmor/current",
        "/proc/self/attr/current",
    ] {
        if let Some(label) = read_trimmed(root, path) {
            facts.lsm_label = Some(label);
            facts.lsm_label_source = Some(path.to_owned());
            break;
        }
    }
    for ns in NAMESPACES {
        let path = format!("/proc/self/ns/{ns}");
        match std::fs::read_link(under(root, &path)) {
            Ok(target) => {
                if let Some(inode) = parse_ns_link(&target.to_string_lossy()) {
                    facts.namespaces.insert((*ns).to_owned(), inode);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => problems.io("inside", &path, &e),
        }
    }
    facts.uid_map = read_text(root, "/proc/self/uid_map").ok().flatten();
    facts.engine_sockets = engine_sockets(root, &mounts);
    facts.host_devices = host_devices(root);
    facts.unmasked_paths = unmasked_paths(root, &mounts);
    facts.mounts = mounts
        .into_iter()
        .map(|m| InsideMount {
            root: m.root,
            mount_point: m.mount_point,
            options: m.options,
            propagation: m.optional,
            fs_type: m.fs_type,
            source: m.source,
        })
        .collect();
    facts.cgroup_version = cgroup_mode(root).0;
    facts.kernel_release = read_trimmed(root, "/proc/sys/kernel/osrelease");
    facts.limits = limits(root, facts.cgroup_version);
    facts.network_interfaces = network_interfaces(root);
    facts
}

fn markers(root: &Path, mounts: &[MountInfo], facts: &mut InsideFacts) {
    for path in ["/.dockerenv", "/run/.containerenv"] {
        if std::fs::symlink_metadata(under(root, path)).is_ok() {
            facts.container_markers.push(path.to_owned());
        }
    }
    if let Some(kind) = read_trimmed(root, "/run/systemd/container") {
        facts
            .container_markers
            .push(format!("/run/systemd/container: {kind}"));
    }
    for (path, whose) in [("/proc/1/environ", " (pid 1)"), ("/proc/self/environ", "")] {
        let environ = read_text(root, path).ok().flatten().unwrap_or_default();
        if let Some(value) = environ
            .split('\0')
            .find_map(|kv| kv.strip_prefix("container="))
        {
            let marker = format!("container={value}{whose}");
            if !facts.container_markers.contains(&marker) {
                facts.container_markers.push(marker);
            }
        }
    }
    for mount in mounts {
        if let Some(id) = container_id_in(&mount.root) {
            let marker = format!("mountinfo: {}", mount.root);
            if !facts.container_markers.contains(&marker) {
                facts.container_markers.push(marker);
            }
            facts.container_id.get_or_insert(id);
        }
    }
}

/// The 64-hex container ID in a path like `/var/lib/docker/containers/<id>/hostname`.
pub fn container_id_in(path: &str) -> Option<String> {
    let mut rest = path;
    while let Some(i) = rest.find("/containers/") {
        let after = rest.get(i + "/containers/".len()..).unwrap_or_default();
        let id = after.split('/').next().unwrap_or_default();
        if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) && after.len() > 64 {
            return Some(id.to_ascii_lowercase());
        }
        rest = after;
    }
    None
}

/// The interesting fields of `/proc/self/status`.
pub fn parse_status(status: &str) -> ProcessStatus {
    let hex = |key| status_field(status, key).and_then(|v| u64::from_str_radix(v, 16).ok());
    ProcessStatus {
        uid: status_field(status, "Uid")
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok()),
        cap_eff: hex("CapEff"),
        cap_prm: hex("CapPrm"),
        cap_bnd: hex("CapBnd"),
        cap_amb: hex("CapAmb"),
        seccomp: status_field(status, "Seccomp").and_then(|v| v.parse().ok()),
        no_new_privs: status_field(status, "NoNewPrivs").map(|v| v == "1"),
    }
}

/// The inode in a namespace link (`pid:[4026531836]`).
pub fn parse_ns_link(target: &str) -> Option<u64> {
    target.split_once(":[")?.1.strip_suffix(']')?.parse().ok()
}

fn engine_sockets(root: &Path, mounts: &[MountInfo]) -> Vec<SocketProbe> {
    let mut candidates: Vec<String> = ENGINE_SOCKETS.iter().map(|s| (*s).to_owned()).collect();
    let environ = read_text(root, "/proc/self/environ")
        .ok()
        .flatten()
        .unwrap_or_default();
    if let Some(path) = environ
        .split('\0')
        .find_map(|kv| kv.strip_prefix("DOCKER_HOST=unix://"))
    {
        candidates.push(path.to_owned());
    }
    candidates.extend(mounts.iter().map(|m| m.mount_point.clone()));
    let mut seen = std::collections::BTreeSet::new();
    let mut sockets = Vec::new();
    for path in candidates {
        if !seen.insert(path.clone()) {
            continue;
        }
        let full = under(root, &path);
        let is_socket = std::fs::metadata(&full).is_ok_and(|m| m.file_type().is_socket());
        if is_socket {
            // Connect and close; nothing is sent.
            let connectable = UnixStream::connect(&full).is_ok();
            sockets.push(SocketProbe { path, connectable });
        }
    }
    sockets
}

fn host_devices(root: &Path) -> Vec<String> {
    let mut devices: Vec<String> = dir_names(root, "/dev")
        .into_iter()
        .map(|name| format!("/dev/{name}"))
        .filter(|path| {
            std::fs::symlink_metadata(under(root, path))
                .is_ok_and(|m| m.file_type().is_block_device())
        })
        .collect();
    devices.extend(
        HOST_CHAR_DEVICES
            .iter()
            .filter(|p| std::fs::symlink_metadata(under(root, p)).is_ok_and(|m| !m.is_dir()))
            .map(|p| (*p).to_owned()),
    );
    devices.sort();
    devices.dedup();
    devices
}

/// Default masked paths that exist and have nothing mounted over them.
fn unmasked_paths(root: &Path, mounts: &[MountInfo]) -> Vec<String> {
    MASKED_PATHS
        .iter()
        .filter(|path| {
            let masked = mounts.iter().any(|m| m.mount_point == **path);
            !masked && std::fs::symlink_metadata(under(root, path)).is_ok()
        })
        .map(|p| (*p).to_owned())
        .collect()
}

fn limits(root: &Path, version: Option<u8>) -> std::collections::BTreeMap<String, String> {
    let mut limits = std::collections::BTreeMap::new();
    let files: Vec<(String, String)> = if version == Some(2) {
        // Without a private cgroup namespace the own cgroup is below the root.
        let own = read_text(root, "/proc/self/cgroup")
            .ok()
            .flatten()
            .and_then(|t| {
                t.lines()
                    .find_map(|l| l.strip_prefix("0::").map(str::to_owned))
            })
            .unwrap_or_default();
        ["memory.max", "pids.max", "cpu.max"]
            .iter()
            .map(|f| {
                let in_own = format!("/sys/fs/cgroup{}/{f}", own.trim_end_matches('/'));
                let path = if under(root, &in_own).exists() {
                    in_own
                } else {
                    format!("/sys/fs/cgroup/{f}")
                };
                ((*f).to_owned(), path)
            })
            .collect()
    } else {
        vec![
            (
                "memory.limit_in_bytes".to_owned(),
                "/sys/fs/cgroup/memory/memory.limit_in_bytes".to_owned(),
            ),
            (
                "pids.max".to_owned(),
                "/sys/fs/cgroup/pids/pids.max".to_owned(),
            ),
            (
                "cpu.cfs_quota_us".to_owned(),
                "/sys/fs/cgroup/cpu/cpu.cfs_quota_us".to_owned(),
            ),
        ]
    };
    for (key, path) in files {
        if let Some(value) = read_trimmed(root, &path) {
            limits.insert(key, value);
        }
    }
    limits
}

fn network_interfaces(root: &Path) -> Vec<String> {
    read_text(root, "/proc/net/dev")
        .ok()
        .flatten()
        .unwrap_or_default()
        .lines()
        .skip(2)
        .filter_map(|l| l.split_once(':').map(|(name, _)| name.trim().to_owned()))
        .filter(|n| !n.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_ids() {
        let id = "a".repeat(64);
        assert_eq!(
            container_id_in(&format!("/var/lib/docker/containers/{id}/hostname")),
            Some(id.clone())
        );
        assert_eq!(
            container_id_in(&format!("/x/containers/short/containers/{id}/hosts")),
            Some(id)
        );
        assert_eq!(
            container_id_in("/var/lib/docker/containers/abc/hostname"),
            None
        );
        assert_eq!(
            container_id_in(&format!("/containers/{}", "b".repeat(64))),
            None
        );
    }

    #[test]
    fn status_and_ns_links() {
        let s = "Uid:\t1000\t1000\t1000\t1000\nCapEff:\t00000000a80425fb\nSeccomp:\t2\nNoNewPrivs:\t1\n";
        let st = parse_status(s);
        assert_eq!(st.uid, Some(1000));
        assert_eq!(st.cap_eff, Some(0xa804_25fb));
        assert_eq!(st.seccomp, Some(2));
        assert_eq!(st.no_new_privs, Some(true));
        assert_eq!(st.cap_bnd, None);
        assert_eq!(parse_ns_link("pid:[4026531836]"), Some(4_026_531_836));
        assert_eq!(parse_ns_link("pid:[x]"), None);
    }
}
