use dockward_rules::declare_rule;

use crate::daemon_config::Origin;
use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags authorization plugins set only on the command line
    /// (`--authorization-plugin`) while the configuration file does not list
    /// them.
    ///
    /// ## Why is this bad?
    /// On `SIGHUP` (`systemctl reload docker`) dockerd rebuilds its
    /// configuration from the *file only* and installs that plugin chain: a
    /// flag-only plugin is dropped, and every request is allowed from then
    /// on, while `docker info` still lists the plugin.
    ///
    /// ## Example
    /// `ExecStart=/usr/bin/dockerd --authorization-plugin=authz` and no
    /// `authorization-plugins` in `daemon.json`.
    ///
    /// Use instead: list the plugins in `daemon.json`
    /// (`"authorization-plugins": ["authz"]`) and remove the flag.
    ///
    /// ## References
    /// - [dockerd reference: configuration reload behavior](https://docs.docker.com/reference/cli/dockerd/#configuration-reload-behavior)
    /// - [Docker: access authorization plugin](https://docs.docker.com/engine/extend/plugins_authorization/)
    pub struct AuthorizationPluginFlagOnly {
        severity: Medium,
        status: Stable,
        summary: "an authorization plugin is set only by flag; a reload drops it",
        aliases: [],
        references: [
            "https://docs.docker.com/reference/cli/dockerd/#configuration-reload-behavior",
            "https://docs.docker.com/engine/extend/plugins_authorization/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let config = &ctx.daemon().config;
    if config.origin("authorization-plugins") != Some(Origin::Flag) {
        return;
    }
    let plugins = config.list("authorization-plugins");
    if plugins.is_empty() {
        return;
    }
    out.push(ctx.daemon_finding(
        AuthorizationPluginFlagOnly::META.rule,
        format!(
            "the authorization plugin{} {} {} set only by `--authorization-plugin`; a configuration reload (SIGHUP) rebuilds the chain from the file and drops {}, allowing every request; list {} in `\"authorization-plugins\"` instead",
            if plugins.len() == 1 { "" } else { "s" },
            plugins.join(", "),
            if plugins.len() == 1 { "is" } else { "are" },
            if plugins.len() == 1 { "it" } else { "them" },
            if plugins.len() == 1 { "it" } else { "them" },
        ),
    ));
}
