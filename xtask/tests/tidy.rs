//! `cargo xtask tidy`, run by `cargo test` so CI enforces it.

use xtask::tidy::{self, Problem};

fn assert_clean(problems: anyhow::Result<Vec<Problem>>) {
    let problems = problems.expect("tidy check could not run");
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        problems.is_empty(),
        "tidy found {} problems (`cargo xtask tidy` lists them):\n{}",
        problems.len(),
        lines.join("\n")
    );
}

#[test]
fn crates_depend_only_downwards() {
    assert_clean(tidy::dependency_direction(&xtask::repo_root()));
}

#[test]
fn every_rule_file_is_registered_and_has_fixtures() {
    assert_clean(tidy::rule_files(&xtask::repo_root()));
}

#[test]
fn every_audit_rule_file_is_registered() {
    assert_clean(tidy::audit_rule_files(&xtask::repo_root()));
}

#[test]
fn library_crates_do_not_print() {
    assert_clean(tidy::print_macros(&xtask::repo_root()));
}

#[test]
fn no_unfinished_code() {
    assert_clean(tidy::unfinished_code(&xtask::repo_root()));
}
