use dockward_dockerfile::{Flag, Instruction, InstructionKind};
use dockward_rules::declare_rule;

use super::relative_workdir::unquote;
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=...` with a fixed or computed platform, such as
    /// `--platform=linux/amd64`.
    ///
    /// ## Why is this bad?
    /// A fixed platform pins the stage to one architecture: building the
    /// image for another platform (`docker buildx build --platform
    /// linux/arm64`) silently produces a mix, or runs the stage under
    /// emulation. Without the flag, BuildKit builds each stage for the
    /// requested target platform.
    ///
    /// `--platform=$BUILDPLATFORM` (also `${BUILDPLATFORM}`) is the standard
    /// cross-compilation idiom, running a compiler stage natively and
    /// producing binaries for `$TARGETPLATFORM`; it is not flagged.
    /// `--platform=$TARGETPLATFORM` is redundant and reported by
    /// `redundant-target-platform`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 debian:12.8-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// ```
    ///
    /// ## Compared with hadolint
    /// Same behaviour as hadolint 2.15.1 (DL3029), which also accepts
    /// `$BUILDPLATFORM` (verified against the binary).
    ///
    /// ## References
    /// - [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - [Multi-platform builds: cross-compilation](https://docs.docker.com/build/building/multi-platform/#cross-compilation)
    /// - [Build checks: FromPlatformFlagConstDisallowed](https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/)
    pub struct FromPlatformFlag {
        severity: Medium,
        status: Stable,
        summary: "FROM --platform pins a stage to one platform",
        aliases: ["DL3029"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#from",
            "https://docs.docker.com/build/building/multi-platform/#cross-compilation",
            "https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for (flag, value) in platform_flags(ctx.instructions()) {
        if value.is_empty()
            || is_platform_variable(value, "BUILDPLATFORM")
            || is_platform_variable(value, "TARGETPLATFORM")
        {
            continue;
        }
        out.push(Violation::new(
            FromPlatformFlag::META.rule,
            flag.span,
            format!(
                "`--platform={value}` pins this stage to one platform; leave it out so the stage is built for the target platform"
            ),
        ));
    }
}

/// Every `FROM --platform=<value>` flag with its unquoted value.
pub(super) fn platform_flags(instructions: &[Instruction]) -> impl Iterator<Item = (&Flag, &str)> {
    instructions.iter().filter_map(|instruction| {
        if !matches!(instruction.kind, InstructionKind::From(_)) {
            return None;
        }
        let flag = instruction.flag("platform")?;
        Some((flag, unquote(flag.value.as_deref().unwrap_or(""))))
    })
}

/// True when `value` is just the variable `name`: `$NAME`, `${NAME}`, or
/// `${NAME:-default}` / `${NAME-default}` (the automatic platform ARGs are
/// always set, so a default never applies).
pub(super) fn is_platform_variable(value: &str, name: &str) -> bool {
    if let Some(rest) = value.strip_prefix('$') {
        if rest == name {
            return true;
        }
        if let Some(inner) = rest.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
            return inner == name
                || inner
                    .strip_prefix(name)
                    .is_some_and(|tail| tail.starts_with(":-") || tail.starts_with('-'));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::is_platform_variable;

    #[test]
    fn platform_variables() {
        for v in [
            "$BUILDPLATFORM",
            "${BUILDPLATFORM}",
            "${BUILDPLATFORM:-linux/amd64}",
        ] {
            assert!(is_platform_variable(v, "BUILDPLATFORM"), "{v}");
        }
        for v in [
            "$BUILDPLATFORMX",
            "linux/$BUILDPLATFORM",
            "${BUILDPLATFORM:+x}",
            "$TARGETPLATFORM",
        ] {
            assert!(!is_platform_variable(v, "BUILDPLATFORM"), "{v}");
        }
    }
}
