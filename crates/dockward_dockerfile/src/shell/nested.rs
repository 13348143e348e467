//! Commands whose arguments are themselves a script: `sh -c '...'`,
//! `su user -c '...'`, `eval '...'`, also behind `env`, `sudo`, `exec`,
//! `gosu`, `xargs`, `find -exec` and similar wrappers.

use super::{SimpleCommand, Word};

/// Shells whose `-c` option takes a script.
const SHELLS: [&str; 8] = ["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "yash"];

/// Part of a nested script: the argument `arg`, without its first `skip`
/// bytes (`--command=` in `su --command=...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ScriptPart {
    pub arg: usize,
    pub skip: usize,
}

/// The arguments of `command` that hold a script, joined by spaces; empty
/// when it runs none.
pub(super) fn script_parts(command: &SimpleCommand) -> Vec<ScriptPart> {
    let Some(mut program) = command.program() else {
        return Vec::new();
    };
    let args = &command.args;
    // Index of the first argument of `program`.
    let mut first = 0;
    for _ in 0..4 {
        let Some(next) = wrapped_program(program, args, first) else {
            break;
        };
        let Some(word) = args.get(next) else {
            return Vec::new();
        };
        program = basename(&word.text);
        first = next + 1;
    }
    if SHELLS.contains(&program) {
        shell_script(args, first).into_iter().collect()
    } else if program == "su" || program == "runuser" {
        su_script(args, first).into_iter().collect()
    } else if program == "eval" {
        (first..args.len())
            .map(|arg| ScriptPart { arg, skip: 0 })
            .collect()
    } else {
        Vec::new()
    }
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// For a wrapper that runs another program, the index of that program's
/// name among `args` (its own arguments start at `first`).
fn wrapped_program(program: &str, args: &[Word], first: usize) -> Option<usize> {
    match program {
        "env" => Some(skip_assignments(
            args,
            skip_options(args, first, "uCS", &["unset", "chdir"])?,
        )),
        "sudo" | "doas" => Some(skip_assignments(
            args,
            skip_options(
                args,
                first,
                "ugCDprtUTRh",
                &["user", "group", "chdir", "prompt", "role", "type"],
            )?,
        )),
        "exec" => skip_options(args, first, "a", &[]),
        "nohup" | "command" | "time" | "busybox" => skip_options(args, first, "", &[]),
        "nice" | "ionice" => skip_options(args, first, "nct", &["adjustment"]),
        "timeout" => skip_options(args, first, "ks", &["kill-after", "signal"]).map(|i| i + 1),
        "gosu" | "su-exec" => Some(first + 1),
        "chroot" => skip_options(args, first, "", &[]).map(|i| i + 1),
        "xargs" => skip_options(
            args,
            first,
            "IinPLdsEal",
            &[
                "max-args",
                "max-procs",
                "max-lines",
                "delimiter",
                "arg-file",
            ],
        ),
        "find" => args
            .iter()
            .skip(first)
            .position(|w| matches!(w.text.as_str(), "-exec" | "-execdir" | "-ok" | "-okdir"))
            .map(|i| first + i + 1),
        _ => None,
    }
}

/// Index of the first argument from `first` on that is not an option.
/// `with_value` lists short options taking a value, `long_with_value` long
/// ones (written `--name value`).
fn skip_options(
    args: &[Word],
    first: usize,
    with_value: &str,
    long_with_value: &[&str],
) -> Option<usize> {
    let mut i = first;
    while let Some(word) = args.get(i) {
        let text = word.text.as_str();
        if text == "--" {
            return Some(i + 1);
        }
        if let Some(long) = text.strip_prefix("--") {
            i += if long_with_value.contains(&long) {
                2
            } else {
                1
            };
            continue;
        }
        if let Some(short) = text.strip_prefix('-').filter(|s| !s.is_empty()) {
            let takes_value = short.len() == 1 && short.chars().all(|c| with_value.contains(c));
            i += if takes_value { 2 } else { 1 };
            continue;
        }
        return Some(i);
    }
    None
}

/// Skips `NAME=value` arguments.
fn skip_assignments(args: &[Word], first: usize) -> usize {
    let mut i = first;
    while args
        .get(i)
        .is_some_and(|w| super::parser::is_assignment(w.text.as_bytes()))
    {
        i += 1;
    }
    i
}

/// `sh [options] -c SCRIPT [name [args]]`: the first operand after options
/// when `-c` is among them (also in a cluster such as `-euxc`).
fn shell_script(args: &[Word], first: usize) -> Option<ScriptPart> {
    let mut has_c = false;
    let mut i = first;
    while let Some(word) = args.get(i) {
        let text = word.text.as_str();
        if text == "--" || text == "-" {
            i += 1;
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            i += if matches!(long, "rcfile" | "init-file") {
                2
            } else {
                1
            };
            continue;
        }
        let flags = text.strip_prefix('-').or_else(|| text.strip_prefix('+'));
        match flags {
            Some(flags) if !flags.is_empty() => {
                has_c |= text.starts_with('-') && flags.contains('c');
                i += if flags.ends_with('o') || flags.ends_with('O') {
                    2
                } else {
                    1
                };
            }
            _ => break,
        }
    }
    (has_c && i < args.len()).then_some(ScriptPart { arg: i, skip: 0 })
}

/// `su [options] [-] [user] -c SCRIPT` (options anywhere, `-c` may come
/// after the user; `--command=SCRIPT` too).
fn su_script(args: &[Word], first: usize) -> Option<ScriptPart> {
    let mut i = first;
    while let Some(word) = args.get(i) {
        let text = word.text.as_str();
        if text == "-c" || text == "--command" {
            return (i + 1 < args.len()).then_some(ScriptPart {
                arg: i + 1,
                skip: 0,
            });
        }
        if text.starts_with("--command=") {
            return Some(ScriptPart {
                arg: i,
                skip: "--command=".len(),
            });
        }
        let with_value = matches!(
            text,
            "-s" | "--shell" | "-g" | "--group" | "-G" | "--supp-group" | "-w"
        ) || text == "--whitelist-environment";
        if with_value {
            i += 2;
            continue;
        }
        // A cluster ending in `c`: `-lc SCRIPT`.
        if text.len() > 2
            && !text.starts_with("--")
            && text.starts_with('-')
            && text.ends_with('c')
            && text[1..].bytes().all(|b| b.is_ascii_alphabetic())
        {
            return (i + 1 < args.len()).then_some(ScriptPart {
                arg: i + 1,
                skip: 0,
            });
        }
        i += 1;
    }
    None
}
