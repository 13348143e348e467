//! Where the parts of a [`ContainerSpec`](crate::ContainerSpec) came from, so a
//! finding about one field can point at the text that set it.

use std::collections::BTreeMap;

use dockward_diagnostics::Span;

/// A part of a `ContainerSpec` a finding can be about.
///
/// Builders that read source text (the compose loader) record a [`Span`] per
/// field in [`SpecOrigins`]; for the others (inspect, create bodies)
/// [`SpecField::api_path`] names the Engine API field instead.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpecField {
    /// The container's name.
    Name,
    /// `image`.
    Image,
    /// `user`.
    User,
    /// `privileged`.
    Privileged,
    /// One added capability, normalized (`SYS_ADMIN`).
    CapAdd(String),
    /// The dropped capabilities.
    CapDrop,
    /// `pid`.
    Pid,
    /// `ipc`.
    Ipc,
    /// `uts`.
    Uts,
    /// `network_mode`.
    Network,
    /// `userns_mode`.
    Userns,
    /// `cgroup` (the cgroup namespace mode).
    Cgroupns,
    /// `mounts[i]` of the spec.
    Mount(usize),
    /// `volumes_from`.
    VolumesFrom,
    /// `devices[i]` of the spec.
    Device(usize),
    /// `device_cgroup_rules[i]` of the spec.
    DeviceCgroupRule(usize),
    /// `seccomp=` in the security options.
    Seccomp,
    /// `apparmor=` in the security options.
    AppArmor,
    /// `label=` in the security options.
    SelinuxLabel,
    /// `no-new-privileges` in the security options.
    NoNewPrivileges,
    /// `systempaths=unconfined` in the security options.
    SystemPaths,
    /// `read_only`.
    ReadOnlyRootfs,
    /// The memory limit.
    Memory,
    /// The CPU limits (any of them).
    Cpu,
    /// The PIDs limit.
    Pids,
    /// `ulimits[i]` of the spec.
    Ulimit(usize),
    /// One sysctl, by name.
    Sysctl(String),
    /// `ports[i]` of the spec.
    Port(usize),
    /// Publish all exposed ports (`-P`).
    PublishAllPorts,
    /// The restart policy.
    Restart,
    /// The healthcheck.
    Healthcheck,
    /// `cgroup_parent`.
    CgroupParent,
    /// `oom_kill_disable`.
    OomKillDisable,
    /// `runtime`.
    Runtime,
    /// `env[i]` of the spec.
    Env(usize),
    /// The labels.
    Labels,
    /// The log driver.
    LogDriver,
}

impl SpecField {
    /// The Engine API field this part of the spec comes from, e.g.
    /// `HostConfig.Privileged` or `HostConfig.Binds/Mounts[2]`.
    #[must_use]
    pub fn api_path(&self) -> String {
        match self {
            SpecField::Name => "Name".to_owned(),
            SpecField::Image => "Config.Image".to_owned(),
            SpecField::User => "Config.User".to_owned(),
            SpecField::Privileged => "HostConfig.Privileged".to_owned(),
            SpecField::CapAdd(cap) => format!("HostConfig.CapAdd[{cap}]"),
            SpecField::CapDrop => "HostConfig.CapDrop".to_owned(),
            SpecField::Pid => "HostConfig.PidMode".to_owned(),
            SpecField::Ipc => "HostConfig.IpcMode".to_owned(),
            SpecField::Uts => "HostConfig.UTSMode".to_owned(),
            SpecField::Network => "HostConfig.NetworkMode".to_owned(),
            SpecField::Userns => "HostConfig.UsernsMode".to_owned(),
            SpecField::Cgroupns => "HostConfig.CgroupnsMode".to_owned(),
            SpecField::Mount(i) => format!("mounts[{i}]"),
            SpecField::VolumesFrom => "HostConfig.VolumesFrom".to_owned(),
            SpecField::Device(i) => format!("HostConfig.Devices[{i}]"),
            SpecField::DeviceCgroupRule(i) => format!("HostConfig.DeviceCgroupRules[{i}]"),
            SpecField::Seccomp
            | SpecField::AppArmor
            | SpecField::SelinuxLabel
            | SpecField::NoNewPrivileges
            | SpecField::SystemPaths => "HostConfig.SecurityOpt".to_owned(),
            SpecField::ReadOnlyRootfs => "HostConfig.ReadonlyRootfs".to_owned(),
            SpecField::Memory => "HostConfig.Memory".to_owned(),
            SpecField::Cpu => "HostConfig.NanoCpus".to_owned(),
            SpecField::Pids => "HostConfig.PidsLimit".to_owned(),
            SpecField::Ulimit(i) => format!("HostConfig.Ulimits[{i}]"),
            SpecField::Sysctl(name) => format!("HostConfig.Sysctls[{name}]"),
            SpecField::Port(_) => "HostConfig.PortBindings".to_owned(),
            SpecField::PublishAllPorts => "HostConfig.PublishAllPorts".to_owned(),
            SpecField::Restart => "HostConfig.RestartPolicy".to_owned(),
            SpecField::Healthcheck => "Config.Healthcheck".to_owned(),
            SpecField::CgroupParent => "HostConfig.CgroupParent".to_owned(),
            SpecField::OomKillDisable => "HostConfig.OomKillDisable".to_owned(),
            SpecField::Runtime => "HostConfig.Runtime".to_owned(),
            SpecField::Env(i) => format!("Config.Env[{i}]"),
            SpecField::Labels => "Config.Labels".to_owned(),
            SpecField::LogDriver => "HostConfig.LogConfig.Type".to_owned(),
        }
    }
}

/// Where each field of one spec was written: spans into the file the spec was
/// built from (a compose file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecOrigins {
    /// The whole definition (a compose service's key): where findings about
    /// something *missing* (no memory limit, no healthcheck) point.
    pub whole: Span,
    /// The fields that were written, with their spans.
    pub fields: BTreeMap<SpecField, Span>,
}

impl SpecOrigins {
    /// The span of `field`, or of the whole definition when the field was not written.
    #[must_use]
    pub fn span(&self, field: &SpecField) -> Span {
        self.fields.get(field).copied().unwrap_or(self.whole)
    }

    /// Records `field` at `span` (the first record wins: it is where the value was written).
    pub fn record(&mut self, field: SpecField, span: Span) {
        self.fields.entry(field).or_insert(span);
    }
}
