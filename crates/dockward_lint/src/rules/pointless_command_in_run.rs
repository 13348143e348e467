use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags commands in `RUN` that only make sense in an interactive session
    /// or on a booted machine: `ssh`, `vim`, `nano`, `shutdown`, `reboot`,
    /// `service`, `ps`, `top`, `free`, `kill`, `mount`, `ifconfig`.
    ///
    /// ## Why is this bad?
    /// A `RUN` step executes once, without a terminal, in a throwaway container
    /// that has no init system. An editor waits for a keyboard that never comes,
    /// `service foo start` starts a daemon that dies when the step ends, `mount`
    /// and `ifconfig` change state that is not saved in the image, and `ps`,
    /// `top` or `free` describe the build machine, not the image. The command is
    /// either a leftover from interactive debugging or a misunderstanding of
    /// what a build step keeps.
    ///
    /// The command is recognised by its name (`/usr/sbin/service` counts), also
    /// inside `sh -c '...'` strings. Package names (`apt-get install procps`)
    /// are not commands and are not flagged.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y nginx && service nginx start
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y nginx
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint's DL3001 list is `free`, `kill`, `mount`, `ps`, `service`,
    /// `shutdown`, `ssh`, `top` and `vim` (its message also names `ifconfig`,
    /// which it does not check). dockward also checks `ifconfig`, `nano`,
    /// `reboot`, `halt` and `poweroff`, and sees commands inside `sh -c`
    /// strings, which hadolint's parser does not look into.
    ///
    /// ## References
    /// - [Dockerfile reference: RUN](https://docs.docker.com/reference/dockerfile/#run)
    /// - [Docker best practices: CMD](https://docs.docker.com/build/building/best-practices/#cmd)
    pub struct PointlessCommandInRun {
        severity: Low,
        status: Stable,
        summary: "RUN uses an interactive or machine-level command that has no effect in a build",
        aliases: ["DL3001"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#run",
            "https://docs.docker.com/build/building/best-practices/#cmd",
        ],
    }
}

/// The command and why it has no place in a build step.
const POINTLESS: [(&str, &str); 14] = [
    ("free", "reports the memory of the build machine"),
    ("halt", "there is no machine to halt in a build step"),
    ("ifconfig", "network changes are not saved in the image"),
    ("kill", "processes do not outlive the build step anyway"),
    ("mount", "mounts are not saved in the image"),
    (
        "nano",
        "an editor needs a terminal that a build does not have",
    ),
    (
        "poweroff",
        "there is no machine to power off in a build step",
    ),
    ("ps", "lists the processes of the throwaway build container"),
    ("reboot", "there is no machine to reboot in a build step"),
    (
        "service",
        "a service started here stops when the build step ends",
    ),
    (
        "shutdown",
        "there is no machine to shut down in a build step",
    ),
    ("ssh", "an interactive remote shell has no use in a build"),
    ("top", "monitors the throwaway build container"),
    (
        "vim",
        "an editor needs a terminal that a build does not have",
    ),
];

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs().iter().filter(|r| r.posix) {
        for command in &run.script.commands {
            let (Some(program), Some(name)) = (command.program(), command.name.as_ref()) else {
                continue;
            };
            if let Some((_, why)) = POINTLESS.iter().find(|(p, _)| *p == program) {
                out.push(Violation::new(
                    PointlessCommandInRun::META.rule,
                    name.span,
                    format!("`{program}` in RUN is pointless: {why}"),
                ));
            }
        }
    }
}
