//! The command line as a user sees it: stdout, stderr and exit status of the
//! real binary, run from inside the fixture directories with relative paths
//! so every snapshot is the same on every machine.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use dockward_rules::{Registry, Status};
use serde_json::Value;
use tempfile::TempDir;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The output of one run.
#[derive(Debug)]
struct Run {
    args: Vec<String>,
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// `$ dockward ARGS`, the exit status, stdout and stderr.
    fn transcript(&self) -> String {
        format!(
            "$ dockward {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("{e}: not JSON:\n{}", self.transcript()))
    }
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dockward"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

fn finish(cmd: &mut Command, args: &[&str]) -> Run {
    let output = cmd.output().expect("the binary runs");
    Run {
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn dockward(dir: &Path, args: &[&str]) -> Run {
    finish(&mut command(dir, args), args)
}

/// Every rule the binary links (what `dockward rule` lists).
fn registry() -> Registry {
    Registry::new([
        dockward_lint::rule_metas().as_slice(),
        dockward_container::rule_metas().as_slice(),
        dockward_audit::rule_metas().as_slice(),
        dockward_vuln::rules::rule_metas().as_slice(),
    ])
}

/// The rules `dockward lint` runs on Dockerfiles (compose files get the
/// container rules instead).
fn lint_registry() -> Registry {
    Registry::new([dockward_lint::rule_metas().as_slice()])
}

/// `line CODE [suppressed by ...]` for each finding of a JSON report.
fn findings(report: &Value) -> String {
    let mut out = String::new();
    for finding in report["findings"].as_array().expect("findings") {
        let _ = write!(
            out,
            "{}:{} {} {}",
            finding["location"]["path"].as_str().unwrap_or("?"),
            finding["location"]["start"]["line"],
            finding["code"].as_str().unwrap_or("?"),
            finding["severity"].as_str().unwrap_or("?"),
        );
        if let Some(justification) = finding["suppressed"]["justification"].as_str() {
            let _ = write!(out, " suppressed by `{justification}`");
        }
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------- formats

#[test]
fn human_format_on_a_directory() {
    let run = dockward(&fixtures().join("formats"), &["lint"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("format_human", run.transcript());
}

#[test]
fn table_and_tty_are_aliases_of_human() {
    let dir = fixtures().join("formats");
    let human = dockward(&dir, &["lint", "-f", "human"]);
    for alias in ["table", "tty"] {
        let run = dockward(&dir, &["lint", "-f", alias]);
        assert_eq!(run.stdout, human.stdout, "{alias}");
        assert_eq!(run.code, human.code, "{alias}");
    }
}

#[test]
fn quiet_leaves_out_the_summary() {
    let dir = fixtures().join("formats");
    let full = dockward(&dir, &["lint"]);
    let quiet = dockward(&dir, &["lint", "--quiet"]);
    assert_eq!(quiet.code, full.code);
    let summary = full.stdout.lines().last().expect("a summary line");
    assert!(summary.contains("in 3 files"), "{summary}");
    assert!(!quiet.stdout.contains(summary));
    assert!(quiet.stdout.contains("DF003"));
    assert_eq!(
        quiet.stdout.trim_end(),
        full.stdout[..full.stdout.len() - summary.len() - 1].trim_end()
    );
}

#[test]
fn json_format_on_a_directory() {
    let run = dockward(&fixtures().join("formats"), &["lint", "-f", "json"]);
    assert_eq!(run.code, 1);
    let report = run.json();
    assert_eq!(report["schema"], "dockward.report/v1");
    insta::assert_snapshot!("format_json", run.transcript());
}

#[test]
fn sarif_format_on_a_directory() {
    let args = ["lint", "--format", "sarif"];
    let mut run = dockward(&fixtures().join("formats"), &args);
    assert_eq!(run.code, 1);
    // The rule descriptions are the rules' own docs, snapshotted with each
    // rule; here only their ids are kept.
    let mut sarif = run.json();
    let rules = &mut sarif["runs"][0]["tool"]["driver"]["rules"];
    let ids: Vec<Value> = rules
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    *rules = Value::Array(ids);
    run.stdout = serde_json::to_string_pretty(&sarif).expect("serializes") + "\n";
    insta::assert_snapshot!("format_sarif", run.transcript());
}

#[test]
fn checkstyle_format_on_a_directory() {
    let run = dockward(&fixtures().join("formats"), &["lint", "-f", "checkstyle"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("format_checkstyle", run.transcript());
}

#[test]
fn junit_format_on_a_directory() {
    let run = dockward(&fixtures().join("formats"), &["lint", "-f", "junit"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("format_junit", run.transcript());
}

#[test]
fn github_format_on_a_directory() {
    let run = dockward(&fixtures().join("formats"), &["lint", "-f", "github"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("format_github", run.transcript());
}

#[test]
fn output_file_receives_the_report() {
    let tmp = TempDir::new().expect("tempdir");
    let out = tmp.path().join("report.json");
    let out_arg = out.to_str().expect("utf-8 path");
    let dir = fixtures().join("formats");
    let run = dockward(&dir, &["lint", "-f", "json", "-o", out_arg]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "");
    let written = fs::read_to_string(&out).expect("written");
    assert_eq!(written, dockward(&dir, &["lint", "-f", "json"]).stdout);
}

// ---------------------------------------------------------------- exit codes

#[test]
fn exit_codes_follow_the_failure_threshold() {
    let dir = fixtures().join("exit");
    // latest.Dockerfile: one medium finding (DF003); parse-error.Dockerfile:
    // one high finding (DF001); clean.Dockerfile: none.
    let cases: &[(&[&str], i32)] = &[
        (&["lint", "clean.Dockerfile"], 0),
        (&["lint", "latest.Dockerfile"], 1),
        (&["lint", "latest.Dockerfile", "--fail-on", "medium"], 1),
        (&["lint", "latest.Dockerfile", "--fail-on", "high"], 0),
        (&["lint", "latest.Dockerfile", "--fail-on", "none"], 0),
        (&["lint", "latest.Dockerfile", "--no-fail"], 0),
        (&["lint", "latest.Dockerfile", "-t", "warning"], 1),
        (&["lint", "latest.Dockerfile", "-t", "error"], 0),
        (&["lint", "latest.Dockerfile", "-t", "style"], 1),
        (
            &["lint", "latest.Dockerfile", "--failure-threshold", "none"],
            0,
        ),
        (
            &["lint", "latest.Dockerfile", "--failure-threshold", "ignore"],
            0,
        ),
        (&["lint", "parse-error.Dockerfile"], 1),
        (&["lint", "parse-error.Dockerfile", "--fail-on", "high"], 1),
        (
            &["lint", "parse-error.Dockerfile", "--fail-on", "critical"],
            0,
        ),
        (&["lint", "parse-error.Dockerfile", "-t", "none"], 0),
        (
            &[
                "lint",
                "parse-error.Dockerfile",
                "--no-fail",
                "--fail-on",
                "info",
            ],
            0,
        ),
        // Findings left out by --severity do not count.
        (
            &["lint", "latest.Dockerfile", "--severity", "high,critical"],
            0,
        ),
        (&["lint", "latest.Dockerfile", "--min-severity", "high"], 0),
        (
            &["lint", "latest.Dockerfile", "--min-severity", "warning"],
            1,
        ),
        // Ignored rules do not count, by code, name or alias, in any case.
        (&["lint", "latest.Dockerfile", "--ignore", "DF003"], 0),
        (&["lint", "latest.Dockerfile", "--ignore", "dl3007"], 0),
        (
            &["lint", "latest.Dockerfile", "--ignore", "From-Latest-Tag"],
            0,
        ),
        (&["lint", "latest.Dockerfile", "--ignore", "avd-ds-0001"], 0),
        (&["lint", "latest.Dockerfile", "--ignore", "DF001,DS001"], 0),
        (&["lint", "parse-error.Dockerfile", "--ignore", "DL1000"], 0),
        // Usage and input errors.
        (&["lint", "latest.Dockerfile", "--ignore", "DL9999"], 2),
        (&["lint", "latest.Dockerfile", "--select", "nope"], 2),
        (&["lint", "missing.Dockerfile"], 2),
        (&["lint", "clean.Dockerfile", "missing.Dockerfile"], 2),
        (&["lint", "no-such-dir/*.Dockerfile"], 2),
        (&["lint", "--fail-on", "sometimes", "clean.Dockerfile"], 2),
        (
            &[
                "lint",
                "--fail-on",
                "high",
                "-t",
                "error",
                "clean.Dockerfile",
            ],
            2,
        ),
        (&["lint", "--format", "yaml", "clean.Dockerfile"], 2),
        (&["lint", "--config", "missing.toml", "clean.Dockerfile"], 2),
        (
            &[
                "lint",
                "--require-label",
                "maintainer:phone",
                "clean.Dockerfile",
            ],
            2,
        ),
        (
            &["lint", "--require-label", "maintainer", "clean.Dockerfile"],
            2,
        ),
        (
            &[
                "lint",
                "--no-color",
                "--color",
                "always",
                "clean.Dockerfile",
            ],
            2,
        ),
        (&["lint", "--disable-ignore-pragma", "clean.Dockerfile"], 0),
        (&["frobnicate"], 2),
        (&["--help"], 0),
        (&["--version"], 0),
    ];
    let mut wrong = String::new();
    for (args, expected) in cases {
        let run = dockward(&dir, args);
        if run.code != *expected {
            let _ = writeln!(wrong, "expected {expected}:\n{}\n", run.transcript());
        }
    }
    assert!(wrong.is_empty(), "{wrong}");
}

#[test]
fn usage_and_input_errors_explain_themselves() {
    let dir = fixtures().join("exit");
    let mut out = String::new();
    for args in [
        &["lint", "latest.Dockerfile", "--ignore", "DL9999"][..],
        &["lint", "missing.Dockerfile"],
        &["lint", "no-such-dir/*.Dockerfile"],
        &["lint", "*.containerfile"],
        &["lint", "--fail-on", "sometimes", "clean.Dockerfile"],
        &["lint", "--config", "missing.toml", "clean.Dockerfile"],
    ] {
        let run = dockward(&dir, args);
        assert_eq!(run.code, 2, "{}", run.transcript());
        assert_eq!(run.stdout, "", "{}", run.transcript());
        out.push_str(&run.transcript());
        out.push('\n');
    }
    insta::assert_snapshot!("usage_errors", out);
}

// ---------------------------------------------------------------- configuration

#[test]
fn config_errors_point_into_the_file() {
    let dir = fixtures().join("config");
    let mut names: Vec<String> = fs::read_dir(dir.join("bad"))
        .expect("bad configs")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 9);
    let mut out = String::new();
    for name in names {
        let config = format!("bad/{name}");
        let args = ["lint", "--config", &config, "../exit/clean.Dockerfile"];
        let run = dockward(&dir, &args);
        assert_eq!(run.code, 2, "{}", run.transcript());
        assert_eq!(run.stdout, "", "{}", run.transcript());
        out.push_str(&run.transcript());
        out.push('\n');
    }
    insta::assert_snapshot!("config_errors", out);
}

#[test]
fn config_is_found_by_walking_up_from_the_first_path() {
    let config = fixtures().join("config");
    // walk/dockward.toml ignores DL3007 (DF003) and fails on high only.
    let from_inside = dockward(
        &config.join("walk/a/b"),
        &["lint", "-f", "json", "Dockerfile"],
    );
    let from_above = dockward(&config, &["lint", "-f", "json", "walk/a/b/Dockerfile"]);
    let without = dockward(
        &config,
        &["lint", "-f", "json", "--no-config", "walk/a/b/Dockerfile"],
    );
    let mut out = String::new();
    for run in [&from_inside, &from_above, &without] {
        let _ = writeln!(out, "$ dockward {}\nexit: {}", run.args.join(" "), run.code);
        out.push_str(&findings(&run.json()));
    }
    insta::assert_snapshot!("config_walk", out);
    assert_eq!(from_inside.code, 1, "DF001 is high");
    assert!(!findings(&from_inside.json()).contains("DF003"));
    assert!(findings(&without.json()).contains("DF003"));
}

#[test]
fn a_config_above_the_working_directory_is_shown_relative_to_it() {
    let tmp = TempDir::new().expect("tempdir");
    fs::write(
        tmp.path().join("dockward.toml"),
        "[lint]\nignore = [\"DL3007\", \"DX1\"]\n",
    )
    .expect("write");
    fs::create_dir_all(tmp.path().join("svc")).expect("mkdir");
    fs::write(tmp.path().join("svc/Dockerfile"), "FROM debian:latest\n").expect("write");
    let run = dockward(&tmp.path().join("svc"), &["lint", "Dockerfile"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("config_above_cwd", run.transcript());
}

#[test]
fn command_line_takes_precedence_over_the_config() {
    let dir = fixtures().join("config");
    // overrides.toml: fail-on critical, DF003 critical, DF001 low.
    let cases: &[(&[&str], i32)] = &[
        (
            &[
                "lint",
                "--config",
                "overrides.toml",
                "../exit/parse-error.Dockerfile",
            ],
            0,
        ),
        (
            &[
                "lint",
                "--config",
                "overrides.toml",
                "../exit/latest.Dockerfile",
            ],
            1,
        ),
        (
            &[
                "lint",
                "--config",
                "overrides.toml",
                "--fail-on",
                "medium",
                "../exit/parse-error.Dockerfile",
            ],
            0,
        ),
        (
            &[
                "lint",
                "--config",
                "overrides.toml",
                "--fail-on",
                "low",
                "../exit/parse-error.Dockerfile",
            ],
            1,
        ),
        (
            &[
                "lint",
                "--config",
                "walk/dockward.toml",
                "../exit/latest.Dockerfile",
            ],
            0,
        ),
        (
            &[
                "lint",
                "--config",
                "walk/dockward.toml",
                "--fail-on",
                "low",
                "../exit/latest.Dockerfile",
            ],
            0,
        ),
        // The config ignores DF003; --select on the command line runs it again.
        (
            &[
                "lint",
                "--config",
                "walk/dockward.toml",
                "--select",
                "DF003",
                "--fail-on",
                "low",
                "../exit/latest.Dockerfile",
            ],
            1,
        ),
        (
            &[
                "lint",
                "--config",
                "walk/dockward.toml",
                "--extend-select",
                "from-latest-tag",
                "--fail-on",
                "low",
                "../exit/latest.Dockerfile",
            ],
            1,
        ),
    ];
    for (args, expected) in cases {
        let run = dockward(&dir, args);
        assert_eq!(run.code, *expected, "{}", run.transcript());
    }
    let run = dockward(
        &dir,
        &[
            "lint",
            "-f",
            "json",
            "--config",
            "overrides.toml",
            "../exit/latest.Dockerfile",
            "../exit/parse-error.Dockerfile",
        ],
    );
    insta::assert_snapshot!("config_severity_overrides", findings(&run.json()));
}

// ---------------------------------------------------------------- selection

/// The ids of the rules a SARIF report lists (the enabled rules).
fn enabled_rules(dir: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["lint", "-f", "sarif", "clean.Dockerfile"];
    args.extend_from_slice(extra);
    let run = dockward(dir, &args);
    assert_ne!(run.code, 2, "{}", run.transcript());
    run.json()["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect()
}

#[test]
fn rule_selection_follows_status_and_flags() {
    let dir = fixtures().join("exit");
    let registry = lint_registry();
    let by_default: Vec<String> = registry
        .all()
        .iter()
        .filter(|m| {
            m.rule == dockward_rules::Rule::ParseError
                || (m.status == Status::Stable && m.default_enabled)
        })
        .map(|m| m.code().to_owned())
        .collect();
    assert_eq!(enabled_rules(&dir, &[]), by_default);

    let with_preview: Vec<String> = registry
        .all()
        .iter()
        .filter(|m| {
            m.rule == dockward_rules::Rule::ParseError
                || (m.status != Status::Deprecated && m.default_enabled)
        })
        .map(|m| m.code().to_owned())
        .collect();
    assert_eq!(enabled_rules(&dir, &["--preview"]), with_preview);

    let opt_in = registry
        .all()
        .iter()
        .find(|m| m.status != Status::Deprecated && !by_default.contains(&m.code().to_owned()))
        .expect("some rule is off by default");
    let selected = enabled_rules(&dir, &["--select", opt_in.descriptor.name]);
    assert!(selected.contains(&opt_in.code().to_owned()));
    assert_eq!(selected.len(), by_default.len() + 1);

    let only = enabled_rules(&dir, &["--only", &format!("{},dl3007", opt_in.code())]);
    let mut expected = vec![opt_in.code().to_owned(), "DF003".to_owned()];
    expected.sort();
    assert_eq!(only, expected);
    let only = enabled_rules(&dir, &["--only", "DF001,DF003", "--ignore", "DF001"]);
    assert_eq!(only, ["DF003"]);

    let ignored = enabled_rules(&dir, &["--ignore", "DF001,DF003"]);
    assert!(
        !ignored.iter().any(|c| c == "DF001" || c == "DF003"),
        "{ignored:?}"
    );
}

// ---------------------------------------------------------------- suppressions

#[test]
fn inline_suppressions() {
    let dir = fixtures().join("suppress");
    let mut out = String::new();
    for file in [
        "hadolint.Dockerfile",
        "dockward.Dockerfile",
        "global.Dockerfile",
        "stage.Dockerfile",
    ] {
        let run = dockward(&dir, &["lint", "-f", "json", file]);
        let _ = writeln!(out, "$ dockward {}\nexit: {}", run.args.join(" "), run.code);
        out.push_str(&findings(&run.json()));
        out.push('\n');
    }
    insta::assert_snapshot!("suppressions", out);
}

#[test]
fn suppressed_findings_do_not_fail_the_run() {
    let dir = fixtures().join("suppress");
    let run = dockward(&dir, &["lint", "global.Dockerfile"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("2 suppressed"), "{}", run.stdout);
    let run = dockward(
        &dir,
        &["lint", "--disable-inline-suppressions", "global.Dockerfile"],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
}

#[test]
fn disabling_inline_suppressions_reports_everything() {
    let dir = fixtures().join("suppress");
    let run = dockward(
        &dir,
        &["lint", "-f", "json", "--disable-inline-suppressions", "."],
    );
    let report = run.json();
    let findings = report["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    assert!(
        findings.iter().all(|f| f["suppressed"].is_null()),
        "{}",
        run.stdout
    );
    let tmp = TempDir::new().expect("tempdir");
    fs::write(
        tmp.path().join("dockward.toml"),
        "[lint]\ndisable-inline-suppressions = true\n",
    )
    .expect("write");
    fs::copy(dir.join("global.Dockerfile"), tmp.path().join("Dockerfile")).expect("copy");
    assert_eq!(dockward(tmp.path(), &["lint"]).code, 1);
}

#[test]
fn sarif_marks_suppressed_results() {
    let run = dockward(
        &fixtures().join("suppress"),
        &["lint", "-f", "sarif", "global.Dockerfile"],
    );
    let sarif = run.json();
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    for result in results {
        assert_eq!(result["suppressions"][0]["kind"], "inSource");
        assert_eq!(
            result["suppressions"][0]["justification"],
            "# hadolint global ignore=DL3007"
        );
    }
}

// ---------------------------------------------------------------- colour

/// Flags, environment, whether the output is coloured.
type ColourCase<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], bool);

#[test]
fn colour_follows_the_flag_and_the_environment() {
    let dir = fixtures().join("exit");
    let cases: &[ColourCase] = &[
        (&[], &[], false),
        (&["--color", "always"], &[], true),
        (&["--color", "always"], &[("NO_COLOR", "1")], true),
        (&["--color", "never"], &[("FORCE_COLOR", "1")], false),
        (&[], &[("FORCE_COLOR", "1")], true),
        (&[], &[("CLICOLOR_FORCE", "1")], true),
        (&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")], false),
        (&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "")], true),
        (&[], &[("FORCE_COLOR", "0")], false),
        (&["--no-color"], &[("FORCE_COLOR", "1")], false),
    ];
    for (flags, env, coloured) in cases {
        let mut args = vec!["lint", "latest.Dockerfile"];
        args.extend_from_slice(flags);
        let mut cmd = command(&dir, &args);
        for (key, value) in *env {
            cmd.env(key, value);
        }
        let run = finish(&mut cmd, &args);
        assert_eq!(run.code, 1);
        assert_eq!(
            run.stdout.contains('\u{1b}'),
            *coloured,
            "{flags:?} {env:?}"
        );
    }
}

// ---------------------------------------------------------------- inputs

#[test]
fn standard_input() {
    let dir = fixtures().join("exit");
    let text = fs::read_to_string(dir.join("latest.Dockerfile")).expect("fixture");
    let args = ["lint", "-f", "github", "-"];
    let run = finish(command(&dir, &args).write_stdin(text.clone()), &args);
    assert_eq!(run.code, 1);
    let args = [
        "lint",
        "-f",
        "github",
        "--stdin-filename",
        "app/Dockerfile",
        "-",
    ];
    let named = finish(command(&dir, &args).write_stdin(text), &args);
    assert_eq!(named.code, 1);
    insta::assert_snapshot!(
        "stdin",
        format!("{}\n{}", run.transcript(), named.transcript())
    );
}

/// A Dockerfile no stable rule flags.
const CLEAN: &str = "FROM debian:12.8-slim\nUSER 10001\nCMD [\"/bin/true\"]\n";

/// A tree with every Dockerfile name pattern, files that do not match, and
/// directories that are skipped.
fn discovery_tree() -> TempDir {
    let tmp = TempDir::new().expect("tempdir");
    let root = tmp.path();
    for file in [
        "Dockerfile",
        "Containerfile",
        "api.Dockerfile",
        "web.dockerfile",
        "Dockerfile.dev",
        "Containerfile.prod",
        "README.md",
        "Dockerfile-old",
        "dockerfile",
        "svc/one/Dockerfile",
        "svc/two/Dockerfile",
        "svc/two/notes.txt",
        "deep/a/b/c/worker.Dockerfile",
        ".git/Dockerfile",
        "node_modules/pkg/Dockerfile",
        "target/Dockerfile",
        "vendor/target/Dockerfile",
    ] {
        let path = root.join(file);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, CLEAN).expect("write");
    }
    fs::write(root.join("dockward.toml"), "").expect("write");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.join("svc"), root.join("linked-dir")).expect("symlink");
        std::os::unix::fs::symlink(
            root.join("svc/one/Dockerfile"),
            root.join("linked.Dockerfile"),
        )
        .expect("symlink");
    }
    tmp
}

fn subjects(run: &Run) -> Vec<String> {
    run.json()["subjects"]
        .as_array()
        .expect("subjects")
        .iter()
        .map(|s| s["name"].as_str().expect("name").to_owned())
        .collect()
}

#[test]
fn directories_are_searched_for_dockerfiles() {
    let tree = discovery_tree();
    let run = dockward(tree.path(), &["lint", "-f", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let mut expected = vec![
        "Containerfile",
        "Containerfile.prod",
        "Dockerfile",
        "Dockerfile.dev",
        "api.Dockerfile",
        "deep/a/b/c/worker.Dockerfile",
        "svc/one/Dockerfile",
        "svc/two/Dockerfile",
        "web.dockerfile",
    ];
    if cfg!(unix) {
        expected.insert(6, "linked.Dockerfile");
    }
    assert_eq!(subjects(&run), expected);

    // A subdirectory, a file given explicitly whatever its name, duplicates.
    let run = dockward(
        tree.path(),
        &[
            "lint",
            "-f",
            "json",
            "svc",
            "README.md",
            "./svc/one/Dockerfile",
        ],
    );
    assert_eq!(
        subjects(&run),
        ["README.md", "svc/one/Dockerfile", "svc/two/Dockerfile"]
    );
}

#[test]
fn glob_patterns_are_expanded() {
    let tree = discovery_tree();
    let run = dockward(
        tree.path(),
        &["lint", "-f", "json", "svc/*/Dockerfile", "**/*.Dockerfile"],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    let mut expected = vec![
        "api.Dockerfile",
        "deep/a/b/c/worker.Dockerfile",
        "svc/one/Dockerfile",
        "svc/two/Dockerfile",
    ];
    if cfg!(unix) {
        expected.insert(2, "linked.Dockerfile");
    }
    assert_eq!(subjects(&run), expected);
    let run = dockward(tree.path(), &["lint", "-f", "json", "*.md"]);
    assert_eq!(subjects(&run), ["README.md"]);
    // A skipped directory given explicitly is searched.
    let run = dockward(tree.path(), &["lint", "-f", "json", "node_modules"]);
    assert_eq!(subjects(&run), ["node_modules/pkg/Dockerfile"]);
    fs::create_dir(tree.path().join("docs")).expect("mkdir");
    fs::write(tree.path().join("docs/index.md"), "# docs\n").expect("write");
    let run = dockward(tree.path(), &["lint", "-q", "docs"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("no_dockerfile_found", run.transcript());
    let run = dockward(tree.path(), &["lint", "-f", "json", "*.md"]);
    assert_eq!(subjects(&run), ["README.md"]);
}

#[test]
fn unreadable_content_is_a_finding_not_a_crash() {
    let tmp = TempDir::new().expect("tempdir");
    let root = tmp.path();
    fs::write(root.join("dockward.toml"), "").expect("write");
    fs::write(
        root.join("latin1.Dockerfile"),
        b"FROM debian:12\nLABEL author=\"Jos\xe9\"\n",
    )
    .expect("write");
    fs::write(
        root.join("binary.Dockerfile"),
        b"\x7fELF\x02\x01\x01\0\0\0FROM",
    )
    .expect("write");
    fs::write(
        root.join("big.Dockerfile"),
        "FROM debian:12.8-slim\n".repeat(100),
    )
    .expect("write");
    fs::write(root.join("empty.Dockerfile"), "").expect("write");
    let args = ["lint", "--max-file-size", "1K", "."];
    let run = dockward(root, &args);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("unreadable", run.transcript());
    let run = dockward(root, &["lint", "-f", "json", "big.Dockerfile"]);
    assert!(!run.stdout.contains("larger than"), "{}", run.stdout);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dockward"));
    cmd.args(["rule", "-f", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawns");
    // Close the reading end before the child writes anything.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("ends");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

// ---------------------------------------------------------------- rule, completion

#[test]
fn rule_lists_every_rule() {
    let run = dockward(&fixtures(), &["rule"]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), registry().all().len() + 1);
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, ["CODE", "NAME", "SEVERITY", "STATUS", "ALIASES"]);
    let df003 = lines
        .iter()
        .find(|l| l.starts_with("DF003"))
        .expect("DF003 row");
    let cells: Vec<&str> = df003.split_whitespace().collect();
    assert_eq!(
        &cells[..4],
        ["DF003", "from-latest-tag", "medium", "stable"]
    );
    assert!(df003.contains("DL3007, DS001"), "{df003}");

    let run = dockward(&fixtures(), &["rule", "-f", "json"]);
    let rules = run.json();
    let rules = rules.as_array().expect("array");
    assert_eq!(rules.len(), registry().all().len());
    assert_eq!(rules[0]["code"], "DF001");
    assert!(rules.iter().all(|r| r["docs"].is_null()));
}

#[test]
fn rule_explains_one_rule_by_code_name_or_alias() {
    let by_code = dockward(&fixtures(), &["rule", "DF003"]);
    assert_eq!(by_code.code, 0);
    for key in ["dl3007", "from-latest-tag", "df003"] {
        let run = dockward(&fixtures(), &["rule", key]);
        assert_eq!(run.stdout, by_code.stdout, "{key}");
    }
    // An alias several rules declare explains each of them.
    let shared = registry()
        .all()
        .iter()
        .flat_map(|m| m.descriptor.aliases.iter().copied())
        .find(|alias| registry().resolve(alias).is_ok_and(|found| found.len() > 1))
        .expect("some alias is shared (Trivy's DS001 covers untagged and latest)");
    let found = registry().resolve(shared).expect("known");
    let run = dockward(&fixtures(), &["rule", shared]);
    assert_eq!(run.code, 0);
    let codes: Vec<&str> = found.iter().map(|m| m.code()).collect();
    assert!(
        run.stdout.starts_with(&format!(
            "`{shared}` is covered by {} rules: {}\n",
            found.len(),
            codes.join(", ")
        )),
        "{}",
        run.stdout
    );
    for code in codes {
        assert!(run.stdout.contains(&format!("\n# {code} ")), "{code}");
    }
    insta::assert_snapshot!("rule_df003", by_code.transcript());
    let json = dockward(&fixtures(), &["rule", "-f", "json", "DL3007"]).json();
    assert_eq!(json[0]["code"], "DF003");
    assert!(
        json[0]["docs"]
            .as_str()
            .expect("docs")
            .starts_with("## What it does")
    );

    let unknown = dockward(&fixtures(), &["rule", "DL9999"]);
    assert_eq!(unknown.code, 2);
    insta::assert_snapshot!("rule_unknown", unknown.transcript());
}

#[test]
fn completion_scripts() {
    for shell in ["bash", "zsh", "fish"] {
        let run = dockward(&fixtures(), &["completion", shell]);
        assert_eq!(run.code, 0, "{shell}");
        assert!(run.stdout.contains("dockward"), "{shell}");
        assert!(run.stdout.contains("fail-on"), "{shell}");
    }
    assert_eq!(dockward(&fixtures(), &["completion", "tcsh"]).code, 2);
}
