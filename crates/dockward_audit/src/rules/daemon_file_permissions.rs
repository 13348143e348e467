use dockward_diagnostics::Severity;
use dockward_rules::declare_rule;

use crate::context::octal;
use crate::facts::FileKind;
use crate::files::daemon_files;
use crate::{AuditFinding, Context, ObjectKind};

declare_rule! {
    /// ## What it does
    /// Flags a Docker daemon file, directory or socket whose permission bits
    /// go beyond what CIS section 3 allows, one finding per path with that
    /// path's CIS ID. Modes are compared as bits: any bit outside the
    /// allowed mask is too much, so `0606` is not "at most 0644".
    ///
    /// | Path | At most | CIS |
    /// |---|---|---|
    /// | `docker.service`, `docker.socket` units | 0644 | 3.2, 3.4 |
    /// | `/etc/docker` | 0755 | 3.6 |
    /// | registry certificates, `tlscacert`, `tlscert` | 0444 | 3.8, 3.10, 3.12 |
    /// | `tlskey` | 0400 | 3.14 |
    /// | the API socket | 0660 (group write for `docker` only) | 3.16 |
    /// | the configuration file, `/etc/default/docker`, `/etc/sysconfig/docker` | 0644 | 3.18, 3.20, 3.21 |
    /// | `/run/containerd/containerd.sock` | 0660 | 3.24 |
    ///
    /// Regular files are also flagged for setuid, setgid or sticky bits.
    /// A world-writable path, and a key readable by group or others, are
    /// high severity. Symbolic links and paths that could not be examined
    /// are not judged.
    ///
    /// ## Why is this bad?
    /// A writable unit or configuration file lets its writer choose how the
    /// root daemon runs; a readable TLS key lets its reader impersonate the
    /// daemon; a world-writable socket gives every local user root.
    ///
    /// ## Example
    /// `/var/run/docker.sock` with mode `0666`.
    ///
    /// Use instead: `chmod 660 /var/run/docker.sock` (and fix whatever set it,
    /// usually a `SocketMode=` override).
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench compares `stat -c %a` as a *decimal* number (`≤ 644`),
    /// so `0606`, `0622` and `0477` pass although they are world-writable or
    /// world-readable; it requires exactly `400` for the key. lynis tests the
    /// socket with `[ -f ]`, which is false for a socket, so a world-writable
    /// `docker.sock` is never reported. CIS levels: 3.17–3.22 are Level 2,
    /// the others Level 1.
    ///
    /// ## References
    /// - [CIS Docker Benchmark v1.6.0, section 3](https://www.cisecurity.org/benchmark/docker)
    /// - [Docker: protect the daemon socket](https://docs.docker.com/engine/security/protect-access/)
    pub struct DaemonFilePermissions {
        severity: Medium,
        status: Stable,
        summary: "a Docker daemon file is too permissive",
        aliases: [],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/security/protect-access/",
        ],
    }
}

/// The permissions `excess` grants, in words.
fn describe(excess: u32) -> String {
    let mut parts = Vec::new();
    for (bit, what) in [
        (0o4000, "setuid"),
        (0o2000, "setgid"),
        (0o1000, "sticky"),
        (0o0200, "owner write"),
        (0o0100, "owner execute"),
        (0o0040, "group read"),
        (0o0020, "group write"),
        (0o0010, "group execute"),
        (0o0004, "others read"),
        (0o0002, "others write"),
        (0o0001, "others execute"),
    ] {
        if excess & bit != 0 {
            parts.push(what);
        }
    }
    parts.join(", ")
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    for (file, spec) in daemon_files(ctx) {
        if file.error.is_some() || file.kind == FileKind::Symlink {
            continue;
        }
        let relevant = if file.kind == FileKind::File {
            file.mode & 0o7777
        } else {
            file.mode & 0o777
        };
        let excess = relevant & !spec.max_mode;
        if excess == 0 {
            continue;
        }
        let mut finding = AuditFinding::new(
            DaemonFilePermissions::META.rule,
            ObjectKind::File,
            file.path.clone(),
            format!(
                "{} has mode {}, more than the {} CIS {} allows ({}); `chmod {} {}`",
                spec.what,
                octal(relevant),
                octal(spec.max_mode),
                spec.mode_cis,
                describe(excess),
                octal(relevant & spec.max_mode),
                file.path
            ),
        )
        .with_cis(spec.mode_cis);
        if relevant & 0o002 != 0 || (spec.secret && relevant & 0o077 != 0) {
            finding = finding.with_severity(Severity::High);
        }
        out.push(finding);
    }
}
