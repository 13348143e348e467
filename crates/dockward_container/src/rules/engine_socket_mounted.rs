use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::{finding, host_binds, is_engine_socket, is_socket_directory};
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a bind mount that gives the container a container engine's API
    /// socket (the path is normalized first: `//`, `/./`, `..`):
    ///
    /// - a socket by file name, wherever it is: `docker.sock`,
    ///   `containerd.sock`, `podman.sock`, `crio.sock`, `buildkitd.sock`
    ///   (`/var/run/docker.sock`, rootless `/run/user/1000/docker.sock`,
    ///   Docker Desktop's `~/.docker/run/docker.sock`), and
    ///   `/run/containerd/containerd.sock.ttrpc`;
    /// - a directory that holds a default socket: `/run`, `/var/run`,
    ///   `/run/docker` (`containerd` started by dockerd), `/run/containerd`,
    ///   `/run/crio`, `/run/podman`, `/run/buildkit` (each also under
    ///   `/var/run`), `/run/user/<uid>`, and `/` itself.
    ///
    /// `/var` is not flagged: `/var/run` is a symbolic link to `/run` on
    /// current distributions, and a link in a bind mount resolves inside the
    /// container. A read-only mount (`:ro`) is flagged too: connecting to a
    /// socket is not a write to the filesystem. docker-bench's 5.32 only
    /// matches the text `docker.sock`.
    ///
    /// ## Why is this bad?
    /// Whoever talks to the engine's API controls the host: one request starts
    /// a privileged container with the host's `/` mounted. A container with
    /// the socket is as trusted as root on the host, so a compromise of the
    /// service (a CI runner, a dashboard, a reverse proxy reading labels) is a
    /// compromise of the host.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -v /var/run/docker.sock:/var/run/docker.sock:ro traefik:v3.1
    /// ```
    /// ```yaml
    /// services:
    ///   proxy:
    ///     image: traefik:v3.1
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock:ro
    /// ```
    ///
    /// Use instead: a filtering proxy that allows only the read-only calls the
    /// service needs, on a private network (or the engine's authorization
    /// plugin):
    /// ```console
    /// $ docker run --network socket-proxy -e DOCKER_HOST=tcp://socket-proxy:2375 traefik:v3.1
    /// ```
    /// ```yaml
    /// services:
    ///   proxy:
    ///     image: traefik:v3.1
    ///     environment:
    ///       DOCKER_HOST: tcp://socket-proxy:2375
    ///     networks: [socket-proxy]
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.32 (Level 1); the number is unchanged in v1.8.0.
    /// - [Protect the Docker daemon socket](https://docs.docker.com/engine/security/protect-access/)
    /// - [Docker daemon attack surface](https://docs.docker.com/engine/security/#docker-daemon-attack-surface)
    /// - [unix(7): connecting needs write permission on the socket](https://man7.org/linux/man-pages/man7/unix.7.html)
    pub struct EngineSocketMounted {
        severity: Critical,
        status: Stable,
        summary: "a container engine's API socket is mounted into the container",
        aliases: ["CIS-5.32", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/security/protect-access/",
            "https://docs.docker.com/engine/security/#docker-daemon-attack-surface",
            "https://man7.org/linux/man-pages/man7/unix.7.html",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    let rule = EngineSocketMounted::META.rule;
    for (i, mount, source) in host_binds(spec) {
        let message = if is_engine_socket(&source) {
            format!(
                "engine socket `{source}` is mounted at `{}`: the container controls the engine, and so the host",
                mount.target
            )
        } else if is_socket_directory(&source) {
            format!(
                "host directory `{source}`, which holds a container engine's socket, is mounted at `{}`: the container can control the engine, and so the host",
                mount.target
            )
        } else {
            continue;
        };
        out.push(finding(rule, SpecField::Mount(i), message));
    }
}
