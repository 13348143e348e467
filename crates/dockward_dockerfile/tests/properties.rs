//! Property tests: the parser never panics and every span it returns lies
//! within the text, on character boundaries, whatever the input.

mod common;

use proptest::prelude::*;

/// Pieces that exercise the parser's corners when glued together.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("FROM ".to_owned()),
        Just("RUN ".to_owned()),
        Just("COPY ".to_owned()),
        Just("ADD ".to_owned()),
        Just("ONBUILD ".to_owned()),
        Just("HEALTHCHECK ".to_owned()),
        Just("CMD ".to_owned()),
        Just("ENV ".to_owned()),
        Just("LABEL ".to_owned()),
        Just("ARG ".to_owned()),
        Just("SHELL ".to_owned()),
        Just("EXPOSE ".to_owned()),
        Just("AS ".to_owned()),
        Just("NONE".to_owned()),
        Just("--mount=type=cache,target=/x ".to_owned()),
        Just("--from=a ".to_owned()),
        Just("-- ".to_owned()),
        Just("\\".to_owned()),
        Just("`".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\t".to_owned()),
        Just(" ".to_owned()),
        Just("<<EOF".to_owned()),
        Just("<<-EOF".to_owned()),
        Just("<<'EOF'".to_owned()),
        Just("3<<\"EOF\"".to_owned()),
        Just("EOF".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("[\"a\", \"b\"]".to_owned()),
        Just(",".to_owned()),
        Just("#".to_owned()),
        Just("# escape=`\n".to_owned()),
        Just("# syntax=x\n".to_owned()),
        Just("=".to_owned()),
        Just("$".to_owned()),
        Just("${A:-b}".to_owned()),
        Just("é".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("\0".to_owned()),
        "[a-z0-9/:.]{0,6}".prop_map(|s| s),
    ]
}

fn dockerfile_ish() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..60).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_arbitrary_strings(text in any::<String>()) {
        let df = dockward_dockerfile::parse(&text);
        common::check_invariants(&text, &df);
    }

    #[test]
    fn never_panics_on_dockerfile_like_strings(text in dockerfile_ish()) {
        let df = dockward_dockerfile::parse(&text);
        common::check_invariants(&text, &df);
    }

    #[test]
    fn expand_never_panics(word in prop::collection::vec(fragment(), 0..20).prop_map(|p| p.concat())) {
        let _ = dockward_dockerfile::expand::expand(&word, &|n| (n.len() % 2 == 0).then(|| n.to_owned()));
    }
}
