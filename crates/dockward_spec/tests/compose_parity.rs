//! Three-way parity: for each captured case, the compose service in
//! `fixtures/compose/parity.yaml` gives the same spec as the create body
//! (`fixtures/create`) and the `docker inspect` output (`fixtures/inspect`).

mod common;

use std::path::Path;

use dockward_spec::compose::{self, ComposeOptions};
use dockward_spec::{ContainerSpec, DaemonDefaults, NamespaceMode};

fn fixture(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read_to_string(path).expect("fixture is readable")
}

#[test]
fn compose_create_body_and_inspect_give_equal_specs() {
    let text = fixture("compose/parity.yaml");
    let project = compose::load(&text, &ComposeOptions::default(), &|_| None).expect("loads");
    assert_eq!(project.warnings, [], "no warnings");
    assert_eq!(project.name, "parity");
    let names: Vec<&str> = project.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, common::CASES);

    for service in &project.services {
        let case = service.name.as_str();
        assert!(service.active, "case {case}");
        let mut from_compose = service.spec.clone();
        // Compose puts a service without `network_mode` on the project's default
        // network, where `docker create` without `--network` uses the daemon's
        // default (docker0). That is the one difference, and it is expected.
        if !matches!(case, "net_host" | "misc") {
            assert_eq!(
                from_compose.namespaces.network,
                NamespaceMode::Network("parity_default".to_owned()),
                "case {case}"
            );
            from_compose.namespaces.network = NamespaceMode::Default;
        }
        // `-P` (publish all exposed ports) has no compose field.
        if case == "misc" {
            assert!(!from_compose.publish_all_ports);
            from_compose.publish_all_ports = true;
        }
        assert_eq!(from_compose.runtime, None, "case {case}");
        from_compose.resolve_defaults(&DaemonDefaults::default());

        let name = format!("dockward-spec-{case}");
        let mut created = ContainerSpec::from_create_body(
            fixture(&format!("create/{case}.json")).as_bytes(),
            Some(&name),
        )
        .expect("body decodes");
        created.resolve_defaults(&DaemonDefaults::default());
        assert_eq!(from_compose, created, "case {case}: compose vs create body");

        let value: serde_json::Value =
            serde_json::from_str(&fixture(&format!("inspect/{case}.json"))).expect("JSON");
        let mut inspected = ContainerSpec::from_inspect(&value).expect("inspect decodes");
        assert!(inspected.id.take().is_some());
        assert_eq!(from_compose, inspected, "case {case}: compose vs inspect");
    }
}
