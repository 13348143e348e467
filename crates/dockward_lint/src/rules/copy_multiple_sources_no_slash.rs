use dockward_dockerfile::InstructionKind;
use dockward_rules::declare_rule;

use super::relative_workdir::{unquote, with_triggers};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` with several sources whose destination does
    /// not end with `/`.
    ///
    /// ## Why is this bad?
    /// With more than one source the destination must be a directory, and the
    /// Dockerfile reference requires it to end with `/`; the classic builder
    /// rejects the instruction ("When using COPY with more than one source
    /// file, the destination must be a directory and end with a /"), and a
    /// reader cannot tell whether a file or a directory was meant.
    ///
    /// Windows destinations ending with `\` (`C:\app\`) are directories too.
    /// A destination given by a variable (`$APP_DIR`) is not judged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22.12-bookworm-slim
    /// COPY package.json package-lock.json /srv/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.12-bookworm-slim
    /// COPY package.json package-lock.json /srv/app/
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3021) only checks `COPY` and also flags destinations that
    /// are variables; dockward checks `ADD` as well, which has the same
    /// requirement, and leaves variables alone. Trivy (DS011) flags Windows
    /// destinations ending in an escaped backslash; dockward does not.
    ///
    /// ## References
    /// - [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
    /// - [Dockerfile reference: ADD](https://docs.docker.com/reference/dockerfile/#add)
    pub struct CopyMultipleSourcesNoSlash {
        severity: High,
        status: Stable,
        summary: "COPY with several sources to a destination not ending in `/`",
        aliases: [
            "DL3021",
            "DS011",
            "DS-0011",
            "AVD-DS-0011",
            "docker-use-slash-for-copy-args",
        ],
        references: [
            "https://docs.docker.com/reference/dockerfile/#copy",
            "https://docs.docker.com/reference/dockerfile/#add",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in with_triggers(ctx.instructions()) {
        let (InstructionKind::Copy(copy) | InstructionKind::Add(copy)) = &instruction.kind else {
            continue;
        };
        let Some(dest) = &copy.dest else {
            continue;
        };
        if copy.sources.len() < 2 {
            continue;
        }
        let path = unquote(dest.as_str());
        if path.is_empty() || path.contains('$') || path.ends_with('/') || path.ends_with('\\') {
            continue;
        }
        out.push(Violation::new(
            CopyMultipleSourcesNoSlash::META.rule,
            dest.span,
            format!(
                "{} has {} sources, so the destination `{path}` must be a directory ending with `/`",
                instruction.keyword.as_str(),
                copy.sources.len()
            ),
        ));
    }
}
