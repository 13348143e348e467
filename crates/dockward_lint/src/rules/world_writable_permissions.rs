use dockward_dockerfile::shell::{SimpleCommand, Word};
use dockward_dockerfile::{Instruction, InstructionKind};
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags permissions that let every user write: `chmod 777`, `chmod 666`,
    /// `chmod o+w`, `chmod a+rwx`, `chmod -R 0777`, the same modes in
    /// `mkdir -m`, `install -m`, `find ... -exec chmod`, and
    /// `COPY --chmod=777` / `ADD --chmod=0666`.
    ///
    /// Not flagged: modes with the sticky bit (`1777`, `+t`), the standard way
    /// to share a directory such as `/tmp` (users may only delete their own
    /// files); `chmod +w` without `o`/`a` (the umask keeps others out); paths
    /// removed with `rm` later in the same `RUN` (they never reach the image);
    /// modes given as variables.
    ///
    /// ## Why is this bad?
    /// A world-writable file or directory can be changed by any process in the
    /// container, whatever its user: an application running as an unprivileged
    /// user, or an attacker who compromised it, can replace binaries,
    /// configuration or scripts that root later runs, which turns a small
    /// compromise into a full one. Give write access to the one user (or
    /// group) that needs it with `chown`/`--chown`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN mkdir -p /app/data && chmod -R 777 /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN mkdir -p /app/data && chown -R app:app /app/data && chmod 750 /app/data
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: COPY --chmod](https://docs.docker.com/reference/dockerfile/#copy---chown---chmod)
    /// - [chmod(1)](https://man7.org/linux/man-pages/man1/chmod.1.html)
    /// - [CWE-732: incorrect permission assignment for critical resource](https://cwe.mitre.org/data/definitions/732.html)
    pub struct WorldWritablePermissions {
        severity: High,
        status: Stable,
        summary: "files or directories are made writable by every user",
        aliases: [],
        references: [
            "https://docs.docker.com/reference/dockerfile/#copy---chown---chmod",
            "https://man7.org/linux/man-pages/man1/chmod.1.html",
            "https://cwe.mitre.org/data/definitions/732.html",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in ctx.instructions() {
        check_copy_chmod(instruction, out);
        if let InstructionKind::Onbuild(inner) = &instruction.kind {
            check_copy_chmod(inner, out);
        }
    }
    for run in ctx.runs().iter().filter(|r| r.posix) {
        let commands = &run.script.commands;
        for (i, command) in commands.iter().enumerate() {
            let Some((mode, targets)) = mode_and_targets(command) else {
                continue;
            };
            if !mode.literal || !is_world_writable(&mode.text) {
                continue;
            }
            let removed = removed_later(&commands[i + 1..]);
            let kept: Vec<&Word> = targets
                .into_iter()
                .filter(|t| !removed.contains(&t.text.as_str()))
                .collect();
            if kept.is_empty() && command.is("chmod") {
                continue;
            }
            let what = kept
                .first()
                .map_or_else(String::new, |t| format!(" `{}`", t.text));
            out.push(Violation::new(
                WorldWritablePermissions::META.rule,
                mode.span,
                format!(
                    "mode `{}` makes{what} writable by every user; grant write access to the owner or group only",
                    mode.text
                ),
            ));
        }
    }
}

fn check_copy_chmod(instruction: &Instruction, out: &mut Vec<Violation>) {
    if !matches!(
        instruction.kind,
        InstructionKind::Copy(_) | InstructionKind::Add(_)
    ) {
        return;
    }
    let Some(flag) = instruction.flag("chmod") else {
        return;
    };
    let Some(value) = flag.value.as_deref() else {
        return;
    };
    let mode = value.trim_matches(|c| c == '"' || c == '\'');
    if mode.contains('$') || !is_world_writable(mode) {
        return;
    }
    out.push(Violation::new(
        WorldWritablePermissions::META.rule,
        flag.span,
        format!(
            "`{} --chmod={mode}` makes the copied files writable by every user; grant write access to the owner only",
            instruction.keyword.as_str()
        ),
    ));
}

fn program_of(word: &Word) -> &str {
    word.text.rsplit('/').next().unwrap_or(&word.text)
}

/// The mode word and the paths it applies to, for `chmod MODE PATH...`,
/// `mkdir -m MODE DIR...`, `install -m MODE ...` and
/// `find ... -exec chmod MODE {} ;`.
fn mode_and_targets(command: &SimpleCommand) -> Option<(&Word, Vec<&Word>)> {
    let program = command.program()?;
    let args: &[Word] = &command.args;
    match program {
        "chmod" => chmod_args(args),
        "mkdir" | "install" => {
            let mut mode = None;
            let mut targets = Vec::new();
            let mut i = 0;
            while let Some(w) = args.get(i) {
                let t = w.text.as_str();
                if t == "-m" || t == "--mode" {
                    mode = args.get(i + 1);
                    i += 2;
                    continue;
                }
                if !t.starts_with('-') {
                    targets.push(w);
                }
                i += 1;
            }
            mode.map(|m| (m, targets))
        }
        "find" => {
            let at = args
                .iter()
                .position(|w| matches!(w.text.as_str(), "-exec" | "-execdir" | "-ok" | "-okdir"))?;
            let chmod = args.get(at + 1)?;
            if program_of(chmod) != "chmod" {
                return None;
            }
            let rest = args.get(at + 2..)?;
            let (mode, _) = chmod_args(rest)?;
            let targets = args[..at]
                .iter()
                .filter(|w| !w.text.starts_with('-'))
                .take(1)
                .collect();
            Some((mode, targets))
        }
        _ => None,
    }
}

fn chmod_args(args: &[Word]) -> Option<(&Word, Vec<&Word>)> {
    if args.iter().any(|w| w.text.starts_with("--reference")) {
        return None;
    }
    // Options (-R, -f, --recursive...) start with `-`; so does a mode such
    // as `-w`, which only removes permissions, so skipping it is harmless.
    let mut operands = args.iter().filter(|w| !w.text.starts_with('-'));
    let mode = operands.next()?;
    Some((
        mode,
        operands
            .filter(|w| !matches!(w.text.as_str(), "{}" | ";" | "+"))
            .collect(),
    ))
}

/// Paths given to `rm` in `commands`.
fn removed_later(commands: &[SimpleCommand]) -> Vec<&str> {
    commands
        .iter()
        .filter(|c| c.is("rm"))
        .flat_map(|c| c.positional().map(|w| w.text.as_str()))
        .collect()
}

/// True when `mode` (octal or symbolic) gives others write permission
/// without the sticky bit.
fn is_world_writable(mode: &str) -> bool {
    if !mode.is_empty() && mode.len() <= 4 && mode.chars().all(|c| ('0'..='7').contains(&c)) {
        let Ok(bits) = u32::from_str_radix(mode, 8) else {
            return false;
        };
        return bits & 0o002 != 0 && bits & 0o1000 == 0;
    }
    let mut writable = false;
    let mut sticky = false;
    for clause in mode.split(',') {
        let who_len = clause
            .find(|c: char| !"ugoa".contains(c))
            .unwrap_or(clause.len());
        let (who, mut rest) = clause.split_at(who_len);
        let others = who.contains('o') || who.contains('a');
        if rest.is_empty() {
            return false;
        }
        while let Some(op) = rest.chars().next().filter(|c| "+-=".contains(*c)) {
            rest = &rest[1..];
            let perms_len = rest
                .find(|c: char| !"rwxXstugo".contains(c))
                .unwrap_or(rest.len());
            let perms = &rest[..perms_len];
            rest = &rest[perms_len..];
            if op != '-' {
                writable |= others && perms.contains('w');
                sticky |= perms.contains('t');
            }
        }
        if !rest.is_empty() {
            return false;
        }
    }
    writable && !sticky
}

#[cfg(test)]
mod tests {
    use super::is_world_writable;

    #[test]
    fn modes() {
        for bad in [
            "777", "0777", "666", "0666", "002", "o+w", "a+rwx", "u+x,o+w", "a=rwx", "go+w",
            "ugo+rw",
        ] {
            assert!(is_world_writable(bad), "{bad}");
        }
        for good in [
            "755", "0644", "1777", "3777", "+x", "+w", "u+w", "g+w", "o-w", "a+rwxt", "o+t,a+w",
            "-R", "$MODE", "abc", "8777",
        ] {
            assert!(!is_world_writable(good), "{good}");
        }
    }
}
