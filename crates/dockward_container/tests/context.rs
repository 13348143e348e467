//! What the context changes: the daemon's settings, the image's configuration
//! being merged in, and what is known about the running container.

use dockward_container::{ContainerContext, ContainerFinding, check};
use dockward_rules::Rule;
use dockward_spec::{ContainerSpec, DaemonDefaults};

fn spec(body: &serde_json::Value) -> ContainerSpec {
    let bytes = serde_json::to_vec(body).expect("encode");
    let mut spec = ContainerSpec::from_create_body(&bytes, None).expect("decode");
    spec.resolve_defaults(&DaemonDefaults::default());
    spec
}

fn only(spec: &ContainerSpec, ctx: &ContainerContext, rule: Rule) -> Vec<ContainerFinding> {
    check(spec, ctx, &|r| r == rule)
}

#[test]
fn an_empty_apparmor_profile_counts_only_on_an_apparmor_host() {
    let plain = spec(&serde_json::json!({"Image": "busybox:1.36"}));
    let mut ctx = ContainerContext {
        effective_apparmor_profile: Some(String::new()),
        ..ContainerContext::default()
    };
    assert!(only(&plain, &ctx, Rule::AppArmorUnconfined).is_empty());
    ctx.host_apparmor = Some(false);
    assert!(only(&plain, &ctx, Rule::AppArmorUnconfined).is_empty());
    ctx.host_apparmor = Some(true);
    let found = only(&plain, &ctx, Rule::AppArmorUnconfined);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].message.contains("profile `none`"),
        "{}",
        found[0].message
    );
    ctx.effective_apparmor_profile = Some("docker-default".to_owned());
    assert!(only(&plain, &ctx, Rule::AppArmorUnconfined).is_empty());
    ctx.effective_apparmor_profile = Some("unconfined".to_owned());
    assert_eq!(only(&plain, &ctx, Rule::AppArmorUnconfined).len(), 1);

    // Reported once, for the option, when both say so.
    let unconfined = spec(&serde_json::json!({
        "Image": "busybox:1.36",
        "HostConfig": {"SecurityOpt": ["apparmor=unconfined"]}
    }));
    assert_eq!(only(&unconfined, &ctx, Rule::AppArmorUnconfined).len(), 1);
}

#[test]
fn the_daemons_no_new_privileges_covers_every_container() {
    let plain = spec(&serde_json::json!({"Image": "busybox:1.36"}));
    assert_eq!(
        only(
            &plain,
            &ContainerContext::default(),
            Rule::NoNewPrivilegesNotSet
        )
        .len(),
        1
    );
    let ctx = ContainerContext {
        daemon_no_new_privileges: true,
        ..ContainerContext::default()
    };
    assert!(only(&plain, &ctx, Rule::NoNewPrivilegesNotSet).is_empty());
}

#[test]
fn an_unset_user_or_healthcheck_is_the_images_until_it_is_merged() {
    let plain = spec(&serde_json::json!({"Image": "busybox:1.36"}));
    let create = ContainerContext::default();
    let inspect = ContainerContext {
        image_config_merged: true,
        ..ContainerContext::default()
    };
    for rule in [Rule::RootUser, Rule::ContainerHealthcheckMissing] {
        assert!(only(&plain, &create, rule).is_empty(), "{rule:?}");
        assert_eq!(only(&plain, &inspect, rule).len(), 1, "{rule:?}");
    }
}

#[test]
fn user_remapping_changes_the_root_and_userns_messages() {
    let body = serde_json::json!({
        "Image": "busybox:1.36",
        "User": "root",
        "HostConfig": {"UsernsMode": "host"}
    });
    let root_host = spec(&body);
    let remap = ContainerContext {
        daemon_userns_remap: true,
        ..ContainerContext::default()
    };
    let plain = ContainerContext::default();

    let found = only(&root_host, &remap, Rule::RootUser);
    assert!(
        found[0].message.ends_with("root on the host kernel"),
        "{}",
        found[0].message
    );
    let remapped = spec(&serde_json::json!({"Image": "busybox:1.36", "User": "0"}));
    let found = only(&remapped, &remap, Rule::RootUser);
    assert!(
        found[0].message.contains("unprivileged host user"),
        "{}",
        found[0].message
    );

    let with = only(&root_host, &remap, Rule::HostUserNamespace);
    let without = only(&root_host, &plain, Rule::HostUserNamespace);
    assert!(with[0].message.contains("opts out"), "{}", with[0].message);
    assert!(
        without[0].message.contains("would keep"),
        "{}",
        without[0].message
    );
}

#[test]
fn processes_and_execs_are_judged_only_when_known() {
    let plain = spec(&serde_json::json!({"Image": "busybox:1.36"}));
    let none = ContainerContext::default();
    for rule in [Rule::SshdRunning, Rule::PrivilegedExec, Rule::RootExec] {
        assert!(only(&plain, &none, rule).is_empty(), "{rule:?}");
    }
    let empty = ContainerContext {
        processes: Some(Vec::new()),
        ..ContainerContext::default()
    };
    assert!(only(&plain, &empty, Rule::SshdRunning).is_empty());
}
