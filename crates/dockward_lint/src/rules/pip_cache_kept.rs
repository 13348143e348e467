use dockward_rules::declare_rule;

use super::commands::{cache_mounted, commands, env_set_before, env_set_in_run, pip_install};
use crate::{Context, RunInfo, Violation};

const ENV: &str = "PIP_NO_CACHE_DIR";

declare_rule! {
    /// ## What it does
    /// Flags `pip install` (also `pip3`, `python -m pip`) without
    /// `--no-cache-dir`.
    ///
    /// ## Why is this bad?
    /// pip keeps every downloaded and built wheel in its cache
    /// (`~/.cache/pip`, `/root/.cache/pip` for root). In an image the cache is
    /// never reused, but it is frozen into the layer and can add hundreds of
    /// megabytes.
    ///
    /// Not reported when the cache is off or does not reach the image:
    /// - `PIP_NO_CACHE_DIR` is set by an `ENV` (or an `ARG` with a default) earlier
    ///   in the stage or in a stage it is built on, as a prefix of the command
    ///   (`PIP_NO_CACHE_DIR=1 pip install ...`), or by an earlier `export` in the
    ///   same RUN;
    /// - the RUN has a `cache` or `tmpfs` mount on the pip cache directory or a
    ///   parent (`--mount=type=cache,target=/root/.cache/pip`, or
    ///   `target=/root/.cache`), or on any `.../.cache/pip` / `.../.cache`
    ///   directory (another user's home).
    ///
    /// `pipx` and `pipenv` manage their own caches and are not checked.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    /// or keep the cache between builds without putting it in the image:
    /// ```dockerfile
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3042) accepts a cache mount on `/root/.cache/pip` but not on a
    /// parent (`/root/.cache`) or on another user's cache, and only accepts
    /// `PIP_NO_CACHE_DIR` with a "truthy" value. pip disables its cache for any
    /// boolean value of the variable, `0` and `false` included (kept that way
    /// for backward compatibility), so dockward accepts any non-empty value.
    ///
    /// ## References
    /// - [pip: caching, --no-cache-dir](https://pip.pypa.io/en/stable/topics/caching/)
    /// - [pip: configuration through environment variables](https://pip.pypa.io/en/stable/topics/configuration/#environment-variables)
    /// - [Dockerfile reference: RUN --mount=type=cache](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
    pub struct PipCacheKept {
        severity: Medium,
        status: Stable,
        summary: "`pip install` without `--no-cache-dir`",
        aliases: ["DL3042"],
        references: [
            "https://pip.pypa.io/en/stable/topics/caching/",
            "https://pip.pypa.io/en/stable/topics/configuration/#environment-variables",
            "https://docs.docker.com/reference/dockerfile/#run---mounttypecache",
        ],
    }
}

/// True when a cache/tmpfs mount of the RUN holds a pip cache directory.
fn cache_dir_mounted(run: &RunInfo<'_>) -> bool {
    if cache_mounted(run, "/root/.cache/pip") {
        return true;
    }
    let dockward_dockerfile::InstructionKind::Run(r) = &run.instruction.kind else {
        return false;
    };
    r.mounts.iter().any(|m| {
        let kind = m.kind.to_ascii_lowercase();
        (kind == "cache" || kind == "tmpfs")
            && m.target().is_some_and(|t| {
                let t = t.trim_end_matches('/');
                t.ends_with("/.cache/pip") || t.ends_with("/.cache")
            })
    })
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        if cache_dir_mounted(run) || env_set_before(ctx, run.index, ENV) {
            continue;
        }
        for cmd in commands(run) {
            let Some(inv) = pip_install(cmd) else {
                continue;
            };
            if inv.has(&["no-cache-dir"]) || env_set_in_run(run, &cmd, ENV) {
                continue;
            }
            out.push(Violation::new(
                PipCacheKept::META.rule,
                cmd.span(),
                "`pip install` keeps downloaded packages in its cache inside this layer; add `--no-cache-dir`",
            ));
        }
    }
}
