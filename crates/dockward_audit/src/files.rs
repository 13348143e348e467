//! The host files the daemon-file (`DM027`, `DM028`) and audit-rule (`HS009`)
//! checks look at, resolved from the facts: unit files wherever systemd keeps
//! them, the daemon's own configuration file, TLS material and sockets from
//! its configuration.

use crate::Context;
use crate::facts::{FileFacts, FileKind};

/// The directories `docker.service` / `docker.socket` may live in, in the
/// order systemd prefers them.
const UNIT_DIRS: &[&str] = &[
    "/etc/systemd/system",
    "/run/systemd/system",
    "/lib/systemd/system",
    "/usr/lib/systemd/system",
];

/// Who must own a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    /// `root:root`.
    RootRoot,
    /// `root:docker` (the API socket); `root:root` is stricter and accepted.
    RootDocker,
}

/// One kind of daemon file and what CIS section 3 expects of it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DaemonFile {
    /// What it is, for messages.
    pub what: &'static str,
    /// CIS ID of the ownership check.
    pub owner_cis: &'static str,
    /// CIS ID of the permission check.
    pub mode_cis: &'static str,
    /// Expected owner.
    pub owner: Owner,
    /// The most permissive mode CIS allows, as permission bits.
    pub max_mode: u32,
    /// A private key: any access for group or others is high severity.
    pub secret: bool,
}

const fn file(
    what: &'static str,
    owner_cis: &'static str,
    mode_cis: &'static str,
    owner: Owner,
    max_mode: u32,
) -> DaemonFile {
    DaemonFile {
        what,
        owner_cis,
        mode_cis,
        owner,
        max_mode,
        secret: false,
    }
}

pub(crate) const DOCKER_SERVICE: DaemonFile = file(
    "the docker.service unit",
    "3.1",
    "3.2",
    Owner::RootRoot,
    0o644,
);
pub(crate) const DOCKER_SOCKET_UNIT: DaemonFile = file(
    "the docker.socket unit",
    "3.3",
    "3.4",
    Owner::RootRoot,
    0o644,
);
pub(crate) const ETC_DOCKER: DaemonFile = file(
    "the /etc/docker directory",
    "3.5",
    "3.6",
    Owner::RootRoot,
    0o755,
);
pub(crate) const REGISTRY_CERT: DaemonFile = file(
    "a registry certificate",
    "3.7",
    "3.8",
    Owner::RootRoot,
    0o444,
);
pub(crate) const TLS_CA: DaemonFile = file(
    "the TLS CA certificate",
    "3.9",
    "3.10",
    Owner::RootRoot,
    0o444,
);
pub(crate) const TLS_CERT: DaemonFile = file(
    "the server certificate",
    "3.11",
    "3.12",
    Owner::RootRoot,
    0o444,
);
pub(crate) const TLS_KEY: DaemonFile = DaemonFile {
    secret: true,
    ..file("the server key", "3.13", "3.14", Owner::RootRoot, 0o400)
};
pub(crate) const DOCKER_SOCK: DaemonFile = file(
    "the Docker API socket",
    "3.15",
    "3.16",
    Owner::RootDocker,
    0o660,
);
pub(crate) const DAEMON_JSON: DaemonFile = file(
    "the daemon configuration file",
    "3.17",
    "3.18",
    Owner::RootRoot,
    0o644,
);
pub(crate) const ETC_DEFAULT: DaemonFile = file(
    "/etc/default/docker",
    "3.19",
    "3.20",
    Owner::RootRoot,
    0o644,
);
pub(crate) const ETC_SYSCONFIG: DaemonFile = file(
    "/etc/sysconfig/docker",
    "3.22",
    "3.21",
    Owner::RootRoot,
    0o644,
);
pub(crate) const CONTAINERD_SOCK: DaemonFile = file(
    "the containerd socket",
    "3.23",
    "3.24",
    Owner::RootRoot,
    0o660,
);

/// Unix socket paths in `hosts` (`unix:///run/docker.sock` → `/run/docker.sock`).
fn unix_sockets(ctx: &Context) -> Vec<String> {
    ctx.daemon()
        .hosts
        .iter()
        .filter_map(|h| h.strip_prefix("unix://"))
        .filter(|p| p.starts_with('/'))
        .map(str::to_owned)
        .collect()
}

/// The daemon's configuration file path (`--config-file`, or the default).
pub(crate) fn daemon_json_path(ctx: &Context) -> String {
    ctx.daemon()
        .config_path
        .clone()
        .unwrap_or_else(|| "/etc/docker/daemon.json".to_owned())
}

fn push<'a>(
    out: &mut Vec<(&'a FileFacts, DaemonFile)>,
    ctx: &Context<'a>,
    path: &str,
    kind: DaemonFile,
) {
    if let Some(f) = ctx.existing_file(path)
        && !out.iter().any(|(seen, _)| seen.path == f.path)
    {
        out.push((f, kind));
    }
}

/// Every daemon file that exists on the host, with what CIS expects of it.
pub(crate) fn daemon_files<'a>(ctx: &Context<'a>) -> Vec<(&'a FileFacts, DaemonFile)> {
    let mut out = Vec::new();
    for dir in UNIT_DIRS {
        push(
            &mut out,
            ctx,
            &format!("{dir}/docker.service"),
            DOCKER_SERVICE,
        );
        push(
            &mut out,
            ctx,
            &format!("{dir}/docker.socket"),
            DOCKER_SOCKET_UNIT,
        );
    }
    push(&mut out, ctx, "/etc/docker", ETC_DOCKER);
    if let Some(host) = ctx.host() {
        for f in &host.files {
            if f.kind == FileKind::File
                && f.path.starts_with("/etc/docker/certs.d/")
                && std::path::Path::new(&f.path)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("crt"))
            {
                push(&mut out, ctx, &f.path, REGISTRY_CERT);
            }
        }
    }
    let daemon = ctx.daemon();
    for (path, kind) in [
        (&daemon.tls_ca_cert, TLS_CA),
        (&daemon.tls_cert, TLS_CERT),
        (&daemon.tls_key, TLS_KEY),
    ] {
        if let Some(path) = path {
            push(&mut out, ctx, path, kind);
        }
    }
    let mut sockets = unix_sockets(ctx);
    if ctx.existing_file("/var/run/docker.sock").is_some() {
        sockets.push("/var/run/docker.sock".to_owned());
    } else {
        sockets.push("/run/docker.sock".to_owned());
    }
    for socket in sockets {
        push(&mut out, ctx, &socket, DOCKER_SOCK);
    }
    push(&mut out, ctx, &daemon_json_path(ctx), DAEMON_JSON);
    push(&mut out, ctx, "/etc/default/docker", ETC_DEFAULT);
    push(&mut out, ctx, "/etc/sysconfig/docker", ETC_SYSCONFIG);
    push(
        &mut out,
        ctx,
        "/run/containerd/containerd.sock",
        CONTAINERD_SOCK,
    );
    out
}

/// The paths CIS 1.1.3–1.1.18 want audited, by CIS ID, as candidates; the
/// rule checks those that exist.
pub(crate) fn audited_paths(ctx: &Context) -> Vec<(&'static str, Vec<String>)> {
    let owned = |paths: &[&str]| paths.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>();
    let units = |name: &str| {
        UNIT_DIRS
            .iter()
            .map(|d| format!("{d}/{name}"))
            .collect::<Vec<_>>()
    };
    let mut dockerd = owned(&[
        "/usr/bin/dockerd",
        "/usr/sbin/dockerd",
        "/usr/local/bin/dockerd",
    ]);
    if let Some(exe) = ctx
        .daemon_facts()
        .and_then(|d| d.process.as_ref())
        .and_then(|p| p.exe.clone())
    {
        dockerd.insert(0, exe);
    }
    let root = ctx.daemon().docker_root_dir.clone();
    let root = if ctx.daemon().userns_remap {
        root.rsplit_once('/')
            .filter(|(_, last)| last.contains('.'))
            .map_or(root.clone(), |(parent, _)| parent.to_owned())
    } else {
        root
    };
    vec![
        ("1.1.3", dockerd),
        ("1.1.4", owned(&["/run/containerd"])),
        ("1.1.5", vec![root]),
        ("1.1.6", owned(&["/etc/docker"])),
        ("1.1.7", units("docker.service")),
        ("1.1.8", owned(&["/run/containerd/containerd.sock"])),
        ("1.1.9", units("docker.socket")),
        ("1.1.10", owned(&["/etc/default/docker"])),
        ("1.1.11", vec![daemon_json_path(ctx)]),
        ("1.1.12", owned(&["/etc/containerd/config.toml"])),
        ("1.1.13", owned(&["/etc/sysconfig/docker"])),
        (
            "1.1.14",
            owned(&["/usr/bin/containerd", "/usr/local/bin/containerd"]),
        ),
        ("1.1.15", owned(&["/usr/bin/containerd-shim"])),
        ("1.1.16", owned(&["/usr/bin/containerd-shim-runc-v1"])),
        (
            "1.1.17",
            owned(&[
                "/usr/bin/containerd-shim-runc-v2",
                "/usr/local/bin/containerd-shim-runc-v2",
            ]),
        ),
        (
            "1.1.18",
            owned(&[
                "/usr/bin/runc",
                "/usr/sbin/runc",
                "/usr/local/bin/runc",
                "/usr/local/sbin/runc",
            ]),
        ),
    ]
}
