use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a daemon with no authorization plugin: `/info`
    /// `Plugins.Authorization` is empty (without `/info`: no
    /// `--authorization-plugin` / `"authorization-plugins"`).
    ///
    /// ## Why is this bad?
    /// Without one, every client that can reach the socket may use every
    /// API endpoint, including privileged containers and host mounts. An
    /// AuthZ plugin can allow the harmless part of the API to less trusted
    /// clients.
    ///
    /// ## Example
    /// A default installation.
    ///
    /// Use instead: an AuthZ plugin (dockward's own, OPA, Casbin), listed in
    /// `daemon.json` under `"authorization-plugins"`.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.12 in v1.6.0 (2.13 in v1.8.0), Level 2. docker-bench does not
    /// check that the plugin exists or is enabled; see `DM012` and `DM013`.
    ///
    /// ## References
    /// - [Docker: access authorization plugin](https://docs.docker.com/engine/extend/plugins_authorization/)
    /// - [CIS Docker Benchmark v1.6.0, 2.12](https://www.cisecurity.org/benchmark/docker)
    pub struct NoAuthorizationPlugin {
        severity: Low,
        status: Stable,
        summary: "no authorization plugin restricts API clients",
        aliases: ["CIS-2.12", "CIS-L2"],
        references: [
            "https://docs.docker.com/engine/extend/plugins_authorization/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    if !ctx.daemon_known() || !ctx.daemon().authorization_plugins.is_empty() {
        return;
    }
    out.push(
        ctx.daemon_finding(
            NoAuthorizationPlugin::META.rule,
            "no authorization plugin is configured, so every client of the socket may use the whole API; consider an AuthZ plugin",
        )
        .with_cis("2.12"),
    );
}
