use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container without `no-new-privileges`: no `--security-opt
    /// no-new-privileges` (compose `security_opt: [no-new-privileges:true]`),
    /// or `no-new-privileges=false`, unless the daemon sets it for every
    /// container (`"no-new-privileges": true` in daemon.json, shown as
    /// `name=no-new-privileges` in `docker info`'s security options).
    ///
    /// docker-bench's 5.26 looks for the substring, so it counts
    /// `no-new-privileges=false` as set.
    ///
    /// ## Why is this bad?
    /// Without the flag, a process in the container can gain privileges by
    /// executing a setuid or setgid binary (`su`, `sudo`, `passwd`, `ping` on
    /// older images) or one with file capabilities. With it, the kernel's
    /// `PR_SET_NO_NEW_PRIVS` makes `execve` never grant more than the caller
    /// had: a compromised unprivileged process stays unprivileged.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --user 1000 my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     user: "1000"
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ docker run --user 1000 --security-opt no-new-privileges my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     user: "1000"
    ///     security_opt:
    ///       - no-new-privileges:true
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.26 (Level 1); the number is unchanged in v1.8.0.
    /// - [docker run: --security-opt](https://docs.docker.com/reference/cli/docker/container/run/#security-opt)
    /// - [Kernel docs: no_new_privs](https://docs.kernel.org/userspace-api/no_new_privs.html)
    pub struct NoNewPrivilegesNotSet {
        severity: Medium,
        status: Stable,
        summary: "the container can gain privileges through setuid binaries (no `no-new-privileges`)",
        aliases: ["CIS-5.26", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/cli/docker/container/run/#security-opt",
            "https://docs.kernel.org/userspace-api/no_new_privs.html",
        ],
    }
}

pub(crate) fn check(spec: &ContainerSpec, ctx: &ContainerContext, out: &mut Vec<ContainerFinding>) {
    if spec.security.no_new_privileges || ctx.daemon_no_new_privileges {
        return;
    }
    out.push(finding(
        NoNewPrivilegesNotSet::META.rule,
        SpecField::NoNewPrivileges,
        "`no-new-privileges` is not set: setuid and file-capability binaries can raise privileges",
    ));
}
