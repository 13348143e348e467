use dockward_dockerfile::Keyword;
use dockward_rules::declare_rule;

use super::relative_workdir::{unquote, with_triggers};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `RUN --security=insecure`.
    ///
    /// ## Why is this bad?
    /// The flag runs the build step like `docker run --privileged`: all
    /// capabilities, no seccomp or AppArmor profile, access to host devices.
    /// Whatever the step executes, including every script a package manager
    /// downloads, can take over the build host or the builder's other
    /// builds. It needs the `security.insecure` entitlement precisely because
    /// it is dangerous; steps that need it (loop devices, nested containers)
    /// belong in a dedicated, isolated builder.
    ///
    /// `RUN --network=host` is not flagged: it also needs an entitlement
    /// (`network.host`) but gives the step the host's network, not its
    /// privileges.
    ///
    /// ## Example
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM debian:12.8-slim
    /// RUN --security=insecure mount -t tmpfs none /mnt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM debian:12.8-slim
    /// RUN --mount=type=tmpfs,target=/mnt ls /mnt
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: RUN --security](https://docs.docker.com/reference/dockerfile/#run---security)
    /// - [docker buildx build --allow](https://docs.docker.com/reference/cli/docker/buildx/build/#allow)
    pub struct RunSecurityInsecure {
        severity: High,
        status: Stable,
        summary: "RUN --security=insecure runs a privileged build step",
        aliases: [],
        references: [
            "https://docs.docker.com/reference/dockerfile/#run---security",
            "https://docs.docker.com/reference/cli/docker/buildx/build/#allow",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in with_triggers(ctx.instructions()) {
        if instruction.keyword != Keyword::Run {
            continue;
        }
        for flag in &instruction.flags {
            let insecure = flag.name.eq_ignore_ascii_case("security")
                && flag
                    .value
                    .as_deref()
                    .is_some_and(|v| unquote(v).eq_ignore_ascii_case("insecure"));
            if insecure {
                out.push(Violation::new(
                    RunSecurityInsecure::META.rule,
                    flag.span,
                    "`--security=insecure` runs this step with all privileges and no sandbox, like `docker run --privileged`",
                ));
            }
        }
    }
}
