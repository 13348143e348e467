//! One compose service → [`ContainerSpec`] with the span of every field written.
//!
//! Mapped (with the meaning `docker run` and the Engine API give them):
//! `image`, `user`, `privileged`, `cap_add`, `cap_drop`, `pid`, `ipc`, `uts`,
//! `network_mode`, `networks`, `userns_mode`, `cgroup`, `volumes` (short and
//! long syntax), `tmpfs`, `volumes_from`, `devices` (short and long syntax),
//! `device_cgroup_rules`, `security_opt`, `read_only`, `mem_limit`,
//! `memswap_limit`, `mem_reservation`, `cpus`, `cpu_shares`, `cpu_quota`,
//! `cpu_period`, `cpuset`, `pids_limit`, `deploy.resources.limits.{memory,cpus,pids}`,
//! `deploy.resources.reservations.memory`, `deploy.restart_policy`, `ulimits`,
//! `sysctls`, `ports`, `expose`, `restart`, `healthcheck`, `cgroup_parent`,
//! `oom_kill_disable`, `init`, `runtime`, `environment`, `labels`,
//! `logging.driver`, `container_name`, `profiles`.
//!
//! Choices:
//! - The network: a service without `network_mode` is on a compose network, not
//!   docker0: `NamespaceMode::Network` of its first `networks:` entry, or of
//!   the project's `default` network, named as compose names networks
//!   (`<project>_<key>`, or the top-level entry's `name:`, or the key itself
//!   for an `external` network).
//! - `service:<name>` (in `network_mode`, `pid`, `ipc`) and a service name in
//!   `volumes_from` become the other service's container name
//!   (`container_name`, else `<project>-<service>-1`).
//! - A named volume's source is its docker name, resolved like networks.
//! - A relative bind source is joined to the project directory; `~` is
//!   replaced by `HOME` from the environment when set.
//! - `environment` entries without a value take it from the environment or
//!   `.env`; when unset there they stay without a value.
//!
//! Not mapped: `env_file` (reading files is IO: a warning says so), `build`,
//! `secrets`/`configs` (files mounted by compose), `publish_all_ports` has no
//! compose field, and fields with no `ContainerSpec` counterpart (`command`,
//! `dns`, `shm_size`, …) are ignored.

use std::collections::BTreeMap;
use std::path::Path;

use dockward_diagnostics::Span;

use super::ComposeProblem;
use super::extends::normalize;
use super::interpolate::Vars;
use super::syntax::{self, VolumeSource};
use super::yaml::{Node, Value};
use crate::decode::{parse_namespace, parse_propagation, security_options};
use crate::{
    ContainerSpec, Device, EnvVar, Healthcheck, Mount, MountKind, NamespaceMode, PortBinding,
    RestartPolicy, RestartPolicyName, SpecField, SpecOrigins, Ulimit, normalize_capability,
};

/// What every service of a project shares.
pub(crate) struct Ctx<'a> {
    pub project: &'a str,
    pub project_dir: &'a Path,
    pub vars: &'a Vars<'a>,
    /// Top-level `volumes`.
    pub volumes: Option<&'a Node>,
    /// Top-level `networks`.
    pub networks: Option<&'a Node>,
    /// Container name of each service.
    pub container_names: &'a BTreeMap<String, String>,
}

/// A built service.
pub(crate) struct Built {
    pub spec: ContainerSpec,
    pub origins: SpecOrigins,
    pub profiles: Vec<String>,
}

struct Builder<'a, 'w> {
    ctx: &'a Ctx<'a>,
    node: &'a Node,
    service: &'a str,
    spec: ContainerSpec,
    origins: SpecOrigins,
    warnings: &'w mut Vec<ComposeProblem>,
}

pub(crate) fn build(
    service: &str,
    key_span: Span,
    node: &Node,
    ctx: &Ctx<'_>,
    warnings: &mut Vec<ComposeProblem>,
) -> Built {
    let mut b = Builder {
        ctx,
        node,
        service,
        spec: ContainerSpec::default(),
        origins: SpecOrigins {
            whole: key_span,
            fields: BTreeMap::new(),
        },
        warnings,
    };
    b.identity();
    b.namespaces();
    b.capabilities();
    b.mounts();
    b.devices();
    b.security();
    b.resources();
    b.ports();
    b.misc();
    b.environment();
    let profiles = b.strings("profiles").into_iter().map(|(p, _)| p).collect();
    Built {
        spec: b.spec,
        origins: b.origins,
        profiles,
    }
}

/// How a scalar reads as a boolean (YAML 1.2 spellings, also after interpolation).
fn as_bool(node: &Node) -> Option<bool> {
    match &node.value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) => match s.as_str() {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// How a scalar reads as an integer.
fn as_int(node: &Node) -> Option<i64> {
    match &node.value {
        Value::Int(n) => i64::try_from(*n).ok(),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The span from a key to the end of its value (an entry of a mapping).
fn entry_span(key: &Node, value: &Node) -> Span {
    if value.span.start >= key.span.start && value.span.end > key.span.end {
        Span::new(key.span.start, value.span.end)
    } else {
        key.span
    }
}

impl<'a> Builder<'a, '_> {
    fn problem(&mut self, span: Span, message: String) {
        self.warnings.push(ComposeProblem { message, span });
    }

    fn field(&self, name: &str) -> Option<&'a Node> {
        self.node
            .get(name)
            .filter(|n| !matches!(n.value, Value::Null))
    }

    fn type_problem(&mut self, name: &str, expected: &str, node: &Node) {
        self.problem(
            node.span,
            format!(
                "service {:?}: {name} must be {expected}, found {}",
                self.service,
                node.kind()
            ),
        );
    }

    fn value_problem(&mut self, name: &str, node: &Node, detail: &str) {
        self.problem(
            node.span,
            format!("service {:?}: {name}: {detail}", self.service),
        );
    }

    /// A scalar field as text.
    fn string(&mut self, name: &str) -> Option<(String, Span)> {
        let node = self.field(name)?;
        if let Some(text) = node.scalar_text() {
            Some((text, node.span))
        } else {
            self.type_problem(name, "a string", node);
            None
        }
    }

    fn boolean(&mut self, name: &str) -> Option<(bool, Span)> {
        let node = self.field(name)?;
        if let Some(b) = as_bool(node) {
            Some((b, node.span))
        } else {
            self.type_problem(name, "a boolean", node);
            None
        }
    }

    fn integer_node(&mut self, name: &str, node: &Node) -> Option<i64> {
        let n = as_int(node);
        if n.is_none() {
            self.type_problem(name, "an integer", node);
        }
        n
    }

    /// A sequence of scalars (a lone scalar counts as one item).
    fn strings_of(&mut self, name: &str, node: &Node) -> Vec<(String, Span)> {
        match &node.value {
            Value::Null => Vec::new(),
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item.scalar_text() {
                        Some(text) => out.push((text, item.span)),
                        None if matches!(item.value, Value::Null) => {}
                        None => self.type_problem(name, "a list of strings", item),
                    }
                }
                out
            }
            _ => {
                if let Some(text) = node.scalar_text() {
                    vec![(text, node.span)]
                } else {
                    self.type_problem(name, "a list of strings", node);
                    Vec::new()
                }
            }
        }
    }

    fn strings(&mut self, name: &str) -> Vec<(String, Span)> {
        match self.node.get(name) {
            Some(node) => self.strings_of(name, node),
            None => Vec::new(),
        }
    }

    /// A mapping, or a `KEY=value` list, as (key, value, span) in order.
    fn key_values(&mut self, name: &str, node: &Node) -> Vec<(String, Option<String>, Span)> {
        match &node.value {
            Value::Null => Vec::new(),
            Value::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let Some(key) = k.scalar_text() else {
                        self.type_problem(name, "a mapping with string keys", k);
                        continue;
                    };
                    let value = match &v.value {
                        Value::Null => None,
                        _ => {
                            if let Some(text) = v.scalar_text() {
                                Some(text)
                            } else {
                                self.type_problem(name, "a mapping of strings", v);
                                continue;
                            }
                        }
                    };
                    out.push((key, value, entry_span(k, v)));
                }
                out
            }
            Value::Seq(_) => self
                .strings_of(name, node)
                .into_iter()
                .map(|(text, span)| match text.split_once('=') {
                    Some((k, v)) => (k.to_owned(), Some(v.to_owned()), span),
                    None => (text, None, span),
                })
                .collect(),
            _ => {
                self.type_problem(name, "a mapping or a list", node);
                Vec::new()
            }
        }
    }

    // ---- fields ---------------------------------------------------------

    fn identity(&mut self) {
        if let Some((image, span)) = self.string("image")
            && !image.is_empty()
        {
            self.spec.image = Some(image);
            self.origins.record(SpecField::Image, span);
        }
        if let Some((user, span)) = self.string("user")
            && !user.is_empty()
        {
            self.spec.user = Some(user);
            self.origins.record(SpecField::User, span);
        }
        self.spec.name = self.ctx.container_names.get(self.service).cloned();
        if let Some(node) = self.field("container_name") {
            self.origins.record(SpecField::Name, node.span);
        }
    }

    /// A `service:<name>` reference as the other service's container.
    fn service_ref(&mut self, name: &str, target: &str, node: &Node) -> NamespaceMode {
        if let Some(container) = self.ctx.container_names.get(target) {
            NamespaceMode::Container(container.clone())
        } else {
            self.value_problem(name, node, &format!("no service named {target:?}"));
            NamespaceMode::Container(target.to_owned())
        }
    }

    fn namespace(&mut self, name: &str, field: SpecField, network: bool) -> Option<NamespaceMode> {
        let node = self.field(name)?.clone();
        let Some(raw) = node.scalar_text() else {
            self.type_problem(name, "a string", &node);
            return None;
        };
        let mode = if let Some(target) = raw.strip_prefix("service:") {
            Some(self.service_ref(name, target, &node))
        } else {
            parse_namespace(&raw, network)
        };
        if let Some(mode) = mode {
            self.origins.record(field, node.span);
            Some(mode)
        } else {
            self.value_problem(name, &node, &format!("invalid mode {raw:?}"));
            None
        }
    }

    fn namespaces(&mut self) {
        if let Some(mode) = self.namespace("pid", SpecField::Pid, false) {
            self.spec.namespaces.pid = mode;
        }
        if let Some(mode) = self.namespace("ipc", SpecField::Ipc, false) {
            self.spec.namespaces.ipc = mode;
        }
        if let Some(mode) = self.namespace("uts", SpecField::Uts, false) {
            self.spec.namespaces.uts = mode;
        }
        if let Some(mode) = self.namespace("userns_mode", SpecField::Userns, false) {
            self.spec.namespaces.userns = mode;
        }
        if let Some(node) = self.field("cgroup").cloned() {
            match node.scalar_text().as_deref() {
                Some("host") => self.spec.namespaces.cgroupns = NamespaceMode::Host,
                Some("private") => self.spec.namespaces.cgroupns = NamespaceMode::Private,
                _ => self.value_problem("cgroup", &node, "must be `host` or `private`"),
            }
            if matches!(node.scalar_text().as_deref(), Some("host" | "private")) {
                self.origins.record(SpecField::Cgroupns, node.span);
            }
        }
        if self.field("network_mode").is_some() {
            if let Some(mode) = self.namespace("network_mode", SpecField::Network, true) {
                self.spec.namespaces.network = mode;
            }
            return;
        }
        let first = match self.field("networks") {
            Some(node) => match &node.value {
                Value::Seq(items) => items
                    .first()
                    .and_then(Node::scalar_text)
                    .map(|n| (n, node.span)),
                Value::Map(entries) => entries
                    .first()
                    .and_then(|(k, _)| k.scalar_text())
                    .map(|n| (n, node.span)),
                _ => {
                    let node = node.clone();
                    self.type_problem("networks", "a list or a mapping", &node);
                    None
                }
            },
            None => None,
        };
        let (key, span) = match first {
            Some((key, span)) => (key, Some(span)),
            None => ("default".to_owned(), None),
        };
        self.spec.namespaces.network =
            NamespaceMode::Network(self.resource_name(self.ctx.networks, &key));
        if let Some(span) = span {
            self.origins.record(SpecField::Network, span);
        }
    }

    /// The docker name of a top-level network or volume `key`: its `name:`, the
    /// key itself when `external`, else `<project>_<key>`.
    fn resource_name(&self, top: Option<&Node>, key: &str) -> String {
        let entry = top.and_then(|t| t.get(key));
        if let Some(name) = entry
            .and_then(|e| e.get("name"))
            .and_then(Node::scalar_text)
        {
            return name;
        }
        let external = entry
            .and_then(|e| e.get("external"))
            .is_some_and(|e| as_bool(e) == Some(true) || matches!(e.value, Value::Map(_)));
        if external {
            key.to_owned()
        } else {
            format!("{}_{key}", self.ctx.project)
        }
    }

    fn capabilities(&mut self) {
        if let Some(node) = self.node.get("cap_add").cloned() {
            for (cap, span) in self.strings_of("cap_add", &node) {
                let cap = normalize_capability(&cap);
                if cap.is_empty() {
                    continue;
                }
                self.origins.record(SpecField::CapAdd(cap.clone()), span);
                self.spec.cap_add.insert(cap);
            }
        }
        if let Some(node) = self.node.get("cap_drop").cloned() {
            for (cap, _) in self.strings_of("cap_drop", &node) {
                let cap = normalize_capability(&cap);
                if !cap.is_empty() {
                    self.spec.cap_drop.insert(cap);
                }
            }
            if !self.spec.cap_drop.is_empty() {
                self.origins.record(SpecField::CapDrop, node.span);
            }
        }
    }

    fn push_mount(&mut self, mount: Mount, span: Span) {
        self.origins
            .record(SpecField::Mount(self.spec.mounts.len()), span);
        self.spec.mounts.push(mount);
    }

    /// A bind source: relative paths joined to the project directory, `~` to `HOME`.
    fn host_path(&self, raw: &str) -> String {
        if let Some(rest) = raw.strip_prefix('~')
            && (rest.is_empty() || rest.starts_with('/'))
        {
            return match self.ctx.vars.get("HOME") {
                Some(home) => normalize(&Path::new(home).join(rest.trim_start_matches('/'))),
                None => raw.to_owned(),
            };
        }
        if raw.starts_with('/') {
            return raw.to_owned();
        }
        normalize(&self.ctx.project_dir.join(raw))
    }

    fn mounts(&mut self) {
        if let Some(node) = self.field("volumes").cloned() {
            let items = if let Value::Seq(items) = &node.value {
                items.clone()
            } else {
                self.type_problem("volumes", "a list", &node);
                Vec::new()
            };
            for item in &items {
                match &item.value {
                    Value::Map(_) => self.long_volume(item),
                    Value::Null => {}
                    _ => match item.scalar_text() {
                        Some(text) => self.short_volume(&text, item),
                        None => self.type_problem("volumes", "a list of strings or mappings", item),
                    },
                }
            }
        }
        if let Some(node) = self.node.get("tmpfs").cloned() {
            for (entry, span) in self.strings_of("tmpfs", &node) {
                let (target, options) = entry.split_once(':').unwrap_or((&entry, ""));
                if target.is_empty() {
                    self.problem(
                        span,
                        format!("service {:?}: tmpfs: empty path", self.service),
                    );
                    continue;
                }
                let options: Vec<String> = options
                    .split(',')
                    .filter(|o| !o.is_empty())
                    .map(str::to_owned)
                    .collect();
                self.push_mount(
                    Mount {
                        kind: MountKind::Tmpfs,
                        source: None,
                        target: target.to_owned(),
                        read_only: options.iter().any(|o| o == "ro"),
                        propagation: None,
                        options,
                    },
                    span,
                );
            }
        }
        if let Some(node) = self.node.get("volumes_from").cloned() {
            for (entry, _) in self.strings_of("volumes_from", &node) {
                let resolved = if let Some(container) = entry.strip_prefix("container:") {
                    container.to_owned()
                } else {
                    let (service, mode) = match entry.split_once(':') {
                        Some((s, m)) => (s, Some(m)),
                        None => (entry.as_str(), None),
                    };
                    let container = self
                        .ctx
                        .container_names
                        .get(service)
                        .cloned()
                        .unwrap_or_else(|| service.to_owned());
                    match mode {
                        Some(mode) => format!("{container}:{mode}"),
                        None => container,
                    }
                };
                self.spec.volumes_from.push(resolved);
            }
            if !self.spec.volumes_from.is_empty() {
                self.origins.record(SpecField::VolumesFrom, node.span);
            }
        }
    }

    fn short_volume(&mut self, text: &str, item: &Node) {
        match syntax::parse_short_volume(text) {
            Ok((source, mut mount)) => {
                mount.source = match source {
                    VolumeSource::None => None,
                    VolumeSource::Path(path) => Some(self.host_path(path)),
                    VolumeSource::Named(name) => Some(self.volume_name(name, item)),
                };
                self.push_mount(mount, item.span);
            }
            Err(message) => self.value_problem("volumes", item, &message),
        }
    }

    fn volume_name(&mut self, key: &str, item: &Node) -> String {
        let declared = self.ctx.volumes.and_then(|v| v.get(key)).is_some();
        if !declared {
            self.value_problem(
                "volumes",
                item,
                &format!("named volume {key:?} is not declared in the top-level `volumes`"),
            );
        }
        self.resource_name(self.ctx.volumes, key)
    }

    fn long_volume(&mut self, item: &Node) {
        let text = |key: &str| item.get(key).and_then(Node::scalar_text);
        let Some(target) = text("target").filter(|t| !t.is_empty()) else {
            self.value_problem("volumes", item, "a volume needs a `target`");
            return;
        };
        let kind = match text("type").as_deref() {
            Some("bind") => MountKind::Bind,
            Some("volume") | None => MountKind::Volume,
            Some("tmpfs") => MountKind::Tmpfs,
            Some("npipe") => MountKind::Npipe,
            Some("cluster") => MountKind::Cluster,
            Some(other) => {
                self.value_problem("volumes", item, &format!("unknown volume type {other:?}"));
                return;
            }
        };
        let source = text("source")
            .filter(|s| !s.is_empty())
            .map(|s| match kind {
                MountKind::Bind => self.host_path(&s),
                MountKind::Volume => self.volume_name(&s, item),
                _ => s,
            });
        let read_only = item.get("read_only").and_then(as_bool).unwrap_or(false);
        let propagation = match item
            .get("bind")
            .and_then(|b| b.get("propagation"))
            .and_then(Node::scalar_text)
        {
            None => None,
            Some(raw) => {
                if let Some(p) = parse_propagation(&raw) {
                    Some(p)
                } else {
                    self.value_problem("volumes", item, &format!("invalid propagation {raw:?}"));
                    None
                }
            }
        };
        let mut options = Vec::new();
        if kind == MountKind::Tmpfs
            && let Some(tmpfs) = item.get("tmpfs")
        {
            if let Some(size) = tmpfs.get("size").and_then(Node::scalar_text) {
                options.push(format!("size={size}"));
            }
            if let Some(mode) = tmpfs.get("mode").and_then(Node::scalar_text) {
                options.push(format!("mode={mode}"));
            }
        }
        self.push_mount(
            Mount {
                kind,
                source: if kind == MountKind::Tmpfs {
                    None
                } else {
                    source
                },
                target,
                read_only,
                propagation,
                options,
            },
            item.span,
        );
    }

    fn devices(&mut self) {
        if let Some(node) = self.field("devices").cloned() {
            let items = if let Value::Seq(items) = &node.value {
                items.clone()
            } else {
                self.type_problem("devices", "a list", &node);
                Vec::new()
            };
            for item in &items {
                let device = match &item.value {
                    Value::Map(_) => {
                        let text = |key: &str| item.get(key).and_then(Node::scalar_text);
                        match text("source").filter(|s| !s.is_empty()) {
                            Some(source) => Ok(Device {
                                container_path: text("target")
                                    .filter(|t| !t.is_empty())
                                    .unwrap_or_else(|| source.clone()),
                                host_path: source,
                                permissions: text("permissions")
                                    .unwrap_or_else(|| "rwm".to_owned()),
                            }),
                            None => Err("a device needs a `source`".to_owned()),
                        }
                    }
                    _ => match item.scalar_text() {
                        Some(text) => syntax::parse_device(&text),
                        None => Err(format!(
                            "expected a string or a mapping, found {}",
                            item.kind()
                        )),
                    },
                };
                match device {
                    Ok(device) => {
                        self.origins
                            .record(SpecField::Device(self.spec.devices.len()), item.span);
                        self.spec.devices.push(device);
                    }
                    Err(message) => self.value_problem("devices", item, &message),
                }
            }
        }
        if let Some(node) = self.node.get("device_cgroup_rules").cloned() {
            for (rule, span) in self.strings_of("device_cgroup_rules", &node) {
                self.origins.record(
                    SpecField::DeviceCgroupRule(self.spec.device_cgroup_rules.len()),
                    span,
                );
                self.spec.device_cgroup_rules.push(rule);
            }
        }
    }

    fn security(&mut self) {
        if let Some(node) = self.node.get("security_opt").cloned() {
            let opts = self.strings_of("security_opt", &node);
            let mut texts = Vec::with_capacity(opts.len());
            for (opt, span) in &opts {
                // Each option alone first: one bad option must not lose the others.
                match security_options(std::slice::from_ref(opt)) {
                    Ok(_) => texts.push(opt.clone()),
                    Err(e) => self.problem(
                        *span,
                        format!("service {:?}: security_opt: {e}", self.service),
                    ),
                }
                let key = opt.split_once(['=', ':']).map_or(opt.as_str(), |(k, _)| k);
                let field = match key {
                    "seccomp" => Some(SpecField::Seccomp),
                    "apparmor" => Some(SpecField::AppArmor),
                    "label" | "disable" => Some(SpecField::SelinuxLabel),
                    "no-new-privileges" => Some(SpecField::NoNewPrivileges),
                    "systempaths" => Some(SpecField::SystemPaths),
                    _ => None,
                };
                if let Some(field) = field {
                    // The last option of a kind wins in the daemon: record the last.
                    self.origins.fields.insert(field, *span);
                }
            }
            if let Ok(parsed) = security_options(&texts) {
                self.spec.security = parsed;
            }
        }
        if let Some((read_only, span)) = self.boolean("read_only") {
            self.spec.read_only_rootfs = read_only;
            self.origins.record(SpecField::ReadOnlyRootfs, span);
        }
        if let Some((privileged, span)) = self.boolean("privileged") {
            self.spec.privileged = privileged;
            self.origins.record(SpecField::Privileged, span);
        }
    }

    fn bytes(&mut self, name: &str, node: &Node) -> Option<i64> {
        let parsed = match &node.value {
            Value::Int(n) => i64::try_from(*n).ok(),
            _ => node.scalar_text().and_then(|t| {
                if t.trim() == "-1" {
                    Some(-1)
                } else {
                    syntax::parse_bytes(&t)
                }
            }),
        };
        if parsed.is_none() {
            self.value_problem(name, node, "expected a byte size such as `512m` or `1g`");
        }
        parsed
    }

    /// `cpus` as nano CPUs.
    fn nano_cpus(&mut self, name: &str, node: &Node) -> Option<i64> {
        let cpus = match &node.value {
            #[allow(clippy::cast_precision_loss)]
            Value::Int(n) => Some(*n as f64),
            Value::Float(f) => Some(*f),
            Value::Str(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        let nano = cpus
            .map(|c| (c * 1e9).round())
            .filter(|n| n.is_finite() && *n >= 0.0 && *n < 9.2e18);
        if nano.is_none() {
            self.value_problem(name, node, "expected a number of CPUs such as `0.5`");
        }
        #[allow(clippy::cast_possible_truncation)]
        nano.map(|n| n as i64)
    }

    fn resources(&mut self) {
        let limits = self
            .node
            .get("deploy")
            .and_then(|d| d.get("resources"))
            .and_then(|r| r.get("limits"))
            .cloned();
        let reservations = self
            .node
            .get("deploy")
            .and_then(|d| d.get("resources"))
            .and_then(|r| r.get("reservations"))
            .cloned();
        let limit = |name: &str| {
            limits
                .as_ref()
                .and_then(|l| l.get(name))
                .filter(|n| !matches!(n.value, Value::Null))
                .cloned()
        };

        let memory = self.field("mem_limit").cloned().or_else(|| limit("memory"));
        if let Some(node) = memory
            && let Some(bytes) = self.bytes("mem_limit", &node)
        {
            self.spec.resources.memory = Some(bytes).filter(|b| *b != 0);
            self.origins.record(SpecField::Memory, node.span);
        }
        if let Some(node) = self.field("memswap_limit").cloned()
            && let Some(bytes) = self.bytes("memswap_limit", &node)
        {
            self.spec.resources.memory_swap = Some(bytes).filter(|b| *b != 0);
        }
        let reservation = self.field("mem_reservation").cloned().or_else(|| {
            reservations
                .as_ref()
                .and_then(|r| r.get("memory"))
                .filter(|n| !matches!(n.value, Value::Null))
                .cloned()
        });
        if let Some(node) = reservation
            && let Some(bytes) = self.bytes("mem_reservation", &node)
        {
            self.spec.resources.memory_reservation = Some(bytes).filter(|b| *b != 0);
        }
        let cpus = self.field("cpus").cloned().or_else(|| limit("cpus"));
        if let Some(node) = cpus
            && let Some(nano) = self.nano_cpus("cpus", &node)
        {
            self.spec.resources.nano_cpus = Some(nano).filter(|n| *n != 0);
            self.origins.record(SpecField::Cpu, node.span);
        }
        if let Some(node) = self.field("cpu_shares").cloned()
            && let Some(n) = self.integer_node("cpu_shares", &node)
        {
            self.spec.resources.cpu_shares = Some(n).filter(|n| *n != 0);
            self.origins.record(SpecField::Cpu, node.span);
        }
        for name in ["cpu_quota", "cpu_period"] {
            if let Some(node) = self.field(name).cloned() {
                let micros = match &node.value {
                    Value::Int(n) => i64::try_from(*n).ok(),
                    _ => node.scalar_text().and_then(|t| syntax::parse_micros(&t)),
                };
                match micros {
                    Some(n) => {
                        let n = Some(n).filter(|n| *n != 0);
                        if name == "cpu_quota" {
                            self.spec.resources.cpu_quota = n;
                        } else {
                            self.spec.resources.cpu_period = n;
                        }
                        self.origins.record(SpecField::Cpu, node.span);
                    }
                    None => self.value_problem(name, &node, "expected microseconds or a duration"),
                }
            }
        }
        if let Some((cpuset, span)) = self.string("cpuset")
            && !cpuset.is_empty()
        {
            self.spec.resources.cpuset_cpus = Some(cpuset);
            self.origins.record(SpecField::Cpu, span);
        }
        let pids = self.field("pids_limit").cloned().or_else(|| limit("pids"));
        if let Some(node) = pids
            && let Some(n) = self.integer_node("pids_limit", &node)
        {
            self.spec.resources.pids_limit = Some(n).filter(|n| *n > 0);
            self.origins.record(SpecField::Pids, node.span);
        }
        if let Some(node) = self.field("ulimits").cloned() {
            let Some(entries) = node.as_map() else {
                self.type_problem("ulimits", "a mapping", &node);
                return;
            };
            for (key, value) in entries {
                let Some(name) = key.scalar_text() else {
                    continue;
                };
                let limits = match &value.value {
                    Value::Map(_) => {
                        match (
                            value.get("soft").and_then(as_int),
                            value.get("hard").and_then(as_int),
                        ) {
                            (Some(soft), Some(hard)) => Some((soft, hard)),
                            _ => None,
                        }
                    }
                    _ => as_int(value).map(|n| (n, n)),
                };
                match limits {
                    Some((soft, hard)) => {
                        self.origins.record(
                            SpecField::Ulimit(self.spec.ulimits.len()),
                            entry_span(key, value),
                        );
                        self.spec.ulimits.push(Ulimit { name, soft, hard });
                    }
                    None => self.value_problem(
                        "ulimits",
                        value,
                        &format!("{name}: expected a number or `soft` and `hard` numbers"),
                    ),
                }
            }
        }
    }

    fn ports(&mut self) {
        let mut bindings: Vec<(PortBinding, Span)> = Vec::new();
        if let Some(node) = self.field("ports").cloned() {
            let items = if let Value::Seq(items) = &node.value {
                items.clone()
            } else {
                self.type_problem("ports", "a list", &node);
                Vec::new()
            };
            for item in &items {
                let parsed = match &item.value {
                    Value::Map(_) => long_port(item),
                    _ => match item.scalar_text() {
                        Some(text) => syntax::parse_port(&text),
                        None => Err(format!(
                            "expected a string or a mapping, found {}",
                            item.kind()
                        )),
                    },
                };
                match parsed {
                    Ok(list) => bindings.extend(list.into_iter().map(|b| (b, item.span))),
                    Err(message) => self.value_problem("ports", item, &message),
                }
            }
        }
        bindings.sort_by(|a, b| a.0.cmp(&b.0));
        for (binding, span) in bindings {
            self.origins
                .record(SpecField::Port(self.spec.ports.len()), span);
            self.spec.exposed_ports.insert(crate::ExposedPort {
                port: binding.container_port,
                protocol: binding.protocol,
            });
            self.spec.ports.push(binding);
        }
        if let Some(node) = self.node.get("expose").cloned() {
            for (entry, span) in self.strings_of("expose", &node) {
                match syntax::parse_expose(&entry) {
                    Ok(ports) => self.spec.exposed_ports.extend(ports),
                    Err(message) => self.problem(
                        span,
                        format!("service {:?}: expose: {message}", self.service),
                    ),
                }
            }
        }
    }

    fn misc(&mut self) {
        if let Some(node) = self.field("restart").cloned() {
            match node
                .scalar_text()
                .as_deref()
                .and_then(syntax::parse_restart)
            {
                Some(policy) => {
                    self.spec.restart = policy;
                    self.origins.record(SpecField::Restart, node.span);
                }
                None => self.value_problem(
                    "restart",
                    &node,
                    "expected `no`, `always`, `on-failure[:N]` or `unless-stopped`",
                ),
            }
        } else if let Some(policy) = self
            .node
            .get("deploy")
            .and_then(|d| d.get("restart_policy"))
            .cloned()
        {
            let condition = policy.get("condition").and_then(Node::scalar_text);
            let name = match condition.as_deref() {
                None | Some("any") => Some(RestartPolicyName::Always),
                Some("on-failure") => Some(RestartPolicyName::OnFailure),
                Some("none") => Some(RestartPolicyName::No),
                Some(_) => None,
            };
            match name {
                Some(name) => {
                    self.spec.restart = RestartPolicy {
                        name,
                        max_retries: policy.get("max_attempts").and_then(as_int).unwrap_or(0),
                    };
                    self.origins.record(SpecField::Restart, policy.span);
                }
                None => self.value_problem(
                    "deploy.restart_policy",
                    &policy,
                    "condition must be `none`, `on-failure` or `any`",
                ),
            }
        }
        if let Some(node) = self.field("healthcheck").cloned() {
            self.healthcheck(&node);
        }
        if let Some((parent, span)) = self.string("cgroup_parent")
            && !parent.is_empty()
        {
            self.spec.cgroup_parent = Some(parent);
            self.origins.record(SpecField::CgroupParent, span);
        }
        if let Some((disable, span)) = self.boolean("oom_kill_disable") {
            self.spec.oom_kill_disable = disable;
            self.origins.record(SpecField::OomKillDisable, span);
        }
        if let Some((init, _)) = self.boolean("init") {
            self.spec.init = Some(init);
        }
        if let Some((runtime, span)) = self.string("runtime")
            && !runtime.is_empty()
        {
            self.spec.runtime = Some(runtime);
            self.origins.record(SpecField::Runtime, span);
        }
        if let Some(node) = self.field("sysctls").cloned() {
            for (name, value, span) in self.key_values("sysctls", &node) {
                self.origins.record(SpecField::Sysctl(name.clone()), span);
                self.spec.sysctls.insert(name, value.unwrap_or_default());
            }
        }
        if let Some(node) = self.field("labels").cloned() {
            for (name, value, _) in self.key_values("labels", &node) {
                self.spec.labels.insert(name, value.unwrap_or_default());
            }
            self.origins.record(SpecField::Labels, node.span);
        }
        if let Some(logging) = self.field("logging").cloned()
            && let Some(driver) = logging
                .get("driver")
                .filter(|d| !matches!(d.value, Value::Null))
        {
            match driver.scalar_text() {
                Some(name) if !name.is_empty() => {
                    self.spec.log_driver = Some(name);
                    self.origins.record(SpecField::LogDriver, driver.span);
                }
                _ => self.type_problem("logging.driver", "a string", driver),
            }
        }
    }

    fn healthcheck(&mut self, node: &Node) {
        if node.get("disable").and_then(as_bool) == Some(true) {
            self.spec.healthcheck = Healthcheck::Disabled;
            self.origins.record(SpecField::Healthcheck, node.span);
            return;
        }
        let Some(test) = node.get("test").filter(|t| !matches!(t.value, Value::Null)) else {
            return;
        };
        let words: Vec<String> = match &test.value {
            Value::Seq(_) => self
                .strings_of("healthcheck.test", test)
                .into_iter()
                .map(|(w, _)| w)
                .collect(),
            _ => {
                if let Some(command) = test.scalar_text() {
                    vec!["CMD-SHELL".to_owned(), command]
                } else {
                    self.type_problem("healthcheck.test", "a string or a list", test);
                    return;
                }
            }
        };
        self.spec.healthcheck = match words.first().map(String::as_str) {
            None => return,
            Some("NONE") => Healthcheck::Disabled,
            Some(_) => Healthcheck::Configured(words),
        };
        self.origins.record(SpecField::Healthcheck, test.span);
    }

    fn environment(&mut self) {
        if let Some(node) = self.field("env_file") {
            let span = node.span;
            self.problem(
                span,
                format!(
                    "service {:?}: env_file is not read (no file access): its variables are not in the spec",
                    self.service
                ),
            );
        }
        if let Some(node) = self.field("environment").cloned() {
            for (name, value, span) in self.key_values("environment", &node) {
                let value = value.or_else(|| self.ctx.vars.get(&name).map(str::to_owned));
                self.origins
                    .record(SpecField::Env(self.spec.env.len()), span);
                self.spec.env.push(EnvVar { name, value });
            }
        }
    }
}

/// A long-syntax port: `target`, `published`, `host_ip`, `protocol`.
fn long_port(item: &Node) -> Result<Vec<PortBinding>, String> {
    let text = |key: &str| item.get(key).and_then(Node::scalar_text);
    let target = text("target").ok_or("a port needs a `target`")?;
    let protocol = match text("protocol") {
        Some(p) => syntax::parse_protocol(&p).ok_or(format!("invalid protocol {p:?}"))?,
        None => crate::Protocol::Tcp,
    };
    let (start, end) =
        syntax::parse_range(&target).ok_or(format!("invalid target port {target:?}"))?;
    if usize::from(end - start) >= syntax::MAX_PORTS_PER_ENTRY {
        return Err(format!("port range {target:?} is too long"));
    }
    let published = text("published").filter(|p| !p.is_empty());
    if let Some(p) = &published
        && syntax::parse_range(p).is_none()
    {
        return Err(format!("invalid published port {p:?}"));
    }
    let host_ip = text("host_ip").filter(|ip| !ip.is_empty());
    Ok((start..=end)
        .map(|port| PortBinding {
            container_port: port,
            protocol,
            host_ip: host_ip.clone(),
            host_port: published.clone(),
        })
        .collect())
}
