//! `cargo xtask agreement`: compares dockward's findings on the corpus with
//! hadolint's (`hadolint -f json` output over the same files), per hadolint
//! code that a dockward rule claims as an alias. Findings are matched by
//! file, instruction start line and code. Files hadolint cannot parse
//! (DL1000) have no hadolint findings: dockward's findings in them are shown
//! in their own column (`dw-unparsed`) and left out of the agreement figure.
//!
//! ```text
//! cargo xtask agreement [--hadolint FILE] [--corpus DIR] [--code DLxxxx] [--examples N] [--json]
//! ```
//!
//! Without `--hadolint`, the first of [`hadolint_candidates`] that exists is
//! used; `bench/lint-vs-hadolint.sh` produces the first one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use dockward_dockerfile::{Dockerfile, Instruction, InstructionKind};

/// The usage line.
pub const USAGE: &str = "cargo xtask agreement [--hadolint FILE] [--corpus DIR] [--code DLxxxx] [--examples N] [--json]";

/// Where hadolint's JSON findings are looked for, in order, when `--hadolint`
/// is not given: the output of `bench/lint-vs-hadolint.sh`, then the lead's
/// corpus run beside the main checkout, then the same file seen from a helper
/// worktree (`/work/wt/<name>`).
pub fn hadolint_candidates(root: &Path) -> Vec<PathBuf> {
    vec![
        root.join("bench/out/hadolint.out"),
        root.join("../wt/hadolint-corpus.json"),
        root.join("../hadolint-corpus.json"),
    ]
}

/// Where the Dockerfile corpus is looked for, in order, when `--corpus` is not
/// given: beside the checkout, then beside a helper worktree's parent.
pub fn corpus_candidates(root: &Path) -> Vec<PathBuf> {
    vec![
        root.join("../shared/data/dockerfiles"),
        root.join("../../shared/data/dockerfiles"),
    ]
}

/// The first candidate that exists, or an error naming all of them.
fn first_existing(what: &str, candidates: &[PathBuf], hint: &str) -> anyhow::Result<PathBuf> {
    if let Some(found) = candidates.iter().find(|p| p.exists()) {
        return Ok(found.clone());
    }
    let tried: Vec<String> = candidates
        .iter()
        .map(|p| format!("  {}", p.display()))
        .collect();
    bail!("no {what} found; tried:\n{}\n{hint}", tried.join("\n"))
}

#[derive(serde::Deserialize)]
struct HadolintFinding {
    code: String,
    file: String,
    line: u32,
}

/// One finding keyed for comparison: file name, instruction start line, hadolint code.
type Key = (String, u32, String);

fn instruction_line(dockerfile: &Dockerfile, offset: usize) -> Option<u32> {
    fn find(instructions: &[Instruction], offset: usize) -> Option<u32> {
        instructions
            .iter()
            .find(|i| i.span.start <= offset && offset <= i.span.end)
            .map(|i| i.start_line)
    }
    find(&dockerfile.instructions, offset).or_else(|| {
        dockerfile
            .instructions
            .iter()
            .filter(|i| matches!(i.kind, InstructionKind::Onbuild(_)))
            .find(|i| i.span.start <= offset && offset <= i.span.end)
            .map(|i| i.start_line)
    })
}

/// Runs the comparison with command-line `args` and returns the report text
/// (a table, or JSON with `--json`).
pub fn run(root: &Path, args: &[String]) -> anyhow::Result<String> {
    let mut hadolint: Option<PathBuf> = None;
    let mut corpus: Option<PathBuf> = None;
    let mut only: Option<String> = None;
    let mut examples = 5usize;
    let mut json = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--hadolint" => hadolint = Some(PathBuf::from(it.next().context("--hadolint FILE")?)),
            "--corpus" => corpus = Some(PathBuf::from(it.next().context("--corpus DIR")?)),
            "--code" => only = Some(it.next().context("--code DLxxxx")?.to_ascii_uppercase()),
            "--examples" => examples = it.next().context("--examples N")?.parse()?,
            "--json" => json = true,
            other => bail!("unknown argument {other}"),
        }
    }
    let hadolint = match hadolint {
        Some(path) => path,
        None => first_existing(
            "hadolint findings",
            &hadolint_candidates(root),
            "run `bench/lint-vs-hadolint.sh` (writes bench/out/hadolint.out) or pass --hadolint FILE",
        )?,
    };
    let corpus = match corpus {
        Some(path) => path,
        None => first_existing(
            "Dockerfile corpus",
            &corpus_candidates(root),
            "pass --corpus DIR",
        )?,
    };
    let theirs: Vec<HadolintFinding> = serde_json::from_str(
        &std::fs::read_to_string(&hadolint)
            .with_context(|| format!("reading {}", hadolint.display()))?,
    )
    .context("parsing hadolint JSON")?;

    // hadolint code -> dockward rules claiming it.
    let mut claimed: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    for rule in dockward_lint::RULES {
        for alias in rule.meta.descriptor.aliases {
            if alias.starts_with("DL") {
                claimed
                    .entry((*alias).to_owned())
                    .or_default()
                    .push(rule.meta.code());
            }
        }
    }

    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .with_context(|| format!("reading {}", corpus.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "Dockerfile"))
        .collect();
    files.sort();

    let settings = dockward_lint::LintSettings::default();
    let mut ours: BTreeMap<Key, usize> = BTreeMap::new();
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let text = std::fs::read_to_string(path)?;
        let dockerfile = dockward_dockerfile::parse(&text);
        for v in dockward_lint::lint(&dockerfile, &text, &settings, &|_| true) {
            let line = instruction_line(&dockerfile, v.span.start).unwrap_or(0);
            for alias in dockward_lint::RULES
                .iter()
                .find(|r| r.meta.rule == v.rule)
                .map(|r| r.meta.descriptor.aliases)
                .unwrap_or_default()
            {
                if alias.starts_with("DL") {
                    *ours
                        .entry((name.clone(), line, (*alias).to_owned()))
                        .or_default() += 1;
                }
            }
        }
    }
    let mut their_keys: BTreeMap<Key, usize> = BTreeMap::new();
    for f in &theirs {
        let name = Path::new(&f.file)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        *their_keys
            .entry((name, f.line, f.code.clone()))
            .or_default() += 1;
    }

    // Files hadolint could not parse (DL1000) carry no hadolint finding at all:
    // dockward's findings there are counted apart, not as disagreements.
    let unparsed: BTreeSet<&str> = their_keys
        .keys()
        .filter(|k| k.2 == "DL1000")
        .map(|k| k.0.as_str())
        .collect();

    let codes: BTreeSet<String> = claimed
        .keys()
        .filter(|&c| only.as_ref().is_none_or(|o| o == c))
        .cloned()
        .collect();
    let mut rows = Vec::new();
    for code in &codes {
        let mine: BTreeSet<&Key> = ours.keys().filter(|k| &k.2 == code).collect();
        let hers: BTreeSet<&Key> = their_keys.keys().filter(|k| &k.2 == code).collect();
        let both = mine.intersection(&hers).count();
        let only_h: Vec<&&Key> = hers.difference(&mine).collect();
        let (in_unparsed, only_d): (Vec<&&Key>, Vec<&&Key>) = mine
            .difference(&hers)
            .partition(|k| code != "DL1000" && unparsed.contains(k.0.as_str()));
        let union = both + only_h.len() + only_d.len();
        #[allow(clippy::cast_precision_loss)]
        let agreement = if union == 0 {
            100.0
        } else {
            both as f64 * 100.0 / union as f64
        };
        rows.push(serde_json::json!({
            "code": code,
            "rules": claimed[code],
            "both": both,
            "only_hadolint": only_h.len(),
            "only_dockward": only_d.len(),
            "dockward_in_files_hadolint_cannot_parse": in_unparsed.len(),
            "agreement_percent": (agreement * 10.0).round() / 10.0,
            "only_hadolint_examples": only_h.iter().take(examples).map(|k| format!("{}:{}", k.0, k.1)).collect::<Vec<_>>(),
            "only_dockward_examples": only_d.iter().take(examples).map(|k| format!("{}:{}", k.0, k.1)).collect::<Vec<_>>(),
        }));
    }
    if json {
        return Ok(serde_json::to_string_pretty(&rows)? + "\n");
    }
    let mut out = String::new();
    writeln!(
        out,
        "{:<8} {:<14} {:>6} {:>9} {:>9} {:>7} {:>12}",
        "code", "dockward", "both", "only-had", "only-dw", "agree%", "dw-unparsed"
    )?;
    for row in &rows {
        writeln!(
            out,
            "{:<8} {:<14} {:>6} {:>9} {:>9} {:>7} {:>12}",
            row["code"].as_str().unwrap_or_default(),
            row["rules"]
                .as_array()
                .map(|a| a
                    .iter()
                    .filter_map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(","))
                .unwrap_or_default(),
            row["both"].to_string(),
            row["only_hadolint"].to_string(),
            row["only_dockward"].to_string(),
            row["agreement_percent"].to_string(),
            row["dockward_in_files_hadolint_cannot_parse"].to_string(),
        )?;
        for (label, key) in [
            ("  only hadolint:", "only_hadolint_examples"),
            ("  only dockward:", "only_dockward_examples"),
        ] {
            if let Some(list) = row[key].as_array().filter(|a| !a.is_empty()) {
                let list: Vec<&str> = list.iter().filter_map(|v| v.as_str()).collect();
                writeln!(out, "{label} {}", list.join(" "))?;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_existing_candidate_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join("bench/out")).expect("mkdir");
        std::fs::write(dir.path().join("hadolint-corpus.json"), "[]").expect("write");
        let candidates = hadolint_candidates(&root);
        assert_eq!(
            first_existing("x", &candidates, "").expect("found"),
            root.join("../hadolint-corpus.json")
        );
        std::fs::write(root.join("bench/out/hadolint.out"), "[]").expect("write");
        assert_eq!(
            first_existing("x", &candidates, "").expect("found"),
            root.join("bench/out/hadolint.out")
        );
    }

    #[test]
    fn a_missing_hadolint_file_names_every_candidate_and_the_producing_script() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("repo");
        let args = ["--corpus".to_owned(), dir.path().display().to_string()];
        let error = run(&root, &args)
            .expect_err("no hadolint output")
            .to_string();
        for candidate in hadolint_candidates(&root) {
            assert!(error.contains(&candidate.display().to_string()), "{error}");
        }
        assert!(error.contains("bench/lint-vs-hadolint.sh"), "{error}");
    }
}
