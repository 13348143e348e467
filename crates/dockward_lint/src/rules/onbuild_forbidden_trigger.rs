use dockward_dockerfile::{InstructionKind, Keyword};
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER`.
    ///
    /// ## Why is this bad?
    /// The Dockerfile reference forbids these triggers: chaining `ONBUILD`
    /// is not allowed, and a trigger cannot start a stage or set the
    /// deprecated maintainer field. The image builds, but every build `FROM`
    /// it fails when the trigger fires, far from the Dockerfile that is wrong.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22.12-bookworm-slim
    /// ONBUILD FROM node:22.12-bookworm-slim
    /// ONBUILD COPY . /srv/app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.12-bookworm-slim
    /// ONBUILD COPY . /srv/app/
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: ONBUILD](https://docs.docker.com/reference/dockerfile/#onbuild)
    pub struct OnbuildForbiddenTrigger {
        severity: High,
        status: Stable,
        summary: "ONBUILD triggers ONBUILD, FROM or MAINTAINER",
        aliases: ["DL3043"],
        references: ["https://docs.docker.com/reference/dockerfile/#onbuild"],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in ctx.instructions() {
        let InstructionKind::Onbuild(trigger) = &instruction.kind else {
            continue;
        };
        if !matches!(
            trigger.keyword,
            Keyword::Onbuild | Keyword::From | Keyword::Maintainer
        ) {
            continue;
        }
        let keyword = trigger.keyword.as_str();
        out.push(Violation::new(
            OnbuildForbiddenTrigger::META.rule,
            trigger.keyword_span,
            format!(
                "`ONBUILD {keyword}` is not allowed; the images built from this one will fail when the trigger runs"
            ),
        ));
    }
}
