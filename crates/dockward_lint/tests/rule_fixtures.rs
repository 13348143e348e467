//! The fixture harness: every rule has `tests/fixtures/<CODE>/fail.Dockerfile`
//! (must produce findings of that rule, and only of it when run alone) and
//! `pass.Dockerfile` (must produce none). An optional `settings.toml` holds
//! [`LintSettings`] for both. The findings on `fail.Dockerfile` are
//! snapshotted as the user sees them.

use std::path::{Path, PathBuf};

use dockward_diagnostics::{
    Diagnostic, Location, Report, SourceFile, Span, Subject, ToolInfo, render,
};
use dockward_lint::{LintSettings, RULES, Violation, lint};

fn fixture_dir(code: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(code)
}

fn settings_for(dir: &Path) -> LintSettings {
    match std::fs::read_to_string(dir.join("settings.toml")) {
        Ok(text) => toml::from_str(&text).expect("fixture settings.toml is valid"),
        Err(_) => LintSettings::default(),
    }
}

fn run(
    path: &Path,
    settings: &LintSettings,
    only: dockward_rules::Rule,
) -> (String, Vec<Violation>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let dockerfile = dockward_dockerfile::parse(&text);
    let found = lint(&dockerfile, &text, settings, &|rule| rule == only);
    (text, found)
}

/// The findings as `dockward lint` shows them: the human renderer with code
/// frames, without colour, under the fixture's own file name.
fn render(code: &str, text: &str, found: &[Violation]) -> String {
    let source = SourceFile::new(format!("{code}/fail.Dockerfile"), text);
    let diagnostics = found
        .iter()
        .map(|v| {
            let meta = RULES
                .iter()
                .find(|r| r.meta.rule == v.rule)
                .expect("every violation comes from a registered rule")
                .meta;
            Diagnostic {
                rule: &meta.descriptor,
                severity: meta.descriptor.default_severity,
                message: v.message.clone(),
                location: Location::in_file(&source, v.span),
                suppression: None,
                aliases: Vec::new(),
            }
        })
        .collect();
    let report = Report {
        tool: ToolInfo {
            name: "dockward".to_owned(),
            version: "test".to_owned(),
        },
        subjects: vec![Subject {
            kind: "dockerfile".to_owned(),
            name: source.path().to_owned(),
        }],
        diagnostics,
        sources: vec![source],
        rules: Vec::new(),
    };
    render::human(
        &report,
        render::HumanOptions {
            color: false,
            quiet: false,
        },
    )
}

#[test]
fn rules_are_listed_in_code_order_once() {
    let codes: Vec<&str> = RULES.iter().map(|r| r.meta.code()).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(codes, sorted);
}

#[test]
fn every_rule_has_docs_with_the_required_headings() {
    for rule in RULES.iter().filter(|r| selected(r.meta.code())) {
        let docs = rule.meta.descriptor.docs;
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## References",
        ] {
            assert!(
                docs.contains(heading),
                "{} docs lack `{heading}`",
                rule.meta.code()
            );
        }
        assert!(!rule.meta.descriptor.summary.is_empty());
    }
}

/// `DOCKWARD_RULES=DF009,DF010` restricts the fixture run to those rules
/// (for working on a few rules); CI runs them all.
fn selected(code: &str) -> bool {
    std::env::var("DOCKWARD_RULES").map_or(true, |only| only.split(',').any(|c| c.trim() == code))
}

#[test]
fn every_rule_fires_on_its_failing_fixture_and_not_on_its_passing_one() {
    let mut missing = Vec::new();
    for rule in RULES.iter().filter(|r| selected(r.meta.code())) {
        let code = rule.meta.code();
        let dir = fixture_dir(code);
        let fail = dir.join("fail.Dockerfile");
        let pass = dir.join("pass.Dockerfile");
        if !fail.exists() || !pass.exists() {
            missing.push(code);
            continue;
        }
        let settings = settings_for(&dir);
        let (text, found) = run(&fail, &settings, rule.meta.rule);
        assert!(!found.is_empty(), "{code}: no finding on fail.Dockerfile");
        assert!(
            found.iter().all(|v| v.rule == rule.meta.rule),
            "{code}: other rules reported"
        );
        for v in &found {
            assert!(
                v.span.end <= text.len() && v.span.start <= v.span.end,
                "{code}: bad span {:?}",
                v.span
            );
            assert!(
                v.span != Span::empty(0) || !v.message.starts_with("internal error"),
                "{code}: {}",
                v.message
            );
        }
        insta::assert_snapshot!(
            format!("{code}_{}", rule.meta.descriptor.name),
            render(code, &text, &found)
        );

        let (text, found) = run(&pass, &settings, rule.meta.rule);
        assert!(
            found.is_empty(),
            "{code}: findings on pass.Dockerfile:\n{}",
            render(code, &text, &found)
        );
    }
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
}
