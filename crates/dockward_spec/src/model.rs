//! The `ContainerSpec` types. Each field names the Engine API field it comes from.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// One normalized description of a container's security-relevant configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerSpec {
    /// Container name without the leading `/`: inspect `Name`, or the create
    /// request's `?name=` query parameter.
    pub name: Option<String>,
    /// Full container ID: inspect `Id`. `None` for a create body.
    pub id: Option<String>,
    /// Image reference as requested: `Config.Image` (create: top-level `Image`).
    pub image: Option<String>,
    /// `Config.User` (`user`, `user:group`, `uid:gid`); `None` when empty (the image's user).
    pub user: Option<String>,
    /// `HostConfig.Privileged`.
    pub privileged: bool,
    /// `HostConfig.CapAdd`, normalized (see [`normalize_capability`]).
    pub cap_add: BTreeSet<String>,
    /// `HostConfig.CapDrop`, normalized (see [`normalize_capability`]).
    pub cap_drop: BTreeSet<String>,
    /// Namespace modes: `HostConfig.PidMode`, `IpcMode`, `UTSMode`, `NetworkMode`,
    /// `UsernsMode`, `CgroupnsMode`.
    pub namespaces: Namespaces,
    /// Bind mounts, volumes and tmpfs: `HostConfig.Binds`, `HostConfig.Mounts`,
    /// `HostConfig.Tmpfs`, then the anonymous volumes of `Config.Volumes` whose
    /// target no other mount covers, in that order.
    pub mounts: Vec<Mount>,
    /// `HostConfig.VolumesFrom` (container names or IDs, with optional `:ro`/`:rw`).
    pub volumes_from: Vec<String>,
    /// `HostConfig.Devices`.
    pub devices: Vec<Device>,
    /// `HostConfig.DeviceCgroupRules`, e.g. `c 1:3 mr`.
    pub device_cgroup_rules: Vec<String>,
    /// Parsed `HostConfig.SecurityOpt`.
    pub security: SecurityOptions,
    /// `HostConfig.ReadonlyRootfs`.
    pub read_only_rootfs: bool,
    /// Resource limits from `HostConfig` (the embedded `Resources`).
    pub resources: Resources,
    /// `HostConfig.Ulimits`.
    pub ulimits: Vec<Ulimit>,
    /// `HostConfig.Sysctls`.
    pub sysctls: BTreeMap<String, String>,
    /// `HostConfig.PortBindings`, sorted by container port, protocol, host IP, host port.
    pub ports: Vec<PortBinding>,
    /// `Config.ExposedPorts`: what `-P` publishes (inspect also lists the image's).
    pub exposed_ports: BTreeSet<ExposedPort>,
    /// `HostConfig.PublishAllPorts` (`-P`): every exposed port on an ephemeral host port
    /// of all interfaces.
    pub publish_all_ports: bool,
    /// `HostConfig.RestartPolicy`.
    pub restart: RestartPolicy,
    /// `Config.Healthcheck`.
    pub healthcheck: Healthcheck,
    /// `HostConfig.CgroupParent`; `None` when empty.
    pub cgroup_parent: Option<String>,
    /// `HostConfig.OomKillDisable` (`null` = false).
    pub oom_kill_disable: bool,
    /// `HostConfig.Init` (`--init`); `None` when unset (the daemon default).
    pub init: Option<bool>,
    /// `HostConfig.Runtime`; `None` when empty (the daemon default).
    pub runtime: Option<String>,
    /// `Config.Env`, in order (names and values; see [`EnvVar`]).
    pub env: Vec<EnvVar>,
    /// `Config.Labels`.
    pub labels: BTreeMap<String, String>,
    /// `HostConfig.LogConfig.Type`; `None` when empty (the daemon default).
    pub log_driver: Option<String>,
}

/// Namespace modes of one container.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Namespaces {
    /// `HostConfig.PidMode`.
    pub pid: NamespaceMode,
    /// `HostConfig.IpcMode`.
    pub ipc: NamespaceMode,
    /// `HostConfig.UTSMode`.
    pub uts: NamespaceMode,
    /// `HostConfig.NetworkMode`.
    pub network: NamespaceMode,
    /// `HostConfig.UsernsMode`.
    pub userns: NamespaceMode,
    /// `HostConfig.CgroupnsMode`.
    pub cgroupns: NamespaceMode,
}

/// How a container gets one namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "mode", content = "value")]
pub enum NamespaceMode {
    /// Empty (or `default` for the network): the daemon decides.
    #[default]
    Default,
    /// `host`: shares the host's namespace.
    Host,
    /// `private`: a namespace of its own (IPC, cgroup).
    Private,
    /// `shareable`: a private IPC namespace other containers may join.
    Shareable,
    /// `none`: no networking, or a private IPC namespace without `/dev/shm`.
    None,
    /// `container:<name|id>`: joins another container's namespace.
    Container(String),
    /// Network only: `bridge` or a user-defined network name.
    Network(String),
}

impl NamespaceMode {
    /// Whether the container shares the host's namespace.
    #[must_use]
    pub fn is_host(&self) -> bool {
        matches!(self, NamespaceMode::Host)
    }
}

/// What a mount is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MountKind {
    /// A host path.
    Bind,
    /// A named or anonymous volume.
    Volume,
    /// A tmpfs.
    Tmpfs,
    /// A Windows named pipe.
    Npipe,
    /// A cluster volume.
    Cluster,
}

/// Mount propagation of a bind mount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Propagation {
    /// `private`.
    Private,
    /// `rprivate` (the default).
    Rprivate,
    /// `shared`.
    Shared,
    /// `rshared`.
    Rshared,
    /// `slave`.
    Slave,
    /// `rslave`.
    Rslave,
}

/// One mount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mount {
    /// Bind, volume or tmpfs.
    pub kind: MountKind,
    /// Host path (bind) or volume name (volume); `None` for tmpfs and anonymous volumes.
    pub source: Option<String>,
    /// Path inside the container.
    pub target: String,
    /// Mounted read-only (`:ro`, `ReadOnly`).
    pub read_only: bool,
    /// Bind propagation (`:rshared`, `BindOptions.Propagation`); `None` when unset.
    pub propagation: Option<Propagation>,
    /// Mount options as written: the bind option list (`ro,z,...`) or the tmpfs
    /// option string (`rw,noexec,size=16m`).
    pub options: Vec<String>,
}

/// One device: `HostConfig.Devices[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// `PathOnHost`.
    pub host_path: String,
    /// `PathInContainer`.
    pub container_path: String,
    /// `CgroupPermissions`, e.g. `rwm`.
    pub permissions: String,
}

/// The seccomp profile: `seccomp=` in `HostConfig.SecurityOpt`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "profile")]
pub enum SeccompProfile {
    /// Not set: the daemon's default profile (none for privileged containers).
    #[default]
    Default,
    /// `seccomp=builtin`: the daemon's built-in profile, named explicitly.
    Builtin,
    /// `seccomp=unconfined`.
    Unconfined,
    /// A custom profile. The docker CLI inlines the file, so this is usually
    /// the profile's JSON text.
    Custom(String),
}

/// The `AppArmor` profile: `apparmor=` in `HostConfig.SecurityOpt`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "profile")]
pub enum AppArmorProfile {
    /// Not set: `docker-default` (unconfined for privileged containers).
    #[default]
    Default,
    /// `apparmor=unconfined`.
    Unconfined,
    /// A named profile.
    Named(String),
}

/// Parsed `HostConfig.SecurityOpt`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityOptions {
    /// `seccomp=`.
    pub seccomp: SeccompProfile,
    /// `apparmor=`.
    pub apparmor: AppArmorProfile,
    /// `label=disable`: `SELinux` separation turned off.
    pub selinux_disabled: bool,
    /// Other `label=` options (`user:…`, `role:…`, `type:…`, `level:…`, `nested`), in order.
    pub selinux_labels: Vec<String>,
    /// `no-new-privileges` (or `no-new-privileges=true`).
    pub no_new_privileges: bool,
    /// `systempaths=unconfined`, or `HostConfig.MaskedPaths` set to `[]` (what the
    /// CLI sends for it): `/proc` and `/sys` paths not masked.
    pub systempaths_unconfined: bool,
    /// Options not understood above, verbatim (the daemon rejects most of them).
    pub other: Vec<String>,
}

/// Resource limits. `None` means "not set" (the API's `0`, or `null`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resources {
    /// `HostConfig.Memory`, bytes.
    pub memory: Option<i64>,
    /// `HostConfig.MemorySwap`, bytes of memory plus swap; `-1` = unlimited swap.
    pub memory_swap: Option<i64>,
    /// `HostConfig.MemoryReservation`, bytes.
    pub memory_reservation: Option<i64>,
    /// `HostConfig.PidsLimit`; values `<= 0` mean unlimited and are `None`.
    pub pids_limit: Option<i64>,
    /// `HostConfig.CpuShares` (relative weight).
    pub cpu_shares: Option<i64>,
    /// `HostConfig.CpuQuota`, microseconds per period.
    pub cpu_quota: Option<i64>,
    /// `HostConfig.CpuPeriod`, microseconds.
    pub cpu_period: Option<i64>,
    /// `HostConfig.NanoCpus` (`--cpus` × 10⁹).
    pub nano_cpus: Option<i64>,
    /// `HostConfig.CpusetCpus`.
    pub cpuset_cpus: Option<String>,
    /// `HostConfig.CpusetMems`.
    pub cpuset_mems: Option<String>,
}

/// One `HostConfig.Ulimits[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ulimit {
    /// `Name`, e.g. `nofile`.
    pub name: String,
    /// `Soft`.
    pub soft: i64,
    /// `Hard`.
    pub hard: i64,
}

/// A port protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// `tcp` (the default when the key has no `/proto`).
    Tcp,
    /// `udp`.
    Udp,
    /// `sctp`.
    Sctp,
}

/// One exposed container port: a key of `Config.ExposedPorts` (`"8080/tcp"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExposedPort {
    /// Port (first of a range).
    pub port: u16,
    /// Protocol.
    pub protocol: Protocol,
}

/// One published port: an entry of `HostConfig.PortBindings["<port>/<proto>"]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PortBinding {
    /// Container port (first of a range).
    pub container_port: u16,
    /// Protocol.
    pub protocol: Protocol,
    /// `HostIp`; `None` when empty (all interfaces).
    pub host_ip: Option<String>,
    /// `HostPort` as written (a port or a range); `None` when empty (an ephemeral port).
    pub host_port: Option<String>,
}

/// The restart policy name: `HostConfig.RestartPolicy.Name`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RestartPolicyName {
    /// `no` or empty.
    #[default]
    No,
    /// `always`.
    Always,
    /// `unless-stopped`.
    UnlessStopped,
    /// `on-failure`.
    OnFailure,
}

/// `HostConfig.RestartPolicy`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestartPolicy {
    /// `Name`.
    pub name: RestartPolicyName,
    /// `MaximumRetryCount` (meaningful for `on-failure`).
    pub max_retries: i64,
}

/// `Config.Healthcheck`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "test")]
pub enum Healthcheck {
    /// No healthcheck set here (a create body may still inherit the image's).
    #[default]
    None,
    /// `Test: ["NONE"]`: disabled, also overriding the image's.
    Disabled,
    /// A test command (`["CMD", …]` or `["CMD-SHELL", …]`).
    Configured(Vec<String>),
}

/// One `Config.Env` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvVar {
    /// The name (before the first `=`).
    pub name: String,
    /// The value; `None` for a bare `NAME` (taken from the client's environment).
    pub value: Option<String>,
}

/// What the daemon fills in when a create body leaves a field empty; see
/// [`ContainerSpec::resolve_defaults`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaemonDefaults {
    /// `default-ipc-mode` (`private` since Engine 20.10).
    pub ipc: NamespaceMode,
    /// `default-cgroupns-mode` (`host` on cgroup v1, `private` on cgroup v2).
    pub cgroupns: NamespaceMode,
    /// The daemon's `log-driver` (`json-file` unless configured).
    pub log_driver: String,
    /// The daemon's `default-runtime` (`runc` unless configured).
    pub runtime: String,
}

impl Default for DaemonDefaults {
    /// Engine 20.10 defaults on a cgroup v1 host.
    fn default() -> Self {
        DaemonDefaults {
            ipc: NamespaceMode::Private,
            cgroupns: NamespaceMode::Host,
            log_driver: "json-file".to_owned(),
            runtime: "runc".to_owned(),
        }
    }
}

impl ContainerSpec {
    /// Fills in what the daemon decides at create time for fields left empty:
    /// the IPC and cgroup namespace modes, the runtime, the log driver, and swap (with a
    /// memory limit and no swap setting, the daemon allows as much swap as
    /// memory, so `MemorySwap` becomes twice `Memory`). A privileged container,
    /// or one sharing the host's PID or IPC namespace, also gets `label=disable`
    /// in its `SecurityOpt` unless the request set a `label=` option itself
    /// (observed on Engine 20.10: see the `privileged`, `pid_host` and `misc`
    /// inspect fixtures; a legacy `label:…` option also counts here, a small
    /// over-approximation). Idempotent.
    pub fn resolve_defaults(&mut self, defaults: &DaemonDefaults) {
        let shares_host =
            self.privileged || self.namespaces.pid.is_host() || self.namespaces.ipc.is_host();
        if shares_host && self.security.selinux_labels.is_empty() {
            self.security.selinux_disabled = true;
        }
        if self.namespaces.ipc == NamespaceMode::Default {
            self.namespaces.ipc = defaults.ipc.clone();
        }
        if self.namespaces.cgroupns == NamespaceMode::Default {
            self.namespaces.cgroupns = defaults.cgroupns.clone();
        }
        if self.runtime.is_none() {
            self.runtime = Some(defaults.runtime.clone());
        }
        if self.log_driver.is_none() {
            self.log_driver = Some(defaults.log_driver.clone());
        }
        if let (Some(memory), None) = (self.resources.memory, self.resources.memory_swap)
            && memory > 0
        {
            self.resources.memory_swap = memory.checked_mul(2);
        }
    }

    /// Whether the container runs as root: no user, or user/uid `root`/`0`.
    #[must_use]
    pub fn runs_as_root(&self) -> bool {
        match &self.user {
            None => true,
            Some(user) => {
                let name = user.split(':').next().unwrap_or_default();
                name.is_empty() || name == "root" || name == "0"
            }
        }
    }
}

/// Normalizes a capability name as the daemon does: case-insensitive, with or
/// without the `CAP_` prefix; `ALL` stays `ALL`. `cap_sys_admin` → `SYS_ADMIN`.
#[must_use]
pub fn normalize_capability(raw: &str) -> String {
    let upper = raw.trim().to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) => rest.to_owned(),
        None => upper,
    }
}
