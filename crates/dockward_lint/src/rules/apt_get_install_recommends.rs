use dockward_rules::declare_rule;

use super::commands::{APT, APT_SIMULATE, commands, invocation};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `apt-get install` without `--no-install-recommends`.
    ///
    /// ## Why is this bad?
    /// By default apt also installs every package the requested ones
    /// *recommend*: documentation tools, daemons, fonts, compilers. They make
    /// the image larger, slower to pull, and add software (and CVEs) the
    /// container never uses.
    ///
    /// Also accepted: `-o APT::Install-Recommends=false` (or `=0`). A
    /// simulation (`-s`) installs nothing and is not reported. Settings written
    /// to `/etc/apt/apt.conf.d/` by an earlier RUN are not tracked: pass the
    /// option on the command line.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y python3 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends python3 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3015) also reports `apt-get install -s pkg` (a dry run, as
    /// docker-library/postgres uses to test whether a package exists);
    /// dockward does not. On the 519-file corpus: 4 findings in common
    /// (docker-library/mongo), 2 reported by hadolint alone (that postgres case).
    ///
    /// ## References
    /// - [Docker best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - [apt.conf(5): APT::Install-Recommends](https://manpages.debian.org/bookworm/apt/apt.conf.5.en.html)
    pub struct AptGetInstallRecommends {
        severity: Low,
        status: Stable,
        summary: "`apt-get install` without `--no-install-recommends`",
        aliases: [
            "DL3015",
            "DS029",
            "DS-0029",
            "AVD-DS-0029",
            "docker-use-apt-no-install-recommends",
        ],
        references: [
            "https://docs.docker.com/build/building/best-practices/#apt-get",
            "https://manpages.debian.org/bookworm/apt/apt.conf.5.en.html",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = invocation(cmd, &["apt-get"], &APT) else {
                continue;
            };
            if inv.subcommand() != Some("install") || inv.has(APT_SIMULATE) {
                continue;
            }
            let no_recommends = inv.has(&["no-install-recommends"])
                || inv.values(&["o", "option"]).any(|v| {
                    let (key, value) = v.split_once('=').unwrap_or((v, ""));
                    key.eq_ignore_ascii_case("APT::Install-Recommends")
                        && matches!(value.to_ascii_lowercase().as_str(), "0" | "false" | "no")
                });
            if no_recommends {
                continue;
            }
            out.push(Violation::new(
                AptGetInstallRecommends::META.rule,
                cmd.span(),
                "`apt-get install` also installs recommended packages the image does not need; add `--no-install-recommends`",
            ));
        }
    }
}
