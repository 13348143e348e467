use dockward_rules::declare_rule;

use super::helpers::{GO, Pin, commands, go_pin, invocation};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags packages given to `go install` without a version
    /// (`golang.org/x/tools/gopls` instead of `golang.org/x/tools/gopls@v0.16.2`),
    /// or with the moving version `@latest`.
    ///
    /// ## Why is this bad?
    /// `go install path@latest` fetches whatever the newest tagged release is
    /// on the day of the build; a path without a version is resolved the same
    /// way outside a module. Builds then differ from day to day and a bad
    /// release is picked up at once.
    ///
    /// Accepted: `path@vX.Y.Z`, a commit or branch (`path@abc123`), a variable
    /// (`path@${GOPLS_VERSION}`); local packages (`.`, `./cmd/x`, `./...`) and
    /// the meta-packages `tool`, `all`, `std`, `cmd`, which build from the
    /// current module, pinned by its `go.mod`. Build flags that take a value
    /// (`-ldflags`, `-tags`, `-o`, ...) are skipped with their value. Wrappers
    /// such as `xx-go` (cross-compilation) are not recognised.
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
    /// hadolint (DL3062) accepts any `@version`, `@latest` included; dockward
    /// reports `@latest`.
    ///
    /// ## References
    /// - [go install](https://go.dev/ref/mod#go-install)
    /// - [Go modules: version queries](https://go.dev/ref/mod#version-queries)
    pub struct GoInstallUnpinned {
        severity: Medium,
        status: Stable,
        summary: "`go install` of a package without a fixed version",
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
                    .strip_suffix("@latest")
                    .unwrap_or(&package.text);
                out.push(Violation::new(
                    GoInstallUnpinned::META.rule,
                    package.span,
                    format!(
                        "`{}` is installed without a fixed version, so each build may get a different one; use `{path}@<version>`",
                        package.text
                    ),
                ));
            }
        }
    }
}
