//! Host, daemon-process and inside facts read from fake trees (the `root` option).

use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixListener;
use std::path::Path;
use std::time::Duration;

use dockward_audit::facts::{FileKind, PackageFacts, SocketProbe};
use dockward_probe::{ProbeOptions, collect, collect_inside};

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn symlink(root: &Path, path: &str, target: &str) {
    let p = root.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, p).unwrap();
}

fn host_only(root: &Path) -> ProbeOptions {
    ProbeOptions {
        root: root.to_path_buf(),
        docker_host: Some(format!("unix://{}/no-daemon.sock", root.display())),
        host: true,
        daemon: true,
        containers: false,
        images: false,
        all_containers: false,
        container_names: Vec::new(),
        read_image_layers: false,
        timeout: Duration::from_secs(1),
    }
}

const MOUNTINFO: &str = "\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n\
23 22 0:21 / /proc rw,nosuid - proc proc rw\n\
24 22 0:22 / /mnt/my\\040disk rw - ext4 /dev/sdb1 rw\n";

fn debian_host(root: &Path) {
    write(root, "/proc/sys/kernel/osrelease", "6.1.0-37-amd64\n");
    write(
        root,
        "/proc/sys/kernel/version",
        "#1 SMP PREEMPT_DYNAMIC Debian 6.1.140-1 (2025-05-22)\n",
    );
    write(root, "/proc/sys/kernel/hostname", "build01\n");
    write(root, "/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
    write(
        root,
        "/sys/fs/cgroup/cgroup.controllers",
        "cpuset cpu io memory pids\n",
    );
    write(
        root,
        "/sys/kernel/security/lsm",
        "lockdown,capability,apparmor\n",
    );
    write(root, "/sys/module/apparmor/parameters/enabled", "Y\n");
    write(root, "/proc/self/status", "Name:\tprobe\nSeccomp:\t0\n");
    write(root, "/proc/sys/kernel/kptr_restrict", "1\n");
    write(root, "/proc/sys/net/ipv4/ip_forward", "1\n");
    write(root, "/proc/sys/net/bridge/bridge-nf-call-iptables", "1\n");
    write(root, "/proc/1/mountinfo", MOUNTINFO);
    write(
        root,
        "/etc/passwd",
        "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\nci:x:1001:105::/home/ci:/bin/sh\n",
    );
    write(
        root,
        "/etc/group",
        "root:x:0:\nalice:x:1000:\ndocker:x:105:alice\n",
    );
    write(
        root,
        "/etc/audit/audit.rules",
        "# generated\n-D\n\n-w /usr/bin/dockerd -k docker\n",
    );
    write(
        root,
        "/etc/audit/rules.d/docker.rules",
        "-w /etc/docker -k docker\n",
    );
    write(root, "/etc/audit/rules.d/notes.txt", "-w /ignored\n");
    write(
        root,
        "/var/lib/dpkg/status",
        "Package: docker.io\nStatus: install ok installed\nVersion: 20.10.24+dfsg1-1+deb12u1+b6\n\n\
         Package: runc\nStatus: install ok installed\nVersion: 1.1.5+ds1-1+deb12u1\n\n\
         Package: containerd\nStatus: deinstall ok config-files\nVersion: 1.6.20\n",
    );
    write(
        root,
        "/lib/systemd/system/docker.service",
        "[Service]\nExecStart=/usr/sbin/dockerd -H fd://\n",
    );
    write(root, "/etc/systemd/system/docker.socket", "[Socket]\n");
    write(root, "/etc/docker/daemon.json", "{\"icc\": false}");
    write(
        root,
        "/srv/dockerd.json",
        "{\"tlscacert\": \"/etc/docker/tls/ca.pem\"}",
    );
    write(
        root,
        "/etc/docker/certs.d/registry.example:5000/ca.crt",
        "x",
    );
    write(
        root,
        "/etc/docker/certs.d/registry.example:5000/client.key",
        "x",
    );
    write(
        root,
        "/etc/docker/certs.d/registry.example:5000/README",
        "x",
    );
    write(root, "/usr/sbin/dockerd", "");
    std::fs::set_permissions(
        root.join("usr/sbin/dockerd"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    write(root, "/usr/bin/containerd-shim-runc-v2", "");
    // Two dockerd processes: the real one and a child re-executed by it; and a
    // process whose command line merely mentions dockerd.
    symlink(root, "/proc/812/exe", "/usr/sbin/dockerd");
    write(
        root,
        "/proc/812/cmdline",
        "/usr/sbin/dockerd\0-H\0fd://\0--config-file\0/srv/dockerd.json\0--tlscert=/etc/docker/tls/cert.pem\0",
    );
    write(
        root,
        "/proc/812/status",
        "Name:\tdockerd\nPPid:\t1\nUid:\t0\t0\t0\t0\n",
    );
    symlink(root, "/proc/900/exe", "/usr/sbin/dockerd");
    write(root, "/proc/900/cmdline", "dockerd\0--child\0");
    write(
        root,
        "/proc/900/status",
        "Name:\tdockerd\nPPid:\t812\nUid:\t0\t0\t0\t0\n",
    );
    symlink(root, "/proc/700/exe", "/usr/bin/vim");
    write(root, "/proc/700/cmdline", "vim\0/etc/dockerd.conf\0");
}

#[test]
fn host_facts_from_a_fake_debian_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    debian_host(root);
    let facts = collect(&host_only(root));
    let host = facts.host.as_ref().unwrap();

    assert_eq!(host.hostname.as_deref(), Some("build01"));
    assert_eq!(host.kernel.release, "6.1.0-37-amd64");
    assert!(host.kernel.version.contains("Debian 6.1.140-1"));
    assert_eq!(host.os_release["VERSION_ID"], "12");
    assert_eq!(host.cgroup.version, Some(2));
    assert_eq!(
        host.cgroup.controllers,
        ["cpuset", "cpu", "io", "memory", "pids"]
    );
    assert_eq!(
        host.lsm.active.as_deref(),
        Some(
            &[
                "lockdown".to_owned(),
                "capability".into(),
                "apparmor".into()
            ][..]
        )
    );
    assert_eq!(host.lsm.apparmor_enabled, Some(true));
    assert_eq!(host.lsm.selinux_mode, None);
    assert_eq!(host.seccomp_supported, Some(true));
    assert_eq!(host.sysctls.len(), 3);
    assert_eq!(host.sysctls["net.bridge.bridge-nf-call-iptables"], "1");
    assert_eq!(host.sysctls["kernel.kptr_restrict"], "1");
    assert_eq!(host.mounts.len(), 3);
    assert_eq!(host.mounts[2].mount_point, "/mnt/my disk");

    let group = host.docker_group.as_ref().unwrap();
    assert_eq!(group.gid, 105);
    assert_eq!(group.members, ["alice", "ci"]);

    let audit = host.audit_rules.as_ref().unwrap();
    assert_eq!(
        audit.sources,
        ["/etc/audit/audit.rules", "/etc/audit/rules.d/docker.rules"]
    );
    assert_eq!(
        audit.rules,
        [
            "-D",
            "-w /usr/bin/dockerd -k docker",
            "-w /etc/docker -k docker"
        ]
    );

    assert_eq!(
        host.packages,
        [
            PackageFacts {
                manager: "dpkg".into(),
                name: "docker.io".into(),
                version: "20.10.24+dfsg1-1+deb12u1+b6".into()
            },
            PackageFacts {
                manager: "dpkg".into(),
                name: "runc".into(),
                version: "1.1.5+ds1-1+deb12u1".into()
            },
        ]
    );

    let file = |path: &str| {
        host.files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} not recorded"))
    };
    assert_eq!(
        file("/lib/systemd/system/docker.service").kind,
        FileKind::File
    );
    assert_eq!(
        file("/etc/systemd/system/docker.socket").kind,
        FileKind::File
    );
    assert_eq!(
        file("/usr/lib/systemd/system/containerd.service").kind,
        FileKind::Missing
    );
    assert_eq!(file("/etc/docker").kind, FileKind::Directory);
    assert_eq!(file("/usr/sbin/dockerd").mode, 0o755);
    assert_eq!(file("/usr/bin/dockerd").kind, FileKind::Missing);
    assert_eq!(
        file("/srv/dockerd.json").kind,
        FileKind::File,
        "the --config-file path"
    );
    assert_eq!(
        file("/etc/docker/tls/ca.pem").kind,
        FileKind::Missing,
        "tlscacert from the config file"
    );
    assert_eq!(
        file("/etc/docker/tls/cert.pem").kind,
        FileKind::Missing,
        "--tlscert from argv"
    );
    assert_eq!(
        file("/etc/docker/certs.d/registry.example:5000/ca.crt").kind,
        FileKind::File
    );
    assert_eq!(
        file("/etc/docker/certs.d/registry.example:5000/client.key").kind,
        FileKind::File
    );
    assert!(!host.files.iter().any(|f| f.path.ends_with("README")));
    assert_eq!(
        file("/usr/bin/containerd-shim-runc-v2").kind,
        FileKind::File
    );
    let paths: Vec<&str> = host.files.iter().map(|f| f.path.as_str()).collect();
    let mut unique = paths.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), paths.len(), "each path once: {paths:?}");

    let daemon = facts.daemon.as_ref().unwrap();
    let process = daemon.process.as_ref().unwrap();
    assert_eq!(
        process.pid, 812,
        "the dockerd whose parent is not dockerd, not the vim mentioning it"
    );
    assert_eq!(process.exe.as_deref(), Some("/usr/sbin/dockerd"));
    assert_eq!(process.argv[4], "/srv/dockerd.json");
    assert_eq!(process.uid, Some(0));
    let config = daemon.config_file.as_ref().unwrap();
    assert_eq!(config.path, "/srv/dockerd.json");
    assert_eq!(
        config.text.as_deref(),
        Some("{\"tlscacert\": \"/etc/docker/tls/ca.pem\"}")
    );
    assert_eq!(config.error, None);

    // The only problem: no daemon on the socket.
    assert_eq!(facts.problems.len(), 1, "{:?}", facts.problems);
    assert_eq!(facts.problems[0].area, "daemon");
}

#[test]
fn cgroup_v1_selinux_and_missing_config() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "/proc/sys/kernel/osrelease",
        "5.14.0-427.el9.x86_64\n",
    );
    for dir in ["cpu,cpuacct", "memory", "pids", "systemd", "unified"] {
        std::fs::create_dir_all(root.join("sys/fs/cgroup").join(dir)).unwrap();
    }
    symlink(root, "/sys/fs/cgroup/cpu", "cpu,cpuacct");
    write(root, "/sys/fs/selinux/enforce", "1");
    write(root, "/proc/self/mountinfo", MOUNTINFO);
    let facts = collect(&host_only(root));
    let host = facts.host.as_ref().unwrap();
    assert_eq!(host.cgroup.version, Some(1));
    assert_eq!(
        host.cgroup.controllers,
        ["cpu", "cpuacct", "memory", "pids"]
    );
    assert_eq!(host.lsm.selinux_mode.as_deref(), Some("enforcing"));
    assert_eq!(host.lsm.active, None);
    assert_eq!(host.mounts.len(), 3, "falls back to /proc/self/mountinfo");
    assert_eq!(host.docker_group, None);
    assert_eq!(host.audit_rules, None);
    assert!(host.packages.is_empty());
    let daemon = facts.daemon.as_ref().unwrap();
    assert_eq!(daemon.process, None);
    let config = daemon.config_file.as_ref().unwrap();
    assert_eq!(
        (config.path.as_str(), &config.text, &config.error),
        ("/etc/docker/daemon.json", &None, &None)
    );
}

#[test]
fn a_rootless_daemon_reads_the_users_config_and_big_files_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "/etc/passwd",
        "alice:x:1000:1000::/home/alice:/bin/sh\n",
    );
    symlink(root, "/proc/4242/exe", "/usr/bin/dockerd");
    write(root, "/proc/4242/cmdline", "dockerd\0");
    write(
        root,
        "/proc/4242/status",
        "PPid:\t4200\nUid:\t1000\t1000\t1000\t1000\n",
    );
    write(root, "/proc/4242/environ", "HOME=/home/alice\0");
    write(
        root,
        "/home/alice/.config/docker/daemon.json",
        &" ".repeat(1024 * 1024 + 1),
    );
    let mut opts = host_only(root);
    opts.host = false;
    let facts = collect(&opts);
    let config = facts.daemon.as_ref().unwrap().config_file.as_ref().unwrap();
    assert_eq!(config.path, "/home/alice/.config/docker/daemon.json");
    assert_eq!(config.text, None);
    assert_eq!(config.error.as_deref(), Some("larger than 1 MiB"));

    write(
        root,
        "/proc/4242/environ",
        "HOME=/home/alice\0XDG_CONFIG_HOME=/xdg\0",
    );
    write(root, "/xdg/docker/daemon.json", "{}");
    let facts = collect(&opts);
    let config = facts.daemon.as_ref().unwrap().config_file.as_ref().unwrap();
    assert_eq!(
        (config.path.as_str(), config.text.as_deref()),
        ("/xdg/docker/daemon.json", Some("{}"))
    );
}

#[test]
fn the_default_endpoint_prefers_the_rootful_socket_under_root() {
    use dockward_probe::engine::resolve_endpoint;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let rootless = root.join("run/user/1000/docker.sock");
    std::fs::create_dir_all(rootless.parent().unwrap()).unwrap();
    let _listener = UnixListener::bind(&rootless).unwrap();
    let endpoint = resolve_endpoint(None, false, root, Some("/run/user/1000")).unwrap();
    assert_eq!(endpoint, dockward_probe::Endpoint::Unix(rootless));
    std::fs::create_dir_all(root.join("var/run")).unwrap();
    write(root, "/var/run/docker.sock", "");
    let endpoint = resolve_endpoint(None, false, root, Some("/run/user/1000")).unwrap();
    assert_eq!(
        endpoint,
        dockward_probe::Endpoint::Unix(root.join("var/run/docker.sock"))
    );
}

const HOST_PID_NS: u64 = 0xEFFF_FFFC;

/// A default `docker run` as seen from inside, on cgroup v1.
fn default_container(root: &Path, id: &str) {
    write(root, "/.dockerenv", "");
    write(root, "/proc/sys/kernel/osrelease", "6.18.44\n");
    write(root, "/proc/sys/kernel/cap_last_cap", "40\n");
    write(
        root,
        "/proc/self/status",
        "Name:\tcat\nUid:\t0\t0\t0\t0\nCapPrm:\t00000000a80425fb\nCapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t2\n",
    );
    write(
        root,
        "/proc/self/attr/current",
        "docker-default (enforce)\n",
    );
    write(
        root,
        "/proc/self/uid_map",
        "         0          0 4294967295\n",
    );
    for (ns, inode) in [
        ("pid", 4_026_532_300_u64),
        ("net", 4_026_532_303),
        ("user", 0xEFFF_FFFD),
    ] {
        symlink(
            root,
            &format!("/proc/self/ns/{ns}"),
            &format!("{ns}:[{inode}]"),
        );
    }
    write(
        root,
        "/proc/self/mountinfo",
        &format!(
            "600 500 0:50 / / rw,relatime - overlay overlay rw,lowerdir=/x\n\
             601 600 0:55 / /proc rw,nosuid,nodev,noexec - proc proc rw\n\
             602 601 0:56 /null /proc/keys rw,nosuid - tmpfs tmpfs rw\n\
             603 601 0:57 / /proc/acpi ro,relatime - tmpfs tmpfs ro\n\
             604 600 8:1 /var/lib/docker/containers/{id}/hostname /etc/hostname rw,relatime - ext4 /dev/sda1 rw\n\
             605 600 8:1 /run/docker.sock /var/run/docker.sock rw,relatime - tmpfs tmpfs rw\n\
             606 600 8:1 /srv/data /data rw,relatime shared:12 - ext4 /dev/sda1 rw\n"
        ),
    );
    write(root, "/proc/keys", "");
    write(root, "/proc/kcore", "");
    std::fs::create_dir_all(root.join("proc/acpi")).unwrap();
    write(
        root,
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",
        "9223372036854771712\n",
    );
    write(root, "/sys/fs/cgroup/pids/pids.max", "max\n");
    write(root, "/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n");
    write(root, "/dev/null", "");
    write(root, "/dev/kmsg", "");
    write(
        root,
        "/proc/net/dev",
        "Inter-|   Receive\n face |bytes\n    lo: 0 0\n  eth0: 1 2\n",
    );
    write(root, "/proc/self/environ", "PATH=/bin\0container=docker\0");
}

#[test]
fn inside_a_default_container_with_the_socket_mounted() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let id = "0123456789abcdef".repeat(4);
    default_container(root, &id);
    std::fs::create_dir_all(root.join("var/run")).unwrap();
    let _live = UnixListener::bind(root.join("var/run/docker.sock")).unwrap();
    std::fs::create_dir_all(root.join("run/containerd")).unwrap();
    // A socket file nobody listens on any more.
    drop(UnixListener::bind(root.join("run/containerd/containerd.sock")).unwrap());

    let opts = ProbeOptions {
        root: root.to_path_buf(),
        ..ProbeOptions::default()
    };
    let facts = collect_inside(&opts);
    assert_eq!(facts.problems, []);
    assert!(facts.host.is_none() && facts.daemon.is_none());
    let inside = facts.inside.unwrap();
    assert_eq!(
        inside.container_markers,
        [
            "/.dockerenv".to_owned(),
            "container=docker".to_owned(),
            format!("mountinfo: /var/lib/docker/containers/{id}/hostname"),
        ]
    );
    assert_eq!(inside.container_id.as_deref(), Some(id.as_str()));
    assert_eq!(inside.status.uid, Some(0));
    assert_eq!(inside.status.cap_eff, Some(0xa804_25fb));
    assert_eq!(inside.status.seccomp, Some(2));
    assert_eq!(inside.status.no_new_privs, Some(false));
    assert_eq!(inside.cap_last_cap, Some(40));
    assert_eq!(
        inside.lsm_label.as_deref(),
        Some("docker-default (enforce)")
    );
    assert_eq!(
        inside.lsm_label_source.as_deref(),
        Some("/proc/self/attr/current")
    );
    assert_eq!(inside.namespaces.len(), 3);
    assert_ne!(inside.namespaces["pid"], HOST_PID_NS);
    assert_eq!(inside.namespaces["user"], 0xEFFF_FFFD);
    assert!(inside.uid_map.as_deref().unwrap().contains("4294967295"));
    assert_eq!(
        inside.engine_sockets,
        [
            SocketProbe {
                path: "/var/run/docker.sock".into(),
                connectable: true
            },
            SocketProbe {
                path: "/run/containerd/containerd.sock".into(),
                connectable: false
            },
        ]
    );
    assert_eq!(inside.host_devices, ["/dev/kmsg"]);
    assert_eq!(inside.mounts.len(), 7);
    assert_eq!(inside.mounts[6].propagation, ["shared:12"]);
    assert_eq!(inside.mounts[6].root, "/srv/data");
    assert_eq!(
        inside.unmasked_paths,
        ["/proc/kcore"],
        "keys and acpi are masked, the rest absent"
    );
    assert_eq!(inside.cgroup_version, Some(1));
    assert_eq!(inside.kernel_release.as_deref(), Some("6.18.44"));
    assert_eq!(
        inside.limits["memory.limit_in_bytes"],
        "9223372036854771712"
    );
    assert_eq!(inside.limits["pids.max"], "max");
    assert_eq!(inside.limits["cpu.cfs_quota_us"], "-1");
    assert_eq!(inside.network_interfaces, ["lo", "eth0"]);
}

#[test]
fn inside_cgroup_v2_limits_follow_the_own_cgroup() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "/sys/fs/cgroup/cgroup.controllers", "memory pids\n");
    write(
        root,
        "/proc/self/cgroup",
        "0::/system.slice/docker-abc.scope\n",
    );
    write(
        root,
        "/sys/fs/cgroup/system.slice/docker-abc.scope/memory.max",
        "536870912\n",
    );
    write(root, "/sys/fs/cgroup/pids.max", "max\n");
    write(root, "/proc/self/attr/apparmor/current", "unconfined\n");
    write(root, "/proc/self/attr/current", "unconfined\n");
    let facts = collect_inside(&ProbeOptions {
        root: root.to_path_buf(),
        ..ProbeOptions::default()
    });
    let inside = facts.inside.unwrap();
    assert_eq!(inside.cgroup_version, Some(2));
    assert_eq!(inside.limits["memory.max"], "536870912");
    assert_eq!(
        inside.limits["pids.max"], "max",
        "falls back to the root of the mounted hierarchy"
    );
    assert!(!inside.limits.contains_key("cpu.max"));
    assert_eq!(
        inside.lsm_label_source.as_deref(),
        Some("/proc/self/attr/apparmor/current")
    );
    assert!(inside.container_markers.is_empty());
    // Missing mountinfo and status are problems, not panics.
    let subjects: Vec<&str> = facts.problems.iter().map(|p| p.subject.as_str()).collect();
    assert_eq!(subjects, ["/proc/self/mountinfo", "/proc/self/status"]);
}
