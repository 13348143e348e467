//! Properties of the shell parser on arbitrary input: it never panics, and
//! every span it returns lies inside the mapped range of the text.

use dockward_dockerfile::Span;
use dockward_dockerfile::shell::{self, Script};
use proptest::prelude::*;

/// Pieces of shell syntax, so that random text reaches deep parser states.
const TOKENS: &[&str] = &[
    "a", "b=1", " ", " ", "\t", ";", "&", "|", "&&", "||", "(", ")", "{", "}", "'", "\"", "$",
    "$(", "$((", "`", "\\", "\n", "#", "<", ">", "2>&1", "<<", "<<-", "EOF", "\nEOF\n", "if",
    "then", "fi", "elif", "else", "case", "in", "esac", ";;", "for", "do", "done", "while",
    "function", "f()", "sh", "bash", "-c", "-euxc", "su", "eval", "find", "-exec", "${", "}", "é",
    "\\\n", "$'", "\\x41", "[[", "]]", "((", "))", "!", "<(", "~", "*",
];

fn shellish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..60).prop_map(|t| t.concat())
}

/// A non-identity, increasing map: byte `i` is at `OFFSET + 3 * i`.
const OFFSET: usize = 1000;

fn map(i: usize) -> usize {
    OFFSET + 3 * i
}

fn check_spans(text: &str, script: &Script) -> Result<(), TestCaseError> {
    let low = map(0);
    let high = if text.is_empty() {
        low
    } else {
        map(text.len() - 1) + 1
    };
    let inside = |s: Span| low <= s.start && s.start <= s.end && s.end <= high;
    for command in &script.commands {
        prop_assert!(inside(command.span), "command span {:?}", command.span);
        let words = command
            .assignments
            .iter()
            .chain(&command.name)
            .chain(&command.args)
            .chain(command.redirects.iter().map(|r| &r.target));
        for word in words {
            prop_assert!(
                inside(word.span),
                "word {:?} span {:?}",
                word.text,
                word.span
            );
        }
        prop_assert!(command.pipeline_len >= 1);
    }
    if let Some(span) = script.error_span {
        prop_assert!(inside(span), "error span {span:?}");
    }
    prop_assert_eq!(script.error.is_some(), script.error_span.is_some());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn shell_like_text_never_panics_and_spans_stay_inside(text in shellish()) {
        let script = shell::parse(&text, &map);
        check_spans(&text, &script)?;
    }

    #[test]
    fn any_text_never_panics_and_spans_stay_inside(text in "\\PC{0,200}") {
        let script = shell::parse(&text, &map);
        check_spans(&text, &script)?;
        let _ = shell::split_words(&text);
    }

    /// Pipeline ids are numbered densely in order of first appearance.
    #[test]
    fn pipelines_are_numbered_in_order(text in shellish()) {
        let script = shell::parse(&text, &map);
        let mut next = 0;
        for command in &script.commands {
            prop_assert!(command.pipeline <= next);
            if command.pipeline == next {
                next += 1;
            }
            let members = script.pipeline(command.pipeline).count();
            prop_assert!(members <= command.pipeline_len);
        }
    }
}
