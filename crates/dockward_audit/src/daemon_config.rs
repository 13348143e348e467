//! What the daemon is configured to do, and what it actually does.
//!
//! Three sources, read the way dockerd reads them:
//!
//! 1. its command line, parsed with dockerd's flag grammar ([`parse_flags`]):
//!    `--flag=value` and `--flag value`, boolean flags (`--icc=false`,
//!    `--live-restore`), the short forms `-H`, `-D`, `-l`, `-G`, `-g`, `-p`,
//!    `-b`, `-s`, and repeatable list flags (`-H`, `--authorization-plugin`,
//!    `--insecure-registry`, ...);
//! 2. its configuration file (`--config-file PATH`, else the default),
//!    parsed as JSON ([`parse_config_file`]);
//! 3. `GET /info`, the running state.
//!
//! [`effective_daemon`] merges them into an [`EffectiveDaemon`], preferring
//! `/info` where it says something, and returns the [`DaemonProblem`]s met on
//! the way: an unparsable file, an option set both as a flag and in the file
//! (dockerd refuses to start), and file settings the running daemon does not
//! have yet (options that only a restart applies).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::facts::{DaemonFacts, Facts};
use crate::version::Version;

/// Where a configured value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// The dockerd command line.
    Flag,
    /// The configuration file.
    File,
}

/// One configured option: its `daemon.json` key's value, from the flag or the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Configured {
    /// Where it was set.
    pub origin: Origin,
    /// The value: booleans and strings as JSON scalars, list flags as arrays
    /// of strings, file values verbatim.
    pub value: Value,
}

/// The configuration: flags and file merged, keyed by `daemon.json` key.
/// When both set a key, the flag's value is kept (and a conflict recorded).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DaemonConfig {
    /// Every option set, by `daemon.json` key (`hosts`, `icc`, `log-level`).
    pub values: BTreeMap<String, Configured>,
}

impl DaemonConfig {
    /// The configured value of `key`.
    pub fn get(&self, key: &str) -> Option<&Configured> {
        self.values.get(key)
    }

    /// A boolean option (`true`/`false`, or the strings `"true"`/`"false"`).
    pub fn bool(&self, key: &str) -> Option<bool> {
        match &self.get(key)?.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// A string option.
    pub fn string(&self, key: &str) -> Option<&str> {
        match &self.get(key)?.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A list option (an array of strings, or a single string).
    pub fn list(&self, key: &str) -> Vec<String> {
        match self.get(key).map(|c| &c.value) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    }

    /// Where `key` was set.
    pub fn origin(&self, key: &str) -> Option<Origin> {
        self.get(key).map(|c| c.origin)
    }
}

/// Something wrong with the daemon's configuration, or a difference between
/// the configuration and the running daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DaemonProblem {
    /// The configuration file is not valid JSON; dockerd refuses to start.
    InvalidJson {
        /// The file.
        path: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The file is valid JSON but not an object.
    NotAnObject {
        /// The file.
        path: String,
    },
    /// Options set both on the command line and in the file; dockerd refuses
    /// to start ("the following directives are specified both as a flag and
    /// in the configuration file").
    Conflict {
        /// The file.
        path: String,
        /// The `daemon.json` keys concerned.
        keys: Vec<String>,
    },
    /// A known key has a value of the wrong JSON type; dockerd refuses to start.
    WrongType {
        /// The file.
        path: String,
        /// The key.
        key: String,
        /// What it should be.
        expected: &'static str,
    },
    /// The file sets an option that only a restart applies, and the running
    /// daemon reports another value.
    PendingRestart {
        /// The `daemon.json` key.
        key: String,
        /// What the file says.
        configured: String,
        /// What the running daemon reports.
        running: String,
    },
}

/// The daemon as it is: the running state where `/info` reports it, else the
/// configuration, else dockerd's defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EffectiveDaemon {
    /// `/info` was read.
    pub has_info: bool,
    /// The dockerd process (its command line) was found.
    pub has_process: bool,
    /// The configuration file exists and was read.
    pub has_config_file: bool,
    /// The configuration file path, when known.
    pub config_path: Option<String>,
    /// The configuration: flags and file.
    pub config: DaemonConfig,
    /// Top-level `daemon.json` keys this crate does not know (not judged).
    pub unknown_keys: Vec<String>,
    /// `hosts` / `-H`: the sockets the daemon listens on (default `fd://` or
    /// the unix socket when empty).
    pub hosts: Vec<String>,
    /// `tls` (or implied by `tlsverify`).
    pub tls: bool,
    /// `tlsverify`: clients must present a certificate signed by the CA.
    pub tls_verify: bool,
    /// `tlscacert`.
    pub tls_ca_cert: Option<String>,
    /// `tlscert`.
    pub tls_cert: Option<String>,
    /// `tlskey`.
    pub tls_key: Option<String>,
    /// Inter-container communication on the default bridge.
    pub icc: bool,
    /// Where [`EffectiveDaemon::icc`] comes from: the bridge network's
    /// `com.docker.network.bridge.enable_icc` option (running state) or not.
    pub icc_from_network: bool,
    /// `log-level` (`info` by default; `debug` when `debug` is on).
    pub log_level: String,
    /// `debug` (`/info` `Debug`).
    pub debug: bool,
    /// `iptables`.
    pub iptables: bool,
    /// Insecure registries, without the built-in `127.0.0.0/8` and `::1/128`.
    pub insecure_registries: Vec<String>,
    /// Storage driver (`/info` `Driver`).
    pub storage_driver: Option<String>,
    /// `storage-opts`.
    pub storage_opts: Vec<String>,
    /// `default-ulimits` is set.
    pub default_ulimits: bool,
    /// User namespace remapping is on (`/info` `name=userns`, or `userns-remap`).
    pub userns_remap: bool,
    /// The daemon runs rootless (`/info` `name=rootless`, or `--rootless`).
    pub rootless: bool,
    /// `cgroup-parent`.
    pub cgroup_parent: Option<String>,
    /// Authorization plugins (`/info` `Plugins.Authorization`, else the configuration).
    pub authorization_plugins: Vec<String>,
    /// The default logging driver (`/info` `LoggingDriver`; `json-file` by default).
    pub logging_driver: String,
    /// `log-opts`.
    pub log_opts: BTreeMap<String, String>,
    /// Containers get `no-new-privileges` by default.
    pub no_new_privileges: bool,
    /// `live-restore`.
    pub live_restore: bool,
    /// `userland-proxy`.
    pub userland_proxy: bool,
    /// The seccomp profile `/info` reports (`builtin`, `default`,
    /// `unconfined`, a path), or the configured `seccomp-profile`.
    pub seccomp_profile: Option<String>,
    /// `/info` lists `name=seccomp` at all (`None` without `/info`).
    pub seccomp_enabled: Option<bool>,
    /// `/info` lists `name=apparmor`.
    pub apparmor: bool,
    /// SELinux labelling is on (`/info` `name=selinux`, or `selinux-enabled`).
    pub selinux_enabled: bool,
    /// Private cgroup namespaces by default (`/info` `name=cgroupns`).
    pub cgroupns: bool,
    /// Experimental features (`/version` `Experimental`, `/info` `ExperimentalBuild`, `experimental`).
    pub experimental: bool,
    /// `/info` `Swarm.LocalNodeState` (`inactive`, `active`, `pending`, `locked`, `error`).
    pub swarm_state: Option<String>,
    /// `/info` `CgroupVersion`.
    pub cgroup_version: Option<String>,
    /// `/info` `DockerRootDir`, else `data-root`, else `/var/lib/docker`.
    pub docker_root_dir: String,
    /// The Engine version (`/version`).
    pub engine_version: Option<String>,
}

/// How a dockerd flag takes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FlagKind {
    /// `--flag`, `--flag=true|false`; never consumes the next argument.
    Bool,
    /// `--flag value` or `--flag=value`.
    Value,
    /// Like [`FlagKind::Value`], repeatable; collected into an array.
    List,
}

/// dockerd's flags: long name, short name, kind, `daemon.json` key.
const FLAGS: &[(&str, Option<char>, FlagKind, &str)] = &[
    ("debug", Some('D'), FlagKind::Bool, "debug"),
    ("tls", None, FlagKind::Bool, "tls"),
    ("tlsverify", None, FlagKind::Bool, "tlsverify"),
    ("icc", None, FlagKind::Bool, "icc"),
    ("iptables", None, FlagKind::Bool, "iptables"),
    ("ip6tables", None, FlagKind::Bool, "ip6tables"),
    ("ip-forward", None, FlagKind::Bool, "ip-forward"),
    ("ip-masq", None, FlagKind::Bool, "ip-masq"),
    ("ipv6", None, FlagKind::Bool, "ipv6"),
    ("live-restore", None, FlagKind::Bool, "live-restore"),
    ("userland-proxy", None, FlagKind::Bool, "userland-proxy"),
    (
        "no-new-privileges",
        None,
        FlagKind::Bool,
        "no-new-privileges",
    ),
    ("selinux-enabled", None, FlagKind::Bool, "selinux-enabled"),
    ("experimental", None, FlagKind::Bool, "experimental"),
    ("init", None, FlagKind::Bool, "init"),
    ("raw-logs", None, FlagKind::Bool, "raw-logs"),
    ("rootless", None, FlagKind::Bool, "rootless"),
    ("validate", None, FlagKind::Bool, "validate"),
    ("help", Some('h'), FlagKind::Bool, "help"),
    ("version", Some('v'), FlagKind::Bool, "version"),
    ("host", Some('H'), FlagKind::List, "hosts"),
    ("log-level", Some('l'), FlagKind::Value, "log-level"),
    ("config-file", None, FlagKind::Value, "config-file"),
    ("data-root", None, FlagKind::Value, "data-root"),
    ("graph", Some('g'), FlagKind::Value, "data-root"),
    ("exec-root", None, FlagKind::Value, "exec-root"),
    ("group", Some('G'), FlagKind::Value, "group"),
    ("pidfile", Some('p'), FlagKind::Value, "pidfile"),
    ("bridge", Some('b'), FlagKind::Value, "bridge"),
    ("bip", None, FlagKind::Value, "bip"),
    (
        "storage-driver",
        Some('s'),
        FlagKind::Value,
        "storage-driver",
    ),
    ("storage-opt", None, FlagKind::List, "storage-opts"),
    ("log-driver", None, FlagKind::Value, "log-driver"),
    ("log-opt", None, FlagKind::List, "log-opts"),
    ("tlscacert", None, FlagKind::Value, "tlscacert"),
    ("tlscert", None, FlagKind::Value, "tlscert"),
    ("tlskey", None, FlagKind::Value, "tlskey"),
    ("userns-remap", None, FlagKind::Value, "userns-remap"),
    ("cgroup-parent", None, FlagKind::Value, "cgroup-parent"),
    ("default-ulimit", None, FlagKind::List, "default-ulimits"),
    (
        "authorization-plugin",
        None,
        FlagKind::List,
        "authorization-plugins",
    ),
    (
        "insecure-registry",
        None,
        FlagKind::List,
        "insecure-registries",
    ),
    ("registry-mirror", None, FlagKind::List, "registry-mirrors"),
    ("seccomp-profile", None, FlagKind::Value, "seccomp-profile"),
    ("exec-opt", None, FlagKind::List, "exec-opts"),
    ("containerd", None, FlagKind::Value, "containerd"),
    (
        "containerd-namespace",
        None,
        FlagKind::Value,
        "containerd-namespace",
    ),
    ("default-runtime", None, FlagKind::Value, "default-runtime"),
    ("add-runtime", None, FlagKind::List, "runtimes"),
    ("mtu", None, FlagKind::Value, "mtu"),
    ("fixed-cidr", None, FlagKind::Value, "fixed-cidr"),
    ("fixed-cidr-v6", None, FlagKind::Value, "fixed-cidr-v6"),
    ("default-gateway", None, FlagKind::Value, "default-gateway"),
    ("ip", None, FlagKind::Value, "ip"),
    ("label", None, FlagKind::List, "labels"),
    ("dns", None, FlagKind::List, "dns"),
    ("dns-opt", None, FlagKind::List, "dns-opts"),
    ("dns-search", None, FlagKind::List, "dns-search"),
    (
        "default-cgroupns-mode",
        None,
        FlagKind::Value,
        "default-cgroupns-mode",
    ),
    (
        "default-ipc-mode",
        None,
        FlagKind::Value,
        "default-ipc-mode",
    ),
    (
        "default-shm-size",
        None,
        FlagKind::Value,
        "default-shm-size",
    ),
    (
        "default-address-pool",
        None,
        FlagKind::List,
        "default-address-pools",
    ),
    (
        "max-concurrent-downloads",
        None,
        FlagKind::Value,
        "max-concurrent-downloads",
    ),
    (
        "max-concurrent-uploads",
        None,
        FlagKind::Value,
        "max-concurrent-uploads",
    ),
    (
        "max-download-attempts",
        None,
        FlagKind::Value,
        "max-download-attempts",
    ),
    (
        "shutdown-timeout",
        None,
        FlagKind::Value,
        "shutdown-timeout",
    ),
    (
        "userland-proxy-path",
        None,
        FlagKind::Value,
        "userland-proxy-path",
    ),
    (
        "swarm-default-advertise-addr",
        None,
        FlagKind::Value,
        "swarm-default-advertise-addr",
    ),
    ("cluster-store", None, FlagKind::Value, "cluster-store"),
    (
        "cluster-advertise",
        None,
        FlagKind::Value,
        "cluster-advertise",
    ),
    ("cpu-rt-period", None, FlagKind::Value, "cpu-rt-period"),
    ("cpu-rt-runtime", None, FlagKind::Value, "cpu-rt-runtime"),
    (
        "oom-score-adjust",
        None,
        FlagKind::Value,
        "oom-score-adjust",
    ),
    (
        "network-control-plane-mtu",
        None,
        FlagKind::Value,
        "network-control-plane-mtu",
    ),
    ("http-proxy", None, FlagKind::Value, "http-proxy"),
    ("https-proxy", None, FlagKind::Value, "https-proxy"),
    ("no-proxy", None, FlagKind::Value, "no-proxy"),
    ("feature", None, FlagKind::List, "features"),
    ("cdi-spec-dir", None, FlagKind::List, "cdi-spec-dirs"),
    (
        "firewall-backend",
        None,
        FlagKind::Value,
        "firewall-backend",
    ),
    (
        "bridge-accept-fwmark",
        None,
        FlagKind::Value,
        "bridge-accept-fwmark",
    ),
    ("api-cors-header", None, FlagKind::Value, "api-cors-header"),
    ("metrics-addr", None, FlagKind::Value, "metrics-addr"),
    (
        "node-generic-resource",
        None,
        FlagKind::List,
        "node-generic-resources",
    ),
];

/// The `daemon.json` keys this crate knows, with the JSON type dockerd expects.
const KNOWN_KEYS: &[(&str, JsonType)] = &[
    ("allow-nondistributable-artifacts", JsonType::Array),
    ("api-cors-header", JsonType::String),
    ("authorization-plugins", JsonType::Array),
    ("bip", JsonType::String),
    ("bridge", JsonType::String),
    ("builder", JsonType::Object),
    ("cdi-spec-dirs", JsonType::Array),
    ("cgroup-parent", JsonType::String),
    ("containerd", JsonType::String),
    ("containerd-namespace", JsonType::String),
    ("containerd-plugin-namespace", JsonType::String),
    ("data-root", JsonType::String),
    ("debug", JsonType::Bool),
    ("default-address-pools", JsonType::Array),
    ("default-cgroupns-mode", JsonType::String),
    ("default-gateway", JsonType::String),
    ("default-gateway-v6", JsonType::String),
    ("default-ipc-mode", JsonType::String),
    ("default-network-opts", JsonType::Object),
    ("default-runtime", JsonType::String),
    ("default-shm-size", JsonType::String),
    ("default-ulimits", JsonType::Object),
    ("dns", JsonType::Array),
    ("dns-opts", JsonType::Array),
    ("dns-search", JsonType::Array),
    ("exec-opts", JsonType::Array),
    ("exec-root", JsonType::String),
    ("experimental", JsonType::Bool),
    ("features", JsonType::Object),
    ("firewall-backend", JsonType::String),
    ("fixed-cidr", JsonType::String),
    ("fixed-cidr-v6", JsonType::String),
    ("group", JsonType::String),
    ("hosts", JsonType::Array),
    ("http-proxy", JsonType::String),
    ("https-proxy", JsonType::String),
    ("icc", JsonType::Bool),
    ("init", JsonType::Bool),
    ("init-path", JsonType::String),
    ("insecure-registries", JsonType::Array),
    ("ip", JsonType::String),
    ("ip-forward", JsonType::Bool),
    ("ip-masq", JsonType::Bool),
    ("ip6tables", JsonType::Bool),
    ("iptables", JsonType::Bool),
    ("ipv6", JsonType::Bool),
    ("labels", JsonType::Array),
    ("live-restore", JsonType::Bool),
    ("log-driver", JsonType::String),
    ("log-format", JsonType::String),
    ("log-level", JsonType::String),
    ("log-opts", JsonType::Object),
    ("max-concurrent-downloads", JsonType::Number),
    ("max-concurrent-uploads", JsonType::Number),
    ("max-download-attempts", JsonType::Number),
    ("metrics-addr", JsonType::String),
    ("mtu", JsonType::Number),
    ("no-new-privileges", JsonType::Bool),
    ("no-proxy", JsonType::String),
    ("node-generic-resources", JsonType::Array),
    ("oom-score-adjust", JsonType::Number),
    ("pidfile", JsonType::String),
    ("proxies", JsonType::Object),
    ("raw-logs", JsonType::Bool),
    ("registry-mirrors", JsonType::Array),
    ("runtimes", JsonType::Object),
    ("seccomp-profile", JsonType::String),
    ("selinux-enabled", JsonType::Bool),
    ("shutdown-timeout", JsonType::Number),
    ("storage-driver", JsonType::String),
    ("storage-opts", JsonType::Array),
    ("swarm-default-advertise-addr", JsonType::String),
    ("tls", JsonType::Bool),
    ("tlscacert", JsonType::String),
    ("tlscert", JsonType::String),
    ("tlskey", JsonType::String),
    ("tlsverify", JsonType::Bool),
    ("userland-proxy", JsonType::Bool),
    ("userland-proxy-path", JsonType::String),
    ("userns-remap", JsonType::String),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonType {
    Bool,
    String,
    Number,
    Array,
    Object,
}

impl JsonType {
    fn matches(self, value: &Value) -> bool {
        match self {
            JsonType::Bool => value.is_boolean(),
            JsonType::String => value.is_string(),
            JsonType::Number => value.is_number(),
            JsonType::Array => value.is_array(),
            JsonType::Object => value.is_object(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            JsonType::Bool => "a boolean",
            JsonType::String => "a string",
            JsonType::Number => "a number",
            JsonType::Array => "an array",
            JsonType::Object => "an object",
        }
    }
}

/// The command-line flags of a dockerd argv (the program name first), by
/// `daemon.json` key. Unknown flags are kept under their long name; written
/// without `=`, they are taken as boolean (they do not consume the next
/// argument). Positional arguments are ignored.
pub fn parse_flags(argv: &[String]) -> BTreeMap<String, Value> {
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    let mut rest_args = argv.iter().skip(1);
    while let Some(arg) = rest_args.next() {
        if arg == "--" {
            break;
        }
        let (name, inline) = if let Some(long) = arg.strip_prefix("--") {
            match long.split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => (long.to_owned(), None),
            }
        } else if let Some(short) = arg.strip_prefix('-') {
            let mut chars = short.chars();
            let Some(letter) = chars.next() else {
                continue;
            };
            let rest: String = chars.collect();
            let rest = rest.strip_prefix('=').map_or(rest.clone(), str::to_owned);
            let Some(long) = FLAGS
                .iter()
                .find(|f| f.1 == Some(letter))
                .map(|f| f.0.to_owned())
            else {
                continue;
            };
            (long, (!rest.is_empty()).then_some(rest))
        } else {
            continue;
        };
        let spec = FLAGS.iter().find(|f| f.0 == name);
        let (kind, key) = spec.map_or((FlagKind::Bool, name.as_str()), |f| (f.2, f.3));
        let value = match kind {
            FlagKind::Bool => match inline.as_deref() {
                None => Value::Bool(true),
                Some(v) => v
                    .parse::<bool>()
                    .map_or(Value::String(v.to_owned()), Value::Bool),
            },
            FlagKind::Value | FlagKind::List => {
                let value = match inline {
                    Some(v) => Some(v),
                    None => rest_args.next().cloned(),
                };
                let Some(value) = value else {
                    continue;
                };
                Value::String(value)
            }
        };
        if kind == FlagKind::List {
            let entry = out
                .entry(key.to_owned())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = entry {
                items.push(value);
            }
        } else {
            out.insert(key.to_owned(), value);
        }
    }
    out
}

/// Parses a configuration file's text: its top-level keys, or the problem that
/// makes dockerd refuse it.
pub fn parse_config_file(path: &str, text: &str) -> Result<BTreeMap<String, Value>, DaemonProblem> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map.into_iter().collect()),
        Ok(_) => Err(DaemonProblem::NotAnObject {
            path: path.to_owned(),
        }),
        Err(e) => Err(DaemonProblem::InvalidJson {
            path: path.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        }),
    }
}

/// Keys an option may be written as in the file besides its own (`graph` is
/// the old name of `data-root`).
fn file_key(key: &str) -> &str {
    if key == "graph" { "data-root" } else { key }
}

/// The `SecurityOptions` entries of `/info`, as `name` → `{key: value}`.
fn security_options(info: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let Some(items) = info.get("SecurityOptions").and_then(Value::as_array) else {
        return out;
    };
    for item in items.iter().filter_map(Value::as_str) {
        let mut name = None;
        let mut fields = BTreeMap::new();
        for part in item.split(',') {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            if k == "name" {
                name = Some(v.to_owned());
            } else {
                fields.insert(k.to_owned(), v.to_owned());
            }
        }
        if let Some(name) = name {
            out.insert(name, fields);
        }
    }
    out
}

fn str_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The Engine version from `/version` (`Version`, or the `Engine` component).
pub fn engine_version(daemon: &DaemonFacts) -> Option<String> {
    let version = daemon.version.as_ref()?;
    version
        .get("Version")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| component_version(daemon, "Engine"))
}

/// The version of a `/version` component (`Engine`, `containerd`, `runc`).
pub fn component_version(daemon: &DaemonFacts, name: &str) -> Option<String> {
    daemon
        .version
        .as_ref()?
        .get("Components")?
        .as_array()?
        .iter()
        .find(|c| {
            c.get("Name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })?
        .get("Version")?
        .as_str()
        .map(str::to_owned)
}

/// The default bridge network's `enable_icc` option, from `GET /networks`.
fn bridge_icc(daemon: &DaemonFacts) -> Option<bool> {
    let networks = daemon.networks.as_ref()?.as_array()?;
    let bridge = networks.iter().find(|n| {
        let options = n.get("Options");
        let default = options
            .and_then(|o| o.get("com.docker.network.bridge.default_bridge"))
            .and_then(Value::as_str)
            == Some("true");
        default || n.get("Name").and_then(Value::as_str) == Some("bridge")
    })?;
    let icc = bridge
        .get("Options")?
        .get("com.docker.network.bridge.enable_icc")?
        .as_str()?;
    icc.parse().ok()
}

fn json_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Resolves the daemon from the facts. Without daemon facts, everything is
/// dockerd's default and the `has_*` flags are false.
pub fn effective_daemon(facts: &Facts) -> (EffectiveDaemon, Vec<DaemonProblem>) {
    let mut problems = Vec::new();
    let Some(daemon) = facts.daemon.as_ref() else {
        return (defaults(), problems);
    };
    let flags = daemon
        .process
        .as_ref()
        .map(|p| parse_flags(&p.argv))
        .unwrap_or_default();
    let mut config = DaemonConfig::default();
    for (key, value) in &flags {
        config.values.insert(
            key.clone(),
            Configured {
                origin: Origin::Flag,
                value: value.clone(),
            },
        );
    }
    let mut eff = defaults();
    eff.has_process = daemon.process.is_some();
    eff.has_info = daemon.info.is_some();
    eff.config_path = daemon
        .config_file
        .as_ref()
        .map(|c| c.path.clone())
        .or_else(|| {
            flags
                .get("config-file")
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
    if let Some(file) = &daemon.config_file
        && let Some(text) = &file.text
    {
        eff.has_config_file = true;
        match parse_config_file(&file.path, text) {
            Ok(keys) => {
                let mut conflicts = Vec::new();
                for (key, value) in keys {
                    let key = file_key(&key).to_owned();
                    match KNOWN_KEYS.iter().find(|(k, _)| *k == key) {
                        Some((_, ty)) if !ty.matches(&value) => {
                            problems.push(DaemonProblem::WrongType {
                                path: file.path.clone(),
                                key: key.clone(),
                                expected: ty.name(),
                            });
                        }
                        Some(_) => {}
                        None => eff.unknown_keys.push(key.clone()),
                    }
                    if flags.contains_key(&key) {
                        conflicts.push(key);
                        continue;
                    }
                    config.values.insert(
                        key,
                        Configured {
                            origin: Origin::File,
                            value,
                        },
                    );
                }
                if !conflicts.is_empty() {
                    problems.push(DaemonProblem::Conflict {
                        path: file.path.clone(),
                        keys: conflicts,
                    });
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    apply_config(&mut eff, &config);
    eff.engine_version = engine_version(daemon);
    if let Some(info) = &daemon.info {
        apply_info(&mut eff, &config, info, &mut problems);
    }
    if let Some(version) = &daemon.version {
        let experimental = version
            .get("Experimental")
            .and_then(Value::as_bool)
            .or_else(|| {
                version
                    .get("Components")
                    .and_then(Value::as_array)
                    .and_then(|c| {
                        c.iter()
                            .find(|c| c.get("Name").and_then(Value::as_str) == Some("Engine"))
                    })
                    .and_then(|c| {
                        c.get("Details")?
                            .get("Experimental")?
                            .as_str()?
                            .parse()
                            .ok()
                    })
            });
        if experimental == Some(true) {
            eff.experimental = true;
        }
    }
    if let Some(icc) = bridge_icc(daemon) {
        if let Some(Configured {
            origin: Origin::File,
            value,
        }) = config.get("icc")
            && value.as_bool().is_some_and(|configured| configured != icc)
        {
            problems.push(DaemonProblem::PendingRestart {
                key: "icc".to_owned(),
                configured: json_text(value),
                running: icc.to_string(),
            });
        }
        eff.icc = icc;
        eff.icc_from_network = true;
    }
    eff.config = config;
    (eff, problems)
}

fn defaults() -> EffectiveDaemon {
    EffectiveDaemon {
        icc: true,
        log_level: "info".to_owned(),
        iptables: true,
        logging_driver: "json-file".to_owned(),
        userland_proxy: true,
        docker_root_dir: "/var/lib/docker".to_owned(),
        ..EffectiveDaemon::default()
    }
}

fn apply_config(eff: &mut EffectiveDaemon, config: &DaemonConfig) {
    eff.hosts = config.list("hosts");
    eff.tls_verify = config.bool("tlsverify").unwrap_or(false);
    eff.tls = config.bool("tls").unwrap_or(false) || eff.tls_verify;
    eff.tls_ca_cert = config.string("tlscacert").map(str::to_owned);
    eff.tls_cert = config.string("tlscert").map(str::to_owned);
    eff.tls_key = config.string("tlskey").map(str::to_owned);
    eff.icc = config.bool("icc").unwrap_or(true);
    eff.debug = config.bool("debug").unwrap_or(false);
    eff.log_level = config.string("log-level").map_or_else(
        || if eff.debug { "debug" } else { "info" }.to_owned(),
        str::to_ascii_lowercase,
    );
    eff.iptables = config.bool("iptables").unwrap_or(true);
    eff.insecure_registries = config
        .list("insecure-registries")
        .into_iter()
        .filter(|r| !is_default_insecure(r))
        .collect();
    eff.storage_driver = config.string("storage-driver").map(str::to_owned);
    eff.storage_opts = config.list("storage-opts");
    eff.default_ulimits = match config.get("default-ulimits").map(|c| &c.value) {
        Some(Value::Object(map)) => !map.is_empty(),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::String(s)) => !s.is_empty(),
        _ => false,
    };
    eff.userns_remap = config.string("userns-remap").is_some_and(|s| !s.is_empty());
    eff.rootless = config.bool("rootless").unwrap_or(false);
    eff.cgroup_parent = config
        .string("cgroup-parent")
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    eff.authorization_plugins = config.list("authorization-plugins");
    if let Some(driver) = config.string("log-driver") {
        driver.clone_into(&mut eff.logging_driver);
    }
    eff.log_opts = match config.get("log-opts").map(|c| &c.value) {
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), json_text(v))).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .filter_map(|s| s.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        _ => BTreeMap::new(),
    };
    eff.no_new_privileges = config.bool("no-new-privileges").unwrap_or(false);
    eff.live_restore = config.bool("live-restore").unwrap_or(false);
    eff.userland_proxy = config.bool("userland-proxy").unwrap_or(true);
    eff.seccomp_profile = config.string("seccomp-profile").map(str::to_owned);
    eff.selinux_enabled = config.bool("selinux-enabled").unwrap_or(false);
    eff.experimental = config.bool("experimental").unwrap_or(false);
    if let Some(root) = config.string("data-root") {
        root.clone_into(&mut eff.docker_root_dir);
    }
}

/// `127.0.0.0/8` and `::1/128` are always in `/info`'s insecure CIDRs.
fn is_default_insecure(registry: &str) -> bool {
    matches!(registry, "127.0.0.0/8" | "::1/128")
}

fn apply_info(
    eff: &mut EffectiveDaemon,
    config: &DaemonConfig,
    info: &Value,
    problems: &mut Vec<DaemonProblem>,
) {
    let options = security_options(info);
    let engine = eff.engine_version.as_deref().and_then(Version::parse);
    let mut pending = |key: &str, configured: String, running: String| {
        if config.origin(key) == Some(Origin::File) && configured != running {
            problems.push(DaemonProblem::PendingRestart {
                key: key.to_owned(),
                configured,
                running,
            });
        }
    };

    let userns = options.contains_key("userns");
    if let Some(configured) = config.string("userns-remap") {
        pending(
            "userns-remap",
            (!configured.is_empty()).to_string(),
            userns.to_string(),
        );
    }
    eff.userns_remap = userns;
    eff.rootless = eff.rootless || options.contains_key("rootless");

    // name=no-new-privileges exists in /info since Engine 24; before, only
    // the configuration says.
    let nnp_reported = engine.as_ref().is_some_and(|v| v.parts[0] >= 24);
    if nnp_reported || options.contains_key("no-new-privileges") {
        let running = options.contains_key("no-new-privileges");
        if let Some(configured) = config.bool("no-new-privileges") {
            pending(
                "no-new-privileges",
                configured.to_string(),
                running.to_string(),
            );
        }
        eff.no_new_privileges = running;
    }

    eff.seccomp_enabled = Some(options.contains_key("seccomp"));
    eff.seccomp_profile = options.get("seccomp").map(|f| {
        f.get("profile")
            .cloned()
            .unwrap_or_else(|| "default".to_owned())
    });
    eff.apparmor = options.contains_key("apparmor");
    let selinux = options.contains_key("selinux");
    if let Some(configured) = config.bool("selinux-enabled") {
        pending(
            "selinux-enabled",
            configured.to_string(),
            selinux.to_string(),
        );
    }
    eff.selinux_enabled = selinux;
    eff.cgroupns = options.contains_key("cgroupns");

    if let Some(live) = info.get("LiveRestoreEnabled").and_then(Value::as_bool) {
        eff.live_restore = live;
    }
    if let Some(driver) = info.get("LoggingDriver").and_then(Value::as_str) {
        if let Some(configured) = config.string("log-driver") {
            pending("log-driver", configured.to_owned(), driver.to_owned());
        }
        driver.clone_into(&mut eff.logging_driver);
    }
    if let Some(driver) = info.get("Driver").and_then(Value::as_str) {
        if let Some(configured) = config.string("storage-driver") {
            pending("storage-driver", configured.to_owned(), driver.to_owned());
        }
        eff.storage_driver = Some(driver.to_owned());
    }
    if let Some(debug) = info.get("Debug").and_then(Value::as_bool) {
        eff.debug = debug;
        if debug && config.get("log-level").is_none() {
            "debug".clone_into(&mut eff.log_level);
        }
    }
    if let Some(registry) = info.get("RegistryConfig") {
        let mut insecure: Vec<String> = str_list(registry.get("InsecureRegistryCIDRs"))
            .into_iter()
            .filter(|r| !is_default_insecure(r))
            .collect();
        if let Some(indexes) = registry.get("IndexConfigs").and_then(Value::as_object) {
            for (name, index) in indexes {
                if index.get("Secure").and_then(Value::as_bool) == Some(false) {
                    insecure.push(name.clone());
                }
            }
        }
        insecure.sort();
        insecure.dedup();
        eff.insecure_registries = insecure;
    }
    if let Some(plugins) = info.get("Plugins") {
        eff.authorization_plugins = str_list(plugins.get("Authorization"));
    }
    if let Some(experimental) = info.get("ExperimentalBuild").and_then(Value::as_bool) {
        if let Some(configured) = config.bool("experimental") {
            pending(
                "experimental",
                configured.to_string(),
                experimental.to_string(),
            );
        }
        eff.experimental = experimental;
    }
    eff.swarm_state = info
        .get("Swarm")
        .and_then(|s| s.get("LocalNodeState"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    eff.cgroup_version = info
        .get("CgroupVersion")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(root) = info.get("DockerRootDir").and_then(Value::as_str) {
        // With userns-remap the root is `<data-root>/<uid>.<gid>`.
        let base = if userns {
            root.rsplit_once('/')
                .filter(|(_, last)| last.contains('.'))
                .map_or(root, |(parent, _)| parent)
        } else {
            root
        };
        if let Some(configured) = config.string("data-root") {
            pending(
                "data-root",
                configured.trim_end_matches('/').to_owned(),
                base.to_owned(),
            );
        }
        root.clone_into(&mut eff.docker_root_dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(args: &[&str]) -> Vec<String> {
        std::iter::once("/usr/bin/dockerd")
            .chain(args.iter().copied())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn long_flags_take_values_with_equals_or_space() {
        let flags = parse_flags(&argv(&[
            "--log-level",
            "debug",
            "--config-file=/etc/docker/d.json",
            "--data-root",
            "/srv/docker",
        ]));
        assert_eq!(flags["log-level"], "debug");
        assert_eq!(flags["config-file"], "/etc/docker/d.json");
        assert_eq!(flags["data-root"], "/srv/docker");
    }

    #[test]
    fn boolean_flags_never_consume_the_next_argument() {
        let flags = parse_flags(&argv(&[
            "--live-restore",
            "--icc=false",
            "-D",
            "--tlsverify",
        ]));
        assert_eq!(flags["live-restore"], true);
        assert_eq!(flags["icc"], false);
        assert_eq!(flags["debug"], true);
        assert_eq!(flags["tlsverify"], true);
    }

    #[test]
    fn short_and_repeated_list_flags() {
        let flags = parse_flags(&argv(&[
            "-H",
            "fd://",
            "-Htcp://0.0.0.0:2375",
            "--host=unix:///run/x.sock",
            "-l",
            "warn",
            "-G",
            "dockremote",
            "--authorization-plugin",
            "opa",
            "--authorization-plugin=authz2",
            "--insecure-registry",
            "reg:5000",
        ]));
        assert_eq!(
            flags["hosts"],
            serde_json::json!(["fd://", "tcp://0.0.0.0:2375", "unix:///run/x.sock"])
        );
        assert_eq!(flags["log-level"], "warn");
        assert_eq!(flags["group"], "dockremote");
        assert_eq!(
            flags["authorization-plugins"],
            serde_json::json!(["opa", "authz2"])
        );
        assert_eq!(
            flags["insecure-registries"],
            serde_json::json!(["reg:5000"])
        );
    }

    #[test]
    fn invalid_json_reports_line_and_column() {
        let err = parse_config_file("/etc/docker/daemon.json", "{\n  \"icc\": false,\n}\n")
            .expect_err("trailing comma");
        match err {
            DaemonProblem::InvalidJson { line, column, .. } => {
                assert_eq!((line, column), (3, 1));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            parse_config_file("/x", "[1]"),
            Err(DaemonProblem::NotAnObject { .. })
        ));
    }
}
