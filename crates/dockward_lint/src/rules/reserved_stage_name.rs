use dockward_dockerfile::InstructionKind;
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a stage named with a reserved word: `scratch` or `context`
    /// (compared case-insensitively).
    ///
    /// ## Why is this bad?
    /// `scratch` already means the empty image, so `FROM scratch` or
    /// `COPY --from=scratch` after `FROM alpine AS scratch` is ambiguous.
    /// `context` is the name BuildKit uses for the build context in
    /// `--from` and `--build-context`. A stage with either name does not do
    /// what the reader expects.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.21 AS context
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.21 AS sources
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3063) compares case-sensitively and passes `AS Context`;
    /// BuildKit lowercases stage names, so dockward flags it.
    ///
    /// ## References
    /// - [Build checks: ReservedStageName](https://docs.docker.com/reference/build-checks/reserved-stage-name/)
    /// - [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
    pub struct ReservedStageName {
        severity: Medium,
        status: Stable,
        summary: "a stage is named `scratch` or `context`",
        aliases: ["DL3063"],
        references: [
            "https://docs.docker.com/reference/build-checks/reserved-stage-name/",
            "https://docs.docker.com/reference/dockerfile/#from",
        ],
    }
}

const RESERVED: [&str; 2] = ["scratch", "context"];

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in ctx.instructions() {
        let InstructionKind::From(from) = &instruction.kind else {
            continue;
        };
        let Some(alias) = &from.alias else {
            continue;
        };
        let name = alias.as_str();
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            out.push(Violation::new(
                ReservedStageName::META.rule,
                alias.span,
                format!("`{name}` is a reserved word and should not name a stage"),
            ));
        }
    }
}
