use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::{finding, host_binds, is_engine_socket, is_within};
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a bind mount of a sensitive host path (`-v /etc:/host/etc`,
    /// compose `volumes: [/etc:/host/etc]`, `--mount type=bind`). The source
    /// is normalized first (`//`, `/./`, `..`, a trailing `/`), then compared
    /// by whole path components, so `/etc/../etc/` is `/etc` and `/etcd` is
    /// not `/etc`. A source is sensitive when it is one of these directories or
    /// inside one, or when it *contains* one (`/var` contains `/var/lib/docker`,
    /// `/` contains everything):
    ///
    /// `/`, `/etc`, `/proc`, `/sys`, `/boot`, `/dev`, `/root`, `/run`,
    /// `/var/run`, `/var/lib/docker`, `/var/lib/containerd`, `/usr`, `/lib`,
    /// `/lib32`, `/lib64`, `/libx32`, `/bin`, `/sbin`.
    ///
    /// `/home` is sensitive itself and one level down (`/home/alice`, a whole
    /// home directory), and so are credential directories in a home
    /// (`/home/alice/.ssh`, `.docker`, `.aws`, `.kube`, `.gnupg`); a project
    /// directory deeper down (`/home/alice/src/app`), the usual compose `./`
    /// mount, is not.
    ///
    /// Not reported when mounted read-only: `/etc/localtime`,
    /// `/etc/timezone`, `/usr/share/zoneinfo/...`, `/etc/machine-id`,
    /// `/etc/hosts`, `/etc/resolv.conf`, `/etc/passwd`, `/etc/group`, the CA
    /// certificate directories (`/etc/ssl/certs`, `/etc/pki/ca-trust`,
    /// `/etc/ca-certificates`, `/usr/share/ca-certificates`,
    /// `/usr/local/share/ca-certificates`) and `/dev/log`.
    ///
    /// An engine socket (`/var/run/docker.sock`) is `engine-socket-mounted`'s;
    /// a directory holding one (`/run`) is reported by both rules, as it
    /// exposes more than the socket. The message says whether the mount is
    /// writable. docker-bench's 5.6 only catches eight exact paths mounted
    /// read-write.
    ///
    /// ## Why is this bad?
    /// A writable `/etc`, `/usr` or `/boot` lets the container change what the
    /// host runs as root; `/root` and home directories hold SSH keys and
    /// registry credentials; `/proc` and `/sys` expose every host process and
    /// kernel setting; `/var/lib/docker` holds every other container's files.
    /// Even read-only, most of these leak secrets (`/etc/shadow`,
    /// `/proc/<pid>/environ`).
    ///
    /// ## Example
    /// ```console
    /// $ docker run -v /etc:/host/etc alpine:3.20
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: alpine:3.20
    ///     volumes:
    ///       - /etc:/host/etc
    /// ```
    ///
    /// Use instead: mount only the file the service needs, read-only, or a
    /// named volume:
    /// ```console
    /// $ docker run -v /etc/myapp/config.toml:/config.toml:ro alpine:3.20
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: alpine:3.20
    ///     volumes:
    ///       - /etc/myapp/config.toml:/config.toml:ro
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.6 (Level 1); the number is unchanged in v1.8.0.
    /// - [Bind mounts](https://docs.docker.com/engine/storage/bind-mounts/)
    /// - [Compose file: volumes](https://docs.docker.com/reference/compose-file/services/#volumes)
    /// - [Kernel docs: /proc](https://docs.kernel.org/filesystems/proc.html)
    pub struct SensitiveHostPathMounted {
        severity: High,
        status: Stable,
        summary: "a sensitive host path is bind-mounted into the container",
        aliases: ["CIS-5.6", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/storage/bind-mounts/",
            "https://docs.docker.com/reference/compose-file/services/#volumes",
            "https://docs.kernel.org/filesystems/proc.html",
        ],
    }
}

/// Sensitive host directories (with everything below them) and what they hold.
const SENSITIVE: &[(&str, &str)] = &[
    ("/etc", "the host's configuration and credentials"),
    ("/proc", "every host process and kernel settings"),
    ("/sys", "kernel and device settings"),
    ("/boot", "the host's kernel and boot loader"),
    ("/dev", "the host's devices"),
    ("/root", "root's home directory"),
    (
        "/var/lib/docker",
        "every container's files and Docker's state",
    ),
    (
        "/var/lib/containerd",
        "every container's files and containerd's state",
    ),
    ("/run", "the host's runtime state and sockets"),
    ("/var/run", "the host's runtime state and sockets"),
    ("/usr", "the host's programs and libraries"),
    ("/lib", "the host's libraries"),
    ("/lib32", "the host's libraries"),
    ("/lib64", "the host's libraries"),
    ("/libx32", "the host's libraries"),
    ("/bin", "the host's programs"),
    ("/sbin", "the host's programs"),
];

/// Credential directories inside a home directory.
const HOME_SECRETS: &[&str] = &[".ssh", ".docker", ".aws", ".kube", ".gnupg"];

/// Files that are fine to mount read-only.
const BENIGN_FILES: &[&str] = &[
    "/etc/localtime",
    "/etc/timezone",
    "/etc/machine-id",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/passwd",
    "/etc/group",
    "/dev/log",
];

/// Directories that are fine to mount read-only, with their contents.
const BENIGN_DIRS: &[&str] = &[
    "/usr/share/zoneinfo",
    "/etc/ssl/certs",
    "/etc/pki/ca-trust",
    "/etc/ca-certificates",
    "/usr/share/ca-certificates",
    "/usr/local/share/ca-certificates",
];

/// Why `source` (normalized) is sensitive, or `None`.
fn sensitive(source: &str) -> Option<String> {
    if source == "/" {
        return Some("the host's whole filesystem".to_owned());
    }
    for (dir, holds) in SENSITIVE {
        if is_within(source, dir) {
            return Some((*holds).to_owned());
        }
        if is_within(dir, source) {
            return Some(format!("it contains `{dir}`: {holds}"));
        }
    }
    if is_within("/home", source) {
        return Some("it contains every user's home directory".to_owned());
    }
    let rest = source.strip_prefix("/home/")?;
    let mut parts = rest.split('/');
    let user = parts.next().unwrap_or_default();
    match parts.next() {
        None => Some(format!("it is the home directory of `{user}`")),
        Some(dir) if HOME_SECRETS.contains(&dir) => {
            Some(format!("it holds credentials of `{user}` (`~/{dir}`)"))
        }
        Some(_) => None,
    }
}

fn benign(source: &str) -> bool {
    BENIGN_FILES.contains(&source) || BENIGN_DIRS.iter().any(|dir| is_within(source, dir))
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    for (i, mount, source) in host_binds(spec) {
        if is_engine_socket(&source) || (mount.read_only && benign(&source)) {
            continue;
        }
        let Some(why) = sensitive(&source) else {
            continue;
        };
        let how = if mount.read_only {
            "read-only"
        } else {
            "writable"
        };
        out.push(finding(
            SensitiveHostPathMounted::META.rule,
            SpecField::Mount(i),
            format!(
                "host path `{source}` is mounted {how} at `{}`: {why}",
                mount.target
            ),
        ));
    }
}
