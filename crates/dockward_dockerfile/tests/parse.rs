//! The parsing hazards of the reference notes (§5), one test each, with exact
//! values and spans.

mod common;

use std::fmt::Write as _;

use dockward_dockerfile::{
    CommandLine, Dockerfile, Healthcheck, Instruction, InstructionKind, Keyword, Span, Spanned,
    StageBase, parse,
};

fn at(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

fn parsed(text: &str) -> Dockerfile {
    let df = parse(text);
    common::check_invariants(text, &df);
    df
}

fn ok(text: &str) -> Dockerfile {
    let df = parsed(text);
    assert!(df.errors.is_empty(), "unexpected errors: {:?}", df.errors);
    df
}

fn messages(df: &Dockerfile) -> Vec<&str> {
    df.errors.iter().map(|e| e.message.as_str()).collect()
}

fn exec(c: &CommandLine) -> Vec<&str> {
    match c {
        CommandLine::Exec(items) => items.iter().map(Spanned::as_str).collect(),
        CommandLine::Shell => panic!("expected exec form"),
    }
}

fn run_command(i: &Instruction) -> &CommandLine {
    match &i.kind {
        InstructionKind::Run(run) => &run.command,
        other => panic!("expected RUN, got {other:?}"),
    }
}

// --- directives -----------------------------------------------------------

#[test]
fn bom_is_stripped_before_directives() {
    let text = "\u{feff}# escape=`\nFROM a\n";
    let df = ok(text);
    assert_eq!(df.directives.escape_char, '`');
    let escape = df.directives.escape.as_ref().expect("escape directive");
    assert_eq!(escape.value, "`");
    assert_eq!(at(text, escape.span), "`");
    assert_eq!(df.instructions[0].keyword_span, Span::new(14, 18));
    assert!(df.comments.is_empty());
}

#[test]
fn directives_are_case_insensitive_and_allow_spaces_around_equals() {
    let text = "#  ESCAPE =  `  \n# Syntax=docker/dockerfile:1\n#check=error=true\nFROM a\n";
    let df = ok(text);
    assert_eq!(df.directives.escape_char, '`');
    assert_eq!(
        df.directives.syntax.as_ref().map(Spanned::as_str),
        Some("docker/dockerfile:1")
    );
    let check = df.directives.check.as_ref().expect("check directive");
    assert_eq!(check.value, "error=true");
    assert_eq!(at(text, check.span), "error=true");
}

#[test]
fn directives_only_count_at_the_very_top() {
    for text in [
        "# a comment\n# escape=`\nFROM a\n",
        "\n# escape=`\nFROM a\n",
        "FROM a\n# escape=`\n",
        "# unknown=1\n# escape=`\nFROM a\n",
    ] {
        let df = ok(text);
        assert_eq!(df.directives.escape_char, '\\', "{text:?}");
        assert!(df.directives.escape.is_none(), "{text:?}");
        assert!(
            df.comments.iter().any(|c| c.text == "escape=`"),
            "{text:?}: the late directive is a plain comment"
        );
    }
}

#[test]
fn duplicate_directive_is_an_error() {
    let text = "# syntax=a\n# SYNTAX=b\nFROM x\n";
    let df = parsed(text);
    assert_eq!(
        messages(&df),
        ["only one syntax parser directive can be used"]
    );
    assert_eq!(at(text, df.errors[0].span), "# SYNTAX=b");
    assert_eq!(
        df.directives.syntax.as_ref().map(Spanned::as_str),
        Some("a")
    );
    assert_eq!(df.instructions.len(), 1);
}

#[test]
fn invalid_escape_token_is_an_error() {
    let text = "# escape=x\nFROM a\n";
    let df = parsed(text);
    assert_eq!(
        messages(&df),
        ["invalid escape token 'x' does not match ` or \\"]
    );
    assert_eq!(at(text, df.errors[0].span), "x");
    assert_eq!(df.directives.escape_char, '\\');
}

// --- continuations --------------------------------------------------------

#[test]
fn continuation_keeps_the_next_lines_leading_whitespace() {
    let text = "RUN echo a\\\n    b\n";
    let df = ok_with_from(text);
    let run = &df.instructions[1];
    assert_eq!(run.args.text, "echo a    b");
    assert_eq!((run.start_line, run.end_line), (2, 3));
    let b = run.args.text.find('b').expect("b");
    assert_eq!(
        &text_with_from(text)[run.args.source_span(b, b + 1).start..][..1],
        "b"
    );
    assert_eq!(at(&text_with_from(text), run.span), "RUN echo a\\\n    b");
}

fn text_with_from(text: &str) -> String {
    format!("FROM a\n{text}")
}

fn ok_with_from(text: &str) -> Dockerfile {
    let full = text_with_from(text);
    ok(&full)
}

#[test]
fn escaped_escape_at_end_of_line_does_not_continue() {
    // The mongo nanoserver files end a COPY with `C:\\mongodb\\`.
    let text = "FROM a\nCOPY --from=b C:\\\\mongo C:\\\\mongo\\\\\nRUN x\n";
    let df = ok(text);
    assert_eq!(df.instructions.len(), 3);
    let InstructionKind::Copy(copy) = &df.instructions[1].kind else {
        panic!("COPY expected");
    };
    assert_eq!(copy.sources[0].value, "C:\\mongo");
    let dest = copy.dest.as_ref().expect("dest");
    assert_eq!(dest.value, "C:\\mongo\\");
    assert_eq!(at(text, dest.span), "C:\\\\mongo\\\\");
    assert_eq!(df.instructions[1].end_line, 2);
}

#[test]
fn whitespace_after_the_escape_still_continues() {
    let df = ok_with_from("RUN a \\  \t\n b\n");
    assert_eq!(df.instructions.len(), 2);
    assert_eq!(df.instructions[1].args.text, "a  b");
}

#[test]
fn file_may_end_with_an_escape() {
    let text = "FROM a\nRUN x \\";
    let df = ok(text);
    assert_eq!(df.instructions[1].args.text, "x");
    assert_eq!(at(text, df.instructions[1].span), "RUN x");
}

#[test]
fn comments_and_empty_lines_inside_continuations_are_dropped() {
    let text = "FROM a\nRUN apk add \\\n  # why\n\n   \n  curl \\\n#  more\n  git\n# after\n";
    let df = ok(text);
    let run = &df.instructions[1];
    assert_eq!(run.args.text, "apk add   curl   git");
    assert_eq!((run.start_line, run.end_line), (2, 8));
    assert_eq!(df.comments.len(), 1);
    assert_eq!(df.comments[0].text, "after");
    assert_eq!(df.comments[0].line, 9);
    assert_eq!(at(text, df.comments[0].span), "# after");
    assert!(common::arg_text_maps_to_source(&run.args, text));
}

#[test]
fn crlf_line_endings() {
    let text = "FROM a\r\nRUN a \\\r\n  b\r\n";
    let df = ok(text);
    assert_eq!(df.instructions[1].args.text, "a   b");
    assert_eq!(at(text, df.instructions[1].span), "RUN a \\\r\n  b");
}

#[test]
fn windows_backtick_escape() {
    let text = "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver\nCOPY C:\\foo\\ C:\\bar\\\nRUN dir `\n  C:\\foo\\\nWORKDIR C:\\app\n";
    let df = ok(text);
    assert_eq!(df.instructions.len(), 4);
    let InstructionKind::Copy(copy) = &df.instructions[1].kind else {
        panic!("COPY expected");
    };
    assert_eq!(copy.sources[0].value, "C:\\foo\\");
    assert_eq!(copy.dest.as_ref().map(Spanned::as_str), Some("C:\\bar\\"));
    assert_eq!(df.instructions[2].args.text, "dir   C:\\foo\\");
    assert_eq!(
        df.instructions[3].kind,
        InstructionKind::Workdir(Spanned::new(
            "C:\\app".to_owned(),
            Span::new(text.len() - 7, text.len() - 1)
        ))
    );
}

// --- heredocs -------------------------------------------------------------

#[test]
fn heredoc_run_body_and_spans() {
    let text = "FROM a\nRUN <<EOF\napt-get update\necho done\nEOF\nUSER app\n";
    let df = ok(text);
    let run = &df.instructions[1];
    assert_eq!(run.heredocs.len(), 1);
    let h = &run.heredocs[0];
    assert_eq!(h.delimiter, "EOF");
    assert_eq!((h.strip_tabs, h.quoted, h.fd), (false, false, None));
    assert_eq!(h.body, "apt-get update\necho done\n");
    assert_eq!(at(text, h.body_span), "apt-get update\necho done\n");
    assert_eq!(at(text, h.marker_span), "<<EOF");
    assert_eq!(
        at(text, run.span),
        "RUN <<EOF\napt-get update\necho done\nEOF"
    );
    assert_eq!((run.start_line, run.end_line), (2, 5));
    assert_eq!(df.instructions[2].keyword, Keyword::User);
    assert_eq!(df.instructions[2].start_line, 6);
}

#[test]
fn heredoc_dash_strips_tabs_and_quoted_delimiters() {
    let text =
        "FROM a\nCOPY --chmod=755 <<-\"EOT\" /usr/bin/x\n\t#!/bin/sh\n\t\techo $HOME\n\tEOT\n";
    let df = ok(text);
    let copy = &df.instructions[1];
    let h = &copy.heredocs[0];
    assert_eq!(h.delimiter, "EOT");
    assert!(h.strip_tabs && h.quoted);
    assert_eq!(h.body, "#!/bin/sh\necho $HOME\n");
    assert_eq!(at(text, h.body_span), "\t#!/bin/sh\n\t\techo $HOME\n");
    let InstructionKind::Copy(args) = &copy.kind else {
        panic!("COPY expected");
    };
    assert_eq!(args.sources[0].value, "<<-EOT");
    assert_eq!(args.dest.as_ref().map(Spanned::as_str), Some("/usr/bin/x"));
    assert_eq!(
        copy.flag("chmod").and_then(|f| f.value.as_deref()),
        Some("755")
    );
}

#[test]
fn several_heredocs_on_one_line_with_fd_and_single_quotes() {
    let text = "FROM a\nRUN 3<<'A' cat /dev/fd/3 - <<B\none $x\nA\ntwo\nB\n";
    let df = ok(text);
    let run = &df.instructions[1];
    let hs: Vec<_> = run
        .heredocs
        .iter()
        .map(|h| (h.delimiter.as_str(), h.fd, h.quoted, h.body.as_str()))
        .collect();
    assert_eq!(
        hs,
        [
            ("A", Some(3), true, "one $x\n"),
            ("B", None, false, "two\n")
        ]
    );
    assert_eq!(run.end_line, 6);
}

#[test]
fn heredoc_in_add_and_after_a_continuation() {
    // moby's Dockerfile.simple has `ADD <<-EOT <dest>`.
    let text = "FROM a\nADD <<-EOT \\\n  /etc/apt/sources.list.d/docker.sources\n\tTypes: deb\n\tEOT\nRUN true\n";
    let df = ok(text);
    let add = &df.instructions[1];
    assert_eq!(add.heredocs[0].body, "Types: deb\n");
    assert_eq!((add.start_line, add.end_line), (2, 5));
    let InstructionKind::Add(args) = &add.kind else {
        panic!("ADD expected");
    };
    assert_eq!(
        args.dest.as_ref().map(Spanned::as_str),
        Some("/etc/apt/sources.list.d/docker.sources")
    );
    assert_eq!(df.instructions[2].start_line, 6);
}

#[test]
fn heredoc_only_in_run_copy_add_and_not_in_json_or_quotes() {
    let text = "FROM a\nCMD cat <<EOF\nRUN [\"cat\", \"<<EOF\"]\nRUN echo \"<<EOF\"\nLABEL a=b\n";
    let df = ok(text);
    assert_eq!(df.instructions.len(), 5);
    assert!(df.instructions.iter().all(|i| i.heredocs.is_empty()));
}

#[test]
fn onbuild_heredoc_belongs_to_the_trigger_too() {
    let text = "FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\n";
    let df = ok(text);
    let onbuild = &df.instructions[1];
    assert_eq!(onbuild.heredocs[0].body, "echo hi\n");
    let InstructionKind::Onbuild(trigger) = &onbuild.kind else {
        panic!("ONBUILD expected");
    };
    assert_eq!(trigger.keyword, Keyword::Run);
    assert_eq!(trigger.heredocs, onbuild.heredocs);
    assert_eq!(at(text, trigger.span), "RUN <<EOF\necho hi\nEOF");
    assert_eq!(trigger.end_line, 4);
    assert_eq!(trigger.stage, Some(0));
}

#[test]
fn unterminated_heredoc_takes_the_rest_of_the_file() {
    let text = "FROM a\nRUN <<EOF\necho hi\nUSER x\n";
    let df = parsed(text);
    assert_eq!(df.errors.len(), 1);
    assert!(df.errors[0].message.starts_with("unterminated heredoc"));
    assert_eq!(at(text, df.errors[0].span), "<<EOF");
    let run = &df.instructions[1];
    assert_eq!(run.heredocs[0].body, "echo hi\nUSER x\n");
    assert_eq!(run.span.end, text.len());
    assert_eq!(df.instructions.len(), 2);
}

// --- JSON and shell forms ---------------------------------------------------

#[test]
fn exec_form_with_spans() {
    let text = "FROM a\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n";
    let df = ok(text);
    let InstructionKind::Cmd(cmd) = &df.instructions[1].kind else {
        panic!("CMD expected");
    };
    assert_eq!(exec(cmd), ["nginx", "-g", "daemon off;"]);
    let CommandLine::Exec(items) = cmd else {
        unreachable!()
    };
    assert_eq!(at(text, items[2].span), "\"daemon off;\"");
}

#[test]
fn invalid_json_falls_back_to_shell_form() {
    for args in [
        "['a', 'b']",
        "[\"a\"",
        "[ -f /etc/os-release ] && echo ok",
        "[\"a\"] x",
    ] {
        let text = format!("FROM a\nRUN {args}\n");
        let df = ok(&text);
        assert_eq!(
            run_command(&df.instructions[1]),
            &CommandLine::Shell,
            "{args}"
        );
        assert_eq!(df.instructions[1].args.text, args);
    }
}

#[test]
fn empty_entrypoint_is_valid_exec_form() {
    let df = ok("FROM a\nENTRYPOINT []\n");
    assert_eq!(
        df.instructions[1].kind,
        InstructionKind::Entrypoint(CommandLine::Exec(vec![]))
    );
}

#[test]
fn json_array_of_non_strings_is_an_error() {
    for args in ["[1, 2]", "[[\"a\"]]", "[\"a\", null]"] {
        let text = format!("FROM a\nCMD {args}\nUSER x\n");
        let df = parsed(&text);
        assert_eq!(
            messages(&df),
            ["when using JSON array syntax, arrays must be comprised of strings only"],
            "{args}"
        );
        assert_eq!(df.instructions[1].kind, InstructionKind::Invalid);
        assert_eq!(df.instructions.len(), 3);
    }
}

#[test]
fn shell_requires_json() {
    let df = parsed("FROM a\nSHELL /bin/bash -c\nSHELL [\"pwsh\", \"-Command\"]\n");
    assert_eq!(
        messages(&df),
        ["SHELL requires the arguments to be in JSON form"]
    );
    let InstructionKind::Shell(items) = &df.instructions[2].kind else {
        panic!("SHELL expected");
    };
    assert_eq!(
        items.iter().map(Spanned::as_str).collect::<Vec<_>>(),
        ["pwsh", "-Command"]
    );
}

// --- flags and mounts ---------------------------------------------------------

#[test]
fn flags_before_arguments() {
    let text = "FROM --platform=$BUILDPLATFORM golang:1.22 AS Build\nCOPY --from=build --link --chown=\"a:b\" src/ /app/\n";
    let df = ok(text);
    let from = &df.instructions[0];
    assert_eq!(from.flags.len(), 1);
    assert_eq!(from.flags[0].name, "platform");
    assert_eq!(from.flags[0].value.as_deref(), Some("$BUILDPLATFORM"));
    assert_eq!(at(text, from.flags[0].span), "--platform=$BUILDPLATFORM");
    let InstructionKind::From(f) = &from.kind else {
        panic!("FROM expected");
    };
    assert_eq!(f.image.value, "golang:1.22");
    assert_eq!(f.alias.as_ref().map(Spanned::as_str), Some("Build"));
    assert_eq!(df.stages[0].name.as_deref(), Some("build"));
    let copy = &df.instructions[1];
    let flags: Vec<_> = copy
        .flags
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_deref()))
        .collect();
    assert_eq!(
        flags,
        [
            ("from", Some("build")),
            ("link", None),
            ("chown", Some("\"a:b\""))
        ]
    );
    assert_eq!(copy.args.text, "src/ /app/");
}

#[test]
fn double_dash_ends_flags() {
    let df = ok("FROM a\nRUN --network=none -- --not-a-flag\n");
    let run = &df.instructions[1];
    assert_eq!(run.flags.len(), 1);
    assert_eq!(run.args.text, "--not-a-flag");
}

#[test]
fn run_mounts() {
    let text = "FROM a\nRUN --mount=type=cache,target=/root/.cache,sharing=locked \\\n    --mount=from=build,source=/out,ro \\\n    --mount=type=secret,id=tok,env=TOKEN \\\n    make\n";
    let df = ok(text);
    let InstructionKind::Run(run) = &df.instructions[1].kind else {
        panic!("RUN expected");
    };
    assert_eq!(run.command, CommandLine::Shell);
    assert_eq!(df.instructions[1].args.text, "make");
    let kinds: Vec<_> = run.mounts.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, ["cache", "bind", "secret"]);
    assert_eq!(run.mounts[0].target(), Some("/root/.cache"));
    assert_eq!(run.mounts[1].target(), None);
    assert_eq!(run.mounts[1].options[2], ("ro".to_owned(), None));
    assert_eq!(run.mounts[2].option("env"), Some("TOKEN"));
    assert_eq!(
        at(text, run.mounts[1].span),
        "--mount=from=build,source=/out,ro"
    );
}

// --- instructions ---------------------------------------------------------------

#[test]
fn env_label_arg_key_values() {
    let text = "ARG A B=2 C=\"x y\"\nFROM a\nENV PATH=/x:$PATH LANG=\"C.UTF-8\" E=\nENV LEGACY value with \"quotes\"\nLABEL org.opencontainers.image.title=\"My app\" version=1\n";
    let df = ok(text);
    let InstructionKind::Arg(decls) = &df.instructions[0].kind else {
        panic!("ARG expected");
    };
    let decls: Vec<_> = decls
        .iter()
        .map(|d| (d.name.as_str(), d.default.as_ref().map(Spanned::as_str)))
        .collect();
    assert_eq!(decls, [("A", None), ("B", Some("2")), ("C", Some("x y"))]);
    let InstructionKind::Env(env) = &df.instructions[2].kind else {
        panic!("ENV expected");
    };
    let pairs: Vec<_> = env
        .iter()
        .map(|kv| (kv.key.as_str(), kv.value.as_str(), kv.legacy))
        .collect();
    assert_eq!(
        pairs,
        [
            ("PATH", "/x:$PATH", false),
            ("LANG", "C.UTF-8", false),
            ("E", "", false)
        ]
    );
    assert_eq!(at(text, env[1].value.span), "\"C.UTF-8\"");
    let InstructionKind::Env(legacy) = &df.instructions[3].kind else {
        panic!("ENV expected");
    };
    assert_eq!(legacy[0].key.value, "LEGACY");
    assert_eq!(legacy[0].value.value, "value with quotes");
    assert!(legacy[0].legacy);
    assert_eq!(at(text, legacy[0].value.span), "value with \"quotes\"");
    let InstructionKind::Label(labels) = &df.instructions[4].kind else {
        panic!("LABEL expected");
    };
    assert_eq!(labels[0].value.value, "My app");
    assert_eq!(labels[1].key.value, "version");
}

#[test]
fn env_errors() {
    let df = parsed("FROM a\nENV ONLYKEY\nENV a=1 b\nENV\n");
    assert_eq!(
        messages(&df),
        [
            "ENV must have two arguments",
            "Syntax error - can't find = in \"b\". Must be of the form: name=value",
            "ENV requires at least one argument",
        ]
    );
    assert!(
        df.instructions[1..]
            .iter()
            .all(|i| i.kind == InstructionKind::Invalid)
    );
}

#[test]
fn simple_instructions() {
    let text = "FROM a\nEXPOSE 80/tcp 8000-8010/udp $PORT\nUSER app:app\nVOLUME [\"/data\", \"/logs\"]\nVOLUME /a /b\nSTOPSIGNAL SIGTERM\nMAINTAINER Jane <j@example.com>\n";
    let df = ok(text);
    let values = |k: &InstructionKind| -> Vec<String> {
        match k {
            InstructionKind::Expose(v) | InstructionKind::Volume(v) => {
                v.iter().map(|s| s.value.clone()).collect()
            }
            InstructionKind::User(s)
            | InstructionKind::Stopsignal(s)
            | InstructionKind::Maintainer(s) => vec![s.value.clone()],
            other => panic!("unexpected {other:?}"),
        }
    };
    let all: Vec<Vec<String>> = df.instructions[1..]
        .iter()
        .map(|i| values(&i.kind))
        .collect();
    assert_eq!(
        all,
        [
            vec!["80/tcp", "8000-8010/udp", "$PORT"],
            vec!["app:app"],
            vec!["/data", "/logs"],
            vec!["/a", "/b"],
            vec!["SIGTERM"],
            vec!["Jane <j@example.com>"],
        ]
    );
}

#[test]
fn healthcheck_forms() {
    let text = "FROM a\nHEALTHCHECK NONE\nHEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/ || exit 1\nHEALTHCHECK CMD [\"/bin/check\"]\nHEALTHCHECK CONNECT tcp\nHEALTHCHECK NONE now\n";
    let df = parsed(text);
    assert_eq!(
        df.instructions[1].kind,
        InstructionKind::Healthcheck(Healthcheck::None)
    );
    let hc = &df.instructions[2];
    assert_eq!(
        hc.kind,
        InstructionKind::Healthcheck(Healthcheck::Cmd(CommandLine::Shell))
    );
    assert_eq!(hc.flags.len(), 2);
    assert_eq!(hc.args.text, "CMD curl -f http://localhost/ || exit 1");
    let InstructionKind::Healthcheck(Healthcheck::Cmd(cmd)) = &df.instructions[3].kind else {
        panic!("HEALTHCHECK CMD expected");
    };
    assert_eq!(exec(cmd), ["/bin/check"]);
    assert_eq!(
        messages(&df),
        [
            "Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)",
            "HEALTHCHECK NONE takes no arguments"
        ]
    );
}

#[test]
fn onbuild_nests_its_trigger() {
    let text = "FROM a\nonbuild COPY --from=x . /app\n";
    let df = ok(text);
    let onbuild = &df.instructions[1];
    assert_eq!(onbuild.keyword, Keyword::Onbuild);
    assert_eq!(at(text, onbuild.keyword_span), "onbuild");
    let InstructionKind::Onbuild(trigger) = &onbuild.kind else {
        panic!("ONBUILD expected");
    };
    assert_eq!(trigger.keyword, Keyword::Copy);
    assert_eq!(trigger.flags[0].name, "from");
    assert_eq!(trigger.args.text, ". /app");
    assert_eq!(at(text, trigger.span), "COPY --from=x . /app");
    assert!(matches!(trigger.kind, InstructionKind::Copy(_)));
}

#[test]
fn unknown_instruction_and_missing_arguments_do_not_stop_the_parse() {
    let text = "FROM\nINSTALL curl\nCOPY onlyone\nFROM a b\nRUN\nUSER x\n";
    let df = parsed(text);
    assert_eq!(
        messages(&df),
        [
            "FROM requires either one or three arguments",
            "unknown instruction: INSTALL",
            "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
            "FROM requires either one or three arguments",
            "RUN requires at least one argument",
        ]
    );
    assert_eq!(at(text, df.errors[1].span), "INSTALL");
    assert_eq!(at(text, df.errors[2].span), "COPY onlyone");
    assert_eq!(df.instructions.len(), 6);
    assert_eq!(df.instructions[1].keyword, Keyword::Unknown);
    assert!(
        df.instructions[..5]
            .iter()
            .all(|i| i.kind == InstructionKind::Invalid)
    );
    assert_eq!(df.instructions[5].keyword, Keyword::User);
    assert_eq!(df.stages.len(), 2);
}

#[test]
fn invalid_stage_name_is_an_error() {
    let text = "FROM a AS 1st\n";
    let df = parsed(text);
    assert_eq!(df.errors.len(), 1);
    assert!(
        df.errors[0]
            .message
            .starts_with("invalid name for build stage: \"1st\"")
    );
    assert_eq!(at(text, df.errors[0].span), "1st");
}

#[test]
fn empty_and_comment_only_files_have_no_instructions() {
    for text in ["", "# just a comment\n", "\n\n"] {
        let df = parsed(text);
        assert_eq!(messages(&df), ["file with no instructions"], "{text:?}");
    }
}

#[test]
fn instruction_spans_and_lines() {
    let text = "FROM a\n\n  run   echo hi   \nCMD x\n";
    let df = ok(text);
    let run = &df.instructions[1];
    assert_eq!(at(text, run.keyword_span), "run");
    assert_eq!(at(text, run.span), "run   echo hi");
    assert_eq!(run.args.text, "echo hi");
    assert_eq!((run.start_line, run.end_line), (3, 3));
}

// --- stages ---------------------------------------------------------------------

#[test]
fn stages_bases_names_and_membership() {
    let text = "ARG REG=docker.io\nARG TAG=1.22\nFROM ${REG}/golang:${TAG} AS Build\nRUN make\nFROM scratch AS out\nCOPY --from=build /x /x\nFROM BUILD AS test\nFROM alpine\n";
    let df = ok(text);
    assert_eq!(df.instructions[0].stage, None);
    assert_eq!(df.instructions[1].stage, None);
    assert_eq!(df.instructions[3].stage, Some(0));
    let summary: Vec<_> = df
        .stages
        .iter()
        .map(|s| (s.index, s.from, s.end, s.name.as_deref(), s.base.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                0,
                2,
                4,
                Some("build"),
                StageBase::Image("${REG}/golang:${TAG}".to_owned())
            ),
            (1, 4, 6, Some("out"), StageBase::Scratch),
            (2, 6, 7, Some("test"), StageBase::Stage(0)),
            (3, 7, 8, None, StageBase::Image("alpine".to_owned())),
        ]
    );
    assert_eq!(
        df.expanded_from_image(0).as_deref(),
        Some("docker.io/golang:1.22")
    );
    assert_eq!(df.expanded_from_image(9), None);
    assert_eq!(df.stage_named("BUILD").map(|s| s.index), Some(0));
    assert_eq!(
        df.meta_args(),
        [
            ("REG".to_owned(), "docker.io".to_owned()),
            ("TAG".to_owned(), "1.22".to_owned())
        ]
    );
}

#[test]
fn meta_args_expand_in_order_and_stage_bases_through_args() {
    let text = "ARG BASE=builder\nARG V=1\nARG IMG=alpine:${V}\nFROM golang AS builder\nFROM ${BASE}\nFROM ${IMG}\n";
    let df = ok(text);
    assert_eq!(df.stages[1].base, StageBase::Stage(0));
    assert_eq!(df.expanded_from_image(2).as_deref(), Some("alpine:1"));
}

// --- robustness -----------------------------------------------------------------

#[test]
fn hundred_thousand_continuation_lines_make_one_instruction() {
    let mut text = String::from("FROM a\nRUN true");
    for _ in 0..100_000 {
        text.push_str(" \\\n  && x");
    }
    text.push('\n');
    let df = ok(&text);
    assert_eq!(df.instructions.len(), 2);
    assert_eq!(df.instructions[1].end_line, 100_002);
    // The space before each `\` stays, the next line's indentation too.
    assert_eq!(
        df.instructions[1].args.text.len(),
        "true".len() + 100_000 * " ".len() + 100_000 * "  && x".len()
    );
}

#[test]
fn control_characters_and_nul_do_not_panic() {
    let text = "FROM a\0b\nRUN \u{1}\u{7f}x \\\n\0\nCOPY \u{85}a \u{a0}b\n\u{0}\n";
    let df = parsed(text);
    assert!(!df.instructions.is_empty());
}

#[test]
fn nested_onbuild_triggers_get_lines_stage_and_heredocs() {
    // Found by the property test: the inner trigger of `ONBUILD ONBUILD`
    // kept line 0.
    let text = "FROM a\nONBUILD ONBUILD RUN <<EOF\nx\nEOF\n";
    let df = parsed(text);
    let InstructionKind::Onbuild(outer) = &df.instructions[1].kind else {
        panic!("ONBUILD expected");
    };
    let InstructionKind::Onbuild(inner) = &outer.kind else {
        panic!("nested ONBUILD expected");
    };
    assert_eq!(
        (inner.start_line, inner.end_line, inner.stage),
        (2, 4, Some(0))
    );
    assert_eq!(inner.heredocs[0].body, "x\n");
    assert_eq!(at(text, inner.span), "RUN <<EOF\nx\nEOF");
}

#[test]
fn many_stages_and_global_args_stay_linear() {
    // Stage-name and meta-arg lookups are hashed: 50,000 stages each based
    // on the previous one and 50,000 chained ARGs complete quickly.
    let mut text = String::new();
    for n in 0..50_000_usize {
        let previous = n.saturating_sub(1);
        writeln!(text, "ARG A{n}=${{A{previous}:-v}}").expect("write to string");
    }
    text.push_str("FROM alpine AS s0\n");
    for n in 1..50_000 {
        writeln!(text, "FROM S{} AS s{n}", n - 1).expect("write to string");
    }
    let df = ok(&text);
    assert_eq!(df.stages.len(), 50_000);
    assert_eq!(df.stages[49_999].base, StageBase::Stage(49_998));
    assert_eq!(
        df.meta_args()[49_999],
        ("A49999".to_owned(), "v".to_owned())
    );
}

#[test]
fn one_huge_line_and_many_heredocs() {
    let mut text = String::from("FROM a\nRUN echo");
    text.push_str(&" x".repeat(2_000_000));
    text.push('\n');
    for _ in 0..20_000 {
        text.push_str("COPY <<A <<B /dst/\na\nA\nb\nB\n");
    }
    let df = ok(&text);
    assert_eq!(df.instructions.len(), 2 + 20_000);
    assert_eq!(df.instructions[1].args.text.len(), 4 + 4_000_000);
    assert_eq!(df.instructions[20_001].heredocs[1].body, "b\n");
}

#[test]
fn unknown_flags_are_kept_for_later_validation() {
    let df = ok("FROM a\nCOPY --user=me --frobnicate a b\n");
    let names: Vec<_> = df.instructions[1]
        .flags
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["user", "frobnicate"]);
    assert!(matches!(df.instructions[1].kind, InstructionKind::Copy(_)));
}

#[test]
fn quoted_keys_and_escaped_spaces_in_key_values() {
    let text = "FROM a\nLABEL \"a b\"=\"c d\" e=f\\ g\n";
    let df = ok(text);
    let InstructionKind::Label(labels) = &df.instructions[1].kind else {
        panic!("LABEL expected");
    };
    let pairs: Vec<_> = labels
        .iter()
        .map(|kv| (kv.key.as_str(), kv.value.as_str()))
        .collect();
    assert_eq!(pairs, [("a b", "c d"), ("e", "f g")]);
    assert_eq!(at(text, labels[1].value.span), "f\\ g");
}

#[test]
fn backtick_escape_keeps_backslashes_in_values() {
    let df = ok("# escape=`\nFROM a\nENV PATH=C:\\bin;C:\\tools DIR=`\"x`\"\n");
    let InstructionKind::Env(env) = &df.instructions[1].kind else {
        panic!("ENV expected");
    };
    assert_eq!(env[0].value.value, "C:\\bin;C:\\tools");
    assert_eq!(env[1].value.value, "\"x\"");
}

#[test]
fn lowercase_keywords_and_as() {
    let df = ok("from alpine as Base\nrun echo\nfrom base\n");
    assert_eq!(df.instructions[1].keyword, Keyword::Run);
    assert_eq!(df.stages[1].base, StageBase::Stage(0));
}
