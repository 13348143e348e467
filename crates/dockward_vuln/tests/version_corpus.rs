//! Every labelled pair of `shared/data/version-corpus/*.pairs.tsv` must get
//! the oracle's answer from dockward's comparator: `-1`/`0`/`1` as the order,
//! `ERR` as a parse error of at least one side.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::path::PathBuf;

use dockward_vuln::version::{ParseVersionError, Scheme};

/// `../shared/data/version-corpus` next to the repository; every ancestor
/// of the crate is tried so that nested git worktrees find it too.
fn corpus_dir() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let canonical = manifest.join("../../../shared/data/version-corpus");
    manifest
        .ancestors()
        .map(|a| a.join("shared/data/version-corpus"))
        .find(|p| p.is_dir())
        .unwrap_or(canonical)
}

fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, ParseVersionError> {
    let a = scheme.parse(a)?;
    let b = scheme.parse(b)?;
    Ok(a.partial_cmp(&b).expect("same scheme"))
}

/// Checks one file; returns (pairs, disagreement report).
fn check(file: &str, scheme: Scheme) -> (usize, Vec<String>) {
    let path = corpus_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut bad = Vec::new();
    let mut n = 0;
    for (lineno, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [a, b, expected] = cols[..] else {
            panic!("{file}:{}: expected 3 columns: {line:?}", lineno + 1);
        };
        n += 1;
        let got = match compare(scheme, a, b) {
            Ok(Ordering::Less) => "-1",
            Ok(Ordering::Equal) => "0",
            Ok(Ordering::Greater) => "1",
            Err(_) => "ERR",
        };
        if got != expected {
            bad.push(format!(
                "{file}:{}: {a:?} vs {b:?}: expected {expected}, got {got}",
                lineno + 1
            ));
        }
    }
    (n, bad)
}

#[test]
fn every_labelled_pair_agrees_with_the_oracle() {
    let files = [
        ("deb.pairs.tsv", Scheme::Deb),
        ("rpm.pairs.tsv", Scheme::Rpm),
        ("apk.pairs.tsv", Scheme::Apk),
        ("apk.synthetic.pairs.tsv", Scheme::Apk),
        ("pep440.pairs.tsv", Scheme::Pep440),
        ("semver.pairs.tsv", Scheme::SemVer),
        // The SemVer corpus includes Go module versions without their `v`.
        ("semver.pairs.tsv", Scheme::Go),
    ];
    let mut report = String::new();
    let mut failed = false;
    for (file, scheme) in files {
        let (n, bad) = check(file, scheme);
        assert!(n > 1000, "{file}: only {n} pairs read");
        let _ = writeln!(report, "{file} ({scheme}): {} / {n} agree", n - bad.len());
        if !bad.is_empty() {
            failed = true;
            for line in bad.iter().take(40) {
                let _ = writeln!(report, "  {line}");
            }
            if bad.len() > 40 {
                let _ = writeln!(report, "  ... and {} more", bad.len() - 40);
            }
        }
    }
    assert!(!failed, "disagreements with the oracle:\n{report}");
}

/// The apk pairs on which the two apk-tools algorithms disagree: dockward
/// follows the current one (4th column) wherever that one gives an order.
#[test]
fn apk_follows_the_current_algorithm_on_disagreements() {
    let (n, bad) = {
        let path = corpus_dir().join("apk.algorithm-disagreements.tsv");
        let text = std::fs::read_to_string(&path).expect("read disagreements");
        let mut bad = Vec::new();
        let mut n = 0;
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let cols: Vec<&str> = line.split('\t').collect();
            let [a, b, _old, current] = cols[..] else {
                panic!("expected 4 columns: {line:?}");
            };
            n += 1;
            let got = match compare(Scheme::Apk, a, b) {
                Ok(Ordering::Less) => "-1",
                Ok(Ordering::Equal) => "0",
                Ok(Ordering::Greater) => "1",
                Err(_) => "ERR",
            };
            if got != current {
                bad.push(format!(
                    "{a:?} vs {b:?}: current algorithm {current}, got {got}"
                ));
            }
        }
        (n, bad)
    };
    assert!(n > 400, "only {n} rows");
    assert!(
        bad.is_empty(),
        "{} of {n} differ:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
