//! Helpers several container rules share: host paths, engine sockets, ports,
//! users and capabilities.

use dockward_rules::Rule;
use dockward_spec::{ContainerSpec, Mount, MountKind, NamespaceMode, PortBinding, SpecField};

use crate::ContainerFinding;

/// A finding of `rule` about `field`.
pub(crate) fn finding(
    rule: Rule,
    field: SpecField,
    message: impl Into<String>,
) -> ContainerFinding {
    ContainerFinding {
        rule,
        message: message.into(),
        field,
    }
}

/// The capabilities Docker grants a container by default (moby
/// `oci/caps/defaults.go`), normalized without `CAP_`.
pub(crate) const DEFAULT_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// An absolute host path with `//`, `/./`, `..` and a trailing `/` resolved
/// lexically (`/etc/../etc/` → `/etc`; `..` above `/` stays at `/`). `None`
/// for a path that is not absolute.
pub(crate) fn normalize_path(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// Whether normalized `path` is `dir` or below it, by whole path components.
pub(crate) fn is_within(path: &str, dir: &str) -> bool {
    dir == "/"
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The bind mounts of `spec` with an absolute host source: index, mount and
/// normalized source.
pub(crate) fn host_binds(spec: &ContainerSpec) -> impl Iterator<Item = (usize, &Mount, String)> {
    spec.mounts.iter().enumerate().filter_map(|(i, m)| {
        if m.kind != MountKind::Bind {
            return None;
        }
        let source = normalize_path(m.source.as_deref()?)?;
        Some((i, m, source))
    })
}

/// File names of container-engine API sockets, wherever they are.
const SOCKET_NAMES: &[&str] = &[
    "docker.sock",
    "containerd.sock",
    "podman.sock",
    "crio.sock",
    "buildkitd.sock",
];

/// Default socket paths whose file name is not in [`SOCKET_NAMES`].
const SOCKET_PATHS: &[&str] = &["/run/containerd/containerd.sock.ttrpc"];

/// Directories that hold an engine's default socket (`/run` holds
/// `docker.sock`; `/run/docker` holds the containerd socket dockerd starts
/// itself; `/run/user/<uid>` holds rootless Docker's and Podman's).
const SOCKET_DIRS: &[&str] = &[
    "/",
    "/run",
    "/var/run",
    "/run/docker",
    "/var/run/docker",
    "/run/docker/containerd",
    "/var/run/docker/containerd",
    "/run/containerd",
    "/var/run/containerd",
    "/run/crio",
    "/var/run/crio",
    "/run/podman",
    "/var/run/podman",
    "/run/buildkit",
    "/var/run/buildkit",
];

/// Whether normalized `path` names an engine API socket itself.
pub(crate) fn is_engine_socket(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    SOCKET_NAMES.contains(&name) || SOCKET_PATHS.contains(&path)
}

/// Whether normalized `path` is a directory holding an engine's default socket.
pub(crate) fn is_socket_directory(path: &str) -> bool {
    if SOCKET_DIRS.contains(&path) {
        return true;
    }
    // `/run/user/<uid>` (rootless Docker, Podman).
    let rest = path
        .strip_prefix("/run/user/")
        .or_else(|| path.strip_prefix("/var/run/user/"));
    rest.is_some_and(|uid| !uid.is_empty() && uid.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether published ports take effect: not with the host's network (ports are
/// the host's already), no network, or another container's network (the
/// daemon rejects `-p` there).
pub(crate) fn ports_take_effect(spec: &ContainerSpec) -> bool {
    !matches!(
        spec.namespaces.network,
        NamespaceMode::Host | NamespaceMode::None | NamespaceMode::Container(_)
    )
}

/// The first host port of a binding (`80`, or `8000` of `8000-8010`); `None`
/// for an ephemeral port (empty or `0`) or one that does not parse.
pub(crate) fn first_host_port(binding: &PortBinding) -> Option<u16> {
    let raw = binding.host_port.as_deref()?;
    let first = raw.split('-').next().unwrap_or_default().trim();
    first.parse::<u16>().ok().filter(|&port| port != 0)
}

/// `8080/tcp`.
pub(crate) fn container_port(binding: &PortBinding) -> String {
    format!(
        "{}/{}",
        binding.container_port,
        protocol_name(binding.protocol)
    )
}

/// `tcp`, `udp`, `sctp`.
pub(crate) fn protocol_name(protocol: dockward_spec::Protocol) -> &'static str {
    match protocol {
        dockward_spec::Protocol::Tcp => "tcp",
        dockward_spec::Protocol::Udp => "udp",
        dockward_spec::Protocol::Sctp => "sctp",
    }
}

/// `0.0.0.0:80`, `[::1]:8080`, `0.0.0.0:<ephemeral>` as the binding listens.
pub(crate) fn host_address(binding: &PortBinding) -> String {
    let ip = binding.host_ip.as_deref().unwrap_or("0.0.0.0");
    let port = binding.host_port.as_deref().unwrap_or("<ephemeral>");
    if ip.contains(':') && !ip.starts_with('[') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

/// Whether a `user[:group]` string names root (`root`, `0`, `root:x`, `0:0`).
pub(crate) fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or_default().trim();
    name == "root" || name == "0"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_lexically_and_matched_by_component() {
        assert_eq!(normalize_path("/etc/../etc//./").as_deref(), Some("/etc"));
        assert_eq!(normalize_path("/../../").as_deref(), Some("/"));
        assert_eq!(
            normalize_path("//var/run/./docker.sock").as_deref(),
            Some("/var/run/docker.sock")
        );
        assert_eq!(normalize_path("etc"), None);
        assert!(is_within("/etc/shadow", "/etc"));
        assert!(is_within("/etc", "/etc"));
        assert!(!is_within("/etcetera", "/etc"));
        assert!(is_within("/anything", "/"));
    }

    #[test]
    fn sockets_and_their_directories_are_recognised() {
        assert!(is_engine_socket("/var/run/docker.sock"));
        assert!(is_engine_socket("/home/u/.docker/run/docker.sock"));
        assert!(is_engine_socket("/run/containerd/containerd.sock.ttrpc"));
        assert!(!is_engine_socket("/run/dbus/system_bus_socket"));
        assert!(is_socket_directory("/run/user/1000"));
        assert!(is_socket_directory("/var/run"));
        assert!(!is_socket_directory("/run/user/"));
        assert!(!is_socket_directory("/run/user/1000/x"));
    }

    #[test]
    fn host_ports_take_the_first_of_a_range_and_skip_ephemeral_ones() {
        let mut binding = PortBinding {
            container_port: 80,
            protocol: dockward_spec::Protocol::Tcp,
            host_ip: Some("::".to_owned()),
            host_port: Some("80-90".to_owned()),
        };
        assert_eq!(first_host_port(&binding), Some(80));
        assert_eq!(host_address(&binding), "[::]:80-90");
        binding.host_port = Some("0".to_owned());
        assert_eq!(first_host_port(&binding), None);
        binding.host_port = None;
        assert_eq!(first_host_port(&binding), None);
    }

    #[test]
    fn root_users_are_root_or_uid_zero() {
        for user in ["root", "0", "0:0", "root:wheel"] {
            assert!(is_root_user(user), "{user}");
        }
        for user in ["", "1000", "rooty", "1000:0", "nobody"] {
            assert!(!is_root_user(user), "{user}");
        }
    }
}
