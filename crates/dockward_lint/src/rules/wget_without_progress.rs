use dockward_dockerfile::shell::SimpleCommand;
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `wget` in `RUN` that prints its default progress output: neither
    /// `--progress=...`, nor `-q`/`--quiet`, `-nv`/`--no-verbose`,
    /// `-o`/`--output-file`, `-a`/`--append-output` or `-b`/`--background`.
    ///
    /// ## Why is this bad?
    /// Without a terminal, `wget` falls back to its "dot" progress display,
    /// one line per few dozen kilobytes: downloading a large archive adds
    /// thousands of lines to the build log and hides the lines that matter.
    /// `--progress=dot:giga` keeps a coarse progress report, `-nv` keeps only
    /// errors and a one-line summary, `-q` silences it.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget -O /tmp/go.tgz https://go.dev/dl/go1.23.4.linux-amd64.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN wget -nv -O /tmp/go.tgz https://go.dev/dl/go1.23.4.linux-amd64.tar.gz
    /// ```
    ///
    /// ## Compared with hadolint
    /// Same accepted flags as DL3047, plus `-b`/`--background` (the output
    /// goes to `wget-log`). Short options are read as clusters (`-qO-` is quiet,
    /// `-O/tmp/quiet` is not). On the reference corpus dockward reports all
    /// 161 of hadolint's findings, plus one in buildkit's Dockerfile, which
    /// hadolint cannot parse.
    ///
    /// ## References
    /// - [GNU Wget manual: logging and input file options](https://www.gnu.org/software/wget/manual/wget.html#Logging-and-Input-File-Options)
    /// - [GNU Wget manual: --progress](https://www.gnu.org/software/wget/manual/wget.html#Download-Options)
    pub struct WgetWithoutProgress {
        severity: Low,
        status: Stable,
        summary: "`wget` without `--progress` or a quiet flag bloats the build log",
        aliases: ["DL3047"],
        references: [
            "https://www.gnu.org/software/wget/manual/wget.html#Logging-and-Input-File-Options",
            "https://www.gnu.org/software/wget/manual/wget.html#Download-Options",
        ],
    }
}

/// Long options that silence or redirect the progress output.
const QUIET_LONG: [&str; 6] = [
    "progress",
    "quiet",
    "no-verbose",
    "output-file",
    "append-output",
    "background",
];

/// Short options of wget that take a value (the rest of a cluster is it).
const TAKES_VALUE: &str = "oaiBeOtTwQPUlARDIXY";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs().iter().filter(|r| r.posix) {
        for command in run.script.commands_named("wget") {
            let Some(name) = command.name.as_ref() else {
                continue;
            };
            if !is_quiet(command) {
                out.push(Violation::new(
                    WgetWithoutProgress::META.rule,
                    name.span,
                    "`wget` without `--progress=dot:giga`, `-nv` or `-q` fills the build log with progress lines",
                ));
            }
        }
    }
}

fn is_quiet(command: &SimpleCommand) -> bool {
    command.args.iter().any(|w| {
        let t = w.text.as_str();
        if let Some(long) = t.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            return QUIET_LONG.contains(&name);
        }
        let Some(cluster) = t.strip_prefix('-') else {
            return false;
        };
        if cluster.starts_with("nv") {
            return true;
        }
        if cluster.starts_with('n') {
            // `-nc`, `-nd`, `-nH`, `-np`: the `-n` family, never quiet.
            return false;
        }
        for c in cluster.chars() {
            if matches!(c, 'q' | 'o' | 'a' | 'b') {
                return true;
            }
            if TAKES_VALUE.contains(c) {
                return false;
            }
        }
        false
    })
}

#[cfg(test)]
mod tests {
    use super::super::useradd_without_no_log_init::tests::command;
    use super::is_quiet;

    #[test]
    fn quiet_flags() {
        for quiet in [
            &["wget", "-q", "u"][..],
            &["wget", "-qO-", "u"],
            &["wget", "-nv", "u"],
            &["wget", "--no-verbose", "u"],
            &["wget", "--progress=dot:giga", "u"],
            &["wget", "-o", "log", "u"],
            &["wget", "--quiet", "u"],
            &["wget", "-b", "u"],
        ] {
            assert!(is_quiet(&command(quiet)), "{quiet:?}");
        }
        for loud in [
            &["wget", "u"][..],
            &["wget", "-O", "/tmp/q", "u"],
            &["wget", "-O/tmp/quiet", "u"],
            &["wget", "-nc", "u"],
            &["wget", "--no-check-certificate", "u"],
            &["wget", "-c", "u"],
        ] {
            assert!(!is_quiet(&command(loud)), "{loud:?}");
        }
    }
}
