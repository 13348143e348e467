//! The shell analysis of RUN bodies: exact expectations per construct.

use dockward_dockerfile::ArgText;
use dockward_dockerfile::Span;
use dockward_dockerfile::shell::{self, Connector, Script, SimpleCommand, Word};

fn identity(i: usize) -> usize {
    i
}

fn parse(text: &str) -> Script {
    shell::parse(text, &identity)
}

/// One line per command: `connector pPIPELINE/LEN[ flags]: words`.
fn line(command: &SimpleCommand) -> String {
    let connector = match command.connector {
        Connector::Sequence => ";",
        Connector::And => "&&",
        Connector::Or => "||",
        Connector::Pipe => "|",
    };
    let mut flags = String::new();
    if command.nested {
        flags.push_str(" nested");
    }
    if command.substitution {
        flags.push_str(" subst");
    }
    let words: Vec<&str> = command
        .assignments
        .iter()
        .chain(command.name.as_ref())
        .chain(&command.args)
        .map(|w| w.text.as_str())
        .collect();
    format!(
        "{connector} p{}/{}{flags}: {}",
        command.pipeline,
        command.pipeline_len,
        words.join(" ")
    )
}

fn lines(text: &str) -> Vec<String> {
    let script = parse(text);
    assert_eq!(script.error, None, "unexpected error for {text:?}");
    script.commands.iter().map(line).collect()
}

fn texts(words: &[Word]) -> Vec<&str> {
    words.iter().map(|w| w.text.as_str()).collect()
}

#[test]
fn and_or_sequence_chain() {
    assert_eq!(
        lines("set -eux; apt-get update && apt-get install -y curl || true; echo done"),
        [
            "; p0/1: set -eux",
            "; p1/1: apt-get update",
            "&& p2/1: apt-get install -y curl",
            "|| p3/1: true",
            "; p4/1: echo done",
        ]
    );
}

#[test]
fn pipelines_share_an_id_and_know_their_length() {
    assert_eq!(
        lines("a | b | c && d |& e; f & g"),
        [
            "; p0/3: a",
            "| p0/3: b",
            "| p0/3: c",
            "&& p1/2: d",
            "| p1/2: e",
            "; p2/1: f",
            "; p3/1: g",
        ]
    );
    let script = parse("curl -fsSL https://x | sh");
    assert!(script.has_pipe());
    let shells: Vec<_> = script.pipeline(0).filter_map(|c| c.program()).collect();
    assert_eq!(shells, ["curl", "sh"]);
    assert!(!parse("a && b").has_pipe());
}

#[test]
fn newlines_and_comments_separate_commands() {
    assert_eq!(
        lines("a # comment ; not a command\n\n  b \\\n  c\n"),
        ["; p0/1: a", "; p1/1: b c"]
    );
}

#[test]
fn quotes_are_removed() {
    let script = parse(
        r#"echo 'a b' "c $HOME d" $'x\ty\x41' \"q\" a\ b "e\"f\$g\\h\z" '' pre"mid"'post' ~/x"#,
    );
    assert_eq!(script.error, None);
    let echo = &script.commands[0];
    assert_eq!(
        texts(&echo.args),
        [
            "a b",
            "c $HOME d",
            "x\tyA",
            "\"q\"",
            "a b",
            "e\"f$g\\h\\z",
            "",
            "premidpost",
            "~/x"
        ]
    );
    let literal: Vec<bool> = echo.args.iter().map(|w| w.literal).collect();
    assert_eq!(
        literal,
        [true, false, true, true, true, true, true, true, true]
    );
}

#[test]
fn expansions_are_kept_as_written_and_not_literal() {
    let script = parse(r#"echo ${X:-"a b"} $1 $@ "$(id -u)" `id -g` $((1 + 2)) $ "$""#);
    let args = &script.commands[0].args;
    assert_eq!(
        texts(args),
        [
            r#"${X:-"a b"}"#,
            "$1",
            "$@",
            "$(id -u)",
            "`id -g`",
            "$((1 + 2))",
            "$",
            "$"
        ]
    );
    let literal: Vec<bool> = args.iter().map(|w| w.literal).collect();
    assert_eq!(
        literal,
        [false, false, false, false, false, false, true, true]
    );
}

#[test]
fn substitutions_inside_expansions_and_arithmetic_run() {
    assert_eq!(
        lines(r#"make -j"$(( $(nproc) + 1 ))" ${CC:-$(command -v gcc)}; (( n = $(id -u) ))"#),
        [
            "; p0/1: make -j$(( $(nproc) + 1 )) ${CC:-$(command -v gcc)}",
            "; p1/1 subst: nproc",
            "; p2/1 subst: command -v gcc",
            "; p3/1 subst: id -u",
        ]
    );
}

#[test]
fn assignments_prefix_the_command() {
    let script = parse(r#"A=1 B="x y" C+=z make install; env D=2 make"#);
    let make = &script.commands[0];
    assert_eq!(texts(&make.assignments), ["A=1", "B=x y", "C+=z"]);
    assert_eq!(make.program(), Some("make"));
    assert_eq!(texts(&make.args), ["install"]);
    let env = &script.commands[1];
    assert!(env.assignments.is_empty());
    assert_eq!(env.program(), Some("env"));
    assert_eq!(texts(&env.args), ["D=2", "make"]);
}

#[test]
fn bare_assignment_with_command_substitution() {
    let script = parse(r#"savedAptMark="$(apt-mark showmanual)"; apt-mark auto '.*' > /dev/null"#);
    assert_eq!(script.error, None);
    assert_eq!(
        script.commands.iter().map(line).collect::<Vec<_>>(),
        [
            "; p0/1: savedAptMark=$(apt-mark showmanual)",
            "; p1/1 subst: apt-mark showmanual",
            "; p2/1: apt-mark auto .*",
        ]
    );
    let saved = &script.commands[0];
    assert_eq!(saved.name, None);
    assert!(!saved.assignments[0].literal);
    let auto = &script.commands[2];
    assert_eq!(auto.redirects.len(), 1);
    assert_eq!(auto.redirects[0].op, ">");
    assert_eq!(auto.redirects[0].fd, None);
    assert_eq!(auto.redirects[0].target.text, "/dev/null");
}

#[test]
fn redirections_are_not_arguments() {
    let script = parse("make 2>&1 >>/log < in &>/dev/null 3<> f");
    let make = &script.commands[0];
    assert!(make.args.is_empty());
    let redirects: Vec<(Option<u32>, &str, &str)> = make
        .redirects
        .iter()
        .map(|r| (r.fd, r.op, r.target.text.as_str()))
        .collect();
    assert_eq!(
        redirects,
        [
            (Some(2), ">&", "1"),
            (None, ">>", "/log"),
            (None, "<", "in"),
            (None, "&>", "/dev/null"),
            (Some(3), "<>", "f"),
        ]
    );
}

#[test]
fn if_elif_else_bodies() {
    assert_eq!(
        lines(
            "if [ -f /a ]; then apt-get update; elif command -v apk; then apk update; \
             else echo none >&2; exit 1; fi && echo ok"
        ),
        [
            "; p0/1: [ -f /a ]",
            "&& p1/1: apt-get update",
            "|| p2/1: command -v apk",
            "&& p3/1: apk update",
            "|| p4/1: echo none",
            "; p5/1: exit 1",
            "&& p6/1: echo ok",
        ]
    );
}

#[test]
fn compound_takes_the_connector_it_follows() {
    assert_eq!(
        lines("set -x && if true; then a; fi && { b; c; } || ( d; e )"),
        [
            "; p0/1: set -x",
            "&& p1/1: true",
            "&& p2/1: a",
            "&& p3/1: b",
            "; p4/1: c",
            "|| p5/1: d",
            "; p6/1: e",
        ]
    );
}

#[test]
fn for_loops_skip_the_word_list_but_run_its_substitutions() {
    assert_eq!(
        lines(r#"for f in $(ls /etc/*.conf) a b; do rm "$f"; done; for x do echo "$x"; done"#),
        [
            "; p0/1 subst: ls /etc/*.conf",
            "; p1/1: rm $f",
            "; p2/1: echo $x",
        ]
    );
    assert_eq!(
        lines("for ((i = 0; i < 3; i++)); do echo $i; done"),
        ["; p0/1: echo $i"]
    );
}

#[test]
fn while_and_until_loops() {
    assert_eq!(
        lines(
            "find / -name '*.so' | while read -r f; do strip \"$f\"; done < /dev/null; until ping -c1 db; do sleep 1; done"
        ),
        [
            "; p0/2: find / -name *.so",
            "| p1/1: read -r f",
            "&& p2/1: strip $f",
            "; p3/1: ping -c1 db",
            "|| p4/1: sleep 1",
        ]
    );
}

#[test]
fn case_arms_without_patterns() {
    let text = r#"dpkgArch="$(dpkg --print-architecture)"; case "${dpkgArch##*-}" in amd64) ARCH='x64';; arm64|aarch64) ARCH=arm64; url="$(echo x)" ;; (ppc64el) ;; *) echo >&2 "unsupported: $dpkgArch"; exit 1 ;; esac; echo "$ARCH""#;
    assert_eq!(
        lines(text),
        [
            "; p0/1: dpkgArch=$(dpkg --print-architecture)",
            "; p1/1 subst: dpkg --print-architecture",
            "; p2/1: ARCH=x64",
            "; p3/1: ARCH=arm64",
            "; p4/1: url=$(echo x)",
            "; p5/1 subst: echo x",
            "; p6/1: echo unsupported: $dpkgArch",
            "; p7/1: exit 1",
            "; p8/1: echo $ARCH",
        ]
    );
    let script = parse(text);
    let echo = &script.commands[6];
    assert_eq!(echo.redirects[0].fd, None);
    assert_eq!(echo.redirects[0].op, ">&");
    assert_eq!(echo.redirects[0].target.text, "2");
}

#[test]
fn case_in_a_command_substitution() {
    assert_eq!(
        lines(r#"arch="$(case "$(uname -m)" in x86_64) echo amd64;; *) uname -m;; esac)""#),
        [
            "; p0/1: arch=$(case \"$(uname -m)\" in x86_64) echo amd64;; *) uname -m;; esac)",
            "; p1/1 subst: uname -m",
            "; p2/1 subst: echo amd64",
            "; p3/1 subst: uname -m",
        ]
    );
}

#[test]
fn functions_negation_and_substitutions() {
    assert_eq!(
        lines(
            "fetch() { curl -fsSL \"$1\" -o \"$2\"; }; function check { ! grep -q x \"$1\"; }; \
             fetch https://x /y && echo `uname -m` <(sort a)"
        ),
        [
            "; p0/1: curl -fsSL $1 -o $2",
            "; p1/1: grep -q x $1",
            "; p2/1: fetch https://x /y",
            "&& p3/1: echo `uname -m` <(sort a)",
            "; p4/1 subst: uname -m",
            "; p5/1 subst: sort a",
        ]
    );
}

#[test]
fn bash_forms() {
    assert_eq!(
        lines("[[ -n $X && $Y =~ ^(a|b)$ ]] && (( n++ )) || time -p make; a=(1 2 3); echo ${a[@]}"),
        [
            "; p0/1: [[ -n $X && $Y =~ ^ ( a | b ) $ ]]",
            "|| p1/1: make",
            "; p2/1: a=(1 2 3)",
            "; p3/1: echo ${a[@]}",
        ]
    );
}

#[test]
fn heredoc_bodies_are_data() {
    assert_eq!(
        lines(
            "cat <<EOF > /etc/x && cat <<-'END'\nhello $(not run)\nEOF\n\tbody\n\tEND\necho done"
        ),
        ["; p0/1: cat", "&& p1/1: cat", "; p2/1: echo done"]
    );
    // A Dockerfile RUN line keeps the marker; the body is elsewhere.
    let script = parse("python3 <<EOF && echo after");
    assert_eq!(script.error, None);
    assert_eq!(script.commands[0].redirects[0].op, "<<");
    assert_eq!(script.commands[0].redirects[0].target.text, "EOF");
    assert_eq!(script.commands[1].program(), Some("echo"));
}

#[test]
fn sh_c_scripts_are_parsed_as_nested() {
    assert_eq!(
        lines(
            r#"set -x && sh -c 'apt-get update && apt-get install -y curl' && bash -euxc "cd /x; make | tee log""#
        ),
        [
            "; p0/1: set -x",
            "&& p1/1: sh -c apt-get update && apt-get install -y curl",
            "; p2/1 nested: apt-get update",
            "&& p3/1 nested: apt-get install -y curl",
            "&& p4/1: bash -euxc cd /x; make | tee log",
            "; p5/1 nested: cd /x",
            "; p6/2 nested: make",
            "| p6/2 nested: tee log",
        ]
    );
}

#[test]
fn su_eval_and_wrappers_run_nested_scripts() {
    let nested = |text: &str| -> Vec<String> {
        let script = parse(text);
        assert_eq!(script.error, None, "{text}");
        script
            .commands
            .iter()
            .filter(|c| c.nested)
            .map(|c| {
                line(c)
                    .split_once(": ")
                    .map(|(_, w)| w.to_owned())
                    .unwrap_or_default()
            })
            .collect()
    };
    assert_eq!(nested("su -c 'id -u' nobody"), ["id -u"]);
    assert_eq!(
        nested("su nobody -s /bin/sh -c \"curl -O x && tar xf y\""),
        ["curl -O x", "tar xf y"]
    );
    assert_eq!(
        nested("su - postgres --command='initdb -D /data'"),
        ["initdb -D /data"]
    );
    assert_eq!(
        nested("runuser -u app -- id; su -lc 'whoami' app"),
        ["whoami"]
    );
    assert_eq!(nested("eval 'echo a;' echo b"), ["echo a", "echo b"]);
    assert_eq!(
        nested("sudo -u app -E bash -c 'make install'"),
        ["make install"]
    );
    assert_eq!(nested("env -i PATH=/bin sh -c 'ls'"), ["ls"]);
    assert_eq!(nested("exec gosu app sh -c 'id'"), ["id"]);
    assert_eq!(
        nested("find /usr -type f -exec sh -euxc 'strip --strip-all \"$@\" || :' -- '{}' +"),
        ["strip --strip-all $@", ":"]
    );
    assert_eq!(nested("xargs -r -n1 sh -c 'echo $0'"), ["echo $0"]);
    assert!(nested("sh script.sh -c 'not a script'; bash -o pipefail -e x.sh").is_empty());
    assert_eq!(nested("bash -o pipefail -c 'a | b'"), ["a", "b"]);
}

#[test]
fn nesting_is_recursive_and_limited() {
    let script = parse(r#"sh -c "su app -c 'bash -c \"echo deep\"'""#);
    assert_eq!(script.error, None);
    let programs: Vec<_> = script
        .commands
        .iter()
        .map(|c| (c.program(), c.nested))
        .collect();
    assert_eq!(
        programs,
        [
            (Some("sh"), false),
            (Some("su"), true),
            (Some("bash"), true),
            (Some("echo"), true)
        ]
    );
    // Ten levels of `eval`: the first eight nested scripts are parsed.
    let mut text = "true".to_owned();
    for _ in 0..10 {
        text = format!("eval {}", shell_quote(&text));
    }
    let script = parse(&text);
    assert_eq!(script.error, None);
    assert_eq!(script.commands.len(), 9);
    assert!(script.commands.iter().all(|c| c.is("eval")));
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[test]
fn nested_spans_point_into_the_string_word() {
    let text = r#"su nobody -c "cd /tmp && curl -fo \"a b\" https://x""#;
    let script = parse(text);
    let su = &script.commands[0];
    let word = &su.args[2];
    assert_eq!(
        &text[word.span.start..word.span.end],
        &text[text.find('"').unwrap()..]
    );
    let curl = &script.commands[2];
    assert!(curl.nested);
    let slice = |s: Span| &text[s.start..s.end];
    assert_eq!(slice(curl.name.as_ref().unwrap().span), "curl");
    // An escaped byte maps to itself, not to its backslash.
    assert_eq!(slice(curl.args[1].span), r#""a b\""#);
    assert_eq!(curl.args[1].text, "a b");
    assert_eq!(slice(curl.span), r#"curl -fo \"a b\" https://x"#);
    for command in &script.commands[1..] {
        assert!(word.span.start <= command.span.start && command.span.end <= word.span.end);
    }
}

/// A RUN split over three lines, with the continuation map BuildKit-style.
#[test]
fn spans_map_into_a_multi_line_run() {
    let dockerfile = "FROM debian\nRUN apt-get update \\\n    && apt-get install -y \\\n      curl \"$(cat /v)\"\n";
    // The joined argument text and where each piece starts in the file.
    let line2 = dockerfile.find("apt-get update").unwrap();
    let line3 = dockerfile.find("    && apt-get").unwrap();
    let line4 = dockerfile.find("      curl").unwrap();
    let first = "apt-get update ";
    let second = "    && apt-get install -y ";
    let third = "      curl \"$(cat /v)\"";
    let args = ArgText {
        text: format!("{first}{second}{third}"),
        pieces: vec![
            (0, line2),
            (first.len(), line3),
            (first.len() + second.len(), line4),
        ],
    };
    let script = shell::parse(&args.text, &|i| args.source_offset(i));
    assert_eq!(script.error, None);
    let slice = |s: Span| &dockerfile[s.start..s.end];
    let update = &script.commands[0];
    assert_eq!(slice(update.span), "apt-get update");
    let install = &script.commands[1];
    assert_eq!(install.connector, Connector::And);
    assert_eq!(slice(install.name.as_ref().unwrap().span), "apt-get");
    let words: Vec<&str> = install.args.iter().map(|w| slice(w.span)).collect();
    assert_eq!(words, ["install", "-y", "curl", "\"$(cat /v)\""]);
    assert_eq!(
        slice(install.span),
        "apt-get install -y \\\n      curl \"$(cat /v)\""
    );
    let cat = &script.commands[2];
    assert!(cat.substitution);
    assert_eq!(slice(cat.span), "cat /v");
}

/// The same through the Dockerfile parser, with a comment line inside the
/// continuation and a nested script.
#[test]
fn spans_map_through_the_dockerfile_parser() {
    let dockerfile = "FROM alpine\nRUN set -eux; \\\n# why\n\tapk add --no-cache \\\n\t\tcurl; \\\n\tsu nobody -s /bin/sh -c 'curl -fsSL https://x \\\n | tar -x'\n";
    let parsed = dockward_dockerfile::parse(dockerfile);
    assert!(parsed.errors.is_empty());
    let run = &parsed.instructions[1];
    let args = &run.args;
    let script = shell::parse(&args.text, &|i| args.source_offset(i));
    assert_eq!(script.error, None);
    let slice = |s: Span| &dockerfile[s.start..s.end];
    let found: Vec<(&str, bool, &str)> = script
        .commands
        .iter()
        .map(|c| (c.program().unwrap_or(""), c.nested, slice(c.span)))
        .collect();
    assert_eq!(
        found,
        [
            ("set", false, "set -eux"),
            ("apk", false, "apk add --no-cache \\\n\t\tcurl"),
            (
                "su",
                false,
                "su nobody -s /bin/sh -c 'curl -fsSL https://x \\\n | tar -x'"
            ),
            ("curl", true, "curl -fsSL https://x"),
            ("tar", true, "tar -x"),
        ]
    );
    assert_eq!(slice(script.commands[1].args[2].span), "curl");
    assert_eq!(script.commands[4].connector, Connector::Pipe);
    assert_eq!(script.commands[4].pipeline_len, 2);
}

#[test]
fn invalid_text_gets_an_error_and_split_commands() {
    let script = parse("apt-get update && echo \"unterminated; ls");
    assert_eq!(
        script.error.as_deref(),
        Some("unterminated double-quoted string")
    );
    assert_eq!(script.error_span, Some(Span::new(23, 24)));
    assert_eq!(
        script.commands.iter().map(line).collect::<Vec<_>>(),
        ["; p0/1: apt-get update", "&& p1/1: echo unterminated; ls"]
    );

    let script = parse("echo a ) ; ls 'x");
    assert_eq!(script.error.as_deref(), Some("unexpected `)`"));
    assert_eq!(
        script.commands.iter().map(line).collect::<Vec<_>>(),
        ["; p0/1: echo a", "; p1/1: ls x"]
    );

    let script =
        parse("if true; then apt-get install -y x && case $a in amd64|arm64) echo y;; esac");
    assert_eq!(
        script.error.as_deref(),
        Some("expected `fi` to close `if`, found end of text")
    );
    assert_eq!(
        script.commands.iter().map(line).collect::<Vec<_>>(),
        [
            "; p0/1: true",
            "; p1/1: apt-get install -y x",
            "&& p2/1: echo y",
        ]
    );
}

#[test]
fn syntax_errors_are_reported() {
    for (text, message) in [
        ("echo 'a", "unterminated single-quoted string"),
        ("echo $(ls", "unterminated command substitution `$(`"),
        ("echo `ls", "unterminated backquoted command"),
        ("echo ${a", "unterminated `${`"),
        ("echo a >", "expected a word after `>`, found end of text"),
        ("a &&", "expected a command, found end of text"),
        ("| a", "expected a command, found `|`"),
        ("for in; do a; done x", "unexpected `x`"),
        (
            "while a; do b; od",
            "expected `done` to close `do`, found end of text",
        ),
        ("{ a }", "expected `}` to close `{`, found end of text"),
        ("( )", "empty subshell `()`"),
        (
            "if a; then fi",
            "expected a command after `then`, found `fi`",
        ),
        (
            "case x in a) b;; c",
            "expected `)` after the `case` pattern, found end of text",
        ),
        ("done", "unexpected `done`"),
    ] {
        let script = parse(text);
        assert_eq!(script.error.as_deref(), Some(message), "{text}");
        assert!(script.error_span.is_some());
    }
}

#[test]
fn errors_in_nested_scripts_keep_the_outer_commands() {
    let script = parse("apt-get update && sh -c 'echo \"x' && ls");
    assert_eq!(
        script.error.as_deref(),
        Some("in nested script: unterminated double-quoted string")
    );
    assert_eq!(
        script.commands.iter().map(line).collect::<Vec<_>>(),
        [
            "; p0/1: apt-get update",
            "&& p1/1: sh -c echo \"x",
            "; p2/1 nested: echo x",
            "&& p3/1: ls",
        ]
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for text in [
        "(".repeat(100_000),
        "$(".repeat(50_000),
        "{ ".repeat(50_000),
        "${".repeat(50_000),
        "`".repeat(1_001),
        format!("{}a{}", "$(".repeat(100), ")".repeat(100)),
        format!("{}a{}", "if a; then ".repeat(200), "; fi".repeat(200)),
    ] {
        let script = parse(&text);
        assert!(script.error.is_some(), "{}", &text[..10]);
    }
    let ok = format!("{}a{}", "$(".repeat(30), ")".repeat(30));
    let script = parse(&format!("echo {ok}"));
    assert_eq!(script.error, None);
    assert_eq!(script.commands.len(), 31);
}

#[test]
fn split_words_unquotes() {
    assert_eq!(
        shell::split_words(r#"/bin/bash -o pipefail -c "a b" 'c'"#),
        ["/bin/bash", "-o", "pipefail", "-c", "a b", "c"]
    );
    assert_eq!(shell::split_words("a;b | 'c"), ["a", "b", "c"]);
}

#[test]
fn empty_and_blank_text() {
    for text in ["", "   ", "\n\n", "# only a comment", " \\\n "] {
        let script = parse(text);
        assert_eq!(script.error, None);
        assert!(script.commands.is_empty());
    }
}
