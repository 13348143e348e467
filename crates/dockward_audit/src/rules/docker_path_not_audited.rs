use dockward_rules::declare_rule;

use crate::files::audited_paths;
use crate::{AuditFinding, Context, ObjectKind};

declare_rule! {
    /// ## What it does
    /// Flags each Docker file or directory that exists on the host and that
    /// no Linux audit rule watches (CIS 1.1.3–1.1.18, one finding per path,
    /// with that path's CIS ID): the dockerd binary (the running daemon's
    /// executable, or `/usr/bin`, `/usr/sbin`, `/usr/local/bin`), the
    /// Docker root directory, `/etc/docker`, `/run/containerd`, the
    /// `docker.service` and `docker.socket` units, the containerd socket,
    /// `/etc/default/docker`, the daemon's configuration file,
    /// `/etc/containerd/config.toml`, `/etc/sysconfig/docker`, and the
    /// containerd, shim and runc binaries. Not judged when the audit rules
    /// could not be read.
    ///
    /// A path counts as audited by a watch `-w PATH`, or by an `always`
    /// syscall rule with `-F path=PATH` (that exact path) or `-F dir=DIR`;
    /// a watch or `dir=` rule on a directory also covers the paths under it.
    /// `/var/run/…` and `/run/…` are the same path.
    ///
    /// ## Why is this bad?
    /// The daemon runs as root and its files decide what containers may do.
    /// Without an audit trail, a changed `daemon.json`, a replaced `runc`
    /// or a new unit drop-in leaves no record of who did it.
    ///
    /// ## Example
    /// `/etc/audit/rules.d/docker.rules` has only `-w /etc/docker/daemon.json -k docker`.
    ///
    /// Use instead:
    /// ```text
    /// -w /usr/bin/dockerd -k docker
    /// -w /etc/docker -k docker
    /// -w /var/lib/docker -k docker
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench matches the path as a *substring* of `auditctl -l`: a rule
    /// on `/etc/docker/daemon.json` satisfies the `/etc/docker` check, and an
    /// exclusion (`-a never,exit -F dir=/var/lib/docker/volumes`) satisfies
    /// the `/var/lib/docker` check. It also hard-codes `/usr/bin/dockerd`
    /// and `/usr/bin/runc` (Debian installs them in `/usr/sbin`), and audits
    /// `/run/containerd` even when it does not exist. dockward parses each
    /// rule's target, ignores `never` rules, and checks only paths that exist.
    /// CIS levels: 1.1.3–1.1.6 are Level 1, the others Level 2.
    ///
    /// ## References
    /// - [CIS Docker Benchmark v1.6.0, 1.1.3–1.1.18](https://www.cisecurity.org/benchmark/docker)
    /// - [auditctl(8)](https://man7.org/linux/man-pages/man8/auditctl.8.html)
    pub struct DockerPathNotAudited {
        severity: Low,
        status: Stable,
        summary: "a Docker file or directory is not audited",
        aliases: [],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://man7.org/linux/man-pages/man8/auditctl.8.html",
        ],
    }
}

/// What an audit rule watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// This path and everything under it (`-w`, `-F dir=`).
    Tree(String),
    /// Exactly this path (`-F path=`).
    Exact(String),
}

/// `/var/run/x` → `/run/x`; trailing slashes removed.
fn normalize(path: &str) -> String {
    let path = path.trim_end_matches('/');
    match path.strip_prefix("/var/run") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("/run{rest}"),
        _ => path.to_owned(),
    }
}

/// The targets of one audit rule line; none for an exclusion (`never`) rule,
/// a deletion (`-W`, `-d`), or a rule that names no path.
pub(crate) fn targets(rule: &str) -> Vec<Target> {
    let words: Vec<&str> = rule.split_whitespace().collect();
    let mut out = Vec::new();
    let mut never = false;
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let next = words.get(i + 1).copied();
        match word {
            "-w" => {
                if let Some(path) = next {
                    out.push(Target::Tree(normalize(path)));
                }
                i += 2;
                continue;
            }
            "-W" | "-d" | "-D" => return Vec::new(),
            "-a" | "-A" => {
                if next.is_some_and(|n| n.split(',').any(|part| part == "never")) {
                    never = true;
                }
                i += 2;
                continue;
            }
            "-F" => {
                if let Some(field) = next {
                    if let Some(path) = field.strip_prefix("path=") {
                        out.push(Target::Exact(normalize(path)));
                    } else if let Some(dir) = field.strip_prefix("dir=") {
                        out.push(Target::Tree(normalize(dir)));
                    }
                }
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if never { Vec::new() } else { out }
}

/// Whether one of `targets` covers `path`.
pub(crate) fn covered(targets: &[Target], path: &str) -> bool {
    let path = normalize(path);
    targets.iter().any(|t| match t {
        Target::Exact(p) => *p == path,
        Target::Tree(p) => *p == path || path.starts_with(&format!("{p}/")) || p.is_empty(),
    })
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    let Some(rules) = ctx.host().and_then(|h| h.audit_rules.as_ref()) else {
        return;
    };
    let all: Vec<Target> = rules.rules.iter().flat_map(|r| targets(r)).collect();
    let mut seen: Vec<String> = Vec::new();
    for (cis, candidates) in audited_paths(ctx) {
        for path in candidates {
            let Some(file) = ctx.existing_file(&path) else {
                continue;
            };
            if seen.contains(&file.path) || covered(&all, &file.path) {
                continue;
            }
            seen.push(file.path.clone());
            let title = crate::cis::check(cis).map_or("", |c| c.title);
            out.push(
                AuditFinding::new(
                    DockerPathNotAudited::META.rule,
                    ObjectKind::File,
                    file.path.clone(),
                    format!(
                        "no audit rule watches {} (CIS {cis}: {title}); add `-w {} -k docker`",
                        file.path, file.path
                    ),
                )
                .with_cis(cis),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watch_and_field_rules() {
        assert_eq!(
            targets("-w /etc/docker -p wa -k docker"),
            [Target::Tree("/etc/docker".to_owned())]
        );
        assert_eq!(
            targets("-a always,exit -F arch=b64 -F path=/usr/bin/runc -F perm=x -k docker"),
            [Target::Exact("/usr/bin/runc".to_owned())]
        );
        assert_eq!(
            targets("-a exit,always -F dir=/var/run/containerd -k docker"),
            [Target::Tree("/run/containerd".to_owned())]
        );
        assert!(targets("-a never,exit -F dir=/var/lib/docker/volumes").is_empty());
        assert!(targets("-a exit,never -F path=/etc/docker").is_empty());
        assert!(targets("-W /etc/docker").is_empty());
        assert!(targets("-e 2").is_empty());
    }

    #[test]
    fn a_file_rule_does_not_cover_its_directory() {
        let file_rule = targets("-w /etc/docker/daemon.json -k docker");
        assert!(!covered(&file_rule, "/etc/docker"));
        assert!(covered(&file_rule, "/etc/docker/daemon.json"));
        let dir_rule = targets("-w /etc/docker -k docker");
        assert!(covered(&dir_rule, "/etc/docker/daemon.json"));
        assert!(!covered(&dir_rule, "/etc/dockerfoo"));
        let exact = targets("-a always,exit -F path=/var/lib/docker");
        assert!(!covered(&exact, "/var/lib/docker/volumes"));
    }
}
