use dockward_diagnostics::Span;
use dockward_dockerfile::{Flag, Instruction, InstructionKind, Keyword, Mount};
use dockward_rules::declare_rule;

use super::relative_workdir::{unquote, with_triggers};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags instruction flags the Dockerfile reference does not define for
    /// that instruction, flags missing their value or given twice, invalid
    /// values of `RUN --network` and `RUN --security`, and `RUN --mount`
    /// specifications with an unknown `type`, key or `sharing` mode.
    ///
    /// | instruction | flags |
    /// |---|---|
    /// | `FROM` | `--platform` |
    /// | `RUN` | `--mount` (repeatable), `--network=default\|none\|host`, `--security=insecure\|sandbox` |
    /// | `COPY` | `--from`, `--chown`, `--chmod`, `--link`, `--parents`, `--exclude` (repeatable) |
    /// | `ADD` | `--chown`, `--chmod`, `--link`, `--checksum`, `--keep-git-dir`, `--exclude` (repeatable), `--unpack` |
    /// | `HEALTHCHECK` | `--interval`, `--timeout`, `--start-period`, `--start-interval`, `--retries` |
    /// | others | none |
    ///
    /// With a labs frontend (`# syntax=docker/dockerfile:1-labs`), `RUN
    /// --device` is accepted too.
    ///
    /// Mount types are `bind`, `cache`, `tmpfs`, `secret` and `ssh`; mount
    /// keys are `type`, `target` (`dst`, `destination`), `source` (`src`),
    /// `from`, `id`, `sharing`, `mode`, `uid`, `gid`, `readonly` (`ro`),
    /// `readwrite` (`rw`), `required`, `size` and `env`.
    ///
    /// ## Why is this bad?
    /// The Dockerfile parser accepts any `--flag`; the builder then refuses
    /// the instruction ("unknown flag"), or, with an older frontend, a
    /// misspelt flag such as `--chmown` is the difference between files
    /// owned by the application user and files owned by root. Catching it
    /// in the editor is cheaper than in CI.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// COPY --checksum=sha256:9f2a6c1e5b7d3f80a4c6e2b1d9f7a3c5e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8 app.tar.gz /srv/
    /// RUN --mount=type=cache,target=/var/cache/apt,sharing=exclusive apt-get update
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// ADD --checksum=sha256:9f2a6c1e5b7d3f80a4c6e2b1d9f7a3c5e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8 app.tar.gz /srv/
    /// RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    /// - [Dockerfile reference: RUN --mount](https://docs.docker.com/reference/dockerfile/#run---mount)
    /// - [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
    /// - [Dockerfile reference: ADD](https://docs.docker.com/reference/dockerfile/#add)
    /// - [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    pub struct UnknownInstructionFlag {
        severity: High,
        status: Stable,
        summary: "a flag, or a flag value, the instruction does not accept",
        aliases: [],
        references: [
            "https://docs.docker.com/reference/dockerfile/",
            "https://docs.docker.com/reference/dockerfile/#run---mount",
            "https://docs.docker.com/reference/dockerfile/#copy",
            "https://docs.docker.com/reference/dockerfile/#add",
            "https://docs.docker.com/reference/dockerfile/#healthcheck",
        ],
    }
}

/// How a flag takes its value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `--name=value`, once.
    Value,
    /// `--name=value`, any number of times.
    Repeated,
    /// `--name` or `--name=true|false`, once.
    Bool,
}

const FROM_FLAGS: &[(&str, Kind)] = &[("platform", Kind::Value)];
const RUN_FLAGS: &[(&str, Kind)] = &[
    ("mount", Kind::Repeated),
    ("network", Kind::Value),
    ("security", Kind::Value),
];
const LABS_RUN_FLAGS: &[(&str, Kind)] = &[("device", Kind::Repeated)];
const COPY_FLAGS: &[(&str, Kind)] = &[
    ("from", Kind::Value),
    ("chown", Kind::Value),
    ("chmod", Kind::Value),
    ("link", Kind::Bool),
    ("parents", Kind::Bool),
    ("exclude", Kind::Repeated),
];
const ADD_FLAGS: &[(&str, Kind)] = &[
    ("chown", Kind::Value),
    ("chmod", Kind::Value),
    ("link", Kind::Bool),
    ("checksum", Kind::Value),
    ("keep-git-dir", Kind::Bool),
    ("exclude", Kind::Repeated),
    ("unpack", Kind::Bool),
];
const HEALTHCHECK_FLAGS: &[(&str, Kind)] = &[
    ("interval", Kind::Value),
    ("timeout", Kind::Value),
    ("start-period", Kind::Value),
    ("start-interval", Kind::Value),
    ("retries", Kind::Value),
];

const MOUNT_TYPES: [&str; 5] = ["bind", "cache", "tmpfs", "secret", "ssh"];
const MOUNT_KEYS: [&str; 19] = [
    "type",
    "target",
    "dst",
    "destination",
    "source",
    "src",
    "from",
    "id",
    "sharing",
    "mode",
    "uid",
    "gid",
    "readonly",
    "ro",
    "readwrite",
    "rw",
    "required",
    "size",
    "env",
];
const SHARING_MODES: [&str; 3] = ["shared", "private", "locked"];

fn allowed_flags(keyword: Keyword) -> &'static [(&'static str, Kind)] {
    match keyword {
        Keyword::From => FROM_FLAGS,
        Keyword::Run => RUN_FLAGS,
        Keyword::Copy => COPY_FLAGS,
        Keyword::Add => ADD_FLAGS,
        Keyword::Healthcheck => HEALTHCHECK_FLAGS,
        _ => &[],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    // The labs frontend adds experimental flags (`RUN --device`).
    let labs = ctx
        .dockerfile
        .directives
        .syntax
        .as_ref()
        .is_some_and(|s| s.as_str().contains("labs"));
    for instruction in with_triggers(ctx.instructions()) {
        if instruction.keyword == Keyword::Unknown {
            continue;
        }
        check_flags(instruction, labs, out);
        if let InstructionKind::Run(run) = &instruction.kind {
            for mount in &run.mounts {
                check_mount(ctx, mount, out);
            }
        }
    }
}

fn report(out: &mut Vec<Violation>, flag: &Flag, message: String) {
    out.push(Violation::new(
        UnknownInstructionFlag::META.rule,
        flag.span,
        message,
    ));
}

fn check_flags(instruction: &Instruction, labs: bool, out: &mut Vec<Violation>) {
    let keyword = instruction.keyword.as_str();
    let allowed = allowed_flags(instruction.keyword);
    for (i, flag) in instruction.flags.iter().enumerate() {
        let name = flag.name.as_str();
        let labs_flag = (labs && instruction.keyword == Keyword::Run)
            .then(|| {
                LABS_RUN_FLAGS
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
            })
            .flatten();
        let Some(&(_, kind)) = allowed
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .or(labs_flag)
        else {
            let valid: Vec<String> = allowed.iter().map(|(n, _)| format!("--{n}")).collect();
            let hint = if valid.is_empty() {
                format!("{keyword} takes no flags")
            } else {
                format!("valid flags: {}", valid.join(", "))
            };
            report(
                out,
                flag,
                format!("`--{name}` is not a flag of {keyword}; {hint}"),
            );
            continue;
        };
        let repeated = instruction.flags[..i]
            .iter()
            .any(|f| f.name.eq_ignore_ascii_case(name));
        if repeated && kind != Kind::Repeated {
            report(out, flag, format!("`--{name}` is given more than once"));
            continue;
        }
        let value = flag.value.as_deref().map(unquote);
        match (kind, value) {
            (Kind::Value | Kind::Repeated, None | Some("")) => {
                report(
                    out,
                    flag,
                    format!("`--{name}` needs a value (`--{name}=...`)"),
                );
            }
            (Kind::Bool, Some(v)) if !is_bool(v) => {
                report(
                    out,
                    flag,
                    format!("`--{name}` takes no value other than `true` or `false`, not `{v}`"),
                );
            }
            (_, Some(v)) => check_value(instruction.keyword, name, v, flag, out),
            _ => {}
        }
    }
}

fn is_bool(value: &str) -> bool {
    value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false")
}

fn check_value(keyword: Keyword, name: &str, value: &str, flag: &Flag, out: &mut Vec<Violation>) {
    if keyword != Keyword::Run || value.contains('$') {
        return;
    }
    let valid: &[&str] = if name.eq_ignore_ascii_case("network") {
        &["default", "none", "host"]
    } else if name.eq_ignore_ascii_case("security") {
        &["insecure", "sandbox"]
    } else {
        return;
    };
    if !valid.iter().any(|v| v.eq_ignore_ascii_case(value)) {
        report(
            out,
            flag,
            format!(
                "`--{name}={value}` is not a valid value; use one of {}",
                valid.join(", ")
            ),
        );
    }
}

fn check_mount(ctx: &Context, mount: &Mount, out: &mut Vec<Violation>) {
    let raw = ctx.slice(mount.span);
    // Points at `key` (and its value) inside the `--mount=...` flag when it
    // can be found there, else at the whole flag.
    let at = |key: &str| -> Span {
        let found = raw.match_indices(key).find(|&(i, _)| {
            let before = raw[..i].chars().next_back();
            matches!(before, Some(',' | '=' | '"'))
        });
        match found {
            Some((i, _)) => {
                let len = raw[i..].find([',', ' ', '"']).unwrap_or(raw.len() - i);
                Span::new(mount.span.start + i, mount.span.start + i + len)
            }
            None => mount.span,
        }
    };
    let push = |out: &mut Vec<Violation>, span: Span, message: String| {
        out.push(Violation::new(
            UnknownInstructionFlag::META.rule,
            span,
            message,
        ));
    };
    let kind = unquote(&mount.kind);
    if !kind.contains('$') && !MOUNT_TYPES.iter().any(|t| t.eq_ignore_ascii_case(kind)) {
        push(
            out,
            at("type="),
            format!(
                "`type={kind}` is not a mount type; use one of {}",
                MOUNT_TYPES.join(", ")
            ),
        );
    }
    for (key, value) in &mount.options {
        let key = key.trim();
        if !MOUNT_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            push(out, at(key), format!("`{key}` is not a key of `--mount`"));
            continue;
        }
        if key.eq_ignore_ascii_case("sharing") {
            let mode = value.as_deref().map_or("", unquote);
            if !mode.contains('$') && !SHARING_MODES.iter().any(|m| m.eq_ignore_ascii_case(mode)) {
                push(
                    out,
                    at("sharing="),
                    format!(
                        "`sharing={mode}` is not a sharing mode; use one of {}",
                        SHARING_MODES.join(", ")
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Context, LintSettings};

    fn count(text: &str) -> usize {
        let dockerfile = dockward_dockerfile::parse(text);
        let settings = LintSettings::default();
        let ctx = Context::new(&dockerfile, text, &settings);
        let mut out = Vec::new();
        super::check(&ctx, &mut out);
        out.len()
    }

    #[test]
    fn labs_flags_need_the_labs_frontend() {
        let run = "FROM debian:12\nRUN --device=name=gpu nvidia-smi\n";
        assert_eq!(count(run), 1);
        assert_eq!(
            count(&format!("# syntax=docker/dockerfile:1-labs\n{run}")),
            0
        );
        assert_eq!(count(&format!("# syntax=docker/dockerfile:1.14\n{run}")), 1);
    }

    #[test]
    fn boolean_flags_take_true_or_false() {
        assert_eq!(count("FROM debian:12\nCOPY --link=false a /a\n"), 0);
        assert_eq!(count("FROM debian:12\nCOPY --link=yes a /a\n"), 1);
    }
}
