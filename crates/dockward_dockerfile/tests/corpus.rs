//! Every file of the shared corpus (all accepted by BuildKit) parses without
//! error; the instruction and stage counts are snapshotted.

use std::fmt::Write as _;
use std::path::PathBuf;

/// `../shared/data/dockerfiles` next to the repository: from the crate that
/// is `../../../shared/data/dockerfiles`; a git worktree nested one level
/// deeper finds it further up, so every ancestor is tried.
/// `DOCKWARD_CORPUS_DIR` overrides.
fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("DOCKWARD_CORPUS_DIR") {
        return PathBuf::from(dir);
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let canonical = manifest.join("../../../shared/data/dockerfiles");
    manifest
        .ancestors()
        .map(|a| a.join("shared/data/dockerfiles"))
        .find(|p| p.is_dir())
        .unwrap_or(canonical)
}

#[test]
fn corpus_parses_without_errors() {
    let dir = corpus_dir();
    assert!(
        dir.is_dir(),
        "corpus directory {} is missing (expected the shared data next to the repository)",
        dir.display()
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read corpus dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "Dockerfile"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 519, "the corpus should hold 519 Dockerfiles");
    let mut table = String::new();
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("corpus file is UTF-8");
        let df = dockward_dockerfile::parse(&text);
        let name = path.file_name().expect("file name").to_string_lossy();
        for e in &df.errors {
            failures.push(format!("{name}: {} at {:?}", e.message, e.span));
        }
        writeln!(
            table,
            "{name}: {} instructions, {} stages",
            df.instructions.len(),
            df.stages.len()
        )
        .expect("write to string");
    }
    assert!(
        failures.is_empty(),
        "parse errors:\n{}",
        failures.join("\n")
    );
    insta::assert_snapshot!("corpus_counts", table);
}
