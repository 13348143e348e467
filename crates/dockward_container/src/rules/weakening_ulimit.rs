use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a `--ulimit` (compose `ulimits`, `HostConfig.Ulimits`) that
    /// removes a limit: a soft or hard value of `-1` (unlimited), for any
    /// resource (`nproc`, `nofile`, `memlock`, `core`, `fsize`, ...).
    ///
    /// Raising a limit to a number is not reported: the right number depends
    /// on the service. CIS 5.19 only asks that default ulimits are overridden
    /// when needed; docker-bench reports an *empty* `Ulimits` as information.
    ///
    /// ## Why is this bad?
    /// Resource limits are a last line against runaway or hostile processes:
    /// `nproc` against fork bombs, `memlock` against pinning host memory that
    /// cannot be swapped, `core` against dumping process memory (and secrets)
    /// to disk, `fsize` against filling a disk. "Unlimited" removes that line
    /// for the container.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --ulimit memlock=-1:-1 my/search:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   search:
    ///     image: my/search:1.0
    ///     ulimits:
    ///       memlock:
    ///         soft: -1
    ///         hard: -1
    /// ```
    ///
    /// Use instead: a bound that fits the service (and a memory limit):
    /// ```console
    /// $ docker run --memory 2g --ulimit memlock=1073741824:1073741824 my/search:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   search:
    ///     image: my/search:1.0
    ///     mem_limit: 2g
    ///     ulimits:
    ///       memlock: 1073741824
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.19 (Level 1); the number is unchanged in v1.8.0.
    /// - [docker run: --ulimit](https://docs.docker.com/reference/cli/docker/container/run/#ulimit)
    /// - [getrlimit(2)](https://man7.org/linux/man-pages/man2/getrlimit.2.html)
    pub struct WeakeningUlimit {
        severity: Low,
        status: Stable,
        summary: "a ulimit is set to unlimited",
        aliases: ["CIS-5.19", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/cli/docker/container/run/#ulimit",
            "https://man7.org/linux/man-pages/man2/getrlimit.2.html",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    for (i, ulimit) in spec.ulimits.iter().enumerate() {
        let which = match (ulimit.soft < 0, ulimit.hard < 0) {
            (true, true) => "soft and hard limits",
            (true, false) => "soft limit",
            (false, true) => "hard limit",
            (false, false) => continue,
        };
        out.push(finding(
            WeakeningUlimit::META.rule,
            SpecField::Ulimit(i),
            format!("ulimit `{}` sets the {which} to unlimited", ulimit.name),
        ));
    }
}
