use dockward_rules::declare_rule;

use super::commands::{APK, cache_mounted, commands, invocation, removes};
use crate::{Context, Violation};

const CACHE: &str = "/var/cache/apk";

declare_rule! {
    /// ## What it does
    /// Flags `apk add` without `--no-cache`.
    ///
    /// ## Why is this bad?
    /// Without `--no-cache`, apk keeps the repository indexes it needed (and,
    /// with a configured cache, the downloaded packages) under
    /// `/var/cache/apk`. They are frozen into the layer, make the image larger
    /// and go stale. `--no-cache` fetches the indexes into a temporary place
    /// and also makes a separate `apk update` unnecessary.
    ///
    /// Not reported: `apk add --no-network` (it fetches nothing, as
    /// docker-library uses it to re-add runtime dependencies after a build);
    /// the same RUN removes `/var/cache/apk` (or its content) after the
    /// `apk add`; or the RUN has a `cache`/`tmpfs` mount on `/var/cache/apk` or a
    /// parent directory.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk update && apk add ca-certificates
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apk add --no-cache ca-certificates
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3019) accepts `--no-cache` or a cache mount; Trivy (DS025) and
    /// Dockle (DKL-DI-0004) only `--no-cache`. dockward also accepts an explicit
    /// `rm -rf /var/cache/apk/*` later in the same RUN, which leaves nothing in
    /// the layer either. dockward sees `apk` behind wrappers such as `xargs`, which
    /// hadolint does not; the docker-library pattern
    /// `... | xargs -rt apk add --no-network --virtual .rundeps` is not reported
    /// because `--no-network` downloads nothing.
    ///
    /// On the 519-file corpus: 2 findings in common, 11 reported by hadolint
    /// alone, 2 by dockward alone (in a file hadolint cannot parse). The 11 are
    /// all `apk add --no-network --virtual .xxx-rundeps $runDeps` at the end of a
    /// docker-library build RUN (httpd, redis, ruby): nothing is downloaded,
    /// hadolint only looks for the `--no-cache` flag.
    ///
    /// ## References
    /// - [Alpine wiki: apk --no-cache](https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper#Local_Cache)
    /// - [Dockerfile reference: RUN --mount=type=cache](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
    /// - [Dockle DKL-DI-0004](https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md#dkl-di-0004)
    pub struct ApkCacheKept {
        severity: Low,
        status: Stable,
        summary: "`apk add` without `--no-cache`",
        aliases: [
            "DL3019",
            "DS025",
            "DS-0025",
            "AVD-DS-0025",
            "docker-purge-apk-package-cache",
            "DKL-DI-0004",
        ],
        references: [
            "https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper#Local_Cache",
            "https://docs.docker.com/reference/dockerfile/#run---mounttypecache",
            "https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md#dkl-di-0004",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        if cache_mounted(run, CACHE) {
            continue;
        }
        let cmds: Vec<_> = commands(run).collect();
        for cmd in &cmds {
            let Some(inv) = invocation(*cmd, &["apk"], &APK) else {
                continue;
            };
            if inv.subcommand() != Some("add") || inv.has(&["no-cache", "no-network"]) {
                continue;
            }
            if cmds
                .iter()
                .any(|c| c.index > cmd.index && removes(c, CACHE))
            {
                continue;
            }
            out.push(Violation::new(
                ApkCacheKept::META.rule,
                cmd.span(),
                "`apk add` without `--no-cache` leaves the package index in /var/cache/apk in this layer; add `--no-cache`",
            ));
        }
    }
}
