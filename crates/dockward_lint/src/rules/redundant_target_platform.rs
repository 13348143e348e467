use dockward_rules::declare_rule;

use super::from_platform_flag::{is_platform_variable, platform_flags};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=$TARGETPLATFORM` (also `${TARGETPLATFORM}`).
    ///
    /// ## Why is this bad?
    /// Building each stage for the target platform is what BuildKit does
    /// when `--platform` is left out, so the flag adds nothing but noise, and
    /// it suggests to the reader that the stage is special.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.21
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.21
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3065) does not flag `${TARGETPLATFORM:-linux/amd64}`;
    /// dockward does, as `TARGETPLATFORM` is always set and the default never
    /// applies.
    ///
    /// ## References
    /// - [Dockerfile reference: automatic platform ARGs](https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope)
    /// - [Build checks: RedundantTargetPlatform](https://docs.docker.com/reference/build-checks/redundant-target-platform/)
    pub struct RedundantTargetPlatform {
        severity: Medium,
        status: Stable,
        summary: "FROM --platform=$TARGETPLATFORM is the default",
        aliases: ["DL3065"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope",
            "https://docs.docker.com/reference/build-checks/redundant-target-platform/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for (flag, value) in platform_flags(ctx.instructions()) {
        if !is_platform_variable(value, "TARGETPLATFORM") {
            continue;
        }
        out.push(Violation::new(
            RedundantTargetPlatform::META.rule,
            flag.span,
            format!("`--platform={value}` is what BuildKit does by default; remove the flag"),
        ));
    }
}
