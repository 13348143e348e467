//! The committed rule reference (`docs/rules/`) is what `cargo xtask codegen`
//! generates from the rules as they are now.

#[test]
fn rule_docs_are_up_to_date() {
    let root = xtask::repo_root();
    let files = xtask::codegen::generate(&xtask::codegen::all_rules());
    let stale = xtask::codegen::stale_files(&root, &files).expect("reading docs/rules");
    assert!(
        stale.is_empty(),
        "the generated rule docs are stale:\n  {}\nrun `cargo xtask codegen` and commit the result",
        stale.lines().join("\n  ")
    );
}
