//! Parses every file given on the command line (or every `*.Dockerfile` in a
//! directory) ten times and writes the fastest round's time (the machine may
//! be shared); with `--dump`, the AST of each file.
//!
//! `cargo run --release -p dockward_dockerfile --example parse_corpus -- DIR`

use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

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
    let mut instructions = 0;
    let mut errors = 0;
    let mut fastest = Duration::MAX;
    for _ in 0..10 {
        instructions = 0;
        errors = 0;
        let start = Instant::now();
        for (_, text) in &texts {
            let df = dockward_dockerfile::parse(text);
            instructions += df.instructions.len();
            errors += df.errors.len();
        }
        fastest = fastest.min(start.elapsed());
    }
    if dump {
        for (path, text) in &texts {
            let df = dockward_dockerfile::parse(text);
            writeln!(out, "== {}\n{df:#?}", path.display())?;
        }
    }
    writeln!(
        out,
        "{} files, {instructions} instructions, {errors} errors; fastest of 10 rounds: {fastest:?}",
        texts.len()
    )
}
