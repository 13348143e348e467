//! Huge and hostile compose files: a clear error or partial results, never a panic.

use std::fmt::Write as _;

use dockward_spec::compose::{self, ComposeError, ComposeOptions};
use proptest::prelude::*;

fn load(text: &str) -> Result<compose::ComposeProject, ComposeError> {
    compose::load(text, &ComposeOptions::default(), &|_| None)
}

#[test]
fn billion_laughs_is_an_error() {
    // Ten levels of ten aliases: 10^10 strings if expanded.
    let mut text = String::from("x-l0: &l0 \"lol\"\n");
    for level in 1..=10 {
        let refs = vec![format!("*l{}", level - 1); 10].join(", ");
        writeln!(text, "x-l{level}: &l{level} [{refs}]").unwrap();
    }
    text.push_str("services:\n  app:\n    image: *l10\n");
    let err = load(&text).expect_err("alias bomb");
    assert!(matches!(err, ComposeError::Yaml { .. }), "{err}");
    let message = err.to_string().to_lowercase();
    assert!(
        message.contains("alias") || message.contains("budget") || message.contains("limit"),
        "{message}"
    );
}

#[test]
fn merge_key_bomb_is_an_error() {
    let mut text = String::from("x-m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}\n");
    for level in 1..=12 {
        let refs: Vec<String> = (0..10).map(|i| format!("k{i}: *m{}", level - 1)).collect();
        writeln!(text, "x-m{level}: &m{level} {{{}}}", refs.join(", ")).unwrap();
    }
    text.push_str("services:\n  app:\n    labels: *m12\n");
    assert!(load(&text).is_err());
}

#[test]
fn ten_thousand_services_load() {
    let mut text = String::from("services:\n");
    for i in 0..10_000 {
        writeln!(
            text,
            "  s{i}:\n    image: img:{i}\n    privileged: {}",
            i % 2 == 0
        )
        .unwrap();
    }
    let project = load(&text).expect("loads");
    assert_eq!(project.services.len(), 10_000);
    assert!(project.services[0].spec.privileged);
    assert!(!project.services[9_999].spec.privileged);
    assert_eq!(
        project.services[9_999].spec.image.as_deref(),
        Some("img:9999")
    );
}

#[test]
fn extends_fan_out_is_bounded() {
    // One large base and many services extending it: the copies are budgeted.
    let mut text = String::from("services:\n  base:\n    labels:\n");
    for i in 0..5_000 {
        writeln!(text, "      l{i}: v").unwrap();
    }
    for i in 0..100 {
        writeln!(text, "  s{i}:\n    extends: base\n    image: img").unwrap();
    }
    let project = load(&text).expect("loads");
    assert_eq!(project.services.len(), 101);
    assert_eq!(project.services[1].spec.labels.len(), 5_000);
    assert!(project.services[100].spec.labels.is_empty());
    assert_eq!(project.services[100].spec.image.as_deref(), Some("img"));
    assert!(
        project
            .warnings
            .iter()
            .any(|w| w.message.contains("extends copies more than"))
    );
}

#[test]
fn deep_nesting_is_an_error() {
    let depth = 10_000;
    let text = format!(
        "services:\n  app:\n    labels: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert!(matches!(load(&text), Err(ComposeError::Yaml { .. })));
    let mut block = String::new();
    for i in 0..2_000 {
        writeln!(block, "{}- ", " ".repeat(i)).unwrap();
    }
    assert!(load(&format!("services:\n  app:\n    labels:\n{block}")).is_err());
}

#[test]
fn too_large_input_is_an_error() {
    let opts = ComposeOptions {
        max_bytes: 64,
        ..ComposeOptions::default()
    };
    let text = format!("services:\n  app:\n    image: {}\n", "a".repeat(100));
    assert_eq!(
        compose::load(&text, &opts, &|_| None),
        Err(ComposeError::TooLarge {
            size: text.len(),
            limit: 64
        })
    );
}

#[test]
fn garbage_and_unterminated_quotes_are_errors() {
    let lossy =
        String::from_utf8_lossy(b"services:\n  a\xff\xfe: {image: \x00\x01}\n").into_owned();
    for text in [
        "services:\n  app:\n    image: \"unterminated\n",
        "services: [\n",
        "\t- : : :\n}{",
        lossy.as_str(),
        "services:\n  app:\n    image: 'x\n  other: {",
    ] {
        let result = load(text);
        if let Err(e) = &result
            && let Some(span) = e.span()
        {
            assert!(
                span.start <= text.len() && span.end <= text.len(),
                "{text:?}: {span:?}"
            );
        }
        assert!(
            result.is_err() || result.is_ok_and(|p| p.services.len() <= 1),
            "{text:?}"
        );
    }
    let err =
        load("services:\n  app:\n    image: \"unterminated\n").expect_err("unterminated quote");
    assert!(matches!(err, ComposeError::Yaml { .. }), "{err}");
}

#[test]
fn wrong_top_level_shapes_are_errors() {
    assert!(matches!(
        load("- a\n- b\n"),
        Err(ComposeError::NotAMapping { .. })
    ));
    assert!(matches!(
        load("services: [a]\n"),
        Err(ComposeError::NotAMapping { .. })
    ));
    let project = load("services:\n  bad: 3\n  good: {image: x}\n").expect("loads");
    assert_eq!(project.services.len(), 1);
    assert_eq!(project.warnings.len(), 1);
}

#[test]
fn interpolation_bombs_are_bounded() {
    // Every default expands the next: bounded nesting depth.
    let nested = format!("{}x{}", "${A:-".repeat(100), "}".repeat(100));
    let text = format!("services:\n  app:\n    image: \"{nested}\"\n");
    let project = load(&text).expect("loads");
    assert!(project.warnings.iter().any(|w| w.message.contains("nest")));
    assert_eq!(project.services[0].spec.image, None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn load_never_panics_on_strings(text in "\\PC{0,300}") {
        if let Ok(project) = load(&text) {
            let ok = |s: dockward_diagnostics::Span| {
                s.start <= s.end && text.is_char_boundary(s.start) && text.is_char_boundary(s.end)
            };
            for service in &project.services {
                prop_assert!(ok(service.origins.whole));
                prop_assert!(service.origins.fields.values().all(|s| ok(*s)));
            }
            prop_assert!(project.warnings.iter().all(|w| ok(w.span)));
        }
    }

    #[test]
    fn load_never_panics_on_compose_like_text(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("services:".to_owned()),
                Just("  app:".to_owned()),
                Just("    <<: *a".to_owned()),
                Just("x: &a {privileged: true}".to_owned()),
                "    (image|ports|volumes|user|cpus|mem_limit|restart|extends|devices|ulimits|healthcheck): [\\[\\]{}:$a-z0-9 ,.\"'/-]{0,20}",
                "      - [\\[\\]{}:$a-z0-9 ,.\"'/-]{0,20}",
                "[ -~]{0,30}",
            ],
            0..20,
        )
    ) {
        let text = lines.join("\n");
        if let Ok(project) = load(&text) {
            for service in &project.services {
                for span in service.origins.fields.values() {
                    prop_assert!(span.start <= span.end && span.end <= text.len());
                }
            }
            for warning in &project.warnings {
                prop_assert!(warning.span.end <= text.len());
            }
        }
    }
}
