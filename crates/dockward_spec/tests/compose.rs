//! The compose builder on the files in `fixtures/compose`: every mapped field,
//! the spans of where each was written, extends, profiles and per-field problems.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use dockward_diagnostics::Span;
use dockward_spec::compose::{self, ComposeOptions, ComposeProject, ComposeService};
use dockward_spec::{
    Device, EnvVar, ExposedPort, Healthcheck, Mount, MountKind, NamespaceMode, PortBinding,
    Propagation, Protocol, RestartPolicy, RestartPolicyName, SpecField, Ulimit,
};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compose")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).expect("fixture is readable")
}

fn loader(path: &str) -> Option<String> {
    std::fs::read_to_string(dir().join(path)).ok()
}

fn options() -> ComposeOptions {
    ComposeOptions {
        env: BTreeMap::from([
            ("APP_UID".to_owned(), "1000".to_owned()),
            ("HOME".to_owned(), "/home/me".to_owned()),
            ("FROM_ENV".to_owned(), "from-process".to_owned()),
        ]),
        dotenv: Some("NGINX_TAG=1.25\nAPP_UID=999\n".to_owned()),
        project_dir: PathBuf::from("/srv/My Project"),
        ..ComposeOptions::default()
    }
}

fn service<'a>(project: &'a ComposeProject, name: &str) -> &'a ComposeService {
    project
        .services
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("service {name}"))
}

fn at(text: &str, span: Span) -> &str {
    text.get(span.start..span.end).expect("span is in the text")
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn mount(kind: MountKind, source: Option<&str>, target: &str, ro: bool, options: &[&str]) -> Mount {
    Mount {
        kind,
        source: source.map(str::to_owned),
        target: target.to_owned(),
        read_only: ro,
        propagation: None,
        options: options.iter().map(|o| (*o).to_owned()).collect(),
    }
}

fn port(container: u16, protocol: Protocol, ip: Option<&str>, host: Option<&str>) -> PortBinding {
    PortBinding {
        container_port: container,
        protocol,
        host_ip: ip.map(str::to_owned),
        host_port: host.map(str::to_owned),
    }
}

#[test]
fn web_service_fields_and_spans() {
    let text = fixture("features.yaml");
    let project = compose::load(&text, &options(), &loader).expect("loads");
    assert_eq!(project.name, "myproject");
    let web = service(&project, "web");
    let s = &web.spec;
    let o = &web.origins;
    assert_eq!(at(&text, o.whole), "web");
    assert!(web.active);
    assert_eq!(s.name.as_deref(), Some("myproject-web-1"));

    // Interpolation: .env default, process env wins over .env, `-` default.
    assert_eq!(s.image.as_deref(), Some("nginx:1.25"));
    assert_eq!(
        at(&text, o.span(&SpecField::Image)),
        "\"nginx:${NGINX_TAG:-1.27}\""
    );
    assert_eq!(s.user.as_deref(), Some("1000:0"));
    assert_eq!(
        at(&text, o.span(&SpecField::User)),
        "${APP_UID}:${APP_GID-0}"
    );

    assert!(s.privileged);
    assert_eq!(at(&text, o.span(&SpecField::Privileged)), "true");
    assert_eq!(s.cap_add, set(&["NET_ADMIN", "SYS_TIME"]));
    assert_eq!(
        at(&text, o.span(&SpecField::CapAdd("NET_ADMIN".to_owned()))),
        "net_admin"
    );
    assert_eq!(
        at(&text, o.span(&SpecField::CapAdd("SYS_TIME".to_owned()))),
        "CAP_SYS_TIME"
    );

    // Merge keys: values and spans from the anchors.
    assert!(s.read_only_rootfs);
    assert_eq!(at(&text, o.span(&SpecField::ReadOnlyRootfs)), "true");
    assert!(o.span(&SpecField::ReadOnlyRootfs).start < text.find("services:").unwrap());
    assert_eq!(s.cap_drop, set(&["ALL"]));
    assert_eq!(at(&text, o.span(&SpecField::CapDrop)), "[ALL]");
    assert!(s.security.no_new_privileges);
    assert_eq!(
        at(&text, o.span(&SpecField::NoNewPrivileges)),
        "no-new-privileges:true"
    );
    assert_eq!(s.resources.memory, Some(256 << 20));
    assert_eq!(at(&text, o.span(&SpecField::Memory)), "256m");
    assert_eq!(s.resources.pids_limit, Some(200));
    assert_eq!(at(&text, o.span(&SpecField::Pids)), "200");
    assert_eq!(s.resources.nano_cpus, Some(1_500_000_000));
    assert_eq!(at(&text, o.span(&SpecField::Cpu)), "\"1.5\"");

    // Ports, sorted by container port; ranges expand.
    assert_eq!(
        s.ports,
        [
            port(53, Protocol::Udp, None, None),
            port(80, Protocol::Tcp, Some("127.0.0.1"), Some("8080")),
            port(443, Protocol::Tcp, Some("::1"), Some("8443")),
            port(5000, Protocol::Tcp, Some("10.0.0.1"), Some("5001")),
            port(9000, Protocol::Tcp, None, Some("9000")),
            port(9001, Protocol::Tcp, None, Some("9001")),
        ]
    );
    assert_eq!(at(&text, o.span(&SpecField::Port(0))), "\"53/udp\"");
    assert_eq!(
        at(&text, o.span(&SpecField::Port(1))),
        "\"127.0.0.1:8080:80\""
    );
    assert_eq!(
        at(&text, o.span(&SpecField::Port(5))),
        "9000-9001:9000-9001"
    );
    assert!(at(&text, o.span(&SpecField::Port(3))).starts_with("target: 5000"));
    let exposed: Vec<(u16, Protocol)> = s
        .exposed_ports
        .iter()
        .map(|e| (e.port, e.protocol))
        .collect();
    assert_eq!(
        exposed,
        [
            (53, Protocol::Udp),
            (80, Protocol::Tcp),
            (443, Protocol::Tcp),
            (5000, Protocol::Tcp),
            (7000, Protocol::Udp),
            (7001, Protocol::Udp),
            (9000, Protocol::Tcp),
            (9001, Protocol::Tcp),
        ]
    );

    // Volumes: relative and `~` binds, named volumes resolved, long syntax, tmpfs.
    let mut html = mount(
        MountKind::Bind,
        Some("/srv/My Project/html"),
        "/usr/share/nginx/html",
        true,
        &["ro", "z"],
    );
    html.propagation = None;
    assert_eq!(
        s.mounts,
        [
            html,
            mount(
                MountKind::Bind,
                Some("/home/me/certs"),
                "/certs",
                false,
                &[]
            ),
            mount(
                MountKind::Volume,
                Some("myproject_cache"),
                "/var/cache/nginx",
                false,
                &[]
            ),
            mount(
                MountKind::Volume,
                Some("shared-logs"),
                "/var/log/nginx",
                false,
                &[]
            ),
            mount(MountKind::Tmpfs, None, "/run", false, &["size=1m"]),
            mount(MountKind::Tmpfs, None, "/scratch", false, &["size=4m"]),
        ]
    );
    assert_eq!(
        at(&text, o.span(&SpecField::Mount(0))),
        "./html:/usr/share/nginx/html:ro,z"
    );
    assert_eq!(at(&text, o.span(&SpecField::Mount(5))), "/scratch:size=4m");
    assert!(at(&text, o.span(&SpecField::Mount(3))).starts_with("type: volume"));

    assert_eq!(
        s.restart,
        RestartPolicy {
            name: RestartPolicyName::UnlessStopped,
            max_retries: 0
        }
    );
    assert_eq!(at(&text, o.span(&SpecField::Restart)), "unless-stopped");

    // Environment: a bare name takes the process environment; `$$` is a `$`.
    assert_eq!(
        s.env,
        [
            EnvVar {
                name: "MODE".to_owned(),
                value: Some("prod".to_owned())
            },
            EnvVar {
                name: "FROM_ENV".to_owned(),
                value: Some("from-process".to_owned())
            },
            EnvVar {
                name: "PRICE".to_owned(),
                value: Some("$5".to_owned())
            },
        ]
    );
    assert_eq!(at(&text, o.span(&SpecField::Env(0))), "MODE: prod");
    assert_eq!(at(&text, o.span(&SpecField::Env(1))), "FROM_ENV");
    assert_eq!(
        s.labels,
        BTreeMap::from([
            ("com.example.tier".to_owned(), "front".to_owned()),
            ("com.example.empty".to_owned(), String::new()),
        ])
    );
    assert_eq!(s.sysctls["net.core.somaxconn"], "1024");
    assert_eq!(
        at(
            &text,
            o.span(&SpecField::Sysctl("net.core.somaxconn".to_owned()))
        ),
        "\"net.core.somaxconn=1024\""
    );
    assert_eq!(
        s.ulimits,
        [
            Ulimit {
                name: "nofile".to_owned(),
                soft: 65535,
                hard: 65535
            },
            Ulimit {
                name: "nproc".to_owned(),
                soft: 100,
                hard: 200
            },
        ]
    );
    assert_eq!(at(&text, o.span(&SpecField::Ulimit(0))), "nofile: 65535");
    assert_eq!(
        s.healthcheck,
        Healthcheck::Configured(
            ["CMD", "curl", "-f", "http://localhost"]
                .map(str::to_owned)
                .to_vec()
        )
    );
    // The first network, named by its top-level `name:`.
    assert_eq!(
        s.namespaces.network,
        NamespaceMode::Network("edge".to_owned())
    );
    assert_eq!(at(&text, o.span(&SpecField::Network)), "[front, back]");
    assert_eq!(s.log_driver.as_deref(), Some("json-file"));
    assert_eq!(at(&text, o.span(&SpecField::LogDriver)), "json-file");
}

#[test]
fn db_service_profiles_deploy_and_references() {
    let text = fixture("features.yaml");
    let project = compose::load(&text, &options(), &loader).expect("loads");
    let db = service(&project, "db");
    assert_eq!(db.profiles, ["debug"]);
    assert!(!db.active, "profile not enabled");
    let s = &db.spec;
    let o = &db.origins;
    assert_eq!(
        s.namespaces.network,
        NamespaceMode::Container("myproject-web-1".to_owned())
    );
    assert_eq!(at(&text, o.span(&SpecField::Network)), "\"service:web\"");
    assert_eq!(
        s.namespaces.pid,
        NamespaceMode::Container("other".to_owned())
    );
    assert_eq!(s.namespaces.userns, NamespaceMode::Host);
    assert_eq!(s.volumes_from, ["myproject-web-1:ro", "sidecar"]);
    assert_eq!(
        s.devices,
        [
            Device {
                host_path: "/dev/fuse".to_owned(),
                container_path: "/dev/fuse".to_owned(),
                permissions: "rwm".to_owned()
            },
            Device {
                host_path: "/dev/sda".to_owned(),
                container_path: "/dev/xvda".to_owned(),
                permissions: "r".to_owned()
            },
        ]
    );
    assert_eq!(at(&text, o.span(&SpecField::Device(0))), "/dev/fuse");
    assert_eq!(s.device_cgroup_rules, ["b 8:* rmw"]);
    assert_eq!(
        at(&text, o.span(&SpecField::DeviceCgroupRule(0))),
        "\"b 8:* rmw\""
    );
    assert_eq!(
        s.restart,
        RestartPolicy {
            name: RestartPolicyName::OnFailure,
            max_retries: 3
        }
    );
    assert_eq!(s.resources.memory, Some(1 << 30));
    assert_eq!(at(&text, o.span(&SpecField::Memory)), "1g");
    assert_eq!(s.resources.memory_reservation, Some(512 << 20));
    assert_eq!(s.resources.pids_limit, Some(50));
    assert_eq!(
        s.healthcheck,
        Healthcheck::Configured(vec!["CMD-SHELL".to_owned(), "echo ok".to_owned()])
    );
    // The memory limit is not written for web's sibling: `whole` is the fallback.
    assert_eq!(at(&text, o.span(&SpecField::Privileged)), "db");
    // env_file is IO: reported, not read.
    let env_file = project
        .warnings
        .iter()
        .find(|w| w.message.contains("env_file"))
        .expect("env_file warning");
    assert_eq!(at(&text, env_file.span), "db.env");

    // Enabling the profile activates it; COMPOSE_PROFILES does too.
    let mut with_profile = options();
    with_profile.profiles = vec!["debug".to_owned()];
    let project = compose::load(&text, &with_profile, &loader).expect("loads");
    assert!(service(&project, "db").active);
    let mut with_env = options();
    with_env
        .env
        .insert("COMPOSE_PROFILES".to_owned(), "x, debug".to_owned());
    let project = compose::load(&text, &with_env, &loader).expect("loads");
    assert!(service(&project, "db").active);
}

#[test]
fn extends_in_the_same_file_merges() {
    let text = fixture("features.yaml");
    let project = compose::load(&text, &options(), &loader).expect("loads");
    let worker = service(&project, "worker");
    let s = &worker.spec;
    let o = &worker.origins;
    assert_eq!(s.image.as_deref(), Some("worker:1"));
    assert_eq!(s.cap_add, set(&["CHOWN", "SYS_PTRACE"]));
    // Inherited values point where the base wrote them.
    assert_eq!(
        at(&text, o.span(&SpecField::CapAdd("CHOWN".to_owned()))),
        "CHOWN"
    );
    assert_eq!(at(&text, o.span(&SpecField::Privileged)), "false");
    // Environment merges across map and list syntax.
    let env: Vec<(&str, Option<&str>)> = s
        .env
        .iter()
        .map(|e| (e.name.as_str(), e.value.as_deref()))
        .collect();
    assert_eq!(env, [("BASE", Some("yes")), ("EXTRA", Some("1"))]);
    // Volumes merge by target: /data is the worker's.
    let targets: Vec<(&str, Option<&str>)> = s
        .mounts
        .iter()
        .map(|m| (m.target.as_str(), m.source.as_deref()))
        .collect();
    assert_eq!(
        targets,
        [("/keep", Some("/srv/keep")), ("/data", Some("/srv/new"))]
    );
    assert_eq!(s.healthcheck, Healthcheck::Disabled);
}

#[test]
fn extends_other_files_and_cycles() {
    let text = fixture("extends_files.yaml");
    let mut opts = ComposeOptions::default();
    opts.env.insert("TAG".to_owned(), "7".to_owned());
    let project = compose::load(&text, &opts, &loader).expect("loads");
    let extends_key = |service: &str| {
        let start = text.find(&format!("  {service}:\n    extends")).unwrap() + service.len() + 8;
        Span::new(start, start + "extends".len())
    };

    let app = service(&project, "app");
    assert_eq!(app.spec.image.as_deref(), Some("app:1"));
    assert_eq!(app.spec.cap_add, set(&["NET_BIND_SERVICE"]));
    assert_eq!(
        app.spec.security.apparmor,
        dockward_spec::AppArmorProfile::Unconfined
    );
    // From another file: the span is this file's `extends` key.
    assert_eq!(app.origins.span(&SpecField::AppArmor), extends_key("app"));
    assert_eq!(at(&text, app.origins.span(&SpecField::Image)), "app:1");

    // A chain through two files, the second path relative to the first.
    let other = service(&project, "other");
    assert!(other.spec.privileged);
    assert_eq!(other.spec.user.as_deref(), Some("nobody"));
    assert_eq!(
        other.origins.span(&SpecField::Privileged),
        extends_key("other")
    );

    // A missing file and a cycle are warnings; the services are kept.
    let missing = service(&project, "missing");
    assert_eq!(missing.spec.image.as_deref(), Some("still:1"));
    assert!(
        project
            .warnings
            .iter()
            .any(|w| w.message.contains("nowhere.yaml") && w.span == extends_key("missing"))
    );
    let a = service(&project, "loop_a");
    assert_eq!(a.spec.image.as_deref(), Some("a:1"));
    assert!(
        project
            .warnings
            .iter()
            .any(|w| w.message.contains("extends cycle"))
    );

    // Without a loader, `file:` extends fail but same-file ones work.
    let project = compose::load(&text, &opts, &|_| None).expect("loads");
    assert_eq!(service(&project, "app").spec.cap_add, BTreeSet::new());
}

#[test]
fn bad_fields_are_warnings_and_keep_the_rest() {
    let text = fixture("bad_fields.yaml");
    let project = compose::load(&text, &ComposeOptions::default(), &|_| None).expect("loads");
    let broken = service(&project, "broken");
    let s = &broken.spec;
    assert_eq!(s.image.as_deref(), Some("app:1"));
    assert!(!s.privileged);
    assert_eq!(s.ports, [port(80, Protocol::Tcp, None, Some("80"))]);
    assert_eq!(
        s.mounts,
        [mount(MountKind::Bind, Some("/ok"), "/ok", false, &[])]
    );
    assert_eq!(s.restart, RestartPolicy::default());
    assert_eq!(s.resources.memory, None);
    assert_eq!(s.user, None);
    // A lone string where a list is expected still counts as one item.
    assert_eq!(s.cap_add, set(&["SYS_ADMIN"]));
    let fine = service(&project, "fine");
    assert!(fine.spec.read_only_rootfs);

    let spans: Vec<&str> = project.warnings.iter().map(|w| at(&text, w.span)).collect();
    assert_eq!(
        spans,
        [
            "maybe",
            "\"not-a-port\"",
            "\"70000:80\"",
            "\"a:b:c:d\"",
            "sometimes",
            "lots",
            "${MISSING:?set MISSING}",
        ]
    );
    let required = &project.warnings[6].message;
    assert!(required.contains("required variable MISSING"), "{required}");
    assert!(required.contains("set MISSING"), "{required}");
}

#[test]
fn naming_and_defaults() {
    let text = "services:\n  app:\n    image: a\n    container_name: custom\n  other:\n";
    let opts = ComposeOptions {
        project_dir: PathBuf::from("/x/Demo_App"),
        ..ComposeOptions::default()
    };
    let project = compose::load(text, &opts, &|_| None).expect("loads");
    assert_eq!(project.name, "demo_app");
    assert_eq!(
        service(&project, "app").spec.name.as_deref(),
        Some("custom")
    );
    let other = service(&project, "other");
    assert_eq!(other.spec.name.as_deref(), Some("demo_app-other-1"));
    assert_eq!(
        other.spec.namespaces.network,
        NamespaceMode::Network("demo_app_default".to_owned())
    );
    assert_eq!(other.spec.exposed_ports, BTreeSet::<ExposedPort>::new());

    let mut opts = opts;
    opts.env
        .insert("COMPOSE_PROJECT_NAME".to_owned(), "From Env".to_owned());
    assert_eq!(
        compose::load(text, &opts, &|_| None).unwrap().name,
        "fromenv"
    );
    assert_eq!(
        compose::load("", &ComposeOptions::default(), &|_| None)
            .unwrap()
            .services,
        []
    );
}

#[test]
fn unset_variables_warn_with_spans() {
    let text =
        "services:\n  app:\n    image: \"img:${TAG}\"\n    labels:\n      x-keep: $$literal\n";
    let project = compose::load(text, &ComposeOptions::default(), &|_| None).expect("loads");
    assert_eq!(project.warnings.len(), 1);
    assert!(project.warnings[0].message.contains("TAG is not set"));
    assert_eq!(at(text, project.warnings[0].span), "\"img:${TAG}\"");
    let app = service(&project, "app");
    assert_eq!(app.spec.image.as_deref(), Some("img:"));
    assert_eq!(app.spec.labels["x-keep"], "$literal");
}

#[test]
fn keys_and_extension_fields_are_not_interpolated() {
    let text = "x-req: ${REQUIRED:?never read}\nservices:\n  app:\n    x-note: ${ALSO:?no}\n    labels:\n      \"${KEY}\": value\n    image: ${IMG:-busybox}\n";
    let project = compose::load(text, &ComposeOptions::default(), &|_| None).expect("loads");
    assert_eq!(project.warnings, []);
    let app = service(&project, "app");
    assert_eq!(app.spec.labels["${KEY}"], "value");
    assert_eq!(app.spec.image.as_deref(), Some("busybox"));
}

#[test]
fn propagation_and_bind_options() {
    let text = "services:\n  app:\n    volumes:\n      - /a:/a:rshared\n      - type: bind\n        source: ../up\n        target: /b\n        bind: {propagation: slave}\n";
    let opts = ComposeOptions {
        project_dir: PathBuf::from("/p/q"),
        ..ComposeOptions::default()
    };
    let project = compose::load(text, &opts, &|_| None).expect("loads");
    let mounts = &service(&project, "app").spec.mounts;
    assert_eq!(mounts[0].propagation, Some(Propagation::Rshared));
    assert_eq!(mounts[1].source.as_deref(), Some("/p/up"));
    assert_eq!(mounts[1].propagation, Some(Propagation::Slave));
}
