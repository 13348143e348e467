use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, Healthcheck, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container without a health check:
    ///
    /// - always, when the health check is disabled (`--no-healthcheck`,
    ///   compose `healthcheck: {disable: true}`, `Test: ["NONE"]`), which also
    ///   overrides one the image defines;
    /// - when none is set and the image's configuration is known to be merged
    ///   in (a running container's `docker inspect`). In a compose file or a
    ///   create request an unset health check means "the image's", which may
    ///   have one, so it is not reported there.
    ///
    /// docker-bench's 5.27 reads `State.Health`, which only exists for a
    /// running container with a health check.
    ///
    /// ## Why is this bad?
    /// Without a health check Docker only knows whether the main process
    /// exists. A hung or deadlocked service stays "Up", `depends_on:
    /// condition: service_healthy` cannot wait for it, and nothing restarts or
    /// reports it.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --no-healthcheck my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     healthcheck:
    ///       disable: true
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ docker run --health-cmd 'wget -qO- http://localhost:8080/health || exit 1' --health-interval 30s my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     healthcheck:
    ///       test: ["CMD", "wget", "-qO-", "http://localhost:8080/health"]
    ///       interval: 30s
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.27 (Level 1); the number is unchanged in v1.8.0.
    /// - [docker run: health checks](https://docs.docker.com/reference/cli/docker/container/run/#healthcheck)
    /// - [Compose file: healthcheck](https://docs.docker.com/reference/compose-file/services/#healthcheck)
    pub struct ContainerHealthcheckMissing {
        severity: Low,
        status: Stable,
        summary: "the container has no health check",
        aliases: ["CIS-5.27", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/cli/docker/container/run/#healthcheck",
            "https://docs.docker.com/reference/compose-file/services/#healthcheck",
        ],
    }
}

pub(crate) fn check(spec: &ContainerSpec, ctx: &ContainerContext, out: &mut Vec<ContainerFinding>) {
    let message = match spec.healthcheck {
        Healthcheck::Disabled => {
            "the health check is disabled (`NONE`), overriding any in the image"
        }
        Healthcheck::None if ctx.image_config_merged => {
            "the container has no health check, neither its own nor its image's"
        }
        Healthcheck::None | Healthcheck::Configured(_) => return,
    };
    out.push(finding(
        ContainerHealthcheckMissing::META.rule,
        SpecField::Healthcheck,
        message,
    ));
}
