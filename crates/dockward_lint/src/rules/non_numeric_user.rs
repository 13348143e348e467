use std::collections::HashMap;

use dockward_dockerfile::InstructionKind;
use dockward_rules::declare_rule;

use super::last_user_root::is_windows_stage;
use super::relative_workdir::{unquote, with_triggers};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `USER` given by name (`USER app`) rather than by numeric UID
    /// (`USER 10001`).
    ///
    /// ## Why is this bad?
    /// A user name is resolved through the image's `/etc/passwd` when the
    /// container starts. The host and the orchestrator cannot see it:
    /// Kubernetes' `runAsNonRoot` refuses to start a container whose user is
    /// not numeric, because it cannot tell whether `app` is root, and file
    /// ownership on volumes is decided by UID. A UID says the same thing
    /// everywhere.
    ///
    /// Only the user part is checked (`USER 10001:app` passes). `root` is UID
    /// 0 everywhere and is left to `last-user-root`. Variables
    /// (`USER $APP_UID`) are not judged. Windows stages are skipped: Windows
    /// accounts (`ContainerUser`, `ContainerAdministrator`) have no UID.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN useradd --system --uid 10001 app
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN useradd --system --uid 10001 app
    /// USER 10001
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3066) flags Windows accounts, 64 of its 69 hits in the
    /// reference corpus, variables and `root`; dockward skips them, and
    /// checks `ONBUILD USER`, which hadolint skips.
    ///
    /// ## References
    /// - [Dockerfile reference: USER](https://docs.docker.com/reference/dockerfile/#user)
    /// - [Kubernetes: security context, runAsNonRoot](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    pub struct NonNumericUser {
        severity: Low,
        status: Stable,
        summary: "USER names a user instead of a numeric UID",
        aliases: ["DL3066"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#user",
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    // Whether each stage is a Windows stage, computed once per stage.
    let mut windows: HashMap<usize, bool> = HashMap::new();
    for instruction in with_triggers(ctx.instructions()) {
        let InstructionKind::User(value) = &instruction.kind else {
            continue;
        };
        let text = unquote(value.as_str());
        let user = text.split(':').next().unwrap_or(text);
        if user.is_empty()
            || user == "root"
            || user.contains('$')
            || user.bytes().all(|b| b.is_ascii_digit())
        {
            continue;
        }
        let windows_stage = instruction
            .stage
            .is_some_and(|s| *windows.entry(s).or_insert_with(|| is_windows_stage(ctx, s)));
        if is_windows_account(user) || windows_stage {
            continue;
        }
        out.push(Violation::new(
            NonNumericUser::META.rule,
            value.span,
            format!(
                "`USER {text}` names a user the host cannot resolve; use its numeric UID so runtimes can check it is not root"
            ),
        ));
    }
}

fn is_windows_account(user: &str) -> bool {
    ["ContainerUser", "ContainerAdministrator"]
        .iter()
        .any(|a| a.eq_ignore_ascii_case(user))
        || user.contains('\\')
}
