//! The fixture harness: every rule has `tests/fixtures/<CODE>/fail.Dockerfile`
//! (must produce findings of that rule, and only of it when run alone) and
//! `pass.Dockerfile` (must produce none). An optional `settings.toml` holds
//! [`LintSettings`] for both. The findings on `fail.Dockerfile` are
//! snapshotted as the user sees them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use dockward_diagnostics::{LineIndex, Span};
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

/// `line:col CODE message` plus the source line with carets under the span.
fn render(text: &str, found: &[Violation]) -> String {
    let index = LineIndex::new(text.into());
    let mut out = String::new();
    for v in found {
        let start = index.line_col(v.span.start);
        let line = index.line_of(v.span.start);
        let line_span = index.line_span(line);
        let end = v.span.end.min(line_span.end).max(v.span.start);
        let _ = writeln!(
            out,
            "{}:{} {} {}",
            start.line,
            start.column,
            v.rule.code(),
            v.message
        );
        let _ = writeln!(out, "    | {}", &text[line_span.start..line_span.end]);
        let pad = text[line_span.start..v.span.start].chars().count();
        let width = text[v.span.start..end].chars().count().max(1);
        let _ = writeln!(out, "    | {}{}", " ".repeat(pad), "^".repeat(width));
    }
    out
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
            render(&text, &found)
        );

        let (text, found) = run(&pass, &settings, rule.meta.rule);
        assert!(
            found.is_empty(),
            "{code}: findings on pass.Dockerfile:\n{}",
            render(&text, &found)
        );
    }
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
}
