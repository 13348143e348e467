use dockward_dockerfile::shell::{SimpleCommand, Word};
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` with a pipeline (`a | b`) when the `pipefail` option is
    /// not on: neither the stage's `SHELL` is bash, zsh, ash, ksh or mksh with
    /// `-o pipefail`, nor a `set -o pipefail` earlier in the same `RUN`.
    ///
    /// ## Why is this bad?
    /// A pipeline's exit status is its last command's. In
    /// `curl -fsSL $URL | tar -xz`, a failed download gives `tar` an empty
    /// input, and depending on the tool the step still succeeds: the build
    /// goes on with a missing or truncated file. With `pipefail`, any failing
    /// command fails the pipeline and the build.
    ///
    /// The shell is recognised by its basename (`/usr/bin/bash` counts), and
    /// `SHELL` is inherited by stages built `FROM` another stage. `set -o
    /// pipefail` (or `set -euo pipefail`) before the pipeline counts: when the
    /// shell lacks the option, `set` fails and so does the build, so the
    /// pipeline never runs without it. Pipelines inside `sh -c '...'` strings
    /// run in another shell and are not considered. RUNs in PowerShell or cmd
    /// stages are skipped.
    ///
    /// The POSIX `/bin/sh` only gained `pipefail` in POSIX.1-2024, and older
    /// dash (Debian, Ubuntu) does not have it: set a `SHELL` with bash, or ash
    /// on Alpine.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint 2.15.1's DL4006 only recognises `/bin/bash`, `/bin/zsh`,
    /// `/bin/ash` and their bare names (fixed after that release), ignores
    /// `set -o pipefail` in the RUN itself, and resets on every `FROM` even
    /// when the stage inherits the `SHELL` of its parent stage. dockward
    /// matches by basename, accepts ksh and mksh, counts `set -o pipefail`
    /// and follows `FROM <stage>`. On the reference corpus dockward reports
    /// 613 of hadolint's 617 findings; the other 4 are RUNs of fsutil's
    /// Dockerfile that start with `set -o pipefail`. dockward's 6 extra
    /// findings are in files hadolint cannot parse.
    ///
    /// ## References
    /// - [Dockerfile reference: SHELL](https://docs.docker.com/reference/dockerfile/#shell)
    /// - [Docker best practices: using pipes](https://docs.docker.com/build/building/best-practices/#using-pipes)
    /// - [bash manual: the set builtin (pipefail)](https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html)
    pub struct PipeWithoutPipefail {
        severity: Medium,
        status: Stable,
        summary: "RUN has a pipe but `pipefail` is not set",
        aliases: ["DL4006"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#shell",
            "https://docs.docker.com/build/building/best-practices/#using-pipes",
            "https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html",
        ],
    }
}

/// Shells that have `-o pipefail`.
const PIPEFAIL_SHELLS: [&str; 5] = ["bash", "zsh", "ash", "ksh", "mksh"];

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs().iter().filter(|r| r.posix) {
        if shell_has_pipefail(&run.shell) {
            continue;
        }
        let commands: Vec<&SimpleCommand> =
            run.script.commands.iter().filter(|c| !c.nested).collect();
        let mut pipefail = false;
        for (i, command) in commands.iter().enumerate() {
            if command.is("set") {
                if let Some(on) = set_pipefail(&command.args) {
                    pipefail = on;
                }
                continue;
            }
            if pipefail || command.pipeline_len < 2 {
                continue;
            }
            let pipeline = command.pipeline;
            let span = commands[i..]
                .iter()
                .filter(|c| c.pipeline == pipeline)
                .fold(command.span, |span, c| span.cover(c.span));
            let first = command.program().unwrap_or("the first command");
            out.push(Violation::new(
                PipeWithoutPipefail::META.rule,
                span,
                format!(
                    "pipeline without `pipefail`: a failure of `{first}` is ignored; use `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` or `set -o pipefail`"
                ),
            ));
            break;
        }
    }
}

/// True when the SHELL words start a pipefail-capable shell with `-o pipefail`.
fn shell_has_pipefail(shell: &[String]) -> bool {
    let Some(exe) = shell.first() else {
        return false;
    };
    let base = exe.rsplit('/').next().unwrap_or(exe);
    PIPEFAIL_SHELLS.contains(&base)
        && option_pipefail(shell.iter().skip(1).map(String::as_str)) == Some(true)
}

/// What `set` arguments do to pipefail: `Some(true)` for `-o pipefail`
/// (also in a cluster such as `-euo pipefail`), `Some(false)` for `+o pipefail`.
fn set_pipefail(args: &[Word]) -> Option<bool> {
    if !args.iter().all(|w| w.literal) {
        return None;
    }
    option_pipefail(args.iter().map(|w| w.text.as_str()))
}

fn option_pipefail<'a>(args: impl Iterator<Item = &'a str>) -> Option<bool> {
    let mut result = None;
    let mut pending: Option<bool> = None;
    for arg in args {
        if let Some(on) = pending.take() {
            if arg == "pipefail" {
                result = Some(on);
            }
            continue;
        }
        let (on, cluster) = if let Some(c) = arg.strip_prefix('-') {
            (true, c)
        } else if let Some(c) = arg.strip_prefix('+') {
            (false, c)
        } else {
            continue;
        };
        if cluster.starts_with('-') || cluster.is_empty() {
            continue;
        }
        if let Some(pos) = cluster.find('o') {
            let value = &cluster[pos + 1..];
            if value.is_empty() {
                pending = Some(on);
            } else if value == "pipefail" {
                result = Some(on);
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::{option_pipefail, shell_has_pipefail};

    fn shell(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn shells() {
        assert!(shell_has_pipefail(&shell(&[
            "/bin/bash",
            "-o",
            "pipefail",
            "-c"
        ])));
        assert!(shell_has_pipefail(&shell(&[
            "/usr/bin/bash",
            "-euxo",
            "pipefail",
            "-c"
        ])));
        assert!(shell_has_pipefail(&shell(&[
            "ash", "-eo", "pipefail", "-c"
        ])));
        assert!(!shell_has_pipefail(&shell(&[
            "/bin/sh", "-o", "pipefail", "-c"
        ])));
        assert!(!shell_has_pipefail(&shell(&["/bin/bash", "-c"])));
        assert!(!shell_has_pipefail(&shell(&[
            "/bin/bash",
            "-o",
            "errexit",
            "-c"
        ])));
    }

    #[test]
    fn set_options() {
        assert_eq!(option_pipefail(["-o", "pipefail"].into_iter()), Some(true));
        assert_eq!(
            option_pipefail(["-euxo", "pipefail"].into_iter()),
            Some(true)
        );
        assert_eq!(option_pipefail(["+o", "pipefail"].into_iter()), Some(false));
        assert_eq!(option_pipefail(["-eux"].into_iter()), None);
        assert_eq!(option_pipefail(["-o", "errexit"].into_iter()), None);
    }
}
