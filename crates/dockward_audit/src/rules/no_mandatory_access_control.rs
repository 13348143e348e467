use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags a host where neither AppArmor nor SELinux confines containers:
    /// no `apparmor` or `selinux` in `/sys/kernel/security/lsm`, AppArmor
    /// not enabled, SELinux off, and the daemon's `/info` reports neither
    /// `name=apparmor` nor `name=selinux`. Also flags an SELinux host whose
    /// daemon does not label containers (`selinux-enabled` off) when AppArmor
    /// is absent. Nothing is reported when the facts say nothing about the
    /// LSMs.
    ///
    /// ## Why is this bad?
    /// A mandatory access control profile (`docker-default` for AppArmor,
    /// `container_t` for SELinux) is the layer that still blocks a
    /// container's root from writing `/proc/sys`, mounting filesystems or
    /// reading host files when a capability or a mount is too generous.
    /// Without one, the CIS container checks 5.2 and 5.3 cannot pass.
    ///
    /// ## Example
    /// A Debian host booted without AppArmor (`apparmor=0`).
    ///
    /// Use instead: enable AppArmor (Debian, Ubuntu, SUSE) or SELinux in
    /// enforcing mode with `"selinux-enabled": true` (Fedora, RHEL).
    ///
    /// ## References
    /// - [Docker: AppArmor security profiles](https://docs.docker.com/engine/security/apparmor/)
    /// - [dockerd: --selinux-enabled](https://docs.docker.com/reference/cli/dockerd/)
    /// - [CIS Docker Benchmark v1.6.0, 5.2 and 5.3](https://www.cisecurity.org/benchmark/docker)
    pub struct NoMandatoryAccessControl {
        severity: Medium,
        status: Stable,
        summary: "no AppArmor or SELinux confines containers",
        aliases: [],
        references: [
            "https://docs.docker.com/engine/security/apparmor/",
            "https://docs.docker.com/reference/cli/dockerd/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let lsm = ctx.host().map(|h| &h.lsm);
    let active = lsm.and_then(|l| l.active.as_ref());
    let listed = |name: &str| active.is_some_and(|a| a.iter().any(|m| m.trim() == name));
    let apparmor = listed("apparmor")
        || lsm.and_then(|l| l.apparmor_enabled) == Some(true)
        || ctx.daemon().apparmor;
    let selinux_host = listed("selinux") || lsm.is_some_and(|l| l.selinux_mode.is_some());
    let selinux_enforcing = lsm
        .and_then(|l| l.selinux_mode.as_deref())
        .is_some_and(|m| m == "enforcing");
    if apparmor {
        return;
    }
    if selinux_enforcing {
        if ctx.daemon().has_info && !ctx.daemon().selinux_enabled {
            out.push(ctx.host_finding(
                NoMandatoryAccessControl::META.rule,
                "SELinux is enforcing on the host, but the daemon does not label containers (`selinux-enabled` is off); set `\"selinux-enabled\": true`",
            ));
        }
        return;
    }
    if selinux_host {
        out.push(ctx.host_finding(
            NoMandatoryAccessControl::META.rule,
            "SELinux is permissive, so container labels are not enforced, and AppArmor is off; set SELinux to enforcing",
        ));
        return;
    }
    let evidence =
        active.is_some() || lsm.and_then(|l| l.apparmor_enabled).is_some() || ctx.daemon().has_info;
    if !evidence {
        return;
    }
    out.push(ctx.host_finding(
        NoMandatoryAccessControl::META.rule,
        "neither AppArmor nor SELinux is active, so no mandatory access control profile confines containers; enable AppArmor or SELinux",
    ));
}
