use dockward_dockerfile::Keyword;
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an instruction other than `ARG` before the first `FROM`.
    ///
    /// ## Why is this bad?
    /// A Dockerfile must start with `FROM`; only parser directives, comments
    /// and `ARG` (whose values are then usable in `FROM` lines) may come
    /// before it. Anything else is rejected by the builder, usually the
    /// result of a bad merge or of a snippet pasted at the wrong place.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV LANG=C.UTF-8
    /// FROM debian:12.8-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG DEBIAN_TAG=12.8-slim
    /// FROM debian:${DEBIAN_TAG}
    /// ENV LANG=C.UTF-8
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: format](https://docs.docker.com/reference/dockerfile/#format)
    /// - [Dockerfile reference: how ARG and FROM interact](https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact)
    pub struct InstructionBeforeFrom {
        severity: High,
        status: Stable,
        summary: "an instruction other than ARG comes before the first FROM",
        aliases: ["DL3061"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#format",
            "https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in ctx.instructions() {
        if instruction.stage.is_some() {
            break;
        }
        if matches!(
            instruction.keyword,
            Keyword::Arg | Keyword::From | Keyword::Unknown
        ) {
            continue;
        }
        out.push(Violation::new(
            InstructionBeforeFrom::META.rule,
            instruction.keyword_span,
            format!(
                "{} comes before the first FROM; only ARG may precede it",
                instruction.keyword.as_str()
            ),
        ));
    }
}
