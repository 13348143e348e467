//! `dockward audit` as a user sees it, replayed from recorded facts (no daemon
//! needed): output, CIS filters, exit status, and bad input.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// A snapshot recorded by hand from a Debian 12 host with docker.io 20.10.
fn debian_facts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../dockward_audit/tests/fixtures/facts/debian12-docker-io.json")
}

fn dockward(args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .current_dir(dir.path())
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("DOCKER_HOST")
        .output()
        .expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn codes(report: &str) -> Vec<String> {
    let report: Value = serde_json::from_str(report).expect("JSON");
    let mut codes: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_owned))
        .collect();
    codes.dedup();
    codes
}

#[test]
fn a_replayed_audit_shows_findings_and_the_summary_per_cis_section() {
    let facts = debian_facts();
    let (code, stdout, stderr) = dockward(&["audit", "--facts", facts.to_str().expect("path")]);
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("audit_debian_human", stdout);
}

#[test]
fn cis_level_and_alias_filters() {
    let facts = debian_facts();
    let facts = facts.to_str().expect("path");
    let (_, all, _) = dockward(&["audit", "-f", "json", "--facts", facts]);
    let all = codes(&all);
    for code in ["DM008", "DM011", "DM014", "HS002"] {
        assert!(all.contains(&code.to_owned()), "{code} in {all:?}");
    }
    // Level 1: the level-2 checks (2.9, 2.12, 2.13) and the non-CIS ones go.
    let (_, level1, _) = dockward(&["audit", "-f", "json", "--cis-level", "1", "--facts", facts]);
    let level1 = codes(&level1);
    for code in ["DM008", "DM011", "DM014", "HS002"] {
        assert!(!level1.contains(&code.to_owned()), "{code} in {level1:?}");
    }
    assert!(level1.contains(&"DM015".to_owned()), "{level1:?}");
    // A CIS ID is an alias: --ignore CIS-2.9 drops DM008 only.
    let (_, ignored, _) = dockward(&[
        "audit", "-f", "json", "--ignore", "CIS-2.9", "--facts", facts,
    ]);
    let ignored = codes(&ignored);
    assert!(!ignored.contains(&"DM008".to_owned()));
    assert_eq!(ignored.len() + 1, all.len(), "{ignored:?} vs {all:?}");
}

#[test]
fn docker_bench_defect_10_exit_status_follows_fail_on() {
    let facts = debian_facts();
    let facts = facts.to_str().expect("path");
    let (code, _, _) = dockward(&["audit", "-f", "json", "--facts", facts]);
    assert_eq!(code, 1);
    let (code, _, _) = dockward(&[
        "audit",
        "-f",
        "json",
        "--fail-on",
        "critical",
        "--facts",
        facts,
    ]);
    assert_eq!(code, 0);
    let (code, _, _) = dockward(&["audit", "-f", "json", "--no-fail", "--facts", facts]);
    assert_eq!(code, 0);
}

/// docker-bench-security appends its text log across runs (`tee -a`).
#[test]
fn docker_bench_defect_9_output_file_is_replaced_not_appended() {
    let facts = debian_facts();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("audit.json");
    std::fs::write(&out, "stale content from an earlier run\n").expect("write");
    let out_arg = out.to_str().expect("path");
    let facts = facts.to_str().expect("path");
    dockward(&["audit", "-f", "json", "-o", out_arg, "--facts", facts]);
    dockward(&["audit", "-f", "json", "-o", out_arg, "--facts", facts]);
    let text = std::fs::read_to_string(&out).expect("read");
    let _: Value = serde_json::from_str(&text).expect("one JSON document, nothing appended");
}

#[test]
fn an_unreachable_daemon_is_a_finding_and_the_host_part_still_runs() {
    let (code, stdout, stderr) = dockward(&[
        "audit",
        "-f",
        "json",
        "--host",
        "--daemon",
        "--docker-host",
        "unix:///nonexistent/docker.sock",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let found = codes(&stdout);
    assert!(found.contains(&"DM029".to_owned()), "{found:?}");
    assert!(
        found.iter().any(|c| c.starts_with("HS")),
        "host findings kept: {found:?}"
    );
    let report: Value = serde_json::from_str(&stdout).expect("JSON");
    let message = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["code"] == "DM029")
        .and_then(|f| f["message"].as_str())
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains("/nonexistent/docker.sock"), "{message}");
}

#[test]
fn bad_facts_files_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{not json").expect("write");
    let (code, stdout, stderr) = dockward(&["audit", "--facts", garbage.to_str().expect("path")]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("is not a dockward facts snapshot"),
        "{stderr}"
    );

    let future = dir.path().join("future.json");
    std::fs::write(&future, r#"{"schema": "dockward.facts/v9"}"#).expect("write");
    let (code, _, stderr) = dockward(&["audit", "--facts", future.to_str().expect("path")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("dockward.facts/v9"), "{stderr}");

    let (code, _, stderr) = dockward(&["audit", "--facts", "/nonexistent/facts.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read facts"), "{stderr}");
}

#[test]
fn a_saved_snapshot_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let saved = dir.path().join("saved.json");
    let facts = debian_facts();
    let (code, first, _) = dockward(&[
        "audit",
        "-f",
        "json",
        "--facts",
        facts.to_str().expect("path"),
        "--save-facts",
        saved.to_str().expect("path"),
    ]);
    assert_eq!(code, 1);
    let (_, second, _) = dockward(&[
        "audit",
        "-f",
        "json",
        "--facts",
        saved.to_str().expect("path"),
    ]);
    assert_eq!(codes(&first), codes(&second));
}
