//! The probe: reads the host, the daemon and its API, and the inside of a
//! container, and records what it saw as [`dockward_audit::facts::Facts`].
//! Read-only: nothing is written, started or sent beyond `GET` requests.
//!
//! Every host file, `/proc` and `/sys` read goes through [`ProbeOptions::root`],
//! so tests (and offline reviews of a mounted disk image) can point the probe at
//! another tree. Where the facts come from:
//!
//! | fact | source |
//! |---|---|
//! | kernel | `/proc/sys/kernel/{osrelease,version,hostname}` |
//! | distribution | `/etc/os-release` (else `/usr/lib/os-release`) |
//! | cgroup | v2 when `/sys/fs/cgroup/cgroup.controllers` exists, else v1 hierarchies in `/sys/fs/cgroup` |
//! | LSMs | `/sys/kernel/security/lsm`, `/sys/module/apparmor/parameters/enabled`, `/sys/fs/selinux/enforce` |
//! | seccomp support | a `Seccomp:` line in `/proc/self/status` |
//! | sysctls | `/proc/sys/<name with dots as slashes>` ([`host::SYSCTLS`]) |
//! | mounts | `/proc/1/mountinfo`, else `/proc/self/mountinfo` |
//! | docker group | `/etc/group`, plus `/etc/passwd` users with that primary group |
//! | audit rules | `/etc/audit/audit.rules`, `/etc/audit/rules.d/*.rules` (`auditctl` is not run) |
//! | files | `lstat` of unit files, `/etc/docker`, the config file, TLS files, certs.d, sockets, binaries |
//! | packages | `/var/lib/dpkg/status`, `/lib/apk/db/installed` (the rpm database is not read) |
//! | daemon process | `/proc/*/exe` named `dockerd`, its `cmdline` and `status` |
//! | daemon config | `--config-file`, else the rootless or rootful default, raw |
//! | API | `/version`, `/info`, `/plugins`, `/networks`, containers, images, top, execs |
//! | inside | see [`inside`] |

mod daemon;
pub mod engine;
mod fs;
mod host;
pub mod inside;
pub mod layers;
mod objects;

use std::io;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use dockward_audit::facts::{DaemonFacts, FACTS_SCHEMA, Facts, ProbeProblem};

pub use engine::{Client, Endpoint, EngineError};
pub use host::{PACKAGES, SYSCTLS};

/// What to probe, and where.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// `/` in production. All host file, `/proc` and `/sys` reads go through
    /// `root.join(path)`.
    pub root: PathBuf,
    /// `DOCKER_HOST`; when `None`, `unix:///var/run/docker.sock` (or the rootless
    /// `$XDG_RUNTIME_DIR/docker.sock` when only that exists), under `root`.
    pub docker_host: Option<String>,
    /// Probe the host.
    pub host: bool,
    /// Probe the daemon.
    pub daemon: bool,
    /// Inspect containers.
    pub containers: bool,
    /// Inspect images.
    pub images: bool,
    /// Include stopped containers (`docker ps -a`).
    pub all_containers: bool,
    /// Only these containers (name or ID prefix); empty means all.
    pub container_names: Vec<String>,
    /// Look for setuid/setgid files, credential files and world-writable
    /// directories in image layers (root only).
    pub read_image_layers: bool,
    /// Per API request.
    pub timeout: Duration,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        Self {
            root: PathBuf::from("/"),
            docker_host: None,
            host: true,
            daemon: true,
            containers: true,
            images: true,
            all_containers: false,
            container_names: Vec::new(),
            read_image_layers: false,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Problems collected on the way.
#[derive(Debug, Default)]
pub(crate) struct Problems(pub(crate) Vec<ProbeProblem>);

impl Problems {
    pub(crate) fn push(&mut self, area: &str, subject: &str, message: &str) {
        self.0.push(ProbeProblem {
            area: area.to_owned(),
            subject: subject.to_owned(),
            message: message.to_owned(),
        });
    }

    pub(crate) fn io(&mut self, area: &str, subject: &str, error: &io::Error) {
        self.push(area, subject, &error.to_string());
    }
}

/// An error and its sources, `: `-separated.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

fn new_facts() -> Facts {
    Facts {
        schema: FACTS_SCHEMA.to_owned(),
        collected_at: Some(rfc3339_utc(SystemTime::now())),
        collector: Some(format!("dockward {}", env!("CARGO_PKG_VERSION"))),
        ..Facts::default()
    }
}

/// Probes what `options` asks for. Never fails: what cannot be read goes into
/// `problems`, and everything collected before is kept.
pub fn collect(options: &ProbeOptions) -> Facts {
    let root = options.root.as_path();
    let mut facts = new_facts();
    let mut problems = Problems::default();
    let accounts = fs::Accounts::read(root);

    let (process, config) = if options.host || options.daemon {
        let process = daemon::find_dockerd(root);
        let path = daemon::config_path(root, process.as_ref(), &accounts);
        (process, Some(daemon::read_config(root, &path)))
    } else {
        (None, None)
    };
    if options.host {
        let paths = daemon::daemon_paths(process.as_ref(), config.as_ref());
        facts.host = Some(host::collect_host(root, &paths, &accounts, &mut problems));
    }

    let mut daemon_facts = DaemonFacts {
        process,
        config_file: config,
        ..DaemonFacts::default()
    };
    if options.daemon || options.containers || options.images {
        let tls = std::env::var("DOCKER_TLS_VERIFY").is_ok_and(|v| !v.is_empty());
        let xdg = std::env::var("XDG_RUNTIME_DIR").ok();
        let endpoint =
            engine::resolve_endpoint(options.docker_host.as_deref(), tls, root, xdg.as_deref());
        match endpoint {
            Err(e) => {
                let subject = options.docker_host.clone().unwrap_or_default();
                problems.push("daemon", &subject, &error_chain(&e));
            }
            Ok(endpoint) => {
                daemon_facts.endpoint = Some(endpoint.to_string());
                let mut client = Client::new(endpoint, options.timeout);
                if let Err(e) = client.negotiate() {
                    problems.push("daemon", &client.endpoint().to_string(), &error_chain(&e));
                } else {
                    if options.daemon {
                        daemon_api(&mut client, &mut daemon_facts, &mut problems);
                    }
                    if options.containers {
                        facts.containers = objects::collect_containers(
                            &mut client,
                            options.all_containers,
                            &options.container_names,
                            &mut problems.0,
                        );
                    }
                    if options.images {
                        facts.images = objects::collect_images(
                            &mut client,
                            root,
                            options.read_image_layers,
                            &mut problems.0,
                        );
                    }
                }
            }
        }
    }
    if options.daemon {
        facts.daemon = Some(daemon_facts);
    }
    facts.problems = problems.0;
    facts
}

fn daemon_api(client: &mut Client, daemon: &mut DaemonFacts, problems: &mut Problems) {
    let slots: [(&str, &mut Option<serde_json::Value>); 4] = [
        ("/version", &mut daemon.version),
        ("/info", &mut daemon.info),
        ("/plugins", &mut daemon.plugins),
        ("/networks", &mut daemon.networks),
    ];
    for (path, slot) in slots {
        match client.get_json(path) {
            Ok(value) => *slot = Some(value),
            Err(e) => problems.push("daemon", path, &error_chain(&e)),
        }
    }
}

/// Probes only the inside of the container the process runs in
/// (`facts.inside`, plus problems).
pub fn collect_inside(options: &ProbeOptions) -> Facts {
    let mut facts = new_facts();
    let mut problems = Problems::default();
    facts.inside = Some(inside::collect_inside(&options.root, &mut problems));
    facts.problems = problems.0;
    facts
}

/// RFC 3339 UTC with second precision.
fn rfc3339_utc(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Days since 1970-01-01 to a proleptic Gregorian date (era-based arithmetic).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let at = |s| rfc3339_utc(SystemTime::UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_767_225_599), "2025-12-31T23:59:59Z");
    }
}
