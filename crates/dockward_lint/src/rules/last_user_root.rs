use dockward_dockerfile::{Instruction, InstructionKind, StageBase};
use dockward_rules::declare_rule;

use super::relative_workdir::unquote;
use crate::context::{is_posix_shell, is_windows_image};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an image whose final stage runs as root: its last `USER` is
    /// `root` or UID `0` (`root`, `0`, `root:staff`, `0:0`), or, on a Windows
    /// image, `ContainerAdministrator`. A final stage that sets no `USER` at
    /// all is `DF085` (`user-missing`).
    ///
    /// The final stage is the last `FROM`. When it is built on an earlier
    /// stage (`FROM build`), the `USER` of that stage carries over and is the
    /// one checked. A variable (`USER $APP_UID`) is not judged.
    ///
    /// ## Why is this bad?
    /// A process running as root in the container is root on the host's
    /// kernel: any escape (a kernel bug, a mounted socket, a writable host
    /// path, an added capability) lands with full privileges. Running as an
    /// unprivileged user is the first item of the CIS Docker Benchmark's
    /// image section. Switching to root for an installation step is fine as
    /// long as the image switches back before it ends.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN useradd --system --uid 10001 app
    /// USER app
    /// RUN apt-get update
    /// USER root
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN useradd --system --uid 10001 app
    /// USER 10001:10001
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3002) reports the last `USER root` of *every* stage, while
    /// only the final stage's user reaches the image; dockward checks the
    /// final stage (following `FROM <stage>`), and reports the root `USER`
    /// of an earlier stage only when the final stage inherits it. hadolint
    /// says nothing when no `USER` is set; Trivy (DS002) and Dockle
    /// (CIS-DI-0001) do, and so does dockward, as the separate rule `DF085`,
    /// so base images meant to be extended can ignore that finding alone.
    /// Windows' `ContainerAdministrator` counts as root. On the reference
    /// corpus (519 Dockerfiles) neither hadolint (DL3002) nor this rule
    /// reports anything.
    ///
    /// ## References
    /// - [Dockerfile reference: USER](https://docs.docker.com/reference/dockerfile/#user)
    /// - [Docker best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
    /// - [CIS Docker Benchmark v1.6.0, 4.1: ensure that a user for the container has been created](https://www.cisecurity.org/benchmark/docker)
    /// - [Windows containers: user accounts](https://learn.microsoft.com/en-us/virtualization/windowscontainers/manage-containers/container-security)
    pub struct LastUserRoot {
        severity: Medium,
        status: Stable,
        summary: "the final stage runs as root",
        aliases: [
            "DL3002",
            "DS002",
            "DS-0002",
            "AVD-DS-0002",
            "docker-least-privilege-user",
            "CIS-DI-0001",
            "CIS-4.1",
        ],
        references: [
            "https://docs.docker.com/reference/dockerfile/#user",
            "https://docs.docker.com/build/building/best-practices/#user",
            "https://www.cisecurity.org/benchmark/docker",
            "https://learn.microsoft.com/en-us/virtualization/windowscontainers/manage-containers/container-security",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    let stages = &ctx.dockerfile.stages;
    let Some(last) = stages.last() else {
        return;
    };
    let Some(user) = effective_user(ctx, last.index) else {
        return;
    };
    let InstructionKind::User(value) = &user.kind else {
        return;
    };
    let text = unquote(value.as_str());
    if text.contains('$') {
        return;
    }
    let name = text.split(':').next().unwrap_or(text);
    let windows_admin = name.eq_ignore_ascii_case("ContainerAdministrator");
    if name != "root" && name != "0" && !windows_admin {
        return;
    }
    let what = if windows_admin {
        "the Windows administrator account"
    } else {
        "root"
    };
    let message = if user.stage == Some(last.index) {
        format!(
            "`USER {text}` is the last USER of the final stage, so the container runs as {what}; switch to an unprivileged user before the image ends"
        )
    } else {
        format!(
            "the final stage inherits `USER {text}` from this stage, so the container runs as {what}; switch to an unprivileged user before the image ends"
        )
    };
    out.push(Violation::new(LastUserRoot::META.rule, value.span, message));
}

/// Reports, as `DF085`, a final stage that sets no USER (itself or through
/// the stages it is built on), unless it is a Windows stage, its base says it
/// is not root, or it only collects build outputs.
pub(super) fn report_missing_user(ctx: &Context, out: &mut Vec<Violation>) {
    let Some(last) = ctx.dockerfile.stages.last() else {
        return;
    };
    if effective_user(ctx, last.index).is_some() {
        return;
    }
    let (stage, from) = (last.index, last.from);
    let Some(from) = ctx.instructions().get(from) else {
        return;
    };
    if is_windows_stage(ctx, stage)
        || base_declares_nonroot(ctx, stage)
        || is_artifact_stage(ctx, stage)
    {
        return;
    }
    let span = match &from.kind {
        InstructionKind::From(f) => f.image.span,
        _ => from.keyword_span,
    };
    out.push(Violation::new(
        dockward_rules::Rule::UserMissing,
        span,
        "the final stage sets no USER, so the container runs as the base image's user, root for most images; add `USER <uid>` for an unprivileged user",
    ));
}

/// The last top-level `USER` that applies to `stage`: its own, or else the
/// one of the stage it is built on, recursively.
fn effective_user<'a>(ctx: &Context<'a>, stage: usize) -> Option<&'a Instruction> {
    let mut current = stage;
    for _ in 0..MAX_CHAIN {
        let info = ctx.dockerfile.stages.get(current)?;
        let user = stage_instructions(ctx, current)
            .iter()
            .rev()
            .find(|i| matches!(i.kind, InstructionKind::User(_)));
        if user.is_some() {
            return user;
        }
        match info.base {
            StageBase::Stage(parent) if parent < current => current = parent,
            _ => return None,
        }
    }
    None
}

/// The top-level instructions of `stage` (its FROM included).
pub(super) fn stage_instructions<'a>(ctx: &Context<'a>, stage: usize) -> &'a [Instruction] {
    let all = ctx.instructions();
    ctx.dockerfile
        .stages
        .get(stage)
        .and_then(|s| all.get(s.from..s.end.min(all.len())))
        .unwrap_or(&[])
}

/// How many stages a chain of `FROM <stage>` is followed: real Dockerfiles
/// stay far below, and hostile ones cannot make the walks quadratic.
const MAX_CHAIN: usize = 64;

/// The stages `stage` is built on, itself first, then its parent stages
/// (at most [`MAX_CHAIN`]).
fn stage_chain(ctx: &Context, stage: usize) -> Vec<usize> {
    let mut chain = Vec::new();
    let mut current = stage;
    while let Some(info) = ctx.dockerfile.stages.get(current) {
        if chain.len() == MAX_CHAIN {
            break;
        }
        chain.push(current);
        match info.base {
            StageBase::Stage(parent) if parent < current => current = parent,
            _ => break,
        }
    }
    chain
}

/// The image at the root of `stage`'s chain of stages, if any.
fn root_image<'a>(ctx: &Context<'a>, stage: usize) -> Option<&'a str> {
    let root = *stage_chain(ctx, stage).last()?;
    match &ctx.dockerfile.stages.get(root)?.base {
        StageBase::Image(image) => Some(image.as_str()),
        _ => None,
    }
}

/// True for a stage built on `scratch` with no `CMD` or `ENTRYPOINT`
/// (itself or a stage it is built on): it only collects build outputs for
/// `docker build --output`, and no container runs from it.
fn is_artifact_stage(ctx: &Context, stage: usize) -> bool {
    let chain = stage_chain(ctx, stage);
    let on_scratch = chain
        .last()
        .and_then(|&root| ctx.dockerfile.stages.get(root))
        .is_some_and(|s| s.base == StageBase::Scratch);
    on_scratch
        && !chain.iter().any(|&s| {
            stage_instructions(ctx, s).iter().any(|i| {
                matches!(
                    i.kind,
                    InstructionKind::Cmd(_) | InstructionKind::Entrypoint(_)
                )
            })
        })
}

fn base_declares_nonroot(ctx: &Context, stage: usize) -> bool {
    root_image(ctx, stage).is_some_and(|image| {
        let image = image.to_ascii_lowercase();
        image.contains("nonroot") || image.contains("rootless")
    })
}

/// True when `stage` builds a Windows image: the file uses the backtick
/// escape, the stage (or a stage it is built on) sets a PowerShell or cmd
/// `SHELL`, or its base image is a Windows image.
pub(super) fn is_windows_stage(ctx: &Context, stage: usize) -> bool {
    if ctx.dockerfile.directives.escape_char == '`' {
        return true;
    }
    let windows_shell = stage_chain(ctx, stage).into_iter().any(|s| {
        stage_instructions(ctx, s).iter().any(|i| match &i.kind {
            InstructionKind::Shell(words) => {
                let words: Vec<String> = words.iter().map(|w| w.value.clone()).collect();
                !words.is_empty() && !is_posix_shell(&words)
            }
            _ => false,
        })
    });
    windows_shell || root_image(ctx, stage).is_some_and(is_windows_image)
}

#[cfg(test)]
mod tests {
    use crate::{Context, LintSettings};

    /// `(line, message start)` of each finding on `text`, of this rule and of
    /// `DF085` (user-missing), which shares the stage walk.
    fn findings(text: &str) -> Vec<(usize, String)> {
        let dockerfile = dockward_dockerfile::parse(text);
        let settings = LintSettings::default();
        let ctx = Context::new(&dockerfile, text, &settings);
        let mut out = Vec::new();
        super::check(&ctx, &mut out);
        super::report_missing_user(&ctx, &mut out);
        out.iter()
            .map(|v| {
                let line = text[..v.span.start].matches('\n').count() + 1;
                let head: String = v.message.chars().take(30).collect();
                (line, head)
            })
            .collect()
    }

    #[test]
    fn no_user_in_the_final_stage_is_its_own_finding() {
        let found = findings("FROM debian:12\nRUN true\n");
        assert_eq!(found, [(1, "the final stage sets no USER, ".to_owned())]);
        assert_eq!(
            findings("FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n").len(),
            1
        );
    }

    #[test]
    fn root_inherited_from_a_parent_stage_is_reported_at_its_user() {
        let text = "FROM debian:12 AS base\nUSER root\nFROM base\nRUN true\n";
        assert_eq!(
            findings(text),
            [(2, "the final stage inherits `USER".to_owned())]
        );
        let text = "FROM debian:12 AS base\nUSER 10001\nFROM base\nRUN true\n";
        assert!(findings(text).is_empty());
    }

    #[test]
    fn explicit_root_forms() {
        for user in ["root", "0", "0:0", "root:staff"] {
            let text = format!("FROM debian:12\nUSER {user}\n");
            assert_eq!(findings(&text).len(), 1, "{user}");
        }
        for user in ["10001", "rooter", "$APP_USER", "app:root", "ROOT"] {
            let text = format!("FROM debian:12\nUSER {user}\n");
            assert!(findings(&text).is_empty(), "{user}");
        }
    }

    #[test]
    fn windows_images() {
        let admin =
            "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nUSER ContainerAdministrator\n";
        assert_eq!(findings(admin).len(), 1);
        let user = "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nUSER ContainerAdministrator\nRUN x\nUSER ContainerUser\n";
        assert!(findings(user).is_empty());
        let none = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN x\n";
        assert!(findings(none).is_empty());
        let shell = "FROM example.com/base:1\nSHELL [\"pwsh\", \"-Command\"]\nRUN x\n";
        assert!(findings(shell).is_empty());
        let escape = "# escape=`\nFROM example.com/base:1\nRUN x\n";
        assert!(findings(escape).is_empty());
    }

    #[test]
    fn artifact_stages_need_no_user() {
        assert!(
            findings("FROM golang:1.23 AS b\nRUN make\nFROM scratch\nCOPY --from=b /out /\n")
                .is_empty()
        );
        let runnable = "FROM scratch AS base\nENTRYPOINT [\"/app\"]\nFROM base\nCOPY app /app\n";
        assert_eq!(findings(runnable).len(), 1);
    }

    #[test]
    fn nonroot_base_images_need_no_user() {
        assert!(
            findings("FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\n").is_empty()
        );
    }
}
