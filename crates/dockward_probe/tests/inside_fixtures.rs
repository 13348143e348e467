//! Inside facts recorded by `collect_inside` in real containers on Docker
//! 20.10 (cgroup v1, fuse-overlayfs, kernel 6.18), and the CT rules they give.
//!
//! Recorded with the `dump_facts` example copied with its shared libraries into
//! an image made by `docker import`:
//! - `default_run.json`: `docker run --rm IMAGE /bin/probe --inside`;
//! - `pid_host_sys_admin_socket_etc.json`: the same with `--pid=host
//!   --cap-add SYS_ADMIN -v /var/run/docker.sock:/var/run/docker.sock
//!   -v /etc:/host-etc:ro`.

use dockward_audit::facts::InsideFacts;
use dockward_audit::inside::inside_findings;

/// `Rule: message` per finding (the rule by its variant name: this crate does
/// not depend on `dockward_rules`).
fn findings(json: &str) -> Vec<String> {
    let inside: InsideFacts = serde_json::from_str(json).unwrap();
    inside_findings(&inside)
        .into_iter()
        .map(|f| format!("{:?}: {}", f.rule, f.message))
        .collect()
}

#[test]
fn a_default_run_on_cgroup_v1() {
    let found = findings(include_str!("fixtures/inside/default_run.json"));
    let rules: Vec<&str> = found.iter().filter_map(|m| m.split(':').next()).collect();
    assert_eq!(
        rules,
        [
            "NoNewPrivilegesNotSet",
            "HostUserNamespace",
            "HostCgroupNamespace",
            "RootUser",
            "MemoryUnlimited",
            "PidsUnlimited",
            "CpuUnlimited",
        ]
    );
}

#[test]
fn pid_host_sys_admin_and_a_mounted_socket() {
    let messages = findings(include_str!(
        "fixtures/inside/pid_host_sys_admin_socket_etc.json"
    ));
    assert_eq!(
        messages,
        [
            "DangerousCapabilityAdded: CAP_SYS_ADMIN is effective",
            "NoNewPrivilegesNotSet: no_new_privs is not set (NoNewPrivs: 0)",
            "HostPidNamespace: the pid namespace is the host's (inode 4026531836)",
            "HostUserNamespace: the user namespace is the host's (inode 4026531837)",
            "HostCgroupNamespace: the cgroup namespace is the host's (inode 4026531835)",
            "RootUser: the process runs as uid 0, which is uid 0 on the host (no user namespace mapping)",
            "EngineSocketMounted: the engine socket /var/run/docker.sock accepts connections",
            "SensitiveHostPathMounted: the host path /etc is mounted at /host-etc (read-only)",
            "MemoryUnlimited: the cgroup has no memory limit",
            "PidsUnlimited: the cgroup has no pids limit",
            "CpuUnlimited: the cgroup has no CPU quota",
        ]
    );
}
