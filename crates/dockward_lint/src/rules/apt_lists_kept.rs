use dockward_rules::declare_rule;

use super::commands::{
    APT, cache_mounted, commands, invocation, removes, run_stage, stage_in_final_image,
};
use crate::{Context, Violation};

const LISTS: &str = "/var/lib/apt/lists";

declare_rule! {
    /// ## What it does
    /// Flags a RUN that downloads the apt package lists (`apt-get update`)
    /// and does not delete them (`rm -rf /var/lib/apt/lists/*`, or
    /// `apt-get dist-clean` with apt 2.7 and later) later in the same RUN.
    ///
    /// ## Why is this bad?
    /// The lists under `/var/lib/apt/lists` weigh tens of megabytes and are
    /// useless at run time. Files are frozen into the layer of the RUN that
    /// created them: deleting them in a later RUN does not make the image
    /// smaller. They also go stale, so keeping them invites a later
    /// `apt-get install` against old indexes.
    ///
    /// Not reported:
    /// - a RUN with a `cache` or `tmpfs` mount on `/var/lib/apt/lists` or a
    ///   parent directory (`--mount=type=cache,target=/var/lib/apt`): nothing
    ///   written there reaches the image;
    /// - a RUN in a stage that does not end up in the final image (a builder
    ///   stage whose files are only picked with `COPY --from`). The final stage
    ///   and the stages it is built on (`FROM <stage>`) are checked. `ONBUILD RUN`
    ///   triggers are always checked, as they run in the downstream image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends ca-certificates \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    /// or, with BuildKit:
    /// ```dockerfile
    /// RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    ///     --mount=type=cache,target=/var/cache/apt,sharing=locked \
    ///     apt-get update && apt-get install -y --no-install-recommends ca-certificates
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3009) accepts *any* `rm -rf ...` in the RUN as the clean-up;
    /// dockward wants the `rm` to remove `/var/lib/apt/lists` (or its
    /// content, or a parent) after the `apt-get update`, and also accepts
    /// `apt-get dist-clean` (Debian trixie's docker-library images use it). Like hadolint,
    /// dockward only checks stages that end up in the final image; hadolint
    /// decides this by the stage's alias being used in any later `FROM`,
    /// dockward follows the chain of `FROM <stage>` from the last stage.
    /// Dockle (DKL-DI-0005) checks the same in the built image's history.
    ///
    /// On the 519-file corpus: 2 findings in common, 65 reported by hadolint
    /// alone, 1 by dockward alone (in a file hadolint cannot parse). All 65 are
    /// RUNs of the trixie / noble (and newer) docker-library images that end with
    /// `apt-get dist-clean`, which removes the lists: hadolint 2.15.1 does not know
    /// that apt 2.7 command.
    ///
    /// ## References
    /// - [Docker best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - [Dockerfile reference: RUN --mount=type=cache](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
    /// - [Dockle DKL-DI-0005](https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md#dkl-di-0005)
    pub struct AptListsKept {
        severity: Low,
        status: Stable,
        summary: "`apt-get update` without deleting /var/lib/apt/lists in the same RUN",
        aliases: ["DL3009", "DKL-DI-0005"],
        references: [
            "https://docs.docker.com/build/building/best-practices/#apt-get",
            "https://docs.docker.com/reference/dockerfile/#run---mounttypecache",
            "https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md#dkl-di-0005",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        if !run.onbuild && !stage_in_final_image(ctx, run_stage(ctx, run)) {
            continue;
        }
        if cache_mounted(run, LISTS) {
            continue;
        }
        let cmds: Vec<_> = commands(run).collect();
        // The last update decides what is left in the layer.
        let Some(update) = cmds.iter().rev().find(|cmd| {
            invocation(**cmd, &["apt-get", "apt"], &APT)
                .is_some_and(|inv| inv.subcommand() == Some("update"))
        }) else {
            continue;
        };
        let cleaned = cmds.iter().filter(|c| c.index > update.index).any(|c| {
            removes(c, LISTS)
                || invocation(*c, &["apt-get", "apt"], &APT)
                    .is_some_and(|inv| inv.subcommand() == Some("dist-clean"))
        });
        if !cleaned {
            out.push(Violation::new(
                AptListsKept::META.rule,
                update.span(),
                format!(
                    "`{} update` leaves the package lists in this layer; delete them with `rm -rf /var/lib/apt/lists/*` at the end of the same RUN",
                    update.program()
                ),
            ));
        }
    }
}
