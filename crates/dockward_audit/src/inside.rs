//! `audit --inside`: what the facts seen from inside one container say about
//! its configuration, mapped to the container (`CT`) rules.
//!
//! The inside view is evidence, not the container's configuration: a full
//! capability set means `--privileged` (or an equivalent `--cap-add ALL`), a
//! namespace inode equal to the host's fixed init inode means that namespace is
//! shared, and so on. Each finding's message says what was seen.

use dockward_rules::Rule;

use crate::facts::{InsideFacts, InsideMount};

/// One rule matched by the inside view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsideFinding {
    /// The container rule.
    pub rule: Rule,
    /// What was seen.
    pub message: String,
}

/// Inodes of the initial (host) namespaces, fixed by the kernel
/// (`include/linux/proc_ns.h`); net and mnt since Linux 6.18. Dynamic inodes
/// start at 0xF0000000, so equality cannot happen by chance on older kernels.
const HOST_NAMESPACES: &[(&str, u64, Rule)] = &[
    ("pid", 0xEFFF_FFFC, Rule::HostPidNamespace),
    ("ipc", 0xEFFF_FFFF, Rule::HostIpcNamespace),
    ("uts", 0xEFFF_FFFE, Rule::HostUtsNamespace),
    ("user", 0xEFFF_FFFD, Rule::HostUserNamespace),
    ("cgroup", 0xEFFF_FFFB, Rule::HostCgroupNamespace),
];

const HOST_NET_NAMESPACE: u64 = 0xEFFF_FFF9;

/// Capabilities that are not in Docker's default set and open a way out of the
/// container or into the host kernel (capability numbers from
/// `include/uapi/linux/capability.h`).
pub const DANGEROUS_CAPABILITIES: &[(u32, &str)] = &[
    (2, "DAC_READ_SEARCH"),
    (12, "NET_ADMIN"),
    (16, "SYS_MODULE"),
    (17, "SYS_RAWIO"),
    (19, "SYS_PTRACE"),
    (21, "SYS_ADMIN"),
    (22, "SYS_BOOT"),
    (25, "SYS_TIME"),
    (32, "MAC_OVERRIDE"),
    (33, "MAC_ADMIN"),
    (34, "SYSLOG"),
    (38, "PERFMON"),
    (39, "BPF"),
];

/// The highest capability of kernels since 3.16 (`CAP_AUDIT_READ`), used when
/// `cap_last_cap` is unknown.
const OLDEST_LAST_CAP: u32 = 37;

/// Host paths whose bind mount exposes the host.
const SENSITIVE_HOST_PATHS: &[&str] = &[
    "/",
    "/boot",
    "/dev",
    "/etc",
    "/home",
    "/lib/modules",
    "/proc",
    "/root",
    "/run",
    "/sys",
    "/usr",
    "/var/lib/docker",
    "/var/run",
];

/// Filesystem types a container gets for itself; a mount of one of these is
/// not a bind of a host directory (except as handled for proc, sysfs, devtmpfs).
const CONTAINER_OWN_FS: &[&str] = &[
    "overlay",
    "fuse.fuse-overlayfs",
    "aufs",
    "proc",
    "sysfs",
    "cgroup",
    "cgroup2",
    "mqueue",
    "devpts",
    "tmpfs",
    "devtmpfs",
    "securityfs",
    "debugfs",
    "tracefs",
    "bpf",
    "nsfs",
];

/// The findings for one inside view.
pub fn inside_findings(inside: &InsideFacts) -> Vec<InsideFinding> {
    let mut findings = Vec::new();
    let mut push = |rule, message: String| findings.push(InsideFinding { rule, message });
    let status = &inside.status;

    let last_cap = inside.cap_last_cap.unwrap_or(OLDEST_LAST_CAP).min(63);
    let full = if last_cap == 63 {
        u64::MAX
    } else {
        (1u64 << (last_cap + 1)) - 1
    };
    // The bounding set is the container's set whatever its user; root also has
    // it effective.
    let caps = status.cap_eff.unwrap_or(0) | status.cap_bnd.unwrap_or(0);
    let privileged = (status.cap_eff.is_some() || status.cap_bnd.is_some()) && caps & full == full;
    if privileged {
        let mut evidence = vec![format!(
            "all {} capabilities are in the bounding set",
            last_cap + 1
        )];
        if status.seccomp == Some(0) {
            evidence.push("seccomp is off".to_owned());
        }
        if !inside.host_devices.is_empty() {
            evidence.push(format!(
                "{} host devices are visible",
                inside.host_devices.len()
            ));
        }
        push(
            Rule::PrivilegedContainer,
            format!("the container looks privileged: {}", evidence.join(", ")),
        );
    } else {
        let effective = status.cap_eff.unwrap_or(0);
        for (bit, name) in DANGEROUS_CAPABILITIES {
            if caps & (1u64 << bit) != 0 {
                let how = if effective & (1u64 << bit) != 0 {
                    "effective"
                } else {
                    "in the bounding set"
                };
                push(
                    Rule::DangerousCapabilityAdded,
                    format!("CAP_{name} is {how}"),
                );
            }
        }
    }

    if status.seccomp == Some(0) {
        push(
            Rule::SeccompUnconfined,
            "no seccomp filter applies (Seccomp: 0)".to_owned(),
        );
    }
    if status.no_new_privs == Some(false) {
        push(
            Rule::NoNewPrivilegesNotSet,
            "no_new_privs is not set (NoNewPrivs: 0)".to_owned(),
        );
    }
    if let Some(label) = inside.lsm_label.as_deref().map(str::trim) {
        // AppArmor writes a bare `unconfined`; SELinux labels have four fields.
        if label == "unconfined" {
            push(
                Rule::AppArmorUnconfined,
                "the process runs unconfined by AppArmor".to_owned(),
            );
        } else if label.contains(":spc_t:") || label.contains(":unconfined_t:") {
            push(
                Rule::SelinuxLabelDisabled,
                format!("the SELinux label {label} does not confine the container"),
            );
        }
    }

    for (ns, inode, rule) in HOST_NAMESPACES {
        if inside.namespaces.get(*ns) == Some(inode) {
            push(
                *rule,
                format!("the {ns} namespace is the host's (inode {inode})"),
            );
        }
    }
    let host_interfaces: Vec<&str> = inside
        .network_interfaces
        .iter()
        .map(String::as_str)
        .filter(|n| *n == "docker0" || n.starts_with("veth") || n.starts_with("br-"))
        .collect();
    if inside.namespaces.get("net") == Some(&HOST_NET_NAMESPACE) {
        push(
            Rule::HostNetwork,
            format!("the net namespace is the host's (inode {HOST_NET_NAMESPACE})"),
        );
    } else if !host_interfaces.is_empty() {
        push(
            Rule::HostNetwork,
            format!(
                "host interfaces are visible: {}",
                host_interfaces.join(", ")
            ),
        );
    }

    if status.uid == Some(0) && inside.uid_map.as_deref().is_none_or(is_identity_map) {
        push(
            Rule::RootUser,
            "the process runs as uid 0, which is uid 0 on the host (no user namespace mapping)"
                .to_owned(),
        );
    }

    for socket in &inside.engine_sockets {
        let mounted = inside.mounts.iter().any(|m| m.mount_point == socket.path);
        if socket.connectable {
            push(
                Rule::EngineSocketMounted,
                format!("the engine socket {} accepts connections", socket.path),
            );
        } else if mounted {
            push(
                Rule::EngineSocketMounted,
                format!(
                    "the engine socket {} is mounted (connect failed)",
                    socket.path
                ),
            );
        }
    }

    let host_root_device = host_root_device(&inside.mounts);
    for mount in &inside.mounts {
        if let Some(host_path) = sensitive_host_path(mount, host_root_device) {
            let access = if mount.options.split(',').any(|o| o == "rw") {
                "read-write"
            } else {
                "read-only"
            };
            push(
                Rule::SensitiveHostPathMounted,
                format!(
                    "the host path {host_path} is mounted at {} ({access})",
                    mount.mount_point
                ),
            );
        }
        if let Some(tag) = mount.propagation.iter().find(|p| p.starts_with("shared:")) {
            push(
                Rule::SharedMountPropagation,
                format!("{} has shared propagation ({tag})", mount.mount_point),
            );
        }
    }

    if !inside.host_devices.is_empty() {
        push(
            Rule::HostDeviceExposed,
            format!(
                "host devices are visible: {}",
                inside.host_devices.join(", ")
            ),
        );
    }
    if !inside.unmasked_paths.is_empty() {
        push(
            Rule::SystemPathsUnmasked,
            format!(
                "default masked paths are visible: {}",
                inside.unmasked_paths.join(", ")
            ),
        );
    }

    let limit = |key: &str| inside.limits.get(key).map(|v| v.trim());
    let memory_unlimited = limit("memory.max") == Some("max")
        || limit("memory.limit_in_bytes")
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|v| v >= 1 << 62);
    if memory_unlimited {
        push(
            Rule::MemoryUnlimited,
            "the cgroup has no memory limit".to_owned(),
        );
    }
    if limit("pids.max") == Some("max") {
        push(
            Rule::PidsUnlimited,
            "the cgroup has no pids limit".to_owned(),
        );
    }
    if limit("cpu.max").is_some_and(|v| v.starts_with("max"))
        || limit("cpu.cfs_quota_us") == Some("-1")
    {
        push(Rule::CpuUnlimited, "the cgroup has no CPU quota".to_owned());
    }
    findings
}

/// `0 0 4294967295`: the initial user namespace's map.
fn is_identity_map(map: &str) -> bool {
    let fields: Vec<&str> = map.split_whitespace().collect();
    fields == ["0", "0", "4294967295"]
}

/// The device of the host's root filesystem, when the files Docker bind-mounts
/// for the container (`/etc/hostname` from `/var/lib/docker/containers/<id>/`)
/// show that the data root lives on it.
fn host_root_device(mounts: &[InsideMount]) -> Option<&str> {
    mounts
        .iter()
        .find(|m| {
            m.root.starts_with("/var/lib/docker/containers/")
                && !CONTAINER_OWN_FS.contains(&m.fs_type.as_str())
        })
        .map(|m| m.source.as_str())
}

/// The host path a mount exposes, when it is a sensitive one.
fn sensitive_host_path<'a>(
    mount: &'a InsideMount,
    host_root_device: Option<&str>,
) -> Option<&'a str> {
    let under = |base: &str| {
        mount.mount_point == base || mount.mount_point.starts_with(&format!("{base}/"))
    };
    match mount.fs_type.as_str() {
        // A proc or sysfs outside its usual place is the host's, bound in.
        "proc" if !under("/proc") => return Some("/proc"),
        "sysfs" if !under("/sys") => return Some("/sys"),
        "devtmpfs" if mount.root == "/" => return Some("/dev"),
        fs if CONTAINER_OWN_FS.contains(&fs) => return None,
        _ => {}
    }
    let root = mount.root.as_str();
    if !SENSITIVE_HOST_PATHS.contains(&root) {
        return None;
    }
    // `/` of another filesystem is not the host's root directory.
    if root == "/" && host_root_device.is_some_and(|device| device != mount.source) {
        return None;
    }
    Some(root)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::facts::{ProcessStatus, SocketProbe};

    const DEFAULT_CAPS: u64 = 0xa804_25fb;
    const ALL_CAPS_41: u64 = 0x1ff_ffff_ffff;
    const ID: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn mount(
        root: &str,
        mount_point: &str,
        options: &str,
        fs_type: &str,
        source: &str,
    ) -> InsideMount {
        InsideMount {
            root: root.into(),
            mount_point: mount_point.into(),
            options: options.into(),
            propagation: Vec::new(),
            fs_type: fs_type.into(),
            source: source.into(),
        }
    }

    /// `docker run --rm debian cat ...` on a 6.18 cgroup v2 host.
    fn default_run() -> InsideFacts {
        let namespaces: BTreeMap<String, u64> = [
            ("cgroup", 4_026_532_290),
            ("ipc", 4_026_532_288),
            ("mnt", 4_026_532_286),
            ("net", 4_026_532_291),
            ("pid", 4_026_532_289),
            ("user", 0xEFFF_FFFD),
            ("uts", 4_026_532_287),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        InsideFacts {
            container_markers: vec!["/.dockerenv".into()],
            container_id: Some(ID.into()),
            status: ProcessStatus {
                uid: Some(0),
                cap_eff: Some(DEFAULT_CAPS),
                cap_prm: Some(DEFAULT_CAPS),
                cap_bnd: Some(DEFAULT_CAPS),
                cap_amb: Some(0),
                seccomp: Some(2),
                no_new_privs: Some(false),
            },
            cap_last_cap: Some(40),
            lsm_label: Some("docker-default (enforce)".into()),
            lsm_label_source: Some("/proc/self/attr/current".into()),
            namespaces,
            uid_map: Some("         0          0 4294967295\n".into()),
            engine_sockets: Vec::new(),
            host_devices: Vec::new(),
            mounts: vec![
                mount("/", "/", "rw,relatime", "overlay", "overlay"),
                mount(
                    "/",
                    "/proc",
                    "rw,nosuid,nodev,noexec,relatime",
                    "proc",
                    "proc",
                ),
                mount("/", "/dev", "rw,nosuid", "tmpfs", "tmpfs"),
                mount("/", "/sys", "ro,nosuid", "sysfs", "sysfs"),
                mount("/null", "/proc/kcore", "rw,nosuid", "devtmpfs", "udev"),
                mount(
                    &format!("/var/lib/docker/containers/{ID}/hostname"),
                    "/etc/hostname",
                    "rw",
                    "ext4",
                    "/dev/vda1",
                ),
            ],
            unmasked_paths: Vec::new(),
            cgroup_version: Some(2),
            kernel_release: Some("6.18.44".into()),
            limits: [
                ("memory.max", "max"),
                ("pids.max", "max"),
                ("cpu.max", "max 100000"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
            network_interfaces: vec!["lo".into(), "eth0".into()],
        }
    }

    fn rules(inside: &InsideFacts) -> Vec<Rule> {
        inside_findings(inside)
            .into_iter()
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn a_default_docker_run() {
        assert_eq!(
            rules(&default_run()),
            [
                Rule::NoNewPrivilegesNotSet,
                Rule::HostUserNamespace,
                Rule::RootUser,
                Rule::MemoryUnlimited,
                Rule::PidsUnlimited,
                Rule::CpuUnlimited,
            ]
        );
    }

    #[test]
    fn a_privileged_container() {
        let mut inside = default_run();
        inside.status.cap_eff = Some(ALL_CAPS_41);
        inside.status.cap_bnd = Some(ALL_CAPS_41);
        inside.status.seccomp = Some(0);
        inside.lsm_label = Some("unconfined".into());
        inside.host_devices = vec!["/dev/kmsg".into(), "/dev/vda".into()];
        inside.unmasked_paths = vec!["/proc/kcore".into(), "/proc/keys".into()];
        let findings = inside_findings(&inside);
        let rules: Vec<Rule> = findings.iter().map(|f| f.rule).collect();
        assert_eq!(
            rules,
            [
                Rule::PrivilegedContainer,
                Rule::SeccompUnconfined,
                Rule::NoNewPrivilegesNotSet,
                Rule::AppArmorUnconfined,
                Rule::HostUserNamespace,
                Rule::RootUser,
                Rule::HostDeviceExposed,
                Rule::SystemPathsUnmasked,
                Rule::MemoryUnlimited,
                Rule::PidsUnlimited,
                Rule::CpuUnlimited,
            ]
        );
        assert_eq!(
            findings[0].message,
            "the container looks privileged: all 41 capabilities are in the bounding set, seccomp is off, 2 host devices are visible"
        );
        assert_eq!(
            findings[6].message,
            "host devices are visible: /dev/kmsg, /dev/vda"
        );
    }

    #[test]
    fn a_non_root_user_in_a_privileged_container_is_still_privileged() {
        let mut inside = default_run();
        inside.status.uid = Some(1000);
        inside.status.cap_eff = Some(0);
        inside.status.cap_bnd = Some(ALL_CAPS_41);
        assert_eq!(rules(&inside)[0], Rule::PrivilegedContainer);
        assert!(!rules(&inside).contains(&Rule::RootUser));
    }

    #[test]
    fn host_namespaces_sockets_and_mounts() {
        let mut inside = default_run();
        inside.namespaces.insert("pid".into(), 0xEFFF_FFFC);
        inside.namespaces.insert("net".into(), 0xEFFF_FFF9);
        inside.status.cap_eff = Some(DEFAULT_CAPS | 1 << 21 | 1 << 19);
        inside.engine_sockets = vec![
            SocketProbe {
                path: "/var/run/docker.sock".into(),
                connectable: true,
            },
            SocketProbe {
                path: "/run/containerd/containerd.sock".into(),
                connectable: false,
            },
            SocketProbe {
                path: "/run/podman/podman.sock".into(),
                connectable: false,
            },
        ];
        let mut shared = mount("/srv/data", "/data", "rw", "ext4", "/dev/vda1");
        shared.propagation = vec!["shared:12".into()];
        inside.mounts.extend([
            mount(
                "/run/containerd/containerd.sock",
                "/run/containerd/containerd.sock",
                "rw",
                "tmpfs",
                "tmpfs",
            ),
            mount("/", "/host", "ro,relatime", "ext4", "/dev/vda1"),
            mount("/", "/data2", "rw", "xfs", "/dev/vdb1"),
            mount("/etc", "/host-etc", "rw,relatime", "ext4", "/dev/vda1"),
            mount("/", "/host/proc", "rw", "proc", "proc"),
            shared,
        ]);
        let messages: Vec<(Rule, String)> = inside_findings(&inside)
            .into_iter()
            .map(|f| (f.rule, f.message))
            .collect();
        let of = |rule| {
            messages
                .iter()
                .filter(|(r, _)| *r == rule)
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            of(Rule::DangerousCapabilityAdded),
            ["CAP_SYS_PTRACE is effective", "CAP_SYS_ADMIN is effective"]
        );
        assert_eq!(
            of(Rule::HostPidNamespace),
            ["the pid namespace is the host's (inode 4026531836)"]
        );
        assert_eq!(
            of(Rule::HostNetwork),
            ["the net namespace is the host's (inode 4026531833)"]
        );
        assert_eq!(
            of(Rule::EngineSocketMounted),
            [
                "the engine socket /var/run/docker.sock accepts connections",
                "the engine socket /run/containerd/containerd.sock is mounted (connect failed)",
            ]
        );
        assert_eq!(
            of(Rule::SensitiveHostPathMounted),
            [
                "the host path / is mounted at /host (read-only)",
                "the host path /etc is mounted at /host-etc (read-write)",
                "the host path /proc is mounted at /host/proc (read-write)",
            ],
            "/ of another disk (/dev/vdb1) is not the host's root"
        );
        assert_eq!(
            of(Rule::SharedMountPropagation),
            ["/data has shared propagation (shared:12)"]
        );
    }

    #[test]
    fn host_interfaces_reveal_the_host_network_on_older_kernels() {
        let mut inside = default_run();
        inside.namespaces.insert("net".into(), 4_026_531_992);
        inside.network_interfaces = vec![
            "lo".into(),
            "eth0".into(),
            "docker0".into(),
            "veth12ab".into(),
        ];
        let findings = inside_findings(&inside);
        let host_net: Vec<&str> = findings
            .iter()
            .filter(|f| f.rule == Rule::HostNetwork)
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(host_net, ["host interfaces are visible: docker0, veth12ab"]);
    }

    #[test]
    fn a_hardened_container() {
        let mut inside = default_run();
        inside.status = ProcessStatus {
            uid: Some(1000),
            cap_eff: Some(0),
            cap_prm: Some(0),
            cap_bnd: Some(1 << 10),
            cap_amb: Some(0),
            seccomp: Some(2),
            no_new_privs: Some(true),
        };
        inside.namespaces.insert("user".into(), 4_026_532_400);
        inside.uid_map = Some("0 100000 65536".into());
        inside.limits = [
            ("memory.max", "268435456"),
            ("pids.max", "100"),
            ("cpu.max", "50000 100000"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(rules(&inside), []);
    }

    #[test]
    fn cgroup_v1_limits_and_selinux_labels() {
        let mut inside = default_run();
        inside.limits = [
            ("memory.limit_in_bytes", "9223372036854771712"),
            ("pids.max", "512"),
            ("cpu.cfs_quota_us", "-1"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        inside.lsm_label = Some("system_u:system_r:spc_t:s0".into());
        let rules = rules(&inside);
        assert!(rules.contains(&Rule::MemoryUnlimited));
        assert!(rules.contains(&Rule::CpuUnlimited));
        assert!(!rules.contains(&Rule::PidsUnlimited));
        assert!(rules.contains(&Rule::SelinuxLabelDisabled));
        inside
            .limits
            .insert("memory.limit_in_bytes".into(), "536870912".into());
        inside.lsm_label = Some("system_u:system_r:container_t:s0:c1,c2".into());
        let rules = inside_findings(&inside)
            .into_iter()
            .map(|f| f.rule)
            .collect::<Vec<_>>();
        assert!(!rules.contains(&Rule::MemoryUnlimited));
        assert!(!rules.contains(&Rule::SelinuxLabelDisabled));
    }

    #[test]
    fn empty_facts_give_no_findings() {
        assert_eq!(inside_findings(&InsideFacts::default()), []);
    }
}
