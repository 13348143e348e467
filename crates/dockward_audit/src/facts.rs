//! Facts: what the probe recorded about a host, its daemon, its containers and
//! images, or about the inside of one container. Values only; the checks read
//! them and never touch the system.
//!
//! This is a boundary type: `dockward audit --save-facts FILE` writes it as JSON,
//! `--facts FILE` reads it back. [`FACTS_SCHEMA`] names the version; a change that
//! breaks old snapshots bumps it. Engine API answers are kept verbatim as JSON
//! (`GET /info`, `/version`, inspect), so a replay sees what the daemon said.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The schema identifier written into every snapshot.
pub const FACTS_SCHEMA: &str = "dockward.facts/v1";

/// One snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// Always [`FACTS_SCHEMA`].
    pub schema: String,
    /// When the facts were collected, RFC 3339 UTC; `None` in hand-written snapshots.
    #[serde(default)]
    pub collected_at: Option<String>,
    /// The dockward version that collected them.
    #[serde(default)]
    pub collector: Option<String>,
    /// The host, when it was probed.
    #[serde(default)]
    pub host: Option<HostFacts>,
    /// The daemon, when it was probed.
    #[serde(default)]
    pub daemon: Option<DaemonFacts>,
    /// Containers, in the daemon's order.
    #[serde(default)]
    pub containers: Vec<ContainerFacts>,
    /// Images present.
    #[serde(default)]
    pub images: Vec<ImageFacts>,
    /// What a process sees inside a container (`audit --inside`).
    #[serde(default)]
    pub inside: Option<InsideFacts>,
    /// What could not be collected, and why. Results already collected are kept.
    #[serde(default)]
    pub problems: Vec<ProbeProblem>,
}

/// Something the probe could not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeProblem {
    /// `host`, `daemon`, `container`, `image`, `inside`.
    pub area: String,
    /// The file, endpoint or object concerned.
    pub subject: String,
    /// What went wrong.
    pub message: String,
}

/// The host's kernel, configuration and files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostFacts {
    /// `/proc/sys/kernel/hostname`.
    #[serde(default)]
    pub hostname: Option<String>,
    /// The running kernel.
    #[serde(default)]
    pub kernel: KernelFacts,
    /// `/etc/os-release` key/value pairs (quotes removed).
    #[serde(default)]
    pub os_release: BTreeMap<String, String>,
    /// cgroup mode.
    #[serde(default)]
    pub cgroup: CgroupFacts,
    /// Linux security modules.
    #[serde(default)]
    pub lsm: LsmFacts,
    /// Whether the kernel supports seccomp (`Seccomp:` in `/proc/self/status`);
    /// `None` when unknown.
    #[serde(default)]
    pub seccomp_supported: Option<bool>,
    /// Selected sysctls by dotted name (`kernel.kptr_restrict`) with their values
    /// as read from `/proc/sys`; absent when the file does not exist.
    #[serde(default)]
    pub sysctls: BTreeMap<String, String>,
    /// Mount points of the host mount namespace (`/proc/1/mountinfo`, falling back
    /// to `/proc/self/mountinfo`).
    #[serde(default)]
    pub mounts: Vec<MountPoint>,
    /// The `docker` group, when it exists.
    #[serde(default)]
    pub docker_group: Option<GroupFacts>,
    /// Audit rules, when readable.
    #[serde(default)]
    pub audit_rules: Option<AuditRules>,
    /// Owner, mode and type of the files the daemon and file checks look at
    /// (unit files, `/etc/docker`, `daemon.json`, TLS material, sockets, binaries).
    #[serde(default)]
    pub files: Vec<FileFacts>,
    /// Versions of the container packages installed by the distribution's package
    /// manager (`docker.io`, `docker-ce`, `containerd`, `containerd.io`, `runc`, ...),
    /// and which manager (`dpkg`, `rpm`, `apk`).
    #[serde(default)]
    pub packages: Vec<PackageFacts>,
}

/// The running kernel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelFacts {
    /// `uname -r`: `/proc/sys/kernel/osrelease`, e.g. `6.1.0-37-amd64`.
    pub release: String,
    /// `uname -v`: `/proc/sys/kernel/version`, e.g.
    /// `#1 SMP PREEMPT_DYNAMIC Debian 6.1.140-1 (2025-05-22)`; distributions put
    /// their package version here.
    #[serde(default)]
    pub version: String,
}

/// cgroup mode of the host.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CgroupFacts {
    /// 1 (legacy or hybrid) or 2 (unified); `None` when unknown.
    #[serde(default)]
    pub version: Option<u8>,
    /// Controllers available (`/sys/fs/cgroup/cgroup.controllers` on v2, the
    /// hierarchy names on v1).
    #[serde(default)]
    pub controllers: Vec<String>,
}

/// Linux security modules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LsmFacts {
    /// `/sys/kernel/security/lsm`, split on commas; `None` when not readable.
    #[serde(default)]
    pub active: Option<Vec<String>>,
    /// `/sys/module/apparmor/parameters/enabled` is `Y`.
    #[serde(default)]
    pub apparmor_enabled: Option<bool>,
    /// `enforcing` or `permissive` (`/sys/fs/selinux/enforce`); `None` when SELinux is off.
    #[serde(default)]
    pub selinux_mode: Option<String>,
}

/// One mount point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MountPoint {
    /// Where it is mounted.
    pub mount_point: String,
    /// Filesystem type.
    pub fs_type: String,
    /// Mount source (device).
    pub source: String,
}

/// A group and its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFacts {
    /// Numeric group ID.
    pub gid: u32,
    /// Supplementary members (the fourth field of `/etc/group`), plus users whose
    /// primary group it is (`/etc/passwd`).
    pub members: Vec<String>,
}

/// Audit rules and where they were read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRules {
    /// The files read (`/etc/audit/audit.rules`, `/etc/audit/rules.d/*.rules`).
    pub sources: Vec<String>,
    /// Rule lines, comments and blank lines removed.
    pub rules: Vec<String>,
}

/// What a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// Does not exist.
    Missing,
    /// Regular file.
    File,
    /// Directory.
    Directory,
    /// Unix socket.
    Socket,
    /// Symbolic link (not followed).
    Symlink,
    /// Anything else.
    Other,
}

/// Owner, mode and type of one path (`lstat`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFacts {
    /// Absolute path.
    pub path: String,
    /// What it is.
    pub kind: FileKind,
    /// Owner uid (0 when missing).
    #[serde(default)]
    pub uid: u32,
    /// Group gid (0 when missing).
    #[serde(default)]
    pub gid: u32,
    /// Owner name, when the uid resolves.
    #[serde(default)]
    pub owner: Option<String>,
    /// Group name, when the gid resolves.
    #[serde(default)]
    pub group: Option<String>,
    /// Permission bits including setuid/setgid/sticky (`st_mode & 0o7777`).
    #[serde(default)]
    pub mode: u32,
    /// Why it could not be examined (permission denied), if so.
    #[serde(default)]
    pub error: Option<String>,
}

/// A package installed by the distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageFacts {
    /// `dpkg`, `rpm` or `apk`.
    pub manager: String,
    /// Package name.
    pub name: String,
    /// Full version as the manager writes it (`20.10.24+dfsg1-1+deb12u1+b6`).
    pub version: String,
}

/// The daemon: its process, its configuration file and what its API says.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DaemonFacts {
    /// The dockerd process, when one was found (by `/proc/*/exe`).
    #[serde(default)]
    pub process: Option<DaemonProcess>,
    /// The configuration file that process uses (`--config-file`, else the
    /// default for rootful or rootless mode), raw.
    #[serde(default)]
    pub config_file: Option<ConfigFile>,
    /// The API endpoint that was queried, e.g. `unix:///var/run/docker.sock`.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// `GET /version`, verbatim.
    #[serde(default)]
    pub version: Option<serde_json::Value>,
    /// `GET /info`, verbatim.
    #[serde(default)]
    pub info: Option<serde_json::Value>,
    /// `GET /plugins`, verbatim.
    #[serde(default)]
    pub plugins: Option<serde_json::Value>,
    /// `GET /networks`, verbatim.
    #[serde(default)]
    pub networks: Option<serde_json::Value>,
}

/// The dockerd process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaemonProcess {
    /// Process ID (in the probe's PID namespace).
    pub pid: u32,
    /// `/proc/<pid>/exe` target.
    #[serde(default)]
    pub exe: Option<String>,
    /// `/proc/<pid>/cmdline`, split on NUL.
    pub argv: Vec<String>,
    /// Effective uid of the process (rootless daemons run as a user).
    #[serde(default)]
    pub uid: Option<u32>,
}

/// A daemon configuration file, unparsed: the checks parse it (a malformed file
/// is a finding, not a probe error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigFile {
    /// Its path.
    pub path: String,
    /// Its text, when it exists and was readable (and not larger than 1 MiB).
    #[serde(default)]
    pub text: Option<String>,
    /// Why it could not be read; `None` with no text means it does not exist.
    #[serde(default)]
    pub error: Option<String>,
}

/// One container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContainerFacts {
    /// `GET /containers/{id}/json`, verbatim.
    pub inspect: serde_json::Value,
    /// `GET /containers/{id}/top?ps_args=-eo user,pid,comm,args` for running
    /// containers, verbatim (`Titles`, `Processes`).
    #[serde(default)]
    pub top: Option<serde_json::Value>,
    /// `GET /exec/{id}/json` for each of the inspect's `ExecIDs`, verbatim.
    #[serde(default)]
    pub execs: Vec<serde_json::Value>,
}

/// One image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageFacts {
    /// `GET /images/{id}/json`, verbatim.
    pub inspect: serde_json::Value,
    /// setuid/setgid regular files found in the image's layers; `None` when the
    /// layers could not be read.
    #[serde(default)]
    pub setuid_files: Option<Vec<SetuidFile>>,
    /// Files that hold credentials (private keys, cloud and registry
    /// credentials, tokens), in every layer, including those a later layer
    /// removed or replaced; `None` when the layers could not be read. Only what
    /// the file is and where: never its content.
    #[serde(default)]
    pub secret_files: Option<Vec<SecretFile>>,
    /// Directories writable by everyone without the sticky bit in the merged
    /// layers; `None` when the layers could not be read.
    #[serde(default)]
    pub world_writable_dirs: Option<Vec<WorldWritableDir>>,
    /// The build history, base first: the image config's `history`, or
    /// `GET /images/{id}/history` reversed; `None` when not collected.
    #[serde(default)]
    pub history: Option<Vec<HistoryStep>>,
}

/// A file of an image that holds credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretFile {
    /// Path inside the image.
    pub path: String,
    /// What it holds (`an SSH private key`, `AWS credentials`).
    pub what: String,
    /// Index of the layer that wrote it (0 = the base layer), when known.
    #[serde(default)]
    pub layer: Option<usize>,
    /// That layer's diff_id (`sha256:...`), when known.
    #[serde(default)]
    pub diff_id: Option<String>,
    /// The layer that removed or replaced it, when a later layer did: the file is
    /// no longer in the merged filesystem but still in `layer`'s archive.
    #[serde(default)]
    pub removed_in_layer: Option<usize>,
}

/// A directory of an image writable by everyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorldWritableDir {
    /// Path inside the image.
    pub path: String,
    /// Permission bits (`0o777`).
    pub mode: u32,
}

impl WorldWritableDir {
    /// Whether a directory with permission bits `mode` belongs in the list:
    /// writable by others (`0o002`) without the sticky bit (`0o1000`).
    pub fn qualifies(mode: u32) -> bool {
        mode & 0o002 != 0 && mode & 0o1000 == 0
    }
}

/// One step of an image's build history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryStep {
    /// The instruction that made it (`/bin/sh -c #(nop)  ENV A=b`,
    /// `RUN |1 TOKEN=x /bin/sh -c make`), verbatim.
    pub created_by: String,
    /// Whether the step made no layer.
    #[serde(default)]
    pub empty_layer: bool,
}

/// A setuid or setgid file in an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetuidFile {
    /// Path inside the image.
    pub path: String,
    /// Permission bits (`0o4755`).
    pub mode: u32,
}

/// What a process sees from inside a container. Read-only probes only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsideFacts {
    /// Evidence of being in a container: `/.dockerenv`, `/run/.containerenv`,
    /// `container=` in the environment, mountinfo entries from `.../containers/<id>/`.
    #[serde(default)]
    pub container_markers: Vec<String>,
    /// The container ID, when mountinfo reveals it.
    #[serde(default)]
    pub container_id: Option<String>,
    /// `/proc/self/status` fields.
    #[serde(default)]
    pub status: ProcessStatus,
    /// `/proc/sys/kernel/cap_last_cap`.
    #[serde(default)]
    pub cap_last_cap: Option<u32>,
    /// `/proc/self/attr/current` (AppArmor or SELinux label).
    #[serde(default)]
    pub lsm_label: Option<String>,
    /// The file [`InsideFacts::lsm_label`] was read from:
    /// `/proc/self/attr/apparmor/current` (AppArmor's own, newer kernels) or
    /// `/proc/self/attr/current`.
    #[serde(default)]
    pub lsm_label_source: Option<String>,
    /// Namespace inode per type (`pid`, `net`, `ipc`, `uts`, `user`, `cgroup`,
    /// `mnt`, `time`) from `readlink /proc/self/ns/<type>`.
    #[serde(default)]
    pub namespaces: BTreeMap<String, u64>,
    /// `/proc/self/uid_map`, verbatim.
    #[serde(default)]
    pub uid_map: Option<String>,
    /// Engine sockets found and whether `connect()` succeeded.
    #[serde(default)]
    pub engine_sockets: Vec<SocketProbe>,
    /// Device nodes under `/dev` that only a privileged container or an explicit
    /// `--device` exposes (block devices, `/dev/mem`, `/dev/kmsg`, ...).
    #[serde(default)]
    pub host_devices: Vec<String>,
    /// `/proc/self/mountinfo`.
    #[serde(default)]
    pub mounts: Vec<InsideMount>,
    /// Default masked paths (`/proc/kcore`, `/proc/keys`, ...) that are not masked.
    #[serde(default)]
    pub unmasked_paths: Vec<String>,
    /// cgroup version seen inside.
    #[serde(default)]
    pub cgroup_version: Option<u8>,
    /// Kernel release.
    #[serde(default)]
    pub kernel_release: Option<String>,
    /// cgroup limits seen inside: `memory.max`, `pids.max`, `cpu.max` (v2) or their
    /// v1 equivalents, raw.
    #[serde(default)]
    pub limits: BTreeMap<String, String>,
    /// Network interface names in `/proc/net/dev`. Host-only names (`docker0`,
    /// `veth*`) are evidence of `--network host` on kernels whose net namespace
    /// inode does not reveal it.
    #[serde(default)]
    pub network_interfaces: Vec<String>,
}

/// `/proc/self/status` fields of interest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessStatus {
    /// Real uid.
    #[serde(default)]
    pub uid: Option<u32>,
    /// `CapEff`.
    #[serde(default)]
    pub cap_eff: Option<u64>,
    /// `CapPrm`.
    #[serde(default)]
    pub cap_prm: Option<u64>,
    /// `CapBnd`.
    #[serde(default)]
    pub cap_bnd: Option<u64>,
    /// `CapAmb`.
    #[serde(default)]
    pub cap_amb: Option<u64>,
    /// `Seccomp`: 0 disabled, 1 strict, 2 filter.
    #[serde(default)]
    pub seccomp: Option<u8>,
    /// `NoNewPrivs`.
    #[serde(default)]
    pub no_new_privs: Option<bool>,
}

/// An engine socket seen from inside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocketProbe {
    /// Path.
    pub path: String,
    /// Whether `connect()` succeeded (nothing is sent).
    pub connectable: bool,
}

/// One `/proc/self/mountinfo` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsideMount {
    /// Root of the mount within its filesystem (field 4): a host path for bind mounts.
    pub root: String,
    /// Mount point (field 5).
    pub mount_point: String,
    /// Per-mount options (field 6), e.g. `rw,nosuid`.
    pub options: String,
    /// Optional fields (`shared:N`, `master:N`).
    #[serde(default)]
    pub propagation: Vec<String>,
    /// Filesystem type.
    pub fs_type: String,
    /// Mount source.
    pub source: String,
}
