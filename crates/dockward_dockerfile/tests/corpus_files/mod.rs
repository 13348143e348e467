//! The shared Dockerfile corpus, for the corpus tests.

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

/// Every `*.Dockerfile` of the corpus, sorted; fails clearly when the corpus
/// is missing.
pub fn corpus_files() -> Vec<PathBuf> {
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
    files
}
