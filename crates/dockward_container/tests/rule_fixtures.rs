//! The fixture harness: every rule has `tests/fixtures/<CODE>/fail.json` and
//! `pass.json`, each a JSON array of `POST /containers/create` bodies. A body
//! is decoded with `ContainerSpec::from_create_body`, completed with
//! `resolve_defaults(&DaemonDefaults::default())` (Engine 20.10 on cgroup v1),
//! and checked with the context in the optional `context.json` (see
//! [`FixtureContext`]); `fail.context.json` or `pass.context.json`, when
//! present, replace it for that file (for rules that judge only the context:
//! processes, exec sessions). Every failing body must produce a finding of the rule,
//! no passing body may; the findings on `fail.json` are snapshotted.
//!
//! Also: the fully hardened container produces no finding of any
//! default-enabled rule, and the real `docker inspect` fixtures of
//! `dockward_spec` give a snapshotted set of codes each.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use dockward_container::{ContainerContext, ContainerFinding, Exec, Process, RULES, check};
use dockward_rules::{Rule, Status};
use dockward_spec::{ContainerSpec, DaemonDefaults};
use serde::Deserialize;

fn fixture_dir(code: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(code)
}

/// `context.json`: what the caller knows beyond the spec.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FixtureContext {
    daemon_no_new_privileges: bool,
    daemon_userns_remap: bool,
    image_config_merged: bool,
    effective_apparmor_profile: Option<String>,
    host_apparmor: Option<bool>,
    processes: Option<Vec<FixtureProcess>>,
    execs: Vec<FixtureExec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureProcess {
    user: String,
    command: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureExec {
    id: String,
    #[serde(default)]
    privileged: bool,
    #[serde(default)]
    user: String,
    command: String,
}

impl From<FixtureContext> for ContainerContext {
    fn from(f: FixtureContext) -> Self {
        ContainerContext {
            daemon_no_new_privileges: f.daemon_no_new_privileges,
            daemon_userns_remap: f.daemon_userns_remap,
            image_config_merged: f.image_config_merged,
            effective_apparmor_profile: f.effective_apparmor_profile,
            host_apparmor: f.host_apparmor,
            processes: f.processes.map(|ps| {
                ps.into_iter()
                    .map(|p| Process {
                        user: p.user,
                        command: p.command,
                    })
                    .collect()
            }),
            execs: f
                .execs
                .into_iter()
                .map(|e| Exec {
                    id: e.id,
                    privileged: e.privileged,
                    user: e.user,
                    command: e.command,
                })
                .collect(),
        }
    }
}

fn context_for(dir: &Path, file: &str) -> ContainerContext {
    let own = dir.join(format!("{file}.context.json"));
    let path = if own.exists() {
        own
    } else {
        dir.join("context.json")
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str::<FixtureContext>(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .into(),
        Err(_) => ContainerContext::default(),
    }
}

/// The specs of a fixture file: one per create body, with the daemon's defaults.
fn specs(path: &Path) -> Vec<ContainerSpec> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let bodies: Vec<serde_json::Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(!bodies.is_empty(), "{}: no bodies", path.display());
    bodies
        .iter()
        .enumerate()
        .map(|(i, body)| {
            let bytes = serde_json::to_vec(body).expect("re-encode");
            let mut spec = ContainerSpec::from_create_body(&bytes, None)
                .unwrap_or_else(|e| panic!("{} body {i}: {e}", path.display()));
            spec.resolve_defaults(&DaemonDefaults::default());
            spec
        })
        .collect()
}

fn describe(findings: &[ContainerFinding]) -> String {
    let mut out = String::new();
    for f in findings {
        let _ = writeln!(
            out,
            "  {} {} ({:?}): {}",
            f.rule.code(),
            f.field.api_path(),
            f.field,
            f.message
        );
    }
    out
}

/// `DOCKWARD_RULES=CT001,CT002` restricts the fixture run to those rules.
fn selected(code: &str) -> bool {
    std::env::var("DOCKWARD_RULES").map_or(true, |only| only.split(',').any(|c| c.trim() == code))
}

#[test]
fn rules_are_listed_in_code_order_once_and_cover_the_family() {
    let codes: Vec<&str> = RULES.iter().map(|r| r.meta.code()).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(codes, sorted);
    let family: Vec<Rule> = Rule::ALL
        .iter()
        .copied()
        .filter(|r| r.family() == dockward_rules::Family::Container)
        .collect();
    let registered: Vec<Rule> = RULES.iter().map(|r| r.meta.rule).collect();
    assert_eq!(registered, family);
}

#[test]
fn every_rule_has_docs_with_the_required_headings_and_both_examples() {
    for rule in RULES.iter().filter(|r| selected(r.meta.code())) {
        let code = rule.meta.code();
        let docs = rule.meta.descriptor.docs;
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "Use instead",
            "## References",
            "```console",
            "```yaml",
        ] {
            assert!(docs.contains(heading), "{code} docs lack `{heading}`");
        }
        assert!(!rule.meta.descriptor.summary.is_empty());
        let aliases = rule.meta.descriptor.aliases;
        let cis: Vec<&&str> = aliases
            .iter()
            .filter(|a| a.starts_with("CIS-") && !a.starts_with("CIS-L"))
            .collect();
        let level = aliases.iter().filter(|a| a.starts_with("CIS-L")).count();
        assert_eq!(
            cis.len().min(1),
            level,
            "{code}: a CIS ID comes with one level"
        );
        for id in cis {
            let number = id.trim_start_matches("CIS-");
            assert!(
                docs.contains(&format!("CIS Docker Benchmark v1.6.0, {number} (Level")),
                "{code}: docs do not name {id}"
            );
        }
    }
}

#[test]
fn every_rule_fires_on_its_failing_fixture_and_not_on_its_passing_one() {
    let mut missing = Vec::new();
    for rule in RULES.iter().filter(|r| selected(r.meta.code())) {
        let code = rule.meta.code();
        if rule.meta.rule == Rule::ComposeFileInvalid {
            // Reported by the compose loader, not by a check over a spec: its
            // fixtures are compose files (crates/dockward/tests/compose_lint.rs).
            continue;
        }
        let dir = fixture_dir(code);
        let (fail, pass) = (dir.join("fail.json"), dir.join("pass.json"));
        if !fail.exists() || !pass.exists() {
            missing.push(code);
            continue;
        }
        let only = |r: Rule| r == rule.meta.rule;
        let mut snapshot = String::new();
        let ctx = context_for(&dir, "fail");
        for (i, spec) in specs(&fail).iter().enumerate() {
            let found = check(spec, &ctx, &only);
            assert!(
                !found.is_empty(),
                "{code}: no finding on fail.json body {i}"
            );
            for f in &found {
                assert_eq!(f.rule, rule.meta.rule);
                assert!(
                    !f.message.starts_with("internal error"),
                    "{code}: {}",
                    f.message
                );
            }
            let _ = write!(snapshot, "body {i}:\n{}", describe(&found));
        }
        insta::assert_snapshot!(format!("{code}_{}", rule.meta.descriptor.name), snapshot);
        let ctx = context_for(&dir, "pass");
        for (i, spec) in specs(&pass).iter().enumerate() {
            let found = check(spec, &ctx, &only);
            assert!(
                found.is_empty(),
                "{code}: findings on pass.json body {i}:\n{}",
                describe(&found)
            );
        }
    }
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
}

fn default_enabled(rule: Rule) -> bool {
    RULES
        .iter()
        .find(|r| r.meta.rule == rule)
        .is_some_and(|r| r.meta.default_enabled && r.meta.status == Status::Stable)
}

#[test]
fn the_hardened_container_has_no_finding_from_any_default_rule() {
    let body = serde_json::json!({
        "Image": "busybox:1.36",
        "User": "1000:1000",
        "Healthcheck": {"Test": ["CMD", "true"], "Interval": 30_000_000_000_i64},
        "HostConfig": {
            "ReadonlyRootfs": true,
            "CapDrop": ["ALL"],
            "SecurityOpt": ["no-new-privileges"],
            "Memory": 67_108_864,
            "PidsLimit": 100,
            "NanoCpus": 500_000_000,
            "NetworkMode": "none",
            "CgroupnsMode": "private",
            "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 3}
        }
    });
    let bytes = serde_json::to_vec(&body).expect("encode");
    let mut spec = ContainerSpec::from_create_body(&bytes, Some("hardened")).expect("decode");
    spec.resolve_defaults(&DaemonDefaults::default());
    for ctx in [
        ContainerContext::default(),
        ContainerContext {
            image_config_merged: true,
            ..ContainerContext::default()
        },
    ] {
        let found = check(&spec, &ctx, &default_enabled);
        assert!(found.is_empty(), "{}", describe(&found));
    }
    // Every rule, default or not, also stays quiet but the port inventory
    // (nothing is published) and the preview sysctl table (nothing set).
    let found = check(&spec, &ContainerContext::default(), &|_| true);
    assert!(found.is_empty(), "{}", describe(&found));
}

#[test]
fn the_real_inspect_fixtures_give_their_codes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dockward_spec/tests/fixtures/inspect");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("inspect fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 17, "the inspect fixtures changed");
    let ctx = ContainerContext {
        image_config_merged: true,
        ..ContainerContext::default()
    };
    let mut snapshot = String::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("read");
        let value: serde_json::Value = serde_json::from_str(&text).expect("json");
        let object = match value {
            serde_json::Value::Array(mut items) if !items.is_empty() => items.swap_remove(0),
            other => other,
        };
        let spec = ContainerSpec::from_inspect(&object).expect("inspect");
        let found = check(&spec, &ctx, &|_| true);
        let codes: Vec<&str> = found.iter().map(|f| f.rule.code()).collect();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
        let _ = writeln!(snapshot, "{name}: {}", codes.join(" "));
    }
    insta::assert_snapshot!("inspect_fixtures", snapshot);
}

#[test]
fn no_rule_crashes_on_hostile_values() {
    let body = serde_json::json!({
        "Image": "@",
        "User": ":",
        "HostConfig": {
            "Binds": ["/../..//:/x", "/run/user/:/y:ro,rshared"],
            "Devices": [{"PathOnHost": "", "PathInContainer": "", "CgroupPermissions": ""}],
            "DeviceCgroupRules": ["", "a", "b :"],
            "PortBindings": {"1/tcp": [{"HostIp": "[", "HostPort": "-"}]},
            "Sysctls": {"": "", "/": "1"},
            "Ulimits": [{"Name": "", "Soft": -1, "Hard": -1}]
        }
    });
    let bytes = serde_json::to_vec(&body).expect("encode");
    let spec = ContainerSpec::from_create_body(&bytes, None).expect("decode");
    let found = check(&spec, &ContainerContext::default(), &|_| true);
    assert!(
        found
            .iter()
            .all(|f| !f.message.starts_with("internal error"))
    );
}
