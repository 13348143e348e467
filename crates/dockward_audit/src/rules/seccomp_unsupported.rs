use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a host whose kernel has no seccomp support (no `Seccomp:` line
    /// in `/proc/self/status`, or a kernel built without
    /// `CONFIG_SECCOMP_FILTER`).
    ///
    /// ## Why is this bad?
    /// Docker's default seccomp profile blocks about 50 system calls that
    /// containers do not need and that many escapes use (`unshare`, `mount`,
    /// `keyctl`, `bpf`, `io_uring_setup` since Engine 25). Without kernel
    /// support the daemon silently runs every container unconfined.
    ///
    /// ## Example
    /// A custom kernel built without `CONFIG_SECCOMP`.
    ///
    /// Use instead: a kernel with `CONFIG_SECCOMP=y` and
    /// `CONFIG_SECCOMP_FILTER=y` (every distribution kernel has them).
    ///
    /// ## References
    /// - [Docker: seccomp security profiles](https://docs.docker.com/engine/security/seccomp/)
    /// - [Linux kernel: seccomp filter](https://docs.kernel.org/userspace-api/seccomp_filter.html)
    pub struct SeccompUnsupported {
        severity: High,
        status: Stable,
        summary: "the kernel does not support seccomp",
        aliases: [],
        references: [
            "https://docs.docker.com/engine/security/seccomp/",
            "https://docs.kernel.org/userspace-api/seccomp_filter.html",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    if ctx.host().and_then(|h| h.seccomp_supported) == Some(false) {
        out.push(ctx.host_finding(
            SeccompUnsupported::META.rule,
            "the kernel does not support seccomp, so every container runs without a system-call filter; use a kernel built with CONFIG_SECCOMP_FILTER",
        ));
    }
}
