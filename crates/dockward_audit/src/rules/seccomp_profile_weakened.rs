use dockward_diagnostics::Severity;
use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Checks the daemon's default seccomp profile, as `/info`
    /// `SecurityOptions` reports it (`name=seccomp,profile=…`), else
    /// `"seccomp-profile"`:
    /// - `unconfined`: every container runs without a system-call filter
    ///   (high);
    /// - no `name=seccomp` at all in `/info`: the daemon applies no profile;
    /// - a custom profile path: reported for information, to be reviewed
    ///   against Docker's default;
    /// - `builtin` (Engine 23 and later) and `default` (earlier engines) are
    ///   Docker's default profile and pass.
    ///
    /// ## Why is this bad?
    /// The default profile blocks system calls that containers do not need
    /// and that many escapes use (`unshare`, `mount`, `keyctl`, `bpf`,
    /// `io_uring_setup` since 25.0). A daemon-wide `unconfined` removes that
    /// layer from every container at once.
    ///
    /// ## Example
    /// `"seccomp-profile": "unconfined"`.
    ///
    /// Use instead: remove the key (Docker's built-in profile), or a custom
    /// profile derived from Docker's default.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.17 in v1.6.0 (2.18 in v1.8.0), Level 2. docker-bench passes only
    /// on the text `name=seccomp,profile=default`, which Engine 23 and later
    /// print as `profile=builtin`, so it always reports INFO on current
    /// engines and never warns on `unconfined`.
    ///
    /// ## References
    /// - [Docker: seccomp security profiles](https://docs.docker.com/engine/security/seccomp/)
    /// - [CIS Docker Benchmark v1.6.0, 2.17](https://www.cisecurity.org/benchmark/docker)
    pub struct SeccompProfileWeakened {
        severity: High,
        status: Stable,
        summary: "the daemon's default seccomp profile is weakened or off",
        aliases: ["CIS-2.17", "CIS-L2"],
        references: [
            "https://docs.docker.com/engine/security/seccomp/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    if !ctx.daemon_known() {
        return;
    }
    let daemon = ctx.daemon();
    let finding = match (daemon.seccomp_enabled, daemon.seccomp_profile.as_deref()) {
        (Some(false), _) => ctx.daemon_finding(
            SeccompProfileWeakened::META.rule,
            "the daemon reports no seccomp support, so containers run without a system-call filter; check the kernel (CONFIG_SECCOMP_FILTER) and the daemon build",
        ),
        (_, Some("unconfined")) => ctx.daemon_finding(
            SeccompProfileWeakened::META.rule,
            "the daemon's default seccomp profile is `unconfined`, so every container runs without a system-call filter; remove `seccomp-profile`",
        ),
        (_, None | Some("builtin" | "default" | "")) => return,
        (_, Some(path)) => ctx
            .daemon_finding(
                SeccompProfileWeakened::META.rule,
                format!("the daemon uses the custom seccomp profile `{path}`; review it against Docker's default profile"),
            )
            .with_severity(Severity::Info),
    };
    out.push(finding.with_cis("2.17"));
}
