//! Hostile facts: every leaf of a real snapshot (with three of the real
//! inspect fixtures as its containers) replaced, one at a time, by values of the wrong
//! type or at the edges of their range. Each variant that still loads as
//! `Facts` is audited with every rule enabled; no rule may crash (the engine
//! turns a crash into an "internal error" finding, which fails this test).

use std::path::Path;

use dockward_audit::facts::Facts;
use dockward_audit::{AuditSettings, Scope, audit_scoped};
use serde_json::{Value, json};

fn snapshot() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/facts/debian12-docker-io.json"))
        .expect("facts fixture");
    let mut facts: Value = serde_json::from_str(&text).expect("JSON");
    let inspect_dir = root.join("../dockward_spec/tests/fixtures/inspect");
    let mut containers = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&inspect_dir)
        .expect("inspect fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    // Three cases cover every inspect field the decoder reads (the others
    // repeat these shapes); all 17 make the test minutes long in debug builds.
    let wanted = ["misc.json", "privileged.json", "volumes.json"];
    for path in paths.into_iter().filter(|p| {
        p.file_name()
            .is_some_and(|n| wanted.iter().any(|w| n == *w))
    }) {
        let inspect: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("JSON");
        containers.push(json!({"inspect": inspect, "top": {"Titles": ["USER", "PID", "COMMAND"], "Processes": [["root", "1", "sshd: /usr/sbin/sshd -D"]]}, "execs": [{"ID": "e", "Running": true, "ProcessConfig": {"privileged": true, "user": "root", "entrypoint": "sh", "arguments": ["-c", "id"]}}]}));
    }
    facts["containers"] = Value::Array(containers);
    facts
}

/// Paths (as JSON pointers) of every leaf of `value`.
fn leaves(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                leaves(child, format!("{pointer}/{escaped}"), out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, child) in items.iter().enumerate() {
                leaves(child, format!("{pointer}/{i}"), out);
            }
        }
        _ => out.push(pointer),
    }
}

fn hostile_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(""),
        json!(-1),
        json!(i64::MAX),
        json!(u64::MAX),
        json!(1e308),
        json!(true),
        json!([]),
        json!({}),
        json!("\u{0}../../\u{202e}ſK"),
        json!("x".repeat(10_000)),
        json!("999999999999999999999999.99999.9999-rc+dfsg~ds:"),
    ]
}

#[test]
fn no_rule_crashes_on_any_single_hostile_leaf() {
    let base = snapshot();
    let mut pointers = Vec::new();
    leaves(&base, String::new(), &mut pointers);
    assert!(
        pointers.len() > 500,
        "the snapshot is rich enough: {}",
        pointers.len()
    );
    let scope = Scope {
        host: true,
        daemon: true,
        containers: true,
        images: true,
        container_names: Vec::new(),
    };
    let settings = AuditSettings {
        trusted_docker_users: Some(vec!["root".to_owned()]),
    };
    let mut audited = 0;
    for pointer in &pointers {
        for value in hostile_values() {
            let mut variant = base.clone();
            if let Some(slot) = variant.pointer_mut(pointer) {
                *slot = value;
            }
            let Ok(facts) = serde_json::from_value::<Facts>(variant) else {
                continue;
            };
            audited += 1;
            let outcome = audit_scoped(&facts, &settings, &scope, &|_| true);
            for finding in &outcome.findings {
                assert!(
                    !finding.message.starts_with("internal error"),
                    "{pointer} = hostile value: {} {}",
                    finding.rule.code(),
                    finding.message
                );
            }
        }
    }
    assert!(audited > 1000, "most variants load: {audited}");
}
