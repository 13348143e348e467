use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an image whose final stage sets no `USER`, neither itself nor
    /// through the stages it is built on (`FROM build`). The container then
    /// runs as the base image's user, which is root for nearly every image.
    ///
    /// Not reported for Windows stages (their default account depends on the
    /// base image: `ContainerUser` on Nano Server), for base images whose tag or
    /// name says `nonroot` or `rootless` (distroless `:nonroot`), nor for a
    /// final stage built on `scratch` without `CMD` or `ENTRYPOINT`, which only
    /// collects build outputs (`docker build --output`).
    ///
    /// ## Why is this bad?
    /// A process running as root in the container is root on the host's
    /// kernel: any escape (a kernel bug, a mounted socket, a writable host
    /// path, an added capability) lands with full privileges. Creating and
    /// switching to an unprivileged user is the first item of the CIS Docker
    /// Benchmark's image section (4.1).
    ///
    /// Base images meant to be extended (most official images) deliberately
    /// leave the user to the image built on them: ignore this rule for them
    /// (`ignore = ["user-missing"]` in `dockward.toml`, or
    /// `# dockward global ignore=DF085`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// COPY app /usr/local/bin/app
    /// CMD ["app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN useradd --system --uid 10001 app
    /// COPY app /usr/local/bin/app
    /// USER 10001:10001
    /// CMD ["app"]
    /// ```
    ///
    /// ## Compared with Trivy and hadolint
    /// Trivy's DS002 and Dockle's CIS-DI-0001 report a missing user as well as an
    /// explicit root user; dockward splits them into this rule and `DF006`
    /// (`last-user-root`, hadolint's DL3002), which hadolint alone has. hadolint
    /// says nothing when no `USER` is set. On the reference corpus (519 real
    /// Dockerfiles, mostly official base images) this rule fires on 423 files;
    /// Trivy's DS002 fired on 504 of the 551 files of the original corpus (it
    /// also fires on Windows images and on build-output stages).
    ///
    /// ## References
    /// - [Dockerfile reference: USER](https://docs.docker.com/reference/dockerfile/#user)
    /// - [Docker best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
    /// - [CIS Docker Benchmark v1.6.0, 4.1: ensure that a user for the container has been created](https://www.cisecurity.org/benchmark/docker)
    pub struct UserMissing {
        severity: Medium,
        status: Stable,
        summary: "the final stage sets no USER and runs as the base image's user (usually root)",
        aliases: [
            "DS002",
            "DS-0002",
            "AVD-DS-0002",
            "docker-least-privilege-user",
            "CIS-DI-0001",
            "CIS-4.1",
        ],
        references: [
            "https://docs.docker.com/reference/dockerfile/#user",
            "https://docs.docker.com/build/building/best-practices/#user",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    super::last_user_root::report_missing_user(ctx, out);
}
