use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container that runs as root: `--user root`, `-u 0`, `-u 0:0`,
    /// `root:<group>` (compose `user`), or no user at all when the image's
    /// configuration is known to be merged in (`docker inspect`, where an
    /// empty `Config.User` means the image runs as root too).
    ///
    /// In a compose file or a create request an unset user means "the image's
    /// `USER`", which may well be unprivileged, so it is not reported there
    /// (Dockerfile rules judge the image). When the daemon remaps users
    /// (`userns-remap`, rootless) and the container does not opt out with
    /// `--userns host`, the finding is kept (root still owns everything in the
    /// container and is the user every runc escape starts from), and the
    /// message says that root is mapped to an unprivileged host user.
    ///
    /// The CIS Docker Benchmark counts this under 4.1 (a user for the container).
    ///
    /// ## Why is this bad?
    /// Root in a container is uid 0 on the host kernel. Every isolation gap (a
    /// writable host mount, a kernel or runc bug such as CVE-2019-5736, a
    /// capability added later) is a host-root gap when the process is root,
    /// and a much smaller one when it is an unprivileged user.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --user root my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     user: root
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ docker run --user 1000:1000 my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     user: "1000:1000"
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.1 (Level 1); the number is unchanged in v1.8.0.
    /// - [docker run: --user](https://docs.docker.com/reference/cli/docker/container/run/#user)
    /// - [Isolate containers with a user namespace](https://docs.docker.com/engine/security/userns-remap/)
    /// - [CVE-2019-5736](https://nvd.nist.gov/vuln/detail/CVE-2019-5736)
    pub struct RootUser {
        severity: Medium,
        status: Stable,
        summary: "the container runs as root",
        aliases: ["CIS-4.1", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/cli/docker/container/run/#user",
            "https://docs.docker.com/engine/security/userns-remap/",
            "https://nvd.nist.gov/vuln/detail/CVE-2019-5736",
        ],
    }
}

pub(crate) fn check(spec: &ContainerSpec, ctx: &ContainerContext, out: &mut Vec<ContainerFinding>) {
    if spec.user.is_none() && !ctx.image_config_merged {
        return;
    }
    if !spec.runs_as_root() {
        return;
    }
    let who = match spec.user.as_deref() {
        Some(user) => format!("the container runs as `{user}`"),
        None => "the container runs as root (no user, neither its own nor its image's)".to_owned(),
    };
    let message = if ctx.daemon_userns_remap && !spec.namespaces.userns.is_host() {
        format!(
            "{who}; the daemon maps it to an unprivileged host user, but it is root inside the container"
        )
    } else {
        format!("{who}, which is root on the host kernel")
    };
    out.push(finding(RootUser::META.rule, SpecField::User, message));
}
