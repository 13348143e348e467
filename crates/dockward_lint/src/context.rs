use dockward_dockerfile::shell::{self, Script};
use dockward_dockerfile::{CommandLine, Dockerfile, Instruction, InstructionKind};

use crate::LintSettings;

/// A RUN instruction (possibly an `ONBUILD RUN` trigger) with its shell analysis.
#[derive(Debug)]
pub struct RunInfo<'a> {
    /// The RUN instruction itself (for an ONBUILD trigger, the nested RUN).
    pub instruction: &'a Instruction,
    /// Index of the top-level instruction in [`Dockerfile::instructions`].
    pub index: usize,
    /// True for `ONBUILD RUN`.
    pub onbuild: bool,
    /// The effective SHELL of the stage, `["/bin/sh", "-c"]` by default.
    pub shell: Vec<String>,
    /// False when the shell is PowerShell or cmd: POSIX rules skip it.
    pub posix: bool,
    /// The commands it runs. Empty for exec form and non-POSIX shells.
    pub script: Script,
}

/// Everything a rule may look at.
#[derive(Debug)]
pub struct Context<'a> {
    /// The parsed file.
    pub dockerfile: &'a Dockerfile,
    /// Its text (spans index into it).
    pub text: &'a str,
    /// Rule options from configuration.
    pub settings: &'a LintSettings,
    runs: Vec<RunInfo<'a>>,
}

const DEFAULT_SHELL: [&str; 2] = ["/bin/sh", "-c"];

/// The default SHELL of Windows images (BuildKit: `cmd /S /C`).
const WINDOWS_SHELL: [&str; 3] = ["cmd", "/S", "/C"];

/// True when an image reference names a Windows base image, whose default
/// shell is `cmd` rather than `/bin/sh` (mcr.microsoft.com/windows/servercore,
/// .../nanoserver, and tags such as `golang:nanoserver-ltsc2022` or
/// `python:3-windowsservercore`).
pub(crate) fn is_windows_image(image: &str) -> bool {
    let image = image.to_ascii_lowercase();
    ["windows", "nanoserver", "servercore"]
        .iter()
        .any(|marker| image.contains(marker))
}

/// True when `shell` (a SHELL instruction's words) is a POSIX-like shell.
pub(crate) fn is_posix_shell(shell: &[String]) -> bool {
    shell.first().is_none_or(|exe| {
        let exe = exe.to_ascii_lowercase();
        let base = exe.rsplit(['/', '\\']).next().unwrap_or(&exe);
        !(base.contains("pwsh") || base.contains("powershell") || base.starts_with("cmd"))
    })
}

impl<'a> Context<'a> {
    /// Prepares the context: the effective shell per stage and the shell
    /// analysis of every RUN.
    pub fn new(dockerfile: &'a Dockerfile, text: &'a str, settings: &'a LintSettings) -> Self {
        let default_shell: Vec<String> = DEFAULT_SHELL.iter().map(|s| (*s).to_owned()).collect();
        // Effective shell at the end of each stage, so `FROM <stage>` inherits it.
        let mut stage_shell: Vec<Vec<String>> = Vec::new();
        let mut current = default_shell.clone();
        let mut runs = Vec::new();
        for (index, instruction) in dockerfile.instructions.iter().enumerate() {
            match &instruction.kind {
                InstructionKind::From(_) => {
                    if let Some(prev) = instruction.stage.and_then(|s| s.checked_sub(1)) {
                        while stage_shell.len() <= prev {
                            stage_shell.push(current.clone());
                        }
                    }
                    current = instruction
                        .stage
                        .and_then(|s| dockerfile.stages.get(s))
                        .and_then(|stage| match stage.base {
                            dockward_dockerfile::StageBase::Stage(parent) => {
                                stage_shell.get(parent).cloned()
                            }
                            dockward_dockerfile::StageBase::Image(_) => dockerfile
                                .expanded_from_image(stage.index)
                                .filter(|image| is_windows_image(image))
                                .map(|_| WINDOWS_SHELL.iter().map(|s| (*s).to_owned()).collect()),
                            dockward_dockerfile::StageBase::Scratch => None,
                        })
                        .unwrap_or_else(|| default_shell.clone());
                }
                InstructionKind::Shell(words) if !words.is_empty() => {
                    current = words.iter().map(|w| w.value.clone()).collect();
                }
                InstructionKind::Run(_) => {
                    runs.push(Self::run_info(instruction, index, false, &current));
                }
                InstructionKind::Onbuild(inner)
                    if matches!(inner.kind, InstructionKind::Run(_)) =>
                {
                    runs.push(Self::run_info(inner, index, true, &current));
                }
                _ => {}
            }
        }
        Context {
            dockerfile,
            text,
            settings,
            runs,
        }
    }

    fn run_info(
        instruction: &'a Instruction,
        index: usize,
        onbuild: bool,
        shell: &[String],
    ) -> RunInfo<'a> {
        let posix = is_posix_shell(shell);
        let script = match &instruction.kind {
            InstructionKind::Run(run) if posix && run.command == CommandLine::Shell => {
                run_script(instruction)
            }
            _ => Script::default(),
        };
        RunInfo {
            instruction,
            index,
            onbuild,
            shell: shell.to_vec(),
            posix,
            script,
        }
    }

    /// Every RUN and `ONBUILD RUN`, in file order.
    pub fn runs(&self) -> &[RunInfo<'a>] {
        &self.runs
    }

    /// Top-level instructions, in file order.
    pub fn instructions(&self) -> &'a [Instruction] {
        &self.dockerfile.instructions
    }

    /// The source text of `span`.
    pub fn slice(&self, span: dockward_diagnostics::Span) -> &'a str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

const SHELLS: [&str; 6] = ["sh", "bash", "ash", "dash", "zsh", "ksh"];

/// The commands a shell-form RUN executes: its command line, plus the bodies
/// of heredocs that are scripts (the heredoc *is* the command, or it feeds a
/// shell reading its standard input). Other heredoc bodies are data.
fn run_script(instruction: &Instruction) -> Script {
    let args = &instruction.args;
    let mut script = shell::parse(&args.text, &|i| args.source_offset(i));
    if instruction.heredocs.is_empty() {
        return script;
    }
    let only_markers = args.text.split_whitespace().all(|word| word.contains("<<"));
    let feeds_shell = script.commands.iter().any(|c| {
        c.program().is_some_and(|p| SHELLS.contains(&p))
            && c.args
                .iter()
                .all(|a| a.text.starts_with('-') || a.text.contains("<<"))
    });
    if only_markers || feeds_shell {
        if only_markers {
            script.commands.clear();
            script.error = None;
        }
        for heredoc in &instruction.heredocs {
            let start = heredoc.body_span.start;
            let body = shell::parse(&heredoc.body, &|i| start + i);
            script.commands.extend(body.commands);
            if script.error.is_none() {
                script.error = body.error;
            }
        }
    }
    script
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shells(text: &str) -> Vec<(bool, Vec<String>)> {
        let dockerfile = dockward_dockerfile::parse(text);
        let settings = LintSettings::default();
        let ctx = Context::new(&dockerfile, text, &settings);
        ctx.runs()
            .iter()
            .map(|r| (r.posix, r.shell.clone()))
            .collect()
    }

    #[test]
    fn windows_base_images_default_to_cmd_and_stages_inherit_shells() {
        let text = "ARG BASE=mcr.microsoft.com/windows/servercore\n\
                    FROM ${BASE}:ltsc2022 AS win\n\
                    RUN mkdir C:\\tmp\n\
                    FROM debian:12 AS linux\n\
                    SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n\
                    RUN echo a | cat\n\
                    FROM linux\n\
                    RUN echo b\n\
                    FROM win\n\
                    RUN dir\n";
        let got = shells(text);
        assert_eq!(got.len(), 4);
        assert!(!got[0].0, "servercore stage is not POSIX");
        assert_eq!(got[0].1, ["cmd", "/S", "/C"]);
        assert!(got[1].0);
        assert_eq!(got[1].1[0], "/bin/bash");
        assert_eq!(got[2].1[0], "/bin/bash", "FROM <stage> inherits SHELL");
        assert!(!got[3].0, "FROM <windows stage> inherits cmd");
    }
}
