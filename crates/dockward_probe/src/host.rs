//! Host facts: kernel, distribution, cgroups, LSMs, sysctls, mounts, the docker
//! group, audit rules, the daemon's files and the installed packages.
//!
//! Audit rules are read from the rule files only: `auditctl -l` is not run (the
//! probe starts no process), so rules loaded by hand and never written to a file
//! are not seen.

use std::collections::BTreeSet;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use dockward_audit::facts::{
    AuditRules, CgroupFacts, FileFacts, GroupFacts, HostFacts, KernelFacts, LsmFacts, MountPoint,
    PackageFacts,
};

use crate::Problems;
use crate::fs::{
    Accounts, cgroup_mode, dir_names, file_facts, parse_mountinfo, read_text, read_trimmed,
    status_field,
};

/// The sysctls recorded (reference/audit.md §4.3 and §3.4).
pub const SYSCTLS: &[&str] = &[
    "fs.protected_fifos",
    "fs.protected_hardlinks",
    "fs.protected_regular",
    "fs.protected_symlinks",
    "fs.suid_dumpable",
    "kernel.apparmor_restrict_unprivileged_userns",
    "kernel.dmesg_restrict",
    "kernel.io_uring_disabled",
    "kernel.kptr_restrict",
    "kernel.perf_event_paranoid",
    "kernel.unprivileged_bpf_disabled",
    "kernel.unprivileged_userns_clone",
    "kernel.yama.ptrace_scope",
    "net.bridge.bridge-nf-call-ip6tables",
    "net.bridge.bridge-nf-call-iptables",
    "net.core.bpf_jit_harden",
    "net.ipv4.conf.all.route_localnet",
    "net.ipv4.ip_forward",
    "net.ipv4.ip_unprivileged_port_start",
    "user.max_user_namespaces",
    "vm.unprivileged_userfaultfd",
];

/// The container packages looked up in the package databases.
pub const PACKAGES: &[&str] = &[
    "containerd",
    "containerd.io",
    "docker",
    "docker-ce",
    "docker-ce-cli",
    "docker-ce-rootless-extras",
    "docker-engine",
    "docker.io",
    "moby-engine",
    "runc",
];

const UNIT_DIRS: &[&str] = &[
    "/etc/systemd/system",
    "/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/run/systemd/system",
];
const UNITS: &[&str] = &["docker.service", "docker.socket", "containerd.service"];
const FIXED_FILES: &[&str] = &[
    "/etc/docker",
    "/etc/docker/daemon.json",
    "/etc/default/docker",
    "/etc/sysconfig/docker",
    "/var/lib/docker",
    "/var/run/docker.sock",
    "/run/containerd/containerd.sock",
];
const BINARIES: &[&str] = &[
    "/usr/bin/dockerd",
    "/usr/sbin/dockerd",
    "/usr/bin/containerd",
    "/usr/bin/runc",
    "/usr/sbin/runc",
];

/// Extra paths the daemon probe learned (its config file, TLS files).
#[derive(Debug, Default, Clone)]
pub struct DaemonPaths {
    pub config_file: Option<String>,
    pub tls_files: Vec<String>,
}

/// Collects host facts; what cannot be read is added to `problems`.
pub fn collect_host(
    root: &Path,
    daemon_paths: &DaemonPaths,
    accounts: &Accounts,
    problems: &mut Problems,
) -> HostFacts {
    let mut host = HostFacts {
        hostname: read_trimmed(root, "/proc/sys/kernel/hostname"),
        ..HostFacts::default()
    };
    let release = read_trimmed(root, "/proc/sys/kernel/osrelease");
    if release.is_none() {
        problems.push(
            "host",
            "/proc/sys/kernel/osrelease",
            "cannot read the kernel release",
        );
    }
    host.kernel = KernelFacts {
        release: release.unwrap_or_default(),
        version: read_trimmed(root, "/proc/sys/kernel/version").unwrap_or_default(),
    };
    match read_text(root, "/etc/os-release") {
        Ok(Some(text)) => host.os_release = parse_os_release(&text),
        Ok(None) => match read_text(root, "/usr/lib/os-release") {
            Ok(Some(text)) => host.os_release = parse_os_release(&text),
            Ok(None) => {}
            Err(e) => problems.io("host", "/usr/lib/os-release", &e),
        },
        Err(e) => problems.io("host", "/etc/os-release", &e),
    }
    let (version, controllers) = cgroup_mode(root);
    host.cgroup = CgroupFacts {
        version,
        controllers,
    };
    host.lsm = LsmFacts {
        active: read_text(root, "/sys/kernel/security/lsm")
            .ok()
            .flatten()
            .map(|s| {
                s.trim()
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            }),
        apparmor_enabled: read_trimmed(root, "/sys/module/apparmor/parameters/enabled")
            .map(|v| v.starts_with('Y')),
        selinux_mode: read_trimmed(root, "/sys/fs/selinux/enforce").map(|v| {
            if v == "1" {
                "enforcing".to_owned()
            } else {
                "permissive".to_owned()
            }
        }),
    };
    host.seccomp_supported = read_text(root, "/proc/self/status")
        .ok()
        .flatten()
        .map(|s| status_field(&s, "Seccomp").is_some());
    for name in SYSCTLS {
        let path = format!("/proc/sys/{}", name.replace('.', "/"));
        match read_text(root, &path) {
            Ok(Some(value)) => {
                host.sysctls
                    .insert((*name).to_owned(), value.trim().to_owned());
            }
            Ok(None) => {}
            Err(e) => problems.io("host", &path, &e),
        }
    }
    host.mounts = read_mounts(root, problems);
    host.docker_group = docker_group(accounts);
    host.audit_rules = audit_rules(root, problems);
    host.files = daemon_files(root, daemon_paths, accounts);
    host.packages = packages(root, problems);
    host
}

fn read_mounts(root: &Path, problems: &mut Problems) -> Vec<MountPoint> {
    for path in ["/proc/1/mountinfo", "/proc/self/mountinfo"] {
        if let Ok(Some(text)) = read_text(root, path) {
            return parse_mountinfo(&text)
                .into_iter()
                .map(|m| MountPoint {
                    mount_point: m.mount_point,
                    fs_type: m.fs_type,
                    source: m.source,
                })
                .collect();
        }
    }
    problems.push("host", "/proc/1/mountinfo", "cannot read the mount table");
    Vec::new()
}

/// `KEY=value` lines with quotes removed.
pub fn parse_os_release(text: &str) -> std::collections::BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(v);
            (k.trim().to_owned(), v.to_owned())
        })
        .collect()
}

fn docker_group(accounts: &Accounts) -> Option<GroupFacts> {
    let group = accounts.group_entries.iter().find(|g| g.name == "docker")?;
    let mut members: Vec<String> = group.members.clone();
    for user in accounts.passwd.iter().filter(|u| u.gid == group.gid) {
        if !members.contains(&user.name) {
            members.push(user.name.clone());
        }
    }
    Some(GroupFacts {
        gid: group.gid,
        members,
    })
}

fn audit_rules(root: &Path, problems: &mut Problems) -> Option<AuditRules> {
    let mut files = vec!["/etc/audit/audit.rules".to_owned()];
    files.extend(
        dir_names(root, "/etc/audit/rules.d")
            .into_iter()
            .filter(|n| Path::new(n).extension().is_some_and(|e| e == "rules"))
            .map(|n| format!("/etc/audit/rules.d/{n}")),
    );
    let mut result = AuditRules {
        sources: Vec::new(),
        rules: Vec::new(),
    };
    for file in files {
        match read_text(root, &file) {
            Ok(Some(text)) => {
                result.rules.extend(
                    text.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .map(str::to_owned),
                );
                result.sources.push(file);
            }
            Ok(None) => {}
            Err(e) => problems.io("host", &file, &e),
        }
    }
    (!result.sources.is_empty()).then_some(result)
}

fn daemon_files(root: &Path, daemon_paths: &DaemonPaths, accounts: &Accounts) -> Vec<FileFacts> {
    let mut paths: Vec<String> = Vec::new();
    for unit in UNITS {
        // With a merged /usr, /lib/systemd and /usr/lib/systemd are one directory:
        // record each unit file once (by device and inode).
        let mut identities = BTreeSet::new();
        let found: Vec<String> = UNIT_DIRS
            .iter()
            .map(|dir| format!("{dir}/{unit}"))
            .filter(|p| {
                std::fs::symlink_metadata(crate::fs::under(root, p))
                    .is_ok_and(|m| identities.insert((m.dev(), m.ino())))
            })
            .collect();
        if found.is_empty() {
            paths.push(format!("/usr/lib/systemd/system/{unit}"));
        } else {
            paths.extend(found);
        }
    }
    paths.extend(FIXED_FILES.iter().map(|s| (*s).to_owned()));
    paths.extend(daemon_paths.config_file.iter().cloned());
    paths.extend(daemon_paths.tls_files.iter().cloned());
    paths.extend(cert_files(root));
    paths.extend(BINARIES.iter().map(|s| (*s).to_owned()));
    paths.extend(
        dir_names(root, "/usr/bin")
            .into_iter()
            .filter(|n| n.starts_with("containerd-shim"))
            .map(|n| format!("/usr/bin/{n}")),
    );
    let mut seen = BTreeSet::new();
    paths.retain(|p| seen.insert(p.clone()));
    paths
        .iter()
        .map(|p| file_facts(root, p, accounts))
        .collect()
}

/// `/etc/docker/certs.d/**/*.{crt,cert,key}`, without following symlinks, at
/// most a few levels deep.
fn cert_files(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![("/etc/docker/certs.d".to_owned(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        for name in dir_names(root, &dir) {
            let path = format!("{dir}/{name}");
            let Ok(meta) = std::fs::symlink_metadata(crate::fs::under(root, &path)) else {
                continue;
            };
            if meta.is_dir() && depth < 4 {
                stack.push((path, depth + 1));
            } else if [".crt", ".cert", ".key"]
                .iter()
                .any(|ext| name.ends_with(ext))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn packages(root: &Path, problems: &mut Problems) -> Vec<PackageFacts> {
    let mut found = Vec::new();
    match read_text_big(root, "/var/lib/dpkg/status") {
        Ok(Some(text)) => found.extend(parse_dpkg_status(&text)),
        Ok(None) => {}
        Err(e) => problems.io("host", "/var/lib/dpkg/status", &e),
    }
    match read_text_big(root, "/lib/apk/db/installed") {
        Ok(Some(text)) => found.extend(parse_apk_installed(&text)),
        Ok(None) => {}
        Err(e) => problems.io("host", "/lib/apk/db/installed", &e),
    }
    found
}

fn read_text_big(root: &Path, path: &str) -> io::Result<Option<String>> {
    crate::fs::read_text_limited(root, path, 256 * 1024 * 1024)
}

/// Installed container packages from a dpkg `status` file.
pub fn parse_dpkg_status(text: &str) -> Vec<PackageFacts> {
    let mut found = Vec::new();
    for stanza in text.split("\n\n") {
        let (mut name, mut version, mut installed) = (None, None, false);
        for line in stanza.lines() {
            if let Some(v) = line.strip_prefix("Package:") {
                name = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("Version:") {
                version = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("Status:") {
                installed = v.trim() == "install ok installed";
            }
        }
        if let (Some(name), Some(version), true) = (name, version, installed)
            && PACKAGES.contains(&name)
        {
            found.push(PackageFacts {
                manager: "dpkg".into(),
                name: name.into(),
                version: version.into(),
            });
        }
    }
    found
}

/// Installed container packages from an apk `installed` database.
pub fn parse_apk_installed(text: &str) -> Vec<PackageFacts> {
    let mut found = Vec::new();
    for block in text.split("\n\n") {
        let field = |key: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .map(str::trim)
        };
        if let (Some(name), Some(version)) = (field("P:"), field("V:"))
            && PACKAGES.contains(&name)
        {
            found.push(PackageFacts {
                manager: "apk".into(),
                name: name.into(),
                version: version.into(),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dpkg_stanzas_need_installed_status() {
        let text = "Package: docker.io\nStatus: install ok installed\nVersion: 20.10.24+dfsg1-1+deb12u1+b6\n\n\
                    Package: runc\nStatus: deinstall ok config-files\nVersion: 1.1.5\n\n\
                    Package: bash\nStatus: install ok installed\nVersion: 5.2\n";
        let found = parse_dpkg_status(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "docker.io");
        assert_eq!(found[0].version, "20.10.24+dfsg1-1+deb12u1+b6");
    }

    #[test]
    fn apk_blocks() {
        let text = "C:Q1abc\nP:docker-engine\nV:25.0.5-r1\n\nP:musl\nV:1.2.4\n";
        let found = parse_apk_installed(text);
        assert_eq!(
            found,
            vec![PackageFacts {
                manager: "apk".into(),
                name: "docker-engine".into(),
                version: "25.0.5-r1".into()
            }]
        );
    }

    #[test]
    fn os_release_quotes() {
        let m = parse_os_release(
            "ID=debian\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n# c\nX='y'\n",
        );
        assert_eq!(m["ID"], "debian");
        assert_eq!(m["PRETTY_NAME"], "Debian GNU/Linux 12 (bookworm)");
        assert_eq!(m["X"], "y");
    }
}
