use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a host where any unprivileged process may create a user
    /// namespace: `user.max_user_namespaces` is above 0, the Debian/Ubuntu
    /// `kernel.unprivileged_userns_clone` is not 0, and Ubuntu's
    /// `kernel.apparmor_restrict_unprivileged_userns` is not 1. Not reported
    /// when the daemon runs rootless, which needs them.
    ///
    /// ## Why is this bad?
    /// Inside a new user namespace an unprivileged process holds every
    /// capability over it, which opens kernel code normally reserved to
    /// root: many local-root and container-escape chains start with
    /// `unshare -U` (CVE-2022-0185, CVE-2024-1086, a CVE-2022-0492 variant).
    /// Docker's default seccomp profile blocks `unshare` in containers, but
    /// not in processes on the host, nor in privileged or `seccomp=unconfined`
    /// containers.
    ///
    /// ## Example
    /// `kernel.unprivileged_userns_clone = 1` on a Debian host that runs no
    /// rootless containers or browser sandboxes.
    ///
    /// Use instead: `sysctl -w kernel.unprivileged_userns_clone=0` (Debian,
    /// Ubuntu), or `kernel.apparmor_restrict_unprivileged_userns=1` (Ubuntu
    /// ≥ 23.10), persisted under `/etc/sysctl.d/`.
    ///
    /// ## References
    /// - [user_namespaces(7)](https://man7.org/linux/man-pages/man7/user_namespaces.7.html)
    /// - [Ubuntu: restricted unprivileged user namespaces](https://ubuntu.com/blog/ubuntu-23-10-restricted-unprivileged-user-namespaces)
    pub struct UnprivilegedUserNamespaces {
        severity: Low,
        status: Stable,
        summary: "unprivileged users may create user namespaces",
        aliases: [],
        references: [
            "https://man7.org/linux/man-pages/man7/user_namespaces.7.html",
            "https://ubuntu.com/blog/ubuntu-23-10-restricted-unprivileged-user-namespaces",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    if ctx.host().is_none() || ctx.daemon().rootless {
        return;
    }
    let Some(max) = ctx
        .sysctl("user.max_user_namespaces")
        .and_then(|v| v.parse::<u64>().ok())
    else {
        return;
    };
    if max == 0
        || ctx.sysctl("kernel.unprivileged_userns_clone") == Some("0")
        || ctx.sysctl("kernel.apparmor_restrict_unprivileged_userns") == Some("1")
    {
        return;
    }
    let how = match ctx.sysctl("kernel.unprivileged_userns_clone") {
        Some(v) => format!(
            "`kernel.unprivileged_userns_clone` is {v} and `user.max_user_namespaces` is {max}"
        ),
        None => format!(
            "`user.max_user_namespaces` is {max} and the kernel has no `unprivileged_userns_clone` switch"
        ),
    };
    out.push(ctx.host_finding(
        UnprivilegedUserNamespaces::META.rule,
        format!("any user may create user namespaces ({how}), which opens kernel attack surface used by local-root exploits; restrict them unless rootless containers or sandboxes need them"),
    ));
}
