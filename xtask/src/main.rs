//! `cargo xtask <task>`: project automation.
//!
//! - `codegen [--check]`: writes the rule reference under `docs/rules/` from the
//!   rules' metadata and doc comments; `--check` fails, naming the stale files,
//!   when the committed files differ from what would be generated.
//! - `tidy`: dependency direction between crates, rule files registered and with
//!   fixtures, no printing macros in libraries, no unfinished code.
//! - `agreement [--hadolint FILE] [--corpus DIR] [--code DLxxxx] [--examples N] [--json]`:
//!   compares dockward's findings on the corpus with hadolint's (`hadolint -f json` output over the same
//!   files), per hadolint code that a dockward rule claims as an alias.
//! - `ground-truth [--out DIR] [--force]`: builds the ground-truth image (debootstrap bookworm
//!   plus old Python/npm/Rust packages; docker-save archive, OCI layout, `expected.json`) into
//!   DIR (default `target/ground-truth`); see `ground_truth.rs`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use anyhow::bail;
use xtask::{agreement, codegen, ground_truth, repo_root, tidy};

const USAGE: &str = "usage:
  cargo xtask codegen [--check]
  cargo xtask tidy
  cargo xtask ground-truth [--out DIR] [--force]";

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();
    match task.as_deref() {
        Some("codegen") => run_codegen(&rest),
        Some("tidy") if rest.is_empty() => run_tidy(),
        Some("ground-truth") => {
            let root = repo_root();
            let options = ground_truth::Options::parse(&root, &rest)?;
            print!("{}", ground_truth::run(&root, &options)?);
            Ok(())
        }
        Some("agreement") => {
            print!("{}", agreement::run(&repo_root(), &rest)?);
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}\n  {}", agreement::USAGE);
            bail!("unknown or missing task")
        }
    }
}

fn run_codegen(args: &[String]) -> anyhow::Result<()> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => bail!("usage: cargo xtask codegen [--check]"),
    };
    let root = repo_root();
    let files = codegen::generate(&codegen::all_rules());
    if check {
        let stale = codegen::stale_files(&root, &files)?;
        if stale.is_empty() {
            println!("{}: {} files up to date", codegen::RULES_DIR, files.len());
            return Ok(());
        }
        for line in stale.lines() {
            eprintln!("{line}");
        }
        bail!(
            "{} stale files under {}; run `cargo xtask codegen` and commit the result",
            stale.lines().len(),
            codegen::RULES_DIR
        );
    }
    let changed = codegen::write(&root, &files)?;
    for line in changed.lines() {
        println!("{line}");
    }
    println!(
        "{}: {} files, {} changed",
        codegen::RULES_DIR,
        files.len(),
        changed.lines().len()
    );
    Ok(())
}

fn run_tidy() -> anyhow::Result<()> {
    let problems = tidy::run(&repo_root())?;
    if problems.is_empty() {
        println!("tidy: all checks pass");
        return Ok(());
    }
    for problem in &problems {
        eprintln!("{problem}");
    }
    bail!("tidy: {} problems", problems.len())
}
