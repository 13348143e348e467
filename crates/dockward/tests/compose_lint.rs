//! `dockward lint` on compose files: the container rules run on every
//! service, findings point into the YAML, `.env` feeds interpolation, inline
//! comments suppress, and broken or hostile files give findings, not crashes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compose")
}

/// Runs `dockward ARGS` in `dir` with a clean environment for interpolation;
/// returns (exit code, stdout, stderr).
fn dockward(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dockward"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("API_PRIVILEGED")
        .env_remove("WEB_TAG")
        .env_remove("TAG")
        .env_remove("COMPOSE_PROFILES");
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = cmd.output().expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `line:column CODE message` per finding of a JSON report, suppressed ones marked.
fn findings(report: &str) -> Vec<String> {
    let report: Value = serde_json::from_str(report).expect("JSON");
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let start = &f["location"]["start"];
            format!(
                "{}:{} {}{} {}",
                start["line"],
                start["column"],
                f["code"].as_str().unwrap_or_default(),
                if f["suppressed"].is_null() {
                    ""
                } else {
                    " (suppressed)"
                },
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn every_service_is_checked_and_findings_point_into_the_yaml() {
    let (code, stdout, stderr) = dockward(&fixtures().join("app"), &["lint", "compose.yaml"], &[]);
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("compose_human", stdout);
}

#[test]
fn dotenv_and_the_environment_feed_interpolation() {
    let dir = fixtures().join("app");
    // .env sets API_PRIVILEGED=true: the api service is privileged.
    let (_, stdout, _) = dockward(&dir, &["lint", "-f", "json", "compose.yaml"], &[]);
    let found = findings(&stdout);
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("25:17 CT006 service `api`")),
        "{found:#?}"
    );
    // The process environment wins over .env.
    let (_, stdout, _) = dockward(
        &dir,
        &["lint", "-f", "json", "compose.yaml"],
        &[("API_PRIVILEGED", "false")],
    );
    let found = findings(&stdout);
    assert!(!found.iter().any(|f| f.contains("CT006")), "{found:#?}");
}

#[test]
fn inline_comments_suppress_a_service_or_a_line() {
    let (_, stdout, _) = dockward(
        &fixtures().join("app"),
        &["lint", "-f", "json", "compose.yaml"],
        &[],
    );
    let suppressed: Vec<String> = findings(&stdout)
        .into_iter()
        .filter(|f| f.contains("(suppressed)"))
        .collect();
    assert_eq!(
        suppressed,
        [
            "45:11 CT035 (suppressed) service `migrate`: the container runs as `root`, which is root on the host kernel",
            "46:16 CT014 (suppressed) service `migrate`: the root filesystem is writable; run with `--read-only` and mount volumes or tmpfs where it writes",
        ]
    );
    let (_, stdout, _) = dockward(
        &fixtures().join("app"),
        &[
            "lint",
            "-f",
            "json",
            "--disable-inline-suppressions",
            "compose.yaml",
        ],
        &[],
    );
    assert!(!stdout.contains("\"suppressed\":{"), "{stdout}");
}

#[test]
fn a_broken_service_is_reported_and_the_others_still_checked() {
    let (code, stdout, stderr) = dockward(&fixtures(), &["lint", "-f", "json", "broken.yaml"], &[]);
    assert_eq!(code, 1, "{stderr}");
    let found = findings(&stdout);
    for expected in [
        "4:17 CT006 service `good`: the container is privileged: every capability and host device, no seccomp, no AppArmor",
        "6:12 CT039 required variable TAG is missing a value: TAG must be set",
        "7:12 CT039 service \"bad\": ports must be a list, found a string",
        "8:14 CT004 service `bad`: capability `SYS_ADMIN` is added: it allows mounts, namespaces and most known container escapes",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "missing {expected}\n{found:#?}"
        );
    }
}

#[test]
fn billion_laughs_is_refused_with_a_finding() {
    let (code, stdout, stderr) = dockward(
        &fixtures(),
        &["lint", "-f", "json", "billion-laughs.yaml"],
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    let found = findings(&stdout);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("CT039 invalid YAML: budget breached"),
        "{found:#?}"
    );
}

#[test]
fn directories_are_searched_for_compose_files() {
    let (_, stdout, _) = dockward(&fixtures(), &["lint", "-f", "json", "app"], &[]);
    let report: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(
        report["subjects"],
        serde_json::json!([{"kind": "compose", "name": "app/compose.yaml"}])
    );
}

#[test]
fn sarif_lists_the_container_rules_and_points_into_the_yaml() {
    let (_, stdout, _) = dockward(&fixtures(), &["lint", "-f", "sarif", "broken.yaml"], &[]);
    let sarif: Value = serde_json::from_str(&stdout).expect("SARIF");
    let rules: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(rules.iter().all(|r| r.starts_with("CT")), "{rules:?}");
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert!(
        region["startLine"].as_u64().is_some_and(|l| l >= 2),
        "{region}"
    );
}
