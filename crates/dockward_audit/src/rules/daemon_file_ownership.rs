use dockward_diagnostics::Severity;
use dockward_rules::declare_rule;

use crate::facts::FileKind;
use crate::files::{Owner, daemon_files};
use crate::{AuditFinding, Context, ObjectKind};

declare_rule! {
    /// ## What it does
    /// Flags a Docker daemon file, directory or socket not owned as CIS
    /// section 3 requires, one finding per path with that path's CIS ID:
    ///
    /// | Path | Owner | CIS |
    /// |---|---|---|
    /// | `docker.service` unit (`/etc/systemd/system`, `/run/systemd/system`, `/lib/systemd/system`, `/usr/lib/systemd/system`) | root:root | 3.1 |
    /// | `docker.socket` unit | root:root | 3.3 |
    /// | `/etc/docker` | root:root | 3.5 |
    /// | registry certificates `/etc/docker/certs.d/**/*.crt` | root:root | 3.7 |
    /// | `tlscacert`, `tlscert`, `tlskey` | root:root | 3.9, 3.11, 3.13 |
    /// | the API socket (`/var/run/docker.sock` and the `unix://` hosts) | root:docker (root:root is accepted) | 3.15 |
    /// | the configuration file (`--config-file`, else `/etc/docker/daemon.json`) | root:root | 3.17 |
    /// | `/etc/default/docker`, `/etc/sysconfig/docker` | root:root | 3.19, 3.22 |
    /// | `/run/containerd/containerd.sock` | root:root | 3.23 |
    ///
    /// Files that do not exist, or could not be examined, are not judged.
    /// With a rootless daemon, sockets owned by its user are not flagged.
    ///
    /// ## Why is this bad?
    /// Whoever owns these files can change how the daemon runs (a unit
    /// file's `ExecStart`, `daemon.json`), impersonate it (the TLS key), or
    /// talk to it (the sockets): each is a path to root on the host.
    ///
    /// ## Example
    /// `/etc/docker/daemon.json` owned by `deploy:deploy`.
    ///
    /// Use instead: `chown root:root /etc/docker/daemon.json`.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench hard-codes the socket paths and the configuration file
    /// path, and misses `daemon.json` entirely when `--config-file` is given
    /// with a space. CIS levels: 3.17–3.22 are Level 2, the others Level 1.
    ///
    /// ## References
    /// - [CIS Docker Benchmark v1.6.0, section 3](https://www.cisecurity.org/benchmark/docker)
    /// - [Docker: protect the daemon socket](https://docs.docker.com/engine/security/protect-access/)
    pub struct DaemonFileOwnership {
        severity: Medium,
        status: Stable,
        summary: "a Docker daemon file has the wrong owner",
        aliases: [],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/security/protect-access/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let docker_gid = ctx
        .host()
        .and_then(|h| h.docker_group.as_ref())
        .map(|g| g.gid);
    for (file, spec) in daemon_files(ctx) {
        if file.error.is_some() || file.kind == FileKind::Symlink {
            continue;
        }
        if ctx.daemon().rootless && file.kind == FileKind::Socket {
            continue;
        }
        let group_ok = match spec.owner {
            Owner::RootRoot => file.gid == 0,
            Owner::RootDocker => {
                file.gid == 0
                    || Some(file.gid) == docker_gid
                    || file.group.as_deref() == Some("docker")
            }
        };
        if file.uid == 0 && group_ok {
            continue;
        }
        let owner = file.owner.clone().unwrap_or_else(|| file.uid.to_string());
        let group = file.group.clone().unwrap_or_else(|| file.gid.to_string());
        let expected = match spec.owner {
            Owner::RootRoot => "root:root",
            Owner::RootDocker => "root:docker",
        };
        let mut finding = AuditFinding::new(
            DaemonFileOwnership::META.rule,
            ObjectKind::File,
            file.path.clone(),
            format!(
                "{} is owned by {owner}:{group}, not {expected} (CIS {}); `chown {expected} {}`",
                spec.what, spec.owner_cis, file.path
            ),
        )
        .with_cis(spec.owner_cis);
        if file.uid != 0 && (spec.secret || file.kind == FileKind::Socket) {
            finding = finding.with_severity(Severity::High);
        }
        out.push(finding);
    }
}
