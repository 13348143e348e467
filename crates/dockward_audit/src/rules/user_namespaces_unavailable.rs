use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a host where the daemon is configured for user namespaces
    /// (`userns-remap`, or rootless mode) but the kernel does not allow
    /// them: `user.max_user_namespaces` is 0, or, for rootless mode, the
    /// Debian/Ubuntu `kernel.unprivileged_userns_clone` is 0.
    ///
    /// ## Why is this bad?
    /// The isolation the configuration promises is not there: a remapping
    /// daemon fails to start containers (or to start at all), and a
    /// rootless daemon cannot run. Someone may then "fix" it by dropping the
    /// remapping, which puts container root back at host root.
    ///
    /// ## Example
    /// `"userns-remap": "default"` in `daemon.json` with
    /// `user.max_user_namespaces = 0`.
    ///
    /// Use instead: allow user namespaces (`user.max_user_namespaces` above
    /// 0; restrict unprivileged ones separately with
    /// `kernel.unprivileged_userns_clone=0` when the daemon is rootful).
    ///
    /// ## References
    /// - [Docker: isolate containers with a user namespace](https://docs.docker.com/engine/security/userns-remap/)
    /// - [Docker: rootless mode prerequisites](https://docs.docker.com/engine/security/rootless/)
    pub struct UserNamespacesUnavailable {
        severity: Medium,
        status: Stable,
        summary: "the daemon needs user namespaces the kernel does not allow",
        aliases: [],
        references: [
            "https://docs.docker.com/engine/security/userns-remap/",
            "https://docs.docker.com/engine/security/rootless/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let daemon = ctx.daemon();
    let remap_configured = daemon
        .config
        .string("userns-remap")
        .is_some_and(|s| !s.is_empty())
        || daemon.userns_remap;
    if !remap_configured && !daemon.rootless {
        return;
    }
    let mode = if daemon.rootless {
        "runs rootless"
    } else {
        "is configured with `userns-remap`"
    };
    if ctx.sysctl("user.max_user_namespaces") == Some("0") {
        out.push(ctx.host_finding(
            UserNamespacesUnavailable::META.rule,
            format!("the daemon {mode}, but `user.max_user_namespaces` is 0, so no user namespace can be created"),
        ));
    } else if daemon.rootless && ctx.sysctl("kernel.unprivileged_userns_clone") == Some("0") {
        out.push(ctx.host_finding(
            UserNamespacesUnavailable::META.rule,
            format!("the daemon {mode}, but `kernel.unprivileged_userns_clone` is 0, so its unprivileged user cannot create a user namespace"),
        ));
    }
}
