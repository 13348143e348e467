use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `sudo` in `RUN`.
    ///
    /// ## Why is this bad?
    /// Build steps run as the stage's `USER`, root by default, so `sudo` is not
    /// needed to gain privileges. When it is needed, the image has a
    /// non-root user who can become root through `sudo`: anyone who gets a
    /// shell in the container as that user is root too. `sudo` also behaves
    /// unpredictably without a terminal (password prompts, `requiretty`,
    /// environment reset). Switch users with `USER` between steps, and use a
    /// tool like `gosu` or `su-exec` in the entrypoint to drop privileges.
    ///
    /// Every `sudo` is flagged, also inside `sh -c '...'` strings.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// RUN sudo apt-get update && sudo apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// USER app
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: USER](https://docs.docker.com/reference/dockerfile/#user)
    /// - [Docker best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
    /// - [Dockle DKL-DI-0001](https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md)
    pub struct SudoInRun {
        severity: High,
        status: Stable,
        summary: "RUN uses `sudo`",
        aliases: ["DL3004", "DS010", "DS-0010", "AVD-DS-0010", "docker-no-sudo-run", "DKL-DI-0001"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#user",
            "https://docs.docker.com/build/building/best-practices/#user",
            "https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs().iter().filter(|r| r.posix) {
        for command in run.script.commands_named("sudo") {
            let Some(name) = command.name.as_ref() else {
                continue;
            };
            let what =
                sudo_target(command).map_or_else(|| "sudo".to_owned(), |t| format!("sudo {t}"));
            out.push(Violation::new(
                SudoInRun::META.rule,
                name.span,
                format!("`{what}` in RUN: build steps already run as the stage's USER; switch with USER or use gosu"),
            ));
        }
    }
}

/// The command `sudo` runs: the first argument after its options
/// (`-u user`, `-g group` and the like take a value).
fn sudo_target(command: &dockward_dockerfile::shell::SimpleCommand) -> Option<&str> {
    const WITH_VALUE: [&str; 9] = ["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"];
    let mut args = command.args.iter();
    while let Some(arg) = args.next() {
        let text = arg.text.as_str();
        if text == "--" {
            return args.next().map(|w| w.text.as_str());
        }
        if !text.starts_with('-') {
            return Some(text);
        }
        if WITH_VALUE.contains(&text) {
            args.next();
        }
    }
    None
}
