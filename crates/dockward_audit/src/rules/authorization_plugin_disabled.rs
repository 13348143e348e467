use dockward_rules::declare_rule;
use serde_json::Value;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags an authorization plugin that the daemon is configured with
    /// (`/info` `Plugins.Authorization`) but that `GET /plugins` lists as not
    /// enabled. A plugin `/plugins` does not list (a legacy plugin found by
    /// its spec file) is not judged.
    ///
    /// ## Why is this bad?
    /// `docker plugin disable` removes the plugin from the authorization
    /// chain at once, but `/info` keeps listing it (it reports the
    /// configuration), and `docker plugin enable` does not put it back: only
    /// a reload or a restart does. Until then every request is allowed.
    ///
    /// ## Example
    /// `docker plugin disable authz` on a daemon with
    /// `"authorization-plugins": ["authz"]`.
    ///
    /// Use instead: enable the plugin and reload the daemon
    /// (`systemctl reload docker`); deny `/plugins/*/disable` in the policy.
    ///
    /// ## References
    /// - [Docker: access authorization plugin](https://docs.docker.com/engine/extend/plugins_authorization/)
    /// - [Engine API: list plugins](https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Plugin/operation/PluginList)
    pub struct AuthorizationPluginDisabled {
        severity: High,
        status: Stable,
        summary: "a configured authorization plugin is disabled",
        aliases: [],
        references: [
            "https://docs.docker.com/engine/extend/plugins_authorization/",
            "https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Plugin/operation/PluginList",
        ],
    }
}

/// `name:latest` and `name` are the same plugin.
fn same_plugin(a: &str, b: &str) -> bool {
    let strip = |s: &str| s.strip_suffix(":latest").unwrap_or(s).to_owned();
    strip(a) == strip(b)
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let Some(plugins) = ctx
        .daemon_facts()
        .and_then(|d| d.plugins.as_ref())
        .and_then(Value::as_array)
    else {
        return;
    };
    for name in &ctx.daemon().authorization_plugins {
        let Some(plugin) = plugins.iter().find(|p| {
            p.get("Name")
                .and_then(Value::as_str)
                .is_some_and(|n| same_plugin(n, name))
        }) else {
            continue;
        };
        if plugin.get("Enabled").and_then(Value::as_bool) == Some(false) {
            out.push(ctx.daemon_finding(
                AuthorizationPluginDisabled::META.rule,
                format!("the authorization plugin `{name}` is configured but disabled, so requests are no longer authorized; enable it and reload the daemon"),
            ));
        }
    }
}
