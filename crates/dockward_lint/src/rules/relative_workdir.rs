use dockward_dockerfile::{Instruction, InstructionKind};
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `WORKDIR` whose path is relative, such as `WORKDIR app`.
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against the previous working
    /// directory, which may come from the base image and change when the
    /// base image changes. Every later `RUN`, `COPY` and `CMD` then works in a
    /// directory nobody wrote down. An absolute path says where files go.
    ///
    /// Paths starting with a variable (`$HOME/app`, `${APP_DIR}`) are assumed
    /// absolute, and Windows paths with a drive (`C:\app`, `c:/app`) or a root
    /// (`\app`) are absolute. `ONBUILD WORKDIR` triggers are checked too.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22.12-bookworm-slim
    /// WORKDIR app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.12-bookworm-slim
    /// WORKDIR /srv/app
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3000) does not check `ONBUILD WORKDIR`, and flags the
    /// Windows root-relative form `\app`, which is absolute on the current
    /// drive.
    ///
    /// ## References
    /// - [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    /// - [Docker best practices: WORKDIR](https://docs.docker.com/build/building/best-practices/#workdir)
    /// - [Build checks: WorkdirRelativePath](https://docs.docker.com/reference/build-checks/workdir-relative-path/)
    pub struct RelativeWorkdir {
        severity: High,
        status: Stable,
        summary: "WORKDIR path is relative",
        aliases: [
            "DL3000",
            "DS009",
            "DS-0009",
            "AVD-DS-0009",
            "docker-user-absolute-workdir",
        ],
        references: [
            "https://docs.docker.com/reference/dockerfile/#workdir",
            "https://docs.docker.com/build/building/best-practices/#workdir",
            "https://docs.docker.com/reference/build-checks/workdir-relative-path/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in with_triggers(ctx.instructions()) {
        let InstructionKind::Workdir(path) = &instruction.kind else {
            continue;
        };
        let value = unquote(path.as_str());
        if value.is_empty() || is_absolute_path(value) {
            continue;
        }
        out.push(Violation::new(
            RelativeWorkdir::META.rule,
            path.span,
            format!(
                "WORKDIR `{value}` is relative, so it depends on the working directory set before it (maybe by the base image); use an absolute path"
            ),
        ));
    }
}

/// Top-level instructions followed by their `ONBUILD` triggers, in file order.
pub(super) fn with_triggers(instructions: &[Instruction]) -> impl Iterator<Item = &Instruction> {
    instructions.iter().flat_map(|instruction| {
        let trigger = match &instruction.kind {
            InstructionKind::Onbuild(inner) => Some(inner.as_ref()),
            _ => None,
        };
        std::iter::once(instruction).chain(trigger)
    })
}

/// `value` without one pair of surrounding double or single quotes.
pub(super) fn unquote(value: &str) -> &str {
    let trimmed = value.trim();
    for quote in ['"', '\''] {
        if let Some(inner) = trimmed
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    trimmed
}

/// True when `path` is absolute in a Dockerfile: a POSIX `/path`, a Windows
/// `C:\path`, `C:/path` or `\path`, or a path that starts with a variable
/// (its value is unknown here and conventionally absolute).
pub(super) fn is_absolute_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    match bytes {
        [b'/' | b'\\' | b'$', ..] => true,
        [drive, b':'] | [drive, b':', b'\\' | b'/', ..] => drive.is_ascii_alphabetic(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{is_absolute_path, unquote};

    #[test]
    fn absolute_paths() {
        for path in [
            "/app", "$HOME/x", "${DIR}", "C:\\app", "c:/app", "\\app", "D:",
        ] {
            assert!(is_absolute_path(path), "{path}");
        }
        for path in ["app", "./app", "~/app", "..", "1:/x", ""] {
            assert!(!is_absolute_path(path), "{path}");
        }
    }

    #[test]
    fn quotes_are_removed_once() {
        assert_eq!(unquote("\"/app\""), "/app");
        assert_eq!(unquote("'app'"), "app");
        assert_eq!(unquote("\"app"), "\"app");
    }
}
