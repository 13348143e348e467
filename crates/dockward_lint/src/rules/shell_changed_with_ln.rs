use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `ln` in `RUN` that replaces `/bin/sh` (or `/usr/bin/sh`) with a
    /// link, e.g. `ln -sf /bin/bash /bin/sh`.
    ///
    /// ## Why is this bad?
    /// Relinking `/bin/sh` changes the shell of every later `RUN`, but also of
    /// every script in the image that expects the distribution's `/bin/sh`
    /// (package maintainer scripts, init scripts), and it is invisible to
    /// anyone reading the Dockerfile further down. The `SHELL` instruction
    /// changes the shell used by `RUN`, `CMD` and `ENTRYPOINT` (shell form)
    /// without touching the filesystem.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN ln -sf /bin/bash /bin/sh
    /// RUN source /opt/venv/bin/activate && pip install -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-c"]
    /// RUN source /opt/venv/bin/activate && pip install -r requirements.txt
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint's DL4005 fires on any `ln` with a `/bin/sh` argument, also
    /// when `/bin/sh` is the *target* (`ln -s /bin/sh /usr/local/bin/sh`),
    /// which leaves the shell unchanged; dockward only flags `/bin/sh` as the
    /// link being created.
    ///
    /// ## References
    /// - [Dockerfile reference: SHELL](https://docs.docker.com/reference/dockerfile/#shell)
    pub struct ShellChangedWithLn {
        severity: Medium,
        status: Stable,
        summary: "`/bin/sh` is replaced with `ln` instead of using SHELL",
        aliases: ["DL4005"],
        references: ["https://docs.docker.com/reference/dockerfile/#shell"],
    }
}

const SYSTEM_SH: [&str; 2] = ["/bin/sh", "/usr/bin/sh"];

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs().iter().filter(|r| r.posix) {
        for command in run.script.commands_named("ln") {
            let positional: Vec<_> = command.positional().collect();
            // `ln TARGET LINK`: the link is the last operand, when there are two or more.
            let link = match positional.as_slice() {
                [_, .., last] => *last,
                _ => continue,
            };
            if SYSTEM_SH.contains(&link.text.as_str()) {
                out.push(Violation::new(
                    ShellChangedWithLn::META.rule,
                    command.span,
                    format!(
                        "`ln` replaces `{}`; use the SHELL instruction to change the shell",
                        link.text
                    ),
                ));
            }
        }
    }
}
