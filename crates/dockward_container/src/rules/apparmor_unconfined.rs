use dockward_rules::declare_rule;
use dockward_spec::{AppArmorProfile, ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container that runs without an AppArmor profile:
    ///
    /// - `--security-opt apparmor=unconfined` (compose `security_opt: [apparmor:unconfined]`);
    /// - `--privileged` without an explicit `apparmor=` profile: the daemon
    ///   then applies no profile at all (not reported when the caller knows the
    ///   host has no AppArmor: `privileged-container` covers it there);
    /// - a running container (`docker inspect`) whose `AppArmorProfile` is
    ///   empty or `unconfined` on a host where AppArmor is enabled.
    ///
    /// On a host without AppArmor (SELinux distributions) an empty
    /// `AppArmorProfile` is normal and not reported; docker-bench's 5.2
    /// reports it there anyway.
    ///
    /// ## Why is this bad?
    /// Docker's `docker-default` profile denies writes to most of `/proc` and
    /// `/sys`, mounts, and access to kernel interfaces a container has no use
    /// for. Several container escapes (cgroup `release_agent`, writes to
    /// `/proc/sys/kernel/core_pattern`) are blocked by it even when a
    /// capability was granted. Without it, the capabilities and seccomp are all
    /// that is left.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --security-opt apparmor=unconfined nginx:1.27
    /// ```
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     security_opt:
    ///       - apparmor:unconfined
    /// ```
    ///
    /// Use instead: the default profile (omit the option), or a profile of
    /// your own loaded with `apparmor_parser`:
    /// ```console
    /// $ docker run --security-opt apparmor=my-nginx nginx:1.27
    /// ```
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     security_opt:
    ///       - apparmor=my-nginx
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.2 (Level 1); the number is unchanged in v1.8.0.
    /// - [AppArmor security profiles for Docker](https://docs.docker.com/engine/security/apparmor/)
    /// - [docker run: --security-opt](https://docs.docker.com/reference/cli/docker/container/run/#security-opt)
    /// - [Kernel docs: AppArmor](https://docs.kernel.org/admin-guide/LSM/apparmor.html)
    pub struct AppArmorUnconfined {
        severity: High,
        status: Stable,
        summary: "the container runs without an AppArmor profile",
        aliases: ["CIS-5.2", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/security/apparmor/",
            "https://docs.docker.com/reference/cli/docker/container/run/#security-opt",
            "https://docs.kernel.org/admin-guide/LSM/apparmor.html",
        ],
    }
}

pub(crate) fn check(spec: &ContainerSpec, ctx: &ContainerContext, out: &mut Vec<ContainerFinding>) {
    let rule = AppArmorUnconfined::META.rule;
    match &spec.security.apparmor {
        AppArmorProfile::Unconfined => {
            out.push(finding(
                rule,
                SpecField::AppArmor,
                "`apparmor=unconfined` turns off AppArmor for this container",
            ));
            return;
        }
        // On a host known to have no AppArmor, nothing was lost: the
        // privileged rule already reports the container.
        AppArmorProfile::Default if spec.privileged && ctx.host_apparmor != Some(false) => {
            out.push(finding(
                rule,
                SpecField::Privileged,
                "a privileged container runs without an AppArmor profile unless one is named with `apparmor=<profile>`",
            ));
            return;
        }
        AppArmorProfile::Default | AppArmorProfile::Named(_) => {}
    }
    if ctx.host_apparmor == Some(true)
        && let Some(profile) = ctx.effective_apparmor_profile.as_deref()
        && (profile.is_empty() || profile == "unconfined")
    {
        let shown = if profile.is_empty() { "none" } else { profile };
        out.push(finding(
            rule,
            SpecField::AppArmor,
            format!(
                "the container runs with AppArmor profile `{shown}` although the host has AppArmor enabled"
            ),
        ));
    }
}
