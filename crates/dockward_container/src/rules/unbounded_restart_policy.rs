use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, RestartPolicyName, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a restart policy that restarts a failing container without bound:
    /// `always`, `unless-stopped`, or `on-failure` with no retry limit
    /// (`on-failure`, `MaximumRetryCount: 0`) or a limit above 5. The CIS
    /// benchmark recommends `on-failure` with at most 5 retries; docker-bench's
    /// 5.15 passes `always` and `unless-stopped` because their retry count is 0.
    ///
    /// ## Why is this bad?
    /// A container that keeps crashing and restarting hides the failure, keeps
    /// consuming resources, and turns a crash bug into a denial of service of
    /// the host (each restart sets up namespaces, mounts and networking). A
    /// bounded `on-failure` policy survives transient failures and then stops,
    /// so the failure is seen.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --restart always my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     restart: unless-stopped
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ docker run --restart on-failure:5 my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     restart: on-failure:5
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.15 (Level 1); the number is unchanged in v1.8.0.
    /// - [Start containers automatically](https://docs.docker.com/engine/containers/start-containers-automatically/)
    /// - [Compose file: restart](https://docs.docker.com/reference/compose-file/services/#restart)
    pub struct UnboundedRestartPolicy {
        severity: Low,
        status: Stable,
        summary: "the restart policy restarts a failing container without bound",
        aliases: ["CIS-5.15", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/containers/start-containers-automatically/",
            "https://docs.docker.com/reference/compose-file/services/#restart",
        ],
    }
}

/// The CIS benchmark's bound on `on-failure` retries.
const MAX_RETRIES: i64 = 5;

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    let retries = spec.restart.max_retries;
    let message = match spec.restart.name {
        RestartPolicyName::No => return,
        RestartPolicyName::OnFailure if (1..=MAX_RETRIES).contains(&retries) => return,
        RestartPolicyName::Always => {
            "restart policy `always` restarts the container forever; use `on-failure:5`".to_owned()
        }
        RestartPolicyName::UnlessStopped => {
            "restart policy `unless-stopped` restarts the container forever; use `on-failure:5`"
                .to_owned()
        }
        RestartPolicyName::OnFailure if retries <= 0 => {
            "restart policy `on-failure` has no retry limit; use `on-failure:5`".to_owned()
        }
        RestartPolicyName::OnFailure => {
            format!("restart policy `on-failure:{retries}` allows more than {MAX_RETRIES} retries")
        }
    };
    out.push(finding(
        UnboundedRestartPolicy::META.rule,
        SpecField::Restart,
        message,
    ));
}
