//! Helpers shared by the parser tests: every span of a parsed Dockerfile,
//! and the checks that hold for any input.

use dockward_dockerfile::{
    ArgText, CommandLine, Dockerfile, Healthcheck, Instruction, InstructionKind, Span,
};

/// Every span the AST holds, nested ONBUILD triggers included.
pub fn all_spans(df: &Dockerfile) -> Vec<Span> {
    let mut out = Vec::new();
    for d in [
        &df.directives.syntax,
        &df.directives.escape,
        &df.directives.check,
    ]
    .into_iter()
    .flatten()
    {
        out.push(d.span);
    }
    out.extend(df.comments.iter().map(|c| c.span));
    out.extend(df.errors.iter().map(|e| e.span));
    for i in &df.instructions {
        instruction_spans(i, &mut out);
    }
    out
}

fn instruction_spans(i: &Instruction, out: &mut Vec<Span>) {
    out.extend([i.span, i.keyword_span]);
    out.extend(i.flags.iter().map(|f| f.span));
    for h in &i.heredocs {
        out.extend([h.body_span, h.marker_span]);
    }
    if let Some(&(_, s)) = i.args.pieces.first() {
        out.push(Span::empty(s));
    }
    let command = |c: &CommandLine, out: &mut Vec<Span>| {
        if let CommandLine::Exec(items) = c {
            out.extend(items.iter().map(|s| s.span));
        }
    };
    match &i.kind {
        InstructionKind::From(f) => {
            out.push(f.image.span);
            out.extend(f.alias.iter().map(|a| a.span));
        }
        InstructionKind::Run(r) => {
            command(&r.command, out);
            out.extend(r.mounts.iter().map(|m| m.span));
        }
        InstructionKind::Cmd(c)
        | InstructionKind::Entrypoint(c)
        | InstructionKind::Healthcheck(Healthcheck::Cmd(c)) => command(c, out),
        InstructionKind::Shell(items)
        | InstructionKind::Expose(items)
        | InstructionKind::Volume(items) => out.extend(items.iter().map(|s| s.span)),
        InstructionKind::Copy(c) | InstructionKind::Add(c) => {
            out.extend(c.sources.iter().map(|s| s.span));
            out.extend(c.dest.iter().map(|s| s.span));
        }
        InstructionKind::Env(kvs) | InstructionKind::Label(kvs) => {
            for kv in kvs {
                out.extend([kv.key.span, kv.value.span]);
            }
        }
        InstructionKind::Arg(decls) => {
            for d in decls {
                out.push(d.name.span);
                out.extend(d.default.iter().map(|s| s.span));
            }
        }
        InstructionKind::User(s)
        | InstructionKind::Workdir(s)
        | InstructionKind::Maintainer(s)
        | InstructionKind::Stopsignal(s) => out.push(s.span),
        InstructionKind::Onbuild(trigger) => instruction_spans(trigger, out),
        InstructionKind::Healthcheck(Healthcheck::None) | InstructionKind::Invalid => {}
    }
}

/// Every byte of the joined argument text is the source byte it maps to.
pub fn arg_text_maps_to_source(args: &ArgText, text: &str) -> bool {
    let src = text.as_bytes();
    args.text
        .bytes()
        .enumerate()
        .all(|(i, b)| src.get(args.source_offset(i)) == Some(&b))
}

/// The invariants every parse result keeps, whatever the input.
pub fn check_invariants(text: &str, df: &Dockerfile) {
    for span in all_spans(df) {
        assert!(span.start <= span.end, "inverted span {span:?}");
        assert!(
            span.end <= text.len(),
            "span {span:?} past the end ({})",
            text.len()
        );
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "span {span:?} not on char boundaries"
        );
    }
    let mut stack: Vec<&Instruction> = df.instructions.iter().collect();
    while let Some(i) = stack.pop() {
        assert!(
            arg_text_maps_to_source(&i.args, text),
            "bad source map for {:?}",
            i.args
        );
        assert!(i.start_line >= 1 && i.start_line <= i.end_line);
        if let InstructionKind::Onbuild(trigger) = &i.kind {
            stack.push(trigger);
        }
    }
    for (n, stage) in df.stages.iter().enumerate() {
        assert_eq!(stage.index, n);
        assert!(stage.from < stage.end && stage.end <= df.instructions.len());
    }
}
