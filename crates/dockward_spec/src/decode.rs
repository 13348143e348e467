//! Reading Engine API fields from a [`Json`] tree into a [`ContainerSpec`].
//!
//! `docker inspect` nests the container configuration under `Config`; a create
//! body has the same fields at the top level (Go embeds `*container.Config`).
//! Both carry `HostConfig`. Every lookup follows Go's decoding rules
//! (see the `json` module), which for `docker inspect` output (unique, exact
//! keys) reduces to plain lookups.

use std::collections::{BTreeMap, BTreeSet};

use crate::json::{Json, Obj};
use crate::{
    AppArmorProfile, ContainerSpec, Device, EnvVar, ExposedPort, Healthcheck, Mount, MountKind,
    NamespaceMode, Namespaces, PortBinding, Propagation, Protocol, Resources, RestartPolicy,
    RestartPolicyName, SeccompProfile, SecurityOptions, SpecError, Ulimit, normalize_capability,
};

type Result<T> = std::result::Result<T, SpecError>;

/// Builds a spec from a `GET /containers/{id}/json` object.
pub(crate) fn from_inspect(tree: &Json) -> Result<ContainerSpec> {
    let top = top_object(tree)?;
    let config = object(&top, "Config", "Config", false)?.unwrap_or_default();
    let host = object(&top, "HostConfig", "HostConfig", true)?.unwrap_or_default();
    let name = string(&top, "Name", "Name")?.map(|n| n.trim_start_matches('/').to_owned());
    let id = string(&top, "Id", "Id")?;
    build(&config, "Config.", &host, name, id)
}

/// Builds a spec from a `POST /containers/create` body.
pub(crate) fn from_create(tree: &Json, name: Option<&str>) -> Result<ContainerSpec> {
    let top = top_object(tree)?;
    let host = object(&top, "HostConfig", "HostConfig", true)?.unwrap_or_default();
    let name = name
        .filter(|n| !n.is_empty())
        .map(|n| n.trim_start_matches('/').to_owned());
    build(&top, "", &host, name, None)
}

fn top_object(tree: &Json) -> Result<Obj<'_>> {
    match tree {
        Json::Object(entries) => Ok(Obj::of(entries)),
        other => Err(SpecError::NotAnObject(other.kind())),
    }
}

fn build(
    config: &Obj<'_>,
    cprefix: &str,
    host: &Obj<'_>,
    name: Option<String>,
    id: Option<String>,
) -> Result<ContainerSpec> {
    let c = |field: &str| format!("{cprefix}{field}");
    let h = |field: &str| format!("HostConfig.{field}");
    let restart = object(host, "RestartPolicy", &h("RestartPolicy"), false)?.unwrap_or_default();
    let log = object(host, "LogConfig", &h("LogConfig"), false)?.unwrap_or_default();
    Ok(ContainerSpec {
        name,
        id,
        image: non_empty(string(config, "Image", &c("Image"))?),
        user: non_empty(string(config, "User", &c("User"))?),
        privileged: boolean(host, "Privileged", &h("Privileged"))?.unwrap_or(false),
        cap_add: capabilities(host, "CapAdd")?,
        cap_drop: capabilities(host, "CapDrop")?,
        namespaces: Namespaces {
            pid: namespace(host, "PidMode", false)?,
            ipc: namespace(host, "IpcMode", false)?,
            uts: namespace(host, "UTSMode", false)?,
            network: namespace(host, "NetworkMode", true)?,
            userns: namespace(host, "UsernsMode", false)?,
            cgroupns: namespace(host, "CgroupnsMode", false)?,
        },
        mounts: mounts(host, config, &c("Volumes"))?,
        volumes_from: strings(host, "VolumesFrom", &h("VolumesFrom"))?,
        devices: devices(host)?,
        device_cgroup_rules: strings(host, "DeviceCgroupRules", &h("DeviceCgroupRules"))?,
        security: {
            let mut security = security_options(&strings(host, "SecurityOpt", &h("SecurityOpt"))?)?;
            // The CLI turns `systempaths=unconfined` into empty MaskedPaths and
            // ReadonlyPaths; the daemon masks nothing when MaskedPaths is `[]`.
            strings(host, "MaskedPaths", &h("MaskedPaths"))?;
            if matches!(host.matches("MaskedPaths").last(), Some(Json::Array(items)) if items.is_empty())
            {
                security.systempaths_unconfined = true;
            }
            security
        },
        read_only_rootfs: boolean(host, "ReadonlyRootfs", &h("ReadonlyRootfs"))?.unwrap_or(false),
        resources: resources(host)?,
        ulimits: ulimits(host)?,
        sysctls: string_map(host, "Sysctls", &h("Sysctls"))?,
        ports: ports(host)?,
        exposed_ports: exposed_ports(config, &c("ExposedPorts"))?,
        publish_all_ports: boolean(host, "PublishAllPorts", &h("PublishAllPorts"))?
            .unwrap_or(false),
        restart: RestartPolicy {
            name: restart_name(
                string(&restart, "Name", "HostConfig.RestartPolicy.Name")?.as_deref(),
            )?,
            max_retries: integer(
                &restart,
                "MaximumRetryCount",
                "HostConfig.RestartPolicy.MaximumRetryCount",
            )?
            .unwrap_or(0),
        },
        healthcheck: healthcheck(config, &c("Healthcheck"))?,
        cgroup_parent: non_empty(string(host, "CgroupParent", &h("CgroupParent"))?),
        oom_kill_disable: boolean(host, "OomKillDisable", &h("OomKillDisable"))?.unwrap_or(false),
        init: boolean(host, "Init", &h("Init"))?,
        runtime: non_empty(string(host, "Runtime", &h("Runtime"))?),
        env: strings(config, "Env", &c("Env"))?
            .into_iter()
            .map(|entry| match entry.split_once('=') {
                Some((name, value)) => EnvVar {
                    name: name.to_owned(),
                    value: Some(value.to_owned()),
                },
                None => EnvVar {
                    name: entry,
                    value: None,
                },
            })
            .collect(),
        labels: string_map(config, "Labels", &c("Labels"))?,
        log_driver: non_empty(string(&log, "Type", "HostConfig.LogConfig.Type")?),
    })
}

// ---- typed field readers -------------------------------------------------

fn type_error(path: &str, expected: &'static str, found: &Json) -> SpecError {
    SpecError::Type {
        field: path.to_owned(),
        expected,
        found: found.kind(),
    }
}

fn value_error(path: &str, value: &str) -> SpecError {
    SpecError::Value {
        field: path.to_owned(),
        value: value.to_owned(),
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

/// A struct (`nullable = false`) or pointer/map (`nullable = true`) field.
fn object<'a>(obj: &Obj<'a>, field: &str, path: &str, nullable: bool) -> Result<Option<Obj<'a>>> {
    let found = if nullable {
        obj.nullable_object(field)
    } else {
        obj.struct_field(field)
    };
    found.map_err(|bad| type_error(path, "object", bad))
}

/// Go decodes every occurrence of a duplicated key, and one of the wrong type
/// fails the whole request even when a later occurrence is fine.
fn check_all(
    obj: &Obj<'_>,
    field: &str,
    path: &str,
    expected: &'static str,
    ok: fn(&Json) -> bool,
) -> Result<()> {
    match obj
        .matches(field)
        .find(|v| !matches!(v, Json::Null) && !ok(v))
    {
        Some(bad) => Err(type_error(path, expected, bad)),
        None => Ok(()),
    }
}

fn string(obj: &Obj<'_>, field: &str, path: &str) -> Result<Option<String>> {
    check_all(obj, field, path, "string", |v| matches!(v, Json::String(_)))?;
    match obj.scalar(field) {
        None => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(type_error(path, "string", other)),
    }
}

fn boolean(obj: &Obj<'_>, field: &str, path: &str) -> Result<Option<bool>> {
    check_all(obj, field, path, "boolean", |v| matches!(v, Json::Bool(_)))?;
    match obj.scalar(field) {
        None => Ok(None),
        Some(Json::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(type_error(path, "boolean", other)),
    }
}

fn integer(obj: &Obj<'_>, field: &str, path: &str) -> Result<Option<i64>> {
    check_all(
        obj,
        field,
        path,
        "integer",
        |v| matches!(v, Json::Number(n) if n.as_i64().is_some()),
    )?;
    match obj.scalar(field) {
        None => Ok(None),
        Some(Json::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| value_error(path, &n.to_string())),
        Some(other) => Err(type_error(path, "integer", other)),
    }
}

/// A non-zero integer: the API's `0` means "not set".
fn limit(obj: &Obj<'_>, field: &str) -> Result<Option<i64>> {
    Ok(integer(obj, field, &format!("HostConfig.{field}"))?.filter(|n| *n != 0))
}

fn string_item(item: &Json, path: &str) -> Result<String> {
    match item {
        // Go leaves a string element at its zero value on `null`.
        Json::Null => Ok(String::new()),
        Json::String(s) => Ok(s.clone()),
        other => Err(type_error(path, "string", other)),
    }
}

fn strings(obj: &Obj<'_>, field: &str, path: &str) -> Result<Vec<String>> {
    check_all(
        obj,
        field,
        path,
        "array of strings",
        |v| matches!(v, Json::Array(items) if items.iter().all(|i| matches!(i, Json::Null | Json::String(_)))),
    )?;
    let elements = obj
        .slice(field)
        .map_err(|bad| type_error(path, "array", bad))?;
    // A string element keeps its previous value on `null` and starts as "".
    elements
        .iter()
        .map(|values| {
            values
                .iter()
                .rev()
                .find(|v| !matches!(v, Json::Null))
                .map_or(Ok(String::new()), |v| string_item(v, path))
        })
        .collect()
}

fn objects<'a>(obj: &Obj<'a>, field: &str, path: &str) -> Result<Vec<Obj<'a>>> {
    check_all(
        obj,
        field,
        path,
        "array of objects",
        |v| matches!(v, Json::Array(items) if items.iter().all(|i| matches!(i, Json::Null | Json::Object(_)))),
    )?;
    let elements = obj
        .slice(field)
        .map_err(|bad| type_error(path, "array", bad))?;
    // A struct element merges every object decoded into it; `null` leaves it.
    Ok(elements
        .iter()
        .map(|values| {
            let mut merged = Obj::default();
            for value in values {
                if let Json::Object(entries) = value {
                    merged.extend(entries.as_slice());
                }
            }
            merged
        })
        .collect())
}

fn string_map(obj: &Obj<'_>, field: &str, path: &str) -> Result<BTreeMap<String, String>> {
    let Some(map) = object(obj, field, path, true)? else {
        return Ok(BTreeMap::new());
    };
    map.map_entries()
        .into_iter()
        .map(|(k, v)| Ok((k.to_owned(), string_item(v, path)?)))
        .collect()
}

// ---- field groups ----------------------------------------------------------

fn capabilities(host: &Obj<'_>, field: &str) -> Result<BTreeSet<String>> {
    Ok(strings(host, field, &format!("HostConfig.{field}"))?
        .iter()
        .map(|c| normalize_capability(c))
        .filter(|c| !c.is_empty())
        .collect())
}

fn namespace(host: &Obj<'_>, field: &str, network: bool) -> Result<NamespaceMode> {
    let path = format!("HostConfig.{field}");
    let raw = string(host, field, &path)?.unwrap_or_default();
    parse_namespace(&raw, network).ok_or_else(|| value_error(&path, &raw))
}

/// Parses a namespace mode; `None` for a value the daemon rejects.
pub(crate) fn parse_namespace(raw: &str, network: bool) -> Option<NamespaceMode> {
    if let Some(target) = raw.strip_prefix("container:") {
        return (!target.is_empty()).then(|| NamespaceMode::Container(target.to_owned()));
    }
    Some(match raw {
        "" => NamespaceMode::Default,
        "host" => NamespaceMode::Host,
        "none" => NamespaceMode::None,
        "default" if network => NamespaceMode::Default,
        _ if network => NamespaceMode::Network(raw.to_owned()),
        "private" => NamespaceMode::Private,
        "shareable" => NamespaceMode::Shareable,
        _ => return None,
    })
}

pub(crate) fn parse_propagation(raw: &str) -> Option<Propagation> {
    Some(match raw {
        "private" => Propagation::Private,
        "rprivate" => Propagation::Rprivate,
        "shared" => Propagation::Shared,
        "rshared" => Propagation::Rshared,
        "slave" => Propagation::Slave,
        "rslave" => Propagation::Rslave,
        _ => return None,
    })
}

fn mounts(host: &Obj<'_>, config: &Obj<'_>, volumes_path: &str) -> Result<Vec<Mount>> {
    let mut out = Vec::new();
    for bind in strings(host, "Binds", "HostConfig.Binds")? {
        out.push(parse_bind(&bind).ok_or_else(|| value_error("HostConfig.Binds", &bind))?);
    }
    for m in objects(host, "Mounts", "HostConfig.Mounts")? {
        out.push(api_mount(&m)?);
    }
    for (target, options) in string_map(host, "Tmpfs", "HostConfig.Tmpfs")? {
        let options: Vec<String> = options
            .split(',')
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect();
        out.push(Mount {
            kind: MountKind::Tmpfs,
            source: None,
            read_only: options.iter().any(|o| o == "ro"),
            target,
            propagation: None,
            options,
        });
    }
    // `Config.Volumes` (`-v /path`, image VOLUMEs in inspect): anonymous volumes,
    // unless another mount already covers the target.
    if let Some(volumes) = object(config, "Volumes", volumes_path, true)? {
        for (target, _) in volumes.map_entries() {
            if !out.iter().any(|m| m.target == target) {
                out.push(Mount {
                    kind: MountKind::Volume,
                    source: None,
                    target: target.to_owned(),
                    read_only: false,
                    propagation: None,
                    options: Vec::new(),
                });
            }
        }
    }
    Ok(out)
}

/// Parses a Linux `HostConfig.Binds` entry: `source:target[:options]`, where a
/// source that is not an absolute path names a volume.
fn parse_bind(raw: &str) -> Option<Mount> {
    let parts: Vec<&str> = raw.split(':').collect();
    let (source, target, options) = match parts.as_slice() {
        [target] => (None, *target, ""),
        [source, target] => (Some(*source), *target, ""),
        [source, target, options] => (Some(*source), *target, *options),
        _ => return None,
    };
    if target.is_empty() || source.is_some_and(str::is_empty) {
        return None;
    }
    let options: Vec<String> = options
        .split(',')
        .filter(|o| !o.is_empty())
        .map(str::to_owned)
        .collect();
    let kind = match source {
        Some(s) if s.starts_with('/') => MountKind::Bind,
        _ => MountKind::Volume,
    };
    Some(Mount {
        kind,
        source: source.map(str::to_owned),
        target: target.to_owned(),
        read_only: options.iter().any(|o| o == "ro"),
        propagation: options.iter().rev().find_map(|o| parse_propagation(o)),
        options,
    })
}

/// One `HostConfig.Mounts[]` entry (the `--mount` API form).
fn api_mount(m: &Obj<'_>) -> Result<Mount> {
    const P: &str = "HostConfig.Mounts";
    let kind_raw = string(m, "Type", &format!("{P}.Type"))?.unwrap_or_default();
    let kind = match kind_raw.as_str() {
        "bind" => MountKind::Bind,
        "volume" => MountKind::Volume,
        "tmpfs" => MountKind::Tmpfs,
        "npipe" => MountKind::Npipe,
        "cluster" => MountKind::Cluster,
        _ => return Err(value_error(&format!("{P}.Type"), &kind_raw)),
    };
    let bind_options =
        object(m, "BindOptions", &format!("{P}.BindOptions"), true)?.unwrap_or_default();
    let propagation_raw = string(
        &bind_options,
        "Propagation",
        &format!("{P}.BindOptions.Propagation"),
    )?
    .unwrap_or_default();
    let propagation = if propagation_raw.is_empty() {
        None
    } else {
        Some(parse_propagation(&propagation_raw).ok_or_else(|| {
            value_error(&format!("{P}.BindOptions.Propagation"), &propagation_raw)
        })?)
    };
    Ok(Mount {
        kind,
        source: non_empty(string(m, "Source", &format!("{P}.Source"))?),
        target: string(m, "Target", &format!("{P}.Target"))?.unwrap_or_default(),
        read_only: boolean(m, "ReadOnly", &format!("{P}.ReadOnly"))?.unwrap_or(false),
        propagation,
        options: Vec::new(),
    })
}

fn devices(host: &Obj<'_>) -> Result<Vec<Device>> {
    const P: &str = "HostConfig.Devices";
    objects(host, "Devices", P)?
        .iter()
        .map(|d| {
            Ok(Device {
                host_path: string(d, "PathOnHost", &format!("{P}.PathOnHost"))?.unwrap_or_default(),
                container_path: string(d, "PathInContainer", &format!("{P}.PathInContainer"))?
                    .unwrap_or_default(),
                permissions: string(d, "CgroupPermissions", &format!("{P}.CgroupPermissions"))?
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Parses `HostConfig.SecurityOpt` as the daemon does: `key=value`, or the
/// legacy `key:value`; bare `no-new-privileges` and `disable`; later options
/// override earlier ones.
pub(crate) fn security_options(opts: &[String]) -> Result<SecurityOptions> {
    const P: &str = "HostConfig.SecurityOpt";
    let mut out = SecurityOptions::default();
    for opt in opts {
        match opt.as_str() {
            "no-new-privileges" => {
                out.no_new_privileges = true;
                continue;
            }
            "disable" => {
                out.selinux_disabled = true;
                continue;
            }
            _ => {}
        }
        let Some((key, value)) = opt.split_once('=').or_else(|| opt.split_once(':')) else {
            out.other.push(opt.clone());
            continue;
        };
        match key {
            "label" if value == "disable" => out.selinux_disabled = true,
            "label" => out.selinux_labels.push(value.to_owned()),
            "apparmor" => {
                out.apparmor = match value {
                    "" => AppArmorProfile::Default,
                    "unconfined" => AppArmorProfile::Unconfined,
                    name => AppArmorProfile::Named(name.to_owned()),
                }
            }
            "seccomp" => {
                out.seccomp = match value {
                    "" => SeccompProfile::Default,
                    "unconfined" => SeccompProfile::Unconfined,
                    "builtin" => SeccompProfile::Builtin,
                    profile => SeccompProfile::Custom(profile.to_owned()),
                }
            }
            "no-new-privileges" => {
                out.no_new_privileges = parse_go_bool(value).ok_or_else(|| value_error(P, opt))?;
            }
            "systempaths" if value == "unconfined" => out.systempaths_unconfined = true,
            _ => out.other.push(opt.clone()),
        }
    }
    Ok(out)
}

/// Go's `strconv.ParseBool`.
fn parse_go_bool(raw: &str) -> Option<bool> {
    match raw {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

fn resources(host: &Obj<'_>) -> Result<Resources> {
    Ok(Resources {
        memory: limit(host, "Memory")?,
        memory_swap: limit(host, "MemorySwap")?,
        memory_reservation: limit(host, "MemoryReservation")?,
        pids_limit: limit(host, "PidsLimit")?.filter(|n| *n > 0),
        cpu_shares: limit(host, "CpuShares")?,
        cpu_quota: limit(host, "CpuQuota")?,
        cpu_period: limit(host, "CpuPeriod")?,
        nano_cpus: limit(host, "NanoCpus")?,
        cpuset_cpus: non_empty(string(host, "CpusetCpus", "HostConfig.CpusetCpus")?),
        cpuset_mems: non_empty(string(host, "CpusetMems", "HostConfig.CpusetMems")?),
    })
}

fn ulimits(host: &Obj<'_>) -> Result<Vec<Ulimit>> {
    const P: &str = "HostConfig.Ulimits";
    objects(host, "Ulimits", P)?
        .iter()
        .map(|u| {
            Ok(Ulimit {
                name: string(u, "Name", &format!("{P}.Name"))?.unwrap_or_default(),
                soft: integer(u, "Soft", &format!("{P}.Soft"))?.unwrap_or(0),
                hard: integer(u, "Hard", &format!("{P}.Hard"))?.unwrap_or(0),
            })
        })
        .collect()
}

fn ports(host: &Obj<'_>) -> Result<Vec<PortBinding>> {
    const P: &str = "HostConfig.PortBindings";
    let Some(map) = object(host, "PortBindings", P, true)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (key, bindings) in map.map_entries() {
        let ExposedPort {
            port: container_port,
            protocol,
        } = parse_port_key(key).ok_or_else(|| value_error(P, key))?;
        let items = match bindings {
            Json::Null => continue,
            Json::Array(items) => items,
            other => return Err(type_error(P, "array", other)),
        };
        for item in items {
            let binding = match item {
                Json::Null => Obj::default(),
                Json::Object(entries) => Obj::of(entries),
                other => return Err(type_error(P, "object", other)),
            };
            out.push(PortBinding {
                container_port,
                protocol,
                host_ip: non_empty(string(&binding, "HostIp", &format!("{P}.HostIp"))?),
                host_port: non_empty(string(&binding, "HostPort", &format!("{P}.HostPort"))?),
            });
        }
    }
    out.sort();
    Ok(out)
}

/// Parses a port key, `port[-end][/proto]` (protocol `tcp` when absent).
pub(crate) fn parse_port_key(key: &str) -> Option<ExposedPort> {
    let (port, proto) = key.split_once('/').unwrap_or((key, "tcp"));
    let first = port.split('-').next().unwrap_or_default();
    let port: u16 = first.parse().ok()?;
    let protocol = match proto.to_ascii_lowercase().as_str() {
        "tcp" | "" => Protocol::Tcp,
        "udp" => Protocol::Udp,
        "sctp" => Protocol::Sctp,
        _ => return None,
    };
    Some(ExposedPort { port, protocol })
}

fn exposed_ports(config: &Obj<'_>, path: &str) -> Result<BTreeSet<ExposedPort>> {
    let Some(map) = object(config, "ExposedPorts", path, true)? else {
        return Ok(BTreeSet::new());
    };
    map.map_entries()
        .into_iter()
        .map(|(key, _)| parse_port_key(key).ok_or_else(|| value_error(path, key)))
        .collect()
}

fn restart_name(raw: Option<&str>) -> Result<RestartPolicyName> {
    Ok(match raw.unwrap_or_default() {
        "" | "no" => RestartPolicyName::No,
        "always" => RestartPolicyName::Always,
        "unless-stopped" => RestartPolicyName::UnlessStopped,
        "on-failure" => RestartPolicyName::OnFailure,
        other => return Err(value_error("HostConfig.RestartPolicy.Name", other)),
    })
}

fn healthcheck(config: &Obj<'_>, path: &str) -> Result<Healthcheck> {
    let Some(hc) = object(config, "Healthcheck", path, true)? else {
        return Ok(Healthcheck::None);
    };
    let test = strings(&hc, "Test", &format!("{path}.Test"))?;
    Ok(match test.first().map(String::as_str) {
        None => Healthcheck::None,
        Some("NONE") => Healthcheck::Disabled,
        Some(_) => Healthcheck::Configured(test),
    })
}
