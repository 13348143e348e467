//! The shell parser over every shell-form RUN body of the shared corpus:
//! fewer than 1% of the POSIX bodies may be rejected, spans stay inside the
//! RUN instruction, and brush-parser (an independent bash parser) agrees on
//! which bodies are valid. The totals are snapshotted.

mod corpus_files;

use corpus_files::corpus_files;

use std::fmt::Write as _;

use dockward_dockerfile::shell::{self, Script};
use dockward_dockerfile::{CommandLine, Instruction, InstructionKind};

/// A shell-form RUN body of the corpus (or the body of a heredoc that is
/// the RUN's script).
struct Body {
    file: String,
    line: u32,
    script: Script,
    instruction_span: dockward_dockerfile::Span,
    /// The RUN as a shell would read it: the command line, then each
    /// heredoc body and its delimiter line.
    full_text: String,
}

fn full_text(instruction: &Instruction) -> String {
    let mut text = instruction.args.text.clone();
    for heredoc in &instruction.heredocs {
        text.push('\n');
        text.push_str(&heredoc.body);
        text.push_str(&heredoc.delimiter);
    }
    text
}

fn non_posix(words: &[dockward_dockerfile::Spanned<String>]) -> bool {
    words.first().is_some_and(|exe| {
        let exe = exe.value.to_ascii_lowercase();
        exe.contains("powershell") || exe.contains("pwsh") || exe.contains("cmd")
    })
}

fn shell_run(instruction: &Instruction) -> Option<&Instruction> {
    match &instruction.kind {
        InstructionKind::Run(run) if run.command == CommandLine::Shell => Some(instruction),
        InstructionKind::Onbuild(inner) => shell_run(inner),
        _ => None,
    }
}

/// Every shell-form RUN body of files whose SHELL is not PowerShell or cmd.
fn corpus_bodies() -> Vec<Body> {
    let files = corpus_files();
    let mut bodies = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("corpus file is UTF-8");
        let dockerfile = dockward_dockerfile::parse(&text);
        let windows = dockerfile
            .instructions
            .iter()
            .any(|i| matches!(&i.kind, InstructionKind::Shell(words) if non_posix(words)));
        if windows {
            continue;
        }
        let file = path.file_name().expect("file name").to_string_lossy();
        for instruction in dockerfile.instructions.iter().filter_map(shell_run) {
            let args = &instruction.args;
            let script = shell::parse(&args.text, &|i| args.source_offset(i));
            let only_markers = args.text.split_whitespace().all(|w| w.contains("<<"));
            let body = |script| Body {
                file: file.to_string(),
                line: instruction.start_line,
                script,
                instruction_span: instruction.span,
                full_text: full_text(instruction),
            };
            if only_markers && !instruction.heredocs.is_empty() {
                for heredoc in &instruction.heredocs {
                    let start = heredoc.body_span.start;
                    bodies.push(body(shell::parse(&heredoc.body, &|i| start + i)));
                }
            } else {
                bodies.push(body(script));
            }
        }
    }
    bodies
}

#[test]
fn corpus_run_bodies_parse() {
    let bodies = corpus_bodies();
    let mut failures = String::new();
    let (mut commands, mut nested, mut substitution, mut piped) = (0, 0, 0, 0);
    for body in &bodies {
        let script = &body.script;
        if let (Some(error), Some(span)) = (&script.error, script.error_span) {
            writeln!(failures, "{}:{}: {error} at {span:?}", body.file, body.line)
                .expect("write to string");
        }
        for command in &script.commands {
            let span = body.instruction_span;
            let words = command
                .assignments
                .iter()
                .chain(&command.name)
                .chain(&command.args)
                .chain(command.redirects.iter().map(|r| &r.target));
            for s in words.map(|w| w.span).chain([command.span]) {
                assert!(
                    span.start <= s.start && s.start <= s.end && s.end <= span.end,
                    "{}:{}: span {s:?} outside the RUN {span:?}",
                    body.file,
                    body.line
                );
            }
        }
        commands += script.commands.len();
        nested += script.commands.iter().filter(|c| c.nested).count();
        substitution += script.commands.iter().filter(|c| c.substitution).count();
        piped += script
            .commands
            .iter()
            .filter(|c| c.pipeline_len > 1)
            .count();
    }
    let errors = bodies.iter().filter(|b| b.script.error.is_some()).count();
    assert!(
        errors * 100 < bodies.len(),
        "{errors} of {} RUN bodies rejected:\n{failures}",
        bodies.len()
    );
    let summary = format!(
        "shell-form RUN bodies: {}\nrejected: {errors}\ncommands: {commands}\n\
         nested (sh -c, su -c, eval): {nested}\nin substitutions: {substitution}\n\
         in pipelines of 2 or more: {piped}\n{failures}",
        bodies.len()
    );
    insta::assert_snapshot!("shell_corpus_totals", summary);
}

/// brush-parser accepts or rejects each RUN (heredocs included) as we do.
#[test]
fn corpus_agrees_with_brush_parser() {
    let options = brush_parser::ParserOptions {
        sh_mode: true,
        ..brush_parser::ParserOptions::default()
    };
    let mut disagreements = Vec::new();
    for body in corpus_bodies() {
        let mut parser = brush_parser::Parser::new(body.full_text.as_bytes(), &options);
        let brush_ok = parser.parse_program().is_ok();
        let ours = shell::parse(&body.full_text, &|i| i);
        if brush_ok != ours.error.is_none() {
            disagreements.push(format!(
                "{}:{}: brush {} / dockward {:?}",
                body.file,
                body.line,
                if brush_ok { "accepts" } else { "rejects" },
                ours.error
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
