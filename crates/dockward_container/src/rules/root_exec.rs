use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::{finding, is_root_user};
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags an exec session started explicitly as root (`docker exec --user
    /// root`, `-u 0`, `-u 0:0`; API `User: "root"`).
    ///
    /// An exec without a user runs as the container's user: when that is root,
    /// `root-user` reports the container, so such an exec is not reported
    /// again here. Needs the container's exec sessions (`GET /exec/{id}/json`,
    /// kept only while the exec runs); with none known, nothing is reported.
    /// docker-bench does not implement 5.24.
    ///
    /// ## Why is this bad?
    /// A container that runs as an unprivileged user is hardened on purpose;
    /// an exec as root undoes that for the session, with root's access to the
    /// container's files and capabilities. runc's CVE-2019-5736 and
    /// CVE-2024-21626 were exploited through exec sessions of a root user.
    ///
    /// ## Example
    /// ```console
    /// $ docker exec -u root -it app sh
    /// ```
    /// ```yaml
    /// # docker compose exec -u root app sh
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     user: "1000:1000"
    /// ```
    ///
    /// Use instead: exec as the container's user:
    /// ```console
    /// $ docker exec -it app sh
    /// ```
    /// ```yaml
    /// # docker compose exec app sh
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     user: "1000:1000"
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.24 (Level 2); the number is unchanged in v1.8.0.
    /// - [docker exec](https://docs.docker.com/reference/cli/docker/container/exec/)
    /// - [CVE-2019-5736](https://nvd.nist.gov/vuln/detail/CVE-2019-5736)
    /// - [CVE-2024-21626](https://nvd.nist.gov/vuln/detail/CVE-2024-21626)
    pub struct RootExec {
        severity: Low,
        status: Stable,
        summary: "an exec session runs as root",
        aliases: ["CIS-5.24", "CIS-L2"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/cli/docker/container/exec/",
            "https://nvd.nist.gov/vuln/detail/CVE-2019-5736",
            "https://nvd.nist.gov/vuln/detail/CVE-2024-21626",
        ],
    }
}

pub(crate) fn check(
    _spec: &ContainerSpec,
    ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    for exec in ctx.execs.iter().filter(|e| is_root_user(&e.user)) {
        out.push(finding(
            RootExec::META.rule,
            SpecField::Name,
            format!(
                "exec `{}` runs `{}` as user `{}`",
                exec.id, exec.command, exec.user
            ),
        ));
    }
}
