//! Parses every file given on the command line (or every `*.Dockerfile` in a
//! directory) and writes the elapsed time; with `--dump`, the AST of each.
//!
//! `cargo run --release -p dockward_dockerfile --example parse_corpus -- DIR`

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> std::io::Result<()> {
    let mut dump = false;
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--dump" {
            dump = true;
            continue;
        }
        let path = PathBuf::from(arg);
        if path.is_dir() {
            for entry in std::fs::read_dir(&path)? {
                let p = entry?.path();
                if p.extension().is_some_and(|e| e == "Dockerfile") {
                    files.push(p);
                }
            }
        } else {
            files.push(path);
        }
    }
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|p| std::fs::read(&p).map(|b| (p, String::from_utf8_lossy(&b).into_owned())))
        .collect::<Result<_, _>>()?;
    let mut out = std::io::stdout().lock();
    let start = Instant::now();
    let mut instructions = 0;
    let mut errors = 0;
    for (path, text) in &texts {
        let df = dockward_dockerfile::parse(text);
        instructions += df.instructions.len();
        errors += df.errors.len();
        if dump {
            writeln!(out, "== {}\n{df:#?}", path.display())?;
        }
    }
    let elapsed = start.elapsed();
    writeln!(
        out,
        "{} files, {instructions} instructions, {errors} errors in {elapsed:?}",
        texts.len()
    )
}
