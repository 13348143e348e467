use dockward_rules::declare_rule;

use super::commands::{GO, Pin, commands, go_pin, invocation};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `go install path@latest` and the other moving version queries
    /// (`@upgrade`, `@patch`, and the branches `@master`, `@main`, `@HEAD`).
    ///
    /// ## Why is this bad?
    /// `go install path@latest` fetches whatever the newest release is on the
    /// day of the build (a branch name: whatever its newest commit is). Builds
    /// then differ from day to day and a bad release is picked up at once.
    ///
    /// Accepted: `path@vX.Y.Z`, a commit hash, a variable
    /// (`path@${GOPLS_VERSION}`). A path without `@version` (`go install
    /// github.com/x/tool`, `go install ./cmd/app`, `go install tool`) builds
    /// with the versions of the current module's `go.mod`, and fails outside a
    /// module, so it is pinned by `go.mod` and not reported. Build flags that
    /// take a value (`-ldflags`, `-tags`, `-o`, ...) are skipped with their
    /// value. The cross-compilation wrapper `xx-go` counts as `go`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN go install golang.org/x/tools/gopls@latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN go install golang.org/x/tools/gopls@v0.16.2
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3062) also reports `@latest`, but accepts the other moving
    /// queries (`@master`, `@upgrade`); and it reports a module path without
    /// `@version`, which dockward takes as pinned by `go.mod`. On the 519-file
    /// corpus hadolint's two DL3062 findings are `go install tool <path>` in a
    /// RUN that bind-mounts the module's `go.mod` and `go.sum` (pinned), and
    /// dockward's two (`gopls@latest`, `gocovmerge@latest`) are in moby and
    /// buildkit Dockerfiles that hadolint cannot parse.
    ///
    /// ## References
    /// - [go install](https://go.dev/ref/mod#go-install)
    /// - [Go modules: version queries](https://go.dev/ref/mod#version-queries)
    pub struct GoInstallUnpinned {
        severity: Medium,
        status: Stable,
        summary: "`go install` of a package at a moving version (`@latest`)",
        aliases: ["DL3062"],
        references: [
            "https://go.dev/ref/mod#go-install",
            "https://go.dev/ref/mod#version-queries",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = invocation(cmd, &["go"], &GO) else {
                continue;
            };
            if inv.subcommand() != Some("install") {
                continue;
            }
            for package in inv.targets() {
                if go_pin(package) != Pin::Unpinned {
                    continue;
                }
                let path = package
                    .text
                    .rsplit_once('@')
                    .map_or(package.text.as_str(), |(path, _)| path);
                out.push(Violation::new(
                    GoInstallUnpinned::META.rule,
                    package.span,
                    format!(
                        "`{}` names a moving version, so each build may get a different one; use `{path}@<version>`",
                        package.text
                    ),
                ));
            }
        }
    }
}
