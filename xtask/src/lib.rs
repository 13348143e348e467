//! Project automation behind `cargo xtask <task>` (see `main.rs` and
//! CONTRIBUTING.md). Each task is a module whose logic returns data, so the
//! tests in `tests/` run the same checks CI relies on.

pub mod agreement;
pub mod codegen;
pub mod ground_truth;
pub mod tidy;

use std::path::{Path, PathBuf};

/// The repository root (the parent of `xtask/`).
pub fn repo_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.join(".."), Path::to_path_buf)
}
