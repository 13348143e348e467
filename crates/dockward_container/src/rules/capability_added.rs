use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::{DEFAULT_CAPABILITIES, finding};
use super::dangerous_capability_added::is_dangerous;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags each capability added with `--cap-add` (compose `cap_add`) that
    /// Docker does not grant by default and that is not one of the dangerous
    /// capabilities `dangerous-capability-added` reports (`SYS_ADMIN`, `ALL`,
    /// ...). Examples: `IPC_LOCK`, `SYS_NICE`, `SYS_RESOURCE`, `AUDIT_CONTROL`,
    /// `LINUX_IMMUTABLE`, `WAKE_ALARM`.
    ///
    /// Adding back one of Docker's 14 default capabilities (`CHOWN`,
    /// `NET_BIND_SERVICE`, ...) after `--cap-drop ALL` is the recommended
    /// pattern and is not reported. Names are compared as the daemon compares
    /// them: any case, with or without `CAP_`.
    ///
    /// ## Why is this bad?
    /// Every capability widens what root in the container may do to the
    /// kernel. `SYS_RESOURCE` lifts resource limits and quotas, `IPC_LOCK`
    /// locks memory, `SYS_NICE` starves other workloads of CPU,
    /// `LINUX_IMMUTABLE` changes immutable files on bind mounts. Each should be
    /// a deliberate, documented need.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --cap-add SYS_RESOURCE redis:7
    /// ```
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7
    ///     cap_add:
    ///       - SYS_RESOURCE
    /// ```
    ///
    /// Use instead: configure the limit from outside (`--ulimit`, `--memory`)
    /// and drop what the service does not need:
    /// ```console
    /// $ docker run --cap-drop ALL --cap-add SETUID --cap-add SETGID redis:7
    /// ```
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7
    ///     cap_drop: [ALL]
    ///     cap_add: [SETUID, SETGID]
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.4 (Level 1); the number is unchanged in v1.8.0.
    /// - [Runtime privilege and Linux capabilities](https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities)
    /// - [capabilities(7)](https://man7.org/linux/man-pages/man7/capabilities.7.html)
    pub struct CapabilityAdded {
        severity: Low,
        status: Stable,
        summary: "a capability beyond Docker's default set is added",
        aliases: ["CIS-5.4", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities",
            "https://man7.org/linux/man-pages/man7/capabilities.7.html",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    for cap in &spec.cap_add {
        if DEFAULT_CAPABILITIES.contains(&cap.as_str()) || is_dangerous(cap) {
            continue;
        }
        out.push(finding(
            CapabilityAdded::META.rule,
            SpecField::CapAdd(cap.clone()),
            format!("capability `{cap}` is added beyond Docker's default set"),
        ));
    }
}
