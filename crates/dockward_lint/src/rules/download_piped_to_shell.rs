use dockward_dockerfile::shell::{SimpleCommand, Word};
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `RUN` steps that execute a script straight from the network:
    /// `curl ... | sh`, `wget -qO- ... | sudo bash -s`, `curl ... | python3 -`,
    /// `sh -c "$(curl ...)"`, `eval "$(wget -O- ...)"` and
    /// `bash <(curl ...)`.
    ///
    /// Interpreters recognised: sh, bash, dash, zsh, ash, ksh, mksh, python,
    /// perl, ruby, node and php, also behind `sudo`, `env` or `busybox`. An
    /// interpreter that reads a script file or gets its code with `-c`/`-e`
    /// reads the download as data (`curl ... | python3 -c 'import json...'`)
    /// and is not flagged.
    ///
    /// ## Why is this bad?
    /// The build runs, as root, whatever the server returns at that moment:
    /// a compromised or hijacked download site, a DNS or proxy attack, or a
    /// changed upstream script becomes code in your image, with no checksum or
    /// signature to stop it and no record of what ran. A truncated download
    /// can also execute half a script. Download to a file, verify its checksum
    /// or signature, then run it.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://get.example.com/install.sh | sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN curl -fsSLo /tmp/install.sh https://get.example.com/install-1.4.2.sh \
    ///  && echo "3b2c...e91f  /tmp/install.sh" | sha256sum -c - \
    ///  && sh /tmp/install.sh && rm /tmp/install.sh
    /// ```
    ///
    /// ## References
    /// - [Docker best practices: ADD or COPY (verify remote downloads)](https://docs.docker.com/build/building/best-practices/#add-or-copy)
    /// - [Dockerfile reference: ADD --checksum](https://docs.docker.com/reference/dockerfile/#add---checksum)
    /// - [OpenSSF Scorecard: Pinned-Dependencies (download-then-run)](https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies)
    pub struct DownloadPipedToShell {
        severity: High,
        status: Stable,
        summary: "a downloaded script is executed without verification",
        aliases: [],
        references: [
            "https://docs.docker.com/build/building/best-practices/#add-or-copy",
            "https://docs.docker.com/reference/dockerfile/#add---checksum",
            "https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies",
        ],
    }
}

const SHELLS: [&str; 7] = ["sh", "bash", "dash", "zsh", "ash", "ksh", "mksh"];
const OTHER_INTERPRETERS: [&str; 5] = ["perl", "ruby", "node", "php", "nodejs"];

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs().iter().filter(|r| r.posix) {
        let commands = &run.script.commands;
        for (i, command) in commands.iter().enumerate() {
            // `... | interpreter`: find a downloader earlier in the same pipeline.
            if command.pipeline_len > 1 && interpreter_reading_stdin(command).is_some() {
                let downloader = commands[..i]
                    .iter()
                    .find(|c| c.pipeline == command.pipeline && downloads_to_stdout(c));
                if let (Some(d), Some(interp)) = (downloader, interpreter_reading_stdin(command)) {
                    out.push(Violation::new(
                        DownloadPipedToShell::META.rule,
                        d.span.cover(command.span),
                        format!(
                            "the output of `{}` is piped into `{interp}`: a remote script runs unverified; download it, check its checksum, then run it",
                            d.program().unwrap_or("download")
                        ),
                    ));
                }
                continue;
            }
            if let Some(what) = substituted_download(command) {
                out.push(Violation::new(
                    DownloadPipedToShell::META.rule,
                    command.span,
                    format!("{what}: a remote script runs unverified; download it, check its checksum, then run it"),
                ));
            }
        }
    }
}

/// The command after wrappers: `sudo -E bash` → `bash`, `env X=1 sh` → `sh`,
/// `busybox sh` → `sh`. Returns the program and its arguments.
fn unwrap(command: &SimpleCommand) -> Option<(&str, &[Word])> {
    let mut program = command.program()?;
    let mut args: &[Word] = &command.args;
    for _ in 0..4 {
        match program {
            "sudo" | "doas" => {
                let mut i = 0;
                while let Some(w) = args.get(i) {
                    let t = w.text.as_str();
                    if !t.starts_with('-') {
                        break;
                    }
                    i += if matches!(t, "-u" | "-g" | "-C" | "-D" | "-h" | "-p" | "-U") {
                        2
                    } else {
                        1
                    };
                }
                let (first, rest) = args.get(i..)?.split_first()?;
                program = first.text.rsplit('/').next().unwrap_or(&first.text);
                args = rest;
            }
            "env" => {
                let i = args
                    .iter()
                    .position(|w| !w.text.starts_with('-') && !w.text.contains('='))?;
                let (first, rest) = args.get(i..)?.split_first()?;
                program = first.text.rsplit('/').next().unwrap_or(&first.text);
                args = rest;
            }
            "busybox" => {
                let (first, rest) = args.split_first()?;
                program = first.text.as_str();
                args = rest;
            }
            _ => return Some((program, args)),
        }
    }
    None
}

fn is_interpreter(program: &str) -> bool {
    SHELLS.contains(&program)
        || OTHER_INTERPRETERS.contains(&program)
        || program
            .strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// True when a short-option cluster or long option in `args` is one of `letters`.
fn has_short(args: &[Word], letters: &[char]) -> bool {
    args.iter().any(|w| {
        let t = w.text.as_str();
        t.len() > 1
            && t.starts_with('-')
            && !t.starts_with("--")
            && t[1..].chars().any(|c| letters.contains(&c))
    })
}

/// The interpreter name when `command` runs an interpreter that reads its
/// program from standard input.
fn interpreter_reading_stdin(command: &SimpleCommand) -> Option<&str> {
    let (program, args) = unwrap(command)?;
    if !is_interpreter(program) {
        return None;
    }
    let shell = SHELLS.contains(&program);
    let code_flags: &[char] = if shell {
        &['c']
    } else {
        &['c', 'e', 'E', 'm', 'r']
    };
    if has_short(args, code_flags) {
        return None;
    }
    if shell && has_short(args, &['s']) {
        return Some(program);
    }
    let first_operand = args
        .iter()
        .map(|w| w.text.as_str())
        .find(|t| !t.starts_with('-') || *t == "-");
    match first_operand {
        None | Some("-") => Some(program),
        Some(_) => None,
    }
}

/// True for `curl` writing to standard output, or `wget -O -`.
fn downloads_to_stdout(command: &SimpleCommand) -> bool {
    let Some((program, args)) = unwrap(command) else {
        return false;
    };
    match program {
        "curl" => curl_to_stdout(args),
        "wget" => {
            let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
            texts.iter().enumerate().any(|(i, t)| {
                let to_stdout = |v: &str| v == "-" || v == "/dev/stdout";
                if *t == "--output-document" {
                    return texts.get(i + 1).is_some_and(|v| to_stdout(v));
                }
                if let Some(v) = t.strip_prefix("--output-document=") {
                    return to_stdout(v);
                }
                if t.starts_with('-')
                    && !t.starts_with("--")
                    && let Some(pos) = t.find('O')
                {
                    let value = &t[pos + 1..];
                    if value.is_empty() {
                        return texts.get(i + 1).is_some_and(|v| to_stdout(v));
                    }
                    return to_stdout(value);
                }
                false
            })
        }
        _ => false,
    }
}

/// Short options of curl that take a value (the rest of a cluster is it).
const CURL_TAKES_VALUE: &str = "AbcCdDeEFHKmoPQrtTuUwxXyYz";

/// True unless curl's output goes to a file (`-o FILE`, `-O`, `--output FILE`,
/// `--remote-name`).
fn curl_to_stdout(args: &[Word]) -> bool {
    let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
    for (i, t) in texts.iter().enumerate() {
        let next_is_file = || texts.get(i + 1).is_some_and(|v| *v != "-");
        if let Some(long) = t.strip_prefix("--") {
            match long.split_once('=') {
                Some(("output", v)) if v != "-" => return false,
                None if long == "output" && next_is_file() => return false,
                None if long == "remote-name" || long == "remote-name-all" => return false,
                _ => {}
            }
            continue;
        }
        let Some(cluster) = t.strip_prefix('-') else {
            continue;
        };
        for (pos, c) in cluster.char_indices() {
            if c == 'O' {
                return false;
            }
            if c == 'o' {
                let value = &cluster[pos + 1..];
                if (value.is_empty() && next_is_file()) || (!value.is_empty() && value != "-") {
                    return false;
                }
                break;
            }
            if CURL_TAKES_VALUE.contains(c) {
                break;
            }
        }
    }
    true
}

/// True when `text` runs curl or wget through command or process substitution.
fn substitutes_download(text: &str) -> bool {
    ["$(", "`", "<("].iter().any(|open| {
        text.match_indices(open).any(|(i, _)| {
            let rest = text[i + open.len()..].trim_start();
            let rest = rest.strip_prefix("sudo ").unwrap_or(rest);
            rest.starts_with("curl ") || rest.starts_with("wget ")
        })
    })
}

/// `sh -c "$(curl ...)"`, `eval "$(curl ...)"`, `bash <(curl ...)`,
/// `source <(curl ...)`: what runs what, for the message.
fn substituted_download(command: &SimpleCommand) -> Option<String> {
    let (program, args) = unwrap(command)?;
    let runs_code = is_interpreter(program) || matches!(program, "eval" | "source" | ".");
    if !runs_code {
        return None;
    }
    let hit = args.iter().find(|w| substitutes_download(&w.text))?;
    let tool = if hit.text.contains("curl") {
        "curl"
    } else {
        "wget"
    };
    Some(format!("`{program}` runs the output of `{tool}`"))
}

#[cfg(test)]
mod tests {
    use super::super::useradd_without_no_log_init::tests::command;
    use super::{downloads_to_stdout, interpreter_reading_stdin, substituted_download};

    #[test]
    fn interpreters() {
        for reads in [
            &["sh"][..],
            &["bash", "-"],
            &["bash", "-s", "--", "--version", "1"],
            &["sudo", "-E", "bash", "-"],
            &["env", "DEBUG=1", "sh"],
            &["python3", "-"],
            &["/usr/bin/python3.12"],
            &["busybox", "sh"],
        ] {
            assert!(
                interpreter_reading_stdin(&command(reads)).is_some(),
                "{reads:?}"
            );
        }
        for not in [
            &["sh", "-c", "cat > /x"][..],
            &["sh", "/tmp/x.sh"],
            &["python3", "-c", "import json"],
            &["perl", "-e", "print"],
            &["tar", "-xz"],
            &["sudo", "tee", "/x"],
        ] {
            assert!(
                interpreter_reading_stdin(&command(not)).is_none(),
                "{not:?}"
            );
        }
    }

    #[test]
    fn downloaders() {
        for to_stdout in [
            &["curl", "-fsSL", "u"][..],
            &["curl", "-o", "-", "u"],
            &["curl", "-H", "Accept: x", "u"],
            &["wget", "-qO-", "u"],
            &["wget", "-O", "-", "u"],
            &["wget", "--output-document=-", "u"],
        ] {
            assert!(downloads_to_stdout(&command(to_stdout)), "{to_stdout:?}");
        }
        for to_file in [
            &["curl", "-fsSLo", "/tmp/x", "u"][..],
            &["curl", "-O", "u"],
            &["curl", "--output", "/tmp/x", "u"],
            &["curl", "--remote-name", "u"],
            &["wget", "u"],
            &["wget", "-O", "/tmp/x", "u"],
            &["cat", "x"],
        ] {
            assert!(!downloads_to_stdout(&command(to_file)), "{to_file:?}");
        }
    }

    #[test]
    fn substitutions() {
        assert!(substituted_download(&command(&["sh", "-c", "$(curl -fsSL u)"])).is_some());
        assert!(substituted_download(&command(&["eval", "$(wget -O - u)"])).is_some());
        assert!(substituted_download(&command(&["bash", "<(curl -s u)"])).is_some());
        assert!(substituted_download(&command(&["echo", "$(curl -s u)"])).is_none());
        assert!(substituted_download(&command(&["sh", "-c", "$(cat x)"])).is_none());
    }
}
