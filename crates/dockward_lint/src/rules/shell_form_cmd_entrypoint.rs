use dockward_dockerfile::{CommandLine, InstructionKind};
use dockward_rules::declare_rule;

use super::relative_workdir::with_triggers;
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `CMD` and `ENTRYPOINT` written in shell form (`CMD nginx -g
    /// 'daemon off;'`) instead of exec form (`CMD ["nginx", "-g", "daemon
    /// off;"]`).
    ///
    /// ## Why is this bad?
    /// The shell form runs the command as `/bin/sh -c "..."`: the shell is
    /// PID 1 and does not forward `SIGTERM`, so `docker stop` waits for its
    /// timeout and then kills the process without a clean shutdown. A shell
    /// form `ENTRYPOINT` also ignores the `CMD` and the arguments given to
    /// `docker run`. The exec form runs the program directly.
    ///
    /// `ONBUILD CMD` and `ONBUILD ENTRYPOINT` triggers are checked too.
    /// `HEALTHCHECK CMD` is not: the health check is not PID 1.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// ENTRYPOINT gunicorn --bind 0.0.0.0:8000 app:app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// ENTRYPOINT ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3025) also flags a shell-form `HEALTHCHECK CMD`, where the
    /// signal argument does not apply, and skips `ONBUILD` triggers.
    ///
    /// ## References
    /// - [Dockerfile reference: shell and exec form](https://docs.docker.com/reference/dockerfile/#shell-and-exec-form)
    /// - [Dockerfile reference: ENTRYPOINT](https://docs.docker.com/reference/dockerfile/#entrypoint)
    /// - [Build checks: JSONArgsRecommended](https://docs.docker.com/reference/build-checks/json-args-recommended/)
    pub struct ShellFormCmdEntrypoint {
        severity: Medium,
        status: Stable,
        summary: "CMD or ENTRYPOINT in shell form",
        aliases: ["DL3025"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#shell-and-exec-form",
            "https://docs.docker.com/reference/dockerfile/#entrypoint",
            "https://docs.docker.com/reference/build-checks/json-args-recommended/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in with_triggers(ctx.instructions()) {
        let (InstructionKind::Cmd(CommandLine::Shell)
        | InstructionKind::Entrypoint(CommandLine::Shell)) = &instruction.kind
        else {
            continue;
        };
        let args = &instruction.args;
        let end = args.text.trim_end().len();
        let start = end - args.text[..end].trim_start().len();
        if start == end {
            continue;
        }
        let keyword = instruction.keyword.as_str();
        out.push(Violation::new(
            ShellFormCmdEntrypoint::META.rule,
            args.source_span(start, end),
            format!(
                "{keyword} in shell form runs under `/bin/sh -c`, which does not pass signals on to the program; write it as a JSON array"
            ),
        ));
    }
}
