use dockward_rules::declare_rule;

use super::commands::{Cmd, YARN, commands, invocation, path_covers};
use crate::{Context, RunInfo, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `yarn install` (also a bare `yarn`, `yarn add`, `yarn global add`)
    /// that is not followed by `yarn cache clean` in the same RUN.
    ///
    /// ## Why is this bad?
    /// yarn copies every package it fetches into its global cache
    /// (`/usr/local/share/.cache/yarn` for root, `~/.cache/yarn` otherwise).
    /// Left in the layer, the cache often weighs as much as `node_modules`
    /// itself and is never used at run time.
    ///
    /// Accepted as the clean-up, after the install in the same RUN:
    /// `yarn cache clean`, or an `rm` of a yarn cache directory (a path ending in
    /// `.cache/yarn` or `.yarn-cache`, or the folder given to
    /// `--cache-folder`). Also not reported: a RUN with a `cache`/`tmpfs` mount
    /// whose target contains `yarn` (where the cache is expected to live).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yarn install --frozen-lockfile
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN yarn install --frozen-lockfile && yarn cache clean
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3060) only looks at `yarn install` and accepts `yarn cache
    /// clean` or a cache mount; dockward also checks a bare `yarn`, `yarn add` and
    /// `yarn global add`, and also accepts removing the cache directory.
    ///
    /// ## References
    /// - [yarn cache](https://classic.yarnpkg.com/en/docs/cli/cache)
    /// - [yarn install](https://classic.yarnpkg.com/en/docs/cli/install)
    /// - [Dockerfile reference: RUN --mount=type=cache](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
    pub struct YarnCacheKept {
        severity: Low,
        status: Stable,
        summary: "`yarn install` without `yarn cache clean` in the same RUN",
        aliases: ["DL3060"],
        references: [
            "https://classic.yarnpkg.com/en/docs/cli/cache",
            "https://classic.yarnpkg.com/en/docs/cli/install",
            "https://docs.docker.com/reference/dockerfile/#run---mounttypecache",
        ],
    }
}

/// True when `cmd` installs packages (and so fills the cache).
fn installs(cmd: Cmd<'_>) -> bool {
    let Some(inv) = invocation(cmd, &["yarn"], &YARN) else {
        return false;
    };
    match inv.subcommand() {
        Some("install" | "add") => true,
        Some("global") => inv.targets().first().is_some_and(|w| w.text == "add"),
        // A bare `yarn` installs; `yarn --version` / `--help` do not.
        None => !inv.has(&["v", "version", "h", "help"]),
        Some(_) => false,
    }
}

fn cleans(cmd: Cmd<'_>) -> bool {
    if let Some(inv) = invocation(cmd, &["yarn"], &YARN) {
        return inv.subcommand() == Some("cache")
            && inv.targets().first().is_some_and(|w| w.text == "clean");
    }
    cmd.is("rm")
        && cmd.args.iter().any(|w| {
            let t = w.text.trim_end_matches('*').trim_end_matches('/');
            let last = t.rsplit('/').next().unwrap_or(t);
            t.ends_with(".cache/yarn") || matches!(last, ".yarn-cache" | ".cache")
        })
}

fn yarn_mount(run: &RunInfo<'_>) -> bool {
    let dockward_dockerfile::InstructionKind::Run(r) = &run.instruction.kind else {
        return false;
    };
    r.mounts.iter().any(|m| {
        let kind = m.kind.to_ascii_lowercase();
        (kind == "cache" || kind == "tmpfs") && m.target().is_some_and(|t| t.contains("yarn"))
    })
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        if yarn_mount(run) {
            continue;
        }
        let cmds: Vec<_> = commands(run).collect();
        for cmd in &cmds {
            if !installs(*cmd) {
                continue;
            }
            let folder: Vec<&str> = invocation(*cmd, &["yarn"], &YARN)
                .map(|inv| inv.values(&["cache-folder"]).collect())
                .unwrap_or_default();
            let cleaned = cmds.iter().filter(|c| c.index > cmd.index).any(|c| {
                cleans(*c)
                    || (c.is("rm")
                        && c.args
                            .iter()
                            .any(|w| folder.iter().any(|f| path_covers(&w.text, f))))
            });
            if cleaned {
                continue;
            }
            out.push(Violation::new(
                YarnCacheKept::META.rule,
                cmd.span(),
                "yarn keeps a copy of every fetched package in its cache inside this layer; add `yarn cache clean` at the end of the same RUN",
            ));
        }
    }
}
