//! The dockerd process and the configuration file it reads.
//!
//! The process is found by `/proc/<pid>/exe` whose file name is `dockerd` (when
//! `exe` cannot be read, `/proc/<pid>/comm`), never by a command-line substring.
//! Of several, the one whose parent is not itself a dockerd wins; then one
//! running as root; then the lowest PID.

use std::io;
use std::path::Path;

use dockward_audit::facts::{ConfigFile, DaemonProcess};

use crate::fs::{Accounts, read_text, read_text_limited, read_trimmed, status_field};
use crate::host::DaemonPaths;

/// The largest configuration file read.
pub const MAX_CONFIG: u64 = 1024 * 1024;

/// Finds the dockerd process under `root`'s `/proc`.
pub fn find_dockerd(root: &Path) -> Option<DaemonProcess> {
    struct Candidate {
        process: DaemonProcess,
        ppid: Option<u32>,
    }
    let mut candidates = Vec::new();
    let mut pids: Vec<u32> = crate::fs::dir_names(root, "/proc")
        .iter()
        .filter_map(|n| n.parse().ok())
        .collect();
    pids.sort_unstable();
    for pid in pids {
        let exe = std::fs::read_link(crate::fs::under(root, &format!("/proc/{pid}/exe")))
            .ok()
            .map(|p| {
                p.to_string_lossy()
                    .trim_end_matches(" (deleted)")
                    .to_owned()
            });
        let is_dockerd = match &exe {
            Some(exe) => exe.rsplit('/').next() == Some("dockerd"),
            None => read_trimmed(root, &format!("/proc/{pid}/comm")).as_deref() == Some("dockerd"),
        };
        if !is_dockerd {
            continue;
        }
        let argv = read_text(root, &format!("/proc/{pid}/cmdline"))
            .ok()
            .flatten()
            .map(|s| {
                s.split('\0')
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let status = read_text(root, &format!("/proc/{pid}/status"))
            .ok()
            .flatten()
            .unwrap_or_default();
        let uid = status_field(&status, "Uid")
            .and_then(|v| v.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok());
        let ppid = status_field(&status, "PPid").and_then(|v| v.parse().ok());
        candidates.push(Candidate {
            process: DaemonProcess {
                pid,
                exe,
                argv,
                uid,
            },
            ppid,
        });
    }
    let pids: Vec<u32> = candidates.iter().map(|c| c.process.pid).collect();
    candidates.sort_by_key(|c| {
        let child = c.ppid.is_some_and(|p| pids.contains(&p));
        (child, c.process.uid != Some(0), c.process.pid)
    });
    candidates.into_iter().next().map(|c| c.process)
}

/// The value of a long flag in an argv: `--name value` or `--name=value`; the
/// last occurrence wins (as dockerd's flag parser does).
pub fn flag_value<'a>(argv: &'a [String], name: &str) -> Option<&'a str> {
    let mut value = None;
    let long = format!("--{name}");
    let mut iter = argv.iter().skip(1);
    while let Some(arg) = iter.next() {
        if arg == &long {
            value = iter.next().map(String::as_str);
        } else if let Some(v) = arg
            .strip_prefix(&long)
            .and_then(|rest| rest.strip_prefix('='))
        {
            value = Some(v);
        }
    }
    value
}

/// The configuration file a daemon process reads: `--config-file`, else the
/// rootless default for a non-root daemon (`$XDG_CONFIG_HOME/docker/daemon.json`
/// of the process, else `~/.config/docker/daemon.json` of its owner), else
/// `/etc/docker/daemon.json`.
pub fn config_path(root: &Path, process: Option<&DaemonProcess>, accounts: &Accounts) -> String {
    let Some(process) = process else {
        return "/etc/docker/daemon.json".to_owned();
    };
    if let Some(path) = flag_value(&process.argv, "config-file") {
        return path.to_owned();
    }
    match process.uid {
        Some(uid) if uid != 0 => {
            let environ = read_text(root, &format!("/proc/{}/environ", process.pid))
                .ok()
                .flatten()
                .unwrap_or_default();
            let xdg = environ
                .split('\0')
                .find_map(|kv| kv.strip_prefix("XDG_CONFIG_HOME="))
                .filter(|v| v.starts_with('/'));
            if let Some(xdg) = xdg {
                return format!("{}/docker/daemon.json", xdg.trim_end_matches('/'));
            }
            let home = environ
                .split('\0')
                .find_map(|kv| kv.strip_prefix("HOME="))
                .filter(|v| v.starts_with('/'))
                .map(str::to_owned)
                .or_else(|| {
                    accounts
                        .passwd
                        .iter()
                        .find(|p| p.uid == uid)
                        .map(|p| p.home.clone())
                });
            match home {
                Some(home) => format!("{}/.config/docker/daemon.json", home.trim_end_matches('/')),
                None => "/etc/docker/daemon.json".to_owned(),
            }
        }
        _ => "/etc/docker/daemon.json".to_owned(),
    }
}

/// Reads the configuration file raw.
pub fn read_config(root: &Path, path: &str) -> ConfigFile {
    match read_text_limited(root, path, MAX_CONFIG) {
        Ok(text) => ConfigFile {
            path: path.to_owned(),
            text,
            error: None,
        },
        Err(e) if e.kind() == io::ErrorKind::InvalidData => ConfigFile {
            path: path.to_owned(),
            text: None,
            error: Some("larger than 1 MiB".to_owned()),
        },
        Err(e) => ConfigFile {
            path: path.to_owned(),
            text: None,
            error: Some(e.to_string()),
        },
    }
}

/// The paths the host probe should also `lstat`: the configuration file and
/// the TLS files named by flags or the file (`tlscacert`, `tlscert`, `tlskey`).
/// This is a lookup of three flat keys, not a configuration parser.
pub fn daemon_paths(process: Option<&DaemonProcess>, config: Option<&ConfigFile>) -> DaemonPaths {
    let mut paths = DaemonPaths {
        config_file: config.map(|c| c.path.clone()),
        tls_files: Vec::new(),
    };
    let json = config
        .and_then(|c| c.text.as_deref())
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
    for key in ["tlscacert", "tlscert", "tlskey"] {
        let from_flag = process
            .and_then(|p| flag_value(&p.argv, key))
            .map(str::to_owned);
        let from_file = json
            .as_ref()
            .and_then(|j| j.get(key))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        for path in from_flag.into_iter().chain(from_file) {
            if path.starts_with('/') && !paths.tls_files.contains(&path) {
                paths.tls_files.push(path);
            }
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn flag_forms() {
        let a = argv(&[
            "dockerd",
            "--config-file",
            "/a.json",
            "-H",
            "fd://",
            "--config-file=/b.json",
        ]);
        assert_eq!(flag_value(&a, "config-file"), Some("/b.json"));
        let a = argv(&["dockerd", "--config-file", "/a.json"]);
        assert_eq!(flag_value(&a, "config-file"), Some("/a.json"));
        let a = argv(&["dockerd", "--config-filex=/c"]);
        assert_eq!(flag_value(&a, "config-file"), None);
        let a = argv(&["dockerd", "--tlscert"]);
        assert_eq!(flag_value(&a, "tlscert"), None);
    }

    #[test]
    fn tls_paths_from_flags_and_file() {
        let process = DaemonProcess {
            pid: 1,
            exe: None,
            argv: argv(&["dockerd", "--tlscacert=/etc/ca.pem"]),
            uid: Some(0),
        };
        let config = ConfigFile {
            path: "/etc/docker/daemon.json".into(),
            text: Some(r#"{"tlscert": "/etc/docker/cert.pem", "tlskey": "relative.pem"}"#.into()),
            error: None,
        };
        let paths = daemon_paths(Some(&process), Some(&config));
        assert_eq!(paths.tls_files, ["/etc/ca.pem", "/etc/docker/cert.pem"]);
        assert_eq!(
            paths.config_file.as_deref(),
            Some("/etc/docker/daemon.json")
        );
    }
}
