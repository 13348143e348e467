//! The CIS Docker Benchmark v1.6.0 checks the audit answers: ID, profile
//! level, title and section, with the v1.8.0 ID where it differs.
//!
//! Levels come from a third-party text extraction of the CIS PDFs (see
//! `docs/reference/audit.md` §0); they are data, so a correction is one row.
//! v1.8.0 inserts 2.7 "Ensure that the devicemapper storage driver is not used"
//! and renumbers v1.6.0's 2.7–2.18 as 2.8–2.19; the other sections keep their
//! numbers.

/// A CIS profile level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Level 1: practical, little impact.
    L1,
    /// Level 2: defence in depth, may cost functionality.
    L2,
}

impl Level {
    /// `L1` or `L2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::L1 => "L1",
            Level::L2 => "L2",
        }
    }
}

/// One benchmark check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CisCheck {
    /// The v1.6.0 ID, e.g. `3.14`.
    pub id: &'static str,
    /// Profile level.
    pub level: Level,
    /// Title, abridged.
    pub title: &'static str,
    /// The v1.8.0 ID when it differs from [`CisCheck::id`].
    pub v1_8_id: Option<&'static str>,
}

impl CisCheck {
    /// The title of the section the check is in.
    pub fn section_title(&self) -> &'static str {
        section_title(self.id)
    }

    /// The finding aliases for this check: `["CIS-3.14", "CIS-L1"]`.
    pub fn aliases(&self) -> Vec<String> {
        vec![
            format!("CIS-{}", self.id),
            format!("CIS-{}", self.level.as_str()),
        ]
    }
}

/// The title of the section (`1.1`, `2`, ...) an ID is in.
pub fn section_title(id: &str) -> &'static str {
    if id.starts_with("1.1.") {
        "Linux hosts specific configuration"
    } else if id.starts_with("1.2.") {
        "General configuration"
    } else if id.starts_with("2.") {
        "Docker daemon configuration"
    } else if id.starts_with("3.") {
        "Docker daemon configuration files"
    } else if id.starts_with("4.") {
        "Container images and build file"
    } else if id.starts_with("5.") {
        "Container runtime"
    } else if id.starts_with("6.") {
        "Docker security operations"
    } else if id.starts_with("7.") {
        "Docker swarm configuration"
    } else {
        "Host configuration"
    }
}

macro_rules! checks {
    ($( $id:literal $level:ident $v18:expr, $title:literal; )*) => {
        /// Every check this crate refers to, in benchmark order.
        pub const CHECKS: &[CisCheck] = &[
            $( CisCheck { id: $id, level: Level::$level, title: $title, v1_8_id: $v18 }, )*
        ];
    };
}

checks! {
    "1.1.1" L1 None, "Ensure a separate partition for containers has been created";
    "1.1.2" L1 None, "Ensure only trusted users are allowed to control Docker daemon";
    "1.1.3" L1 None, "Ensure auditing is configured for the Docker daemon";
    "1.1.4" L1 None, "Ensure auditing is configured for Docker files and directories - /run/containerd";
    "1.1.5" L1 None, "Ensure auditing is configured for Docker files and directories - /var/lib/docker";
    "1.1.6" L1 None, "Ensure auditing is configured for Docker files and directories - /etc/docker";
    "1.1.7" L2 None, "Ensure auditing is configured for Docker files and directories - docker.service";
    "1.1.8" L2 None, "Ensure auditing is configured for Docker files and directories - containerd.sock";
    "1.1.9" L2 None, "Ensure auditing is configured for Docker files and directories - docker.socket";
    "1.1.10" L2 None, "Ensure auditing is configured for Docker files and directories - /etc/default/docker";
    "1.1.11" L2 None, "Ensure auditing is configured for Docker files and directories - /etc/docker/daemon.json";
    "1.1.12" L2 None, "Ensure auditing is configured for Docker files and directories - /etc/containerd/config.toml";
    "1.1.13" L2 None, "Ensure auditing is configured for Docker files and directories - /etc/sysconfig/docker";
    "1.1.14" L2 None, "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd";
    "1.1.15" L2 None, "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim";
    "1.1.16" L2 None, "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim-runc-v1";
    "1.1.17" L2 None, "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim-runc-v2";
    "1.1.18" L2 None, "Ensure auditing is configured for Docker files and directories - /usr/bin/runc";
    "1.2.1" L1 None, "Ensure the container host has been hardened";
    "1.2.2" L1 None, "Ensure that the version of Docker is up to date";
    "2.1" L1 None, "Run the Docker daemon as a non-root user, if possible";
    "2.2" L1 None, "Ensure network traffic is restricted between containers on the default bridge";
    "2.3" L1 None, "Ensure the logging level is set to 'info'";
    "2.4" L1 None, "Ensure Docker is allowed to make changes to iptables";
    "2.5" L1 None, "Ensure insecure registries are not used";
    "2.6" L1 None, "Ensure aufs storage driver is not used";
    "2.7" L1 Some("2.8"), "Ensure TLS authentication for Docker daemon is configured";
    "2.8" L1 Some("2.9"), "Ensure the default ulimit is configured appropriately";
    "2.9" L2 Some("2.10"), "Enable user namespace support";
    "2.10" L2 Some("2.11"), "Ensure the default cgroup usage has been confirmed";
    "2.11" L2 Some("2.12"), "Ensure base device size is not changed until needed";
    "2.12" L2 Some("2.13"), "Ensure that authorization for Docker client commands is enabled";
    "2.13" L2 Some("2.14"), "Ensure centralized and remote logging is configured";
    "2.14" L1 Some("2.15"), "Ensure containers are restricted from acquiring new privileges";
    "2.15" L1 Some("2.16"), "Ensure live restore is enabled";
    "2.16" L1 Some("2.17"), "Ensure Userland Proxy is Disabled";
    "2.17" L2 Some("2.18"), "Ensure that a daemon-wide custom seccomp profile is applied if appropriate";
    "2.18" L1 Some("2.19"), "Ensure that experimental features are not implemented in production";
    "3.1" L1 None, "Ensure that the docker.service file ownership is set to root:root";
    "3.2" L1 None, "Ensure that docker.service file permissions are appropriately set";
    "3.3" L1 None, "Ensure that docker.socket file ownership is set to root:root";
    "3.4" L1 None, "Ensure that docker.socket file permissions are set to 644 or more restrictive";
    "3.5" L1 None, "Ensure that the /etc/docker directory ownership is set to root:root";
    "3.6" L1 None, "Ensure that /etc/docker directory permissions are set to 755 or more restrictively";
    "3.7" L1 None, "Ensure that registry certificate file ownership is set to root:root";
    "3.8" L1 None, "Ensure that registry certificate file permissions are set to 444 or more restrictively";
    "3.9" L1 None, "Ensure that TLS CA certificate file ownership is set to root:root";
    "3.10" L1 None, "Ensure that TLS CA certificate file permissions are set to 444 or more restrictively";
    "3.11" L1 None, "Ensure that Docker server certificate file ownership is set to root:root";
    "3.12" L1 None, "Ensure that the Docker server certificate file permissions are set to 444 or more restrictively";
    "3.13" L1 None, "Ensure that the Docker server certificate key file ownership is set to root:root";
    "3.14" L1 None, "Ensure that the Docker server certificate key file permissions are set to 400";
    "3.15" L1 None, "Ensure that the Docker socket file ownership is set to root:docker";
    "3.16" L1 None, "Ensure that the Docker socket file permissions are set to 660 or more restrictively";
    "3.17" L2 None, "Ensure that the daemon.json file ownership is set to root:root";
    "3.18" L2 None, "Ensure that daemon.json file permissions are set to 644 or more restrictive";
    "3.19" L2 None, "Ensure that the /etc/default/docker file ownership is set to root:root";
    "3.20" L2 None, "Ensure that the /etc/default/docker file permissions are set to 644 or more restrictively";
    "3.21" L2 None, "Ensure that the /etc/sysconfig/docker file permissions are set to 644 or more restrictively";
    "3.22" L2 None, "Ensure that the /etc/sysconfig/docker file ownership is set to root:root";
    "3.23" L1 None, "Ensure that the Containerd socket file ownership is set to root:root";
    "3.24" L1 None, "Ensure that the Containerd socket file permissions are set to 660 or more restrictively";
    "4.1" L1 None, "Ensure that a user for the container has been created";
    "4.6" L1 None, "Ensure that HEALTHCHECK instructions have been added to container images";
    "4.8" L2 None, "Ensure setuid and setgid permissions are removed";
    "4.10" L1 None, "Ensure secrets are not stored in Dockerfiles";
    "5.1" L1 None, "Ensure swarm mode is not Enabled, if not needed";
}

/// The check with this v1.6.0 ID.
pub fn check(id: &str) -> Option<&'static CisCheck> {
    CHECKS.iter().find(|c| c.id == id)
}

/// The finding aliases for a v1.6.0 ID (`["CIS-3.14", "CIS-L1"]`), or none for
/// an ID not in the table.
pub fn aliases(id: &str) -> Vec<String> {
    check(id).map(CisCheck::aliases).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_aliases_name_id_and_level() {
        let mut ids: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CHECKS.len());
        assert_eq!(aliases("3.14"), ["CIS-3.14", "CIS-L1"]);
        assert_eq!(aliases("2.9"), ["CIS-2.9", "CIS-L2"]);
        assert!(aliases("9.9").is_empty());
    }

    #[test]
    fn v1_8_renumbers_2_7_to_2_18() {
        for c in CHECKS.iter().filter(|c| c.id.starts_with("2.")) {
            let minor: u32 = c.id["2.".len()..].parse().expect("numeric");
            let expected = (minor >= 7).then(|| format!("2.{}", minor + 1));
            assert_eq!(c.v1_8_id.map(str::to_owned), expected, "{}", c.id);
        }
        assert_eq!(
            check("1.1.3").map(CisCheck::section_title),
            Some("Linux hosts specific configuration")
        );
    }
}
