//! The one code table. Codes are never reused: a removed rule keeps its row
//! with status `Deprecated` in its metadata; a renamed one keeps its code.

/// The engine family a rule belongs to; the code prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// `DF`: Dockerfile.
    Dockerfile,
    /// `CT`: container configuration (a `ContainerSpec` from compose, a create
    /// request or `docker inspect`).
    Container,
    /// `IM`: image configuration and content.
    Image,
    /// `HS`: the host a Docker daemon runs on.
    Host,
    /// `DM`: the Docker daemon, its configuration and its files.
    Daemon,
    /// `VL`: vulnerabilities of the packages in an image.
    Vulnerability,
}

impl Family {
    /// The code prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            Family::Dockerfile => "DF",
            Family::Container => "CT",
            Family::Image => "IM",
            Family::Host => "HS",
            Family::Daemon => "DM",
            Family::Vulnerability => "VL",
        }
    }

    /// What the family covers, in a few words.
    pub fn title(self) -> &'static str {
        match self {
            Family::Dockerfile => "Dockerfile",
            Family::Container => "Container configuration",
            Family::Image => "Image",
            Family::Host => "Host",
            Family::Daemon => "Docker daemon",
            Family::Vulnerability => "Vulnerabilities",
        }
    }
}

macro_rules! rule_table {
    ($( $code:ident $family:ident $variant:ident $name:literal; )*) => {
        /// Every rule dockward knows, one variant each.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $(
                #[doc = concat!("`", stringify!($code), "` `", $name, "`")]
                $variant,
            )*
        }

        impl Rule {
            /// All rules in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The code, e.g. `DF003`.
            pub const fn code(self) -> &'static str {
                match self {
                    $(Rule::$variant => stringify!($code),)*
                }
            }

            /// The kebab-case name, e.g. `from-latest-tag`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Rule::$variant => $name,)*
                }
            }

            /// The family, from the code prefix.
            pub const fn family(self) -> Family {
                match self {
                    $(Rule::$variant => Family::$family,)*
                }
            }

            /// The rule with this exact code (`DF003`) or name (`from-latest-tag`).
            /// Aliases are resolved by the [`Registry`](crate::Registry).
            pub fn from_code_or_name(s: &str) -> Option<Rule> {
                match s {
                    $(stringify!($code) | $name => Some(Rule::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

rule_table! {
    DF001 Dockerfile ParseError "parse-error";
    DF002 Dockerfile FromUntaggedImage "from-untagged-image";
    DF003 Dockerfile FromLatestTag "from-latest-tag";
    DF004 Dockerfile RelativeWorkdir "relative-workdir";
    DF005 Dockerfile PointlessCommandInRun "pointless-command-in-run";
    DF006 Dockerfile LastUserRoot "last-user-root";
    DF007 Dockerfile CdInRun "cd-in-run";
    DF008 Dockerfile SudoInRun "sudo-in-run";
    DF009 Dockerfile AptGetUnpinned "apt-get-unpinned";
    DF010 Dockerfile AptListsKept "apt-lists-kept";
    DF011 Dockerfile ArchiveCopiedNotAdded "archive-copied-not-added";
    DF012 Dockerfile ExposePortOutOfRange "expose-port-out-of-range";
    DF013 Dockerfile MultipleHealthchecks "multiple-healthchecks";
    DF014 Dockerfile PipUnpinned "pip-unpinned";
    DF015 Dockerfile AptGetWithoutYes "apt-get-without-yes";
    DF016 Dockerfile AptGetInstallRecommends "apt-get-install-recommends";
    DF017 Dockerfile NpmUnpinned "npm-unpinned";
    DF018 Dockerfile ApkUnpinned "apk-unpinned";
    DF019 Dockerfile ApkCacheKept "apk-cache-kept";
    DF020 Dockerfile AddInsteadOfCopy "add-instead-of-copy";
    DF021 Dockerfile CopyMultipleSourcesNoSlash "copy-multiple-sources-no-slash";
    DF022 Dockerfile CopyFromUnknownStage "copy-from-unknown-stage";
    DF023 Dockerfile CopyFromOwnStage "copy-from-own-stage";
    DF024 Dockerfile DuplicateStageName "duplicate-stage-name";
    DF025 Dockerfile ShellFormCmdEntrypoint "shell-form-cmd-entrypoint";
    DF026 Dockerfile UntrustedRegistry "untrusted-registry";
    DF027 Dockerfile AptInRun "apt-in-run";
    DF028 Dockerfile GemUnpinned "gem-unpinned";
    DF029 Dockerfile FromPlatformFlag "from-platform-flag";
    DF030 Dockerfile YumWithoutYes "yum-without-yes";
    DF031 Dockerfile YumCacheKept "yum-cache-kept";
    DF032 Dockerfile YumUnpinned "yum-unpinned";
    DF033 Dockerfile ZypperWithoutYes "zypper-without-yes";
    DF034 Dockerfile ZypperDistUpgrade "zypper-dist-upgrade";
    DF035 Dockerfile ZypperCacheKept "zypper-cache-kept";
    DF036 Dockerfile ZypperUnpinned "zypper-unpinned";
    DF037 Dockerfile DnfWithoutYes "dnf-without-yes";
    DF038 Dockerfile DnfCacheKept "dnf-cache-kept";
    DF039 Dockerfile DnfUnpinned "dnf-unpinned";
    DF040 Dockerfile PipCacheKept "pip-cache-kept";
    DF041 Dockerfile OnbuildForbiddenTrigger "onbuild-forbidden-trigger";
    DF042 Dockerfile EnvSelfReference "env-self-reference";
    DF043 Dockerfile CopyRelativeDestWithoutWorkdir "copy-relative-dest-without-workdir";
    DF044 Dockerfile UseraddWithoutNoLogInit "useradd-without-no-log-init";
    DF045 Dockerfile WgetWithoutProgress "wget-without-progress";
    DF046 Dockerfile InvalidLabelKey "invalid-label-key";
    DF047 Dockerfile RequiredLabelMissing "required-label-missing";
    DF048 Dockerfile SuperfluousLabel "superfluous-label";
    DF049 Dockerfile EmptyLabel "empty-label";
    DF050 Dockerfile LabelNotUrl "label-not-url";
    DF051 Dockerfile LabelNotRfc3339 "label-not-rfc3339";
    DF052 Dockerfile LabelNotSpdx "label-not-spdx";
    DF053 Dockerfile LabelNotGitHash "label-not-git-hash";
    DF054 Dockerfile LabelNotSemver "label-not-semver";
    DF055 Dockerfile HealthcheckMissing "healthcheck-missing";
    DF056 Dockerfile LabelNotEmail "label-not-email";
    DF057 Dockerfile ConsecutiveRuns "consecutive-runs";
    DF058 Dockerfile YarnCacheKept "yarn-cache-kept";
    DF059 Dockerfile InstructionBeforeFrom "instruction-before-from";
    DF060 Dockerfile GoInstallUnpinned "go-install-unpinned";
    DF061 Dockerfile ReservedStageName "reserved-stage-name";
    DF062 Dockerfile SecretNameInArgEnv "secret-name-in-arg-env";
    DF063 Dockerfile RedundantTargetPlatform "redundant-target-platform";
    DF064 Dockerfile NonNumericUser "non-numeric-user";
    DF065 Dockerfile CopyWholeStageRoot "copy-whole-stage-root";
    DF066 Dockerfile MaintainerUsed "maintainer-used";
    DF067 Dockerfile WgetAndCurl "wget-and-curl";
    DF068 Dockerfile MultipleCmd "multiple-cmd";
    DF069 Dockerfile MultipleEntrypoint "multiple-entrypoint";
    DF070 Dockerfile ShellChangedWithLn "shell-changed-with-ln";
    DF071 Dockerfile PipeWithoutPipefail "pipe-without-pipefail";
    DF072 Dockerfile InlinePragma "inline-pragma";
    DF073 Dockerfile SshPortExposed "ssh-port-exposed";
    DF074 Dockerfile PackageUpdateAlone "package-update-alone";
    DF075 Dockerfile DistUpgrade "dist-upgrade";
    DF076 Dockerfile SystemDirWorkdir "system-dir-workdir";
    DF077 Dockerfile SensitiveDirVolume "sensitive-dir-volume";
    DF078 Dockerfile SecretValueInInstruction "secret-value-in-instruction";
    DF079 Dockerfile RemoteAddWithoutChecksum "remote-add-without-checksum";
    DF080 Dockerfile DownloadPipedToShell "download-piped-to-shell";
    DF081 Dockerfile WorldWritablePermissions "world-writable-permissions";
    DF082 Dockerfile RunSecurityInsecure "run-security-insecure";
    DF083 Dockerfile SecretFileCopied "secret-file-copied";
    DF084 Dockerfile UnknownInstructionFlag "unknown-instruction-flag";
    DF085 Dockerfile UserMissing "user-missing";
    CT001 Container AppArmorUnconfined "apparmor-unconfined";
    CT002 Container SelinuxLabelDisabled "selinux-label-disabled";
    CT003 Container CapabilityAdded "capability-added";
    CT004 Container DangerousCapabilityAdded "dangerous-capability-added";
    CT005 Container CapabilitiesNotDropped "capabilities-not-dropped";
    CT006 Container PrivilegedContainer "privileged-container";
    CT007 Container SensitiveHostPathMounted "sensitive-host-path-mounted";
    CT008 Container SshdRunning "sshd-running";
    CT009 Container PrivilegedPortPublished "privileged-port-published";
    CT010 Container PortPublished "port-published";
    CT011 Container HostNetwork "host-network";
    CT012 Container MemoryUnlimited "memory-unlimited";
    CT013 Container CpuUnlimited "cpu-unlimited";
    CT014 Container WritableRootFilesystem "writable-root-filesystem";
    CT015 Container PortBoundToAllInterfaces "port-bound-to-all-interfaces";
    CT016 Container UnboundedRestartPolicy "unbounded-restart-policy";
    CT017 Container HostPidNamespace "host-pid-namespace";
    CT018 Container HostIpcNamespace "host-ipc-namespace";
    CT019 Container HostDeviceExposed "host-device-exposed";
    CT020 Container WeakeningUlimit "weakening-ulimit";
    CT021 Container SharedMountPropagation "shared-mount-propagation";
    CT022 Container HostUtsNamespace "host-uts-namespace";
    CT023 Container SeccompUnconfined "seccomp-unconfined";
    CT024 Container PrivilegedExec "privileged-exec";
    CT025 Container RootExec "root-exec";
    CT026 Container CgroupParentOverridden "cgroup-parent-overridden";
    CT027 Container NoNewPrivilegesNotSet "no-new-privileges-not-set";
    CT028 Container ContainerHealthcheckMissing "container-healthcheck-missing";
    CT029 Container ImageNotPinned "image-not-pinned";
    CT030 Container PidsUnlimited "pids-unlimited";
    CT031 Container DefaultBridgeNetwork "default-bridge-network";
    CT032 Container HostUserNamespace "host-user-namespace";
    CT033 Container EngineSocketMounted "engine-socket-mounted";
    CT034 Container HostCgroupNamespace "host-cgroup-namespace";
    CT035 Container RootUser "root-user";
    CT036 Container WeakeningSysctl "weakening-sysctl";
    CT037 Container SystemPathsUnmasked "system-paths-unmasked";
    CT038 Container OomKillDisabled "oom-kill-disabled";
    CT039 Container ComposeFileInvalid "compose-file-invalid";
    IM001 Image ImageRunsAsRoot "image-runs-as-root";
    IM002 Image ImageHealthcheckMissing "image-healthcheck-missing";
    IM003 Image SetuidFileInImage "setuid-file-in-image";
    IM004 Image SecretInImageConfig "secret-in-image-config";
    IM005 Image SensitivePortExposed "sensitive-port-exposed";
    IM006 Image SecretFileInImage "secret-file-in-image";
    IM007 Image WorldWritableDirInImage "world-writable-dir-in-image";
    HS001 Host KernelEscapeVulnerable "kernel-escape-vulnerable";
    HS002 Host CgroupV1 "cgroup-v1";
    HS003 Host UnprivilegedUserNamespaces "unprivileged-user-namespaces";
    HS004 Host UserNamespacesUnavailable "user-namespaces-unavailable";
    HS005 Host NoMandatoryAccessControl "no-mandatory-access-control";
    HS006 Host SeccompUnsupported "seccomp-unsupported";
    HS007 Host WeakKernelSysctl "weak-kernel-sysctl";
    HS008 Host DockerRootNotSeparatePartition "docker-root-not-separate-partition";
    HS009 Host DockerPathNotAudited "docker-path-not-audited";
    HS010 Host DockerGroupMembers "docker-group-members";
    DM001 Daemon TcpSocketWithoutTls "tcp-socket-without-tls";
    DM002 Daemon InterContainerTrafficAllowed "inter-container-traffic-allowed";
    DM003 Daemon DebugLogLevel "debug-log-level";
    DM004 Daemon IptablesDisabled "iptables-disabled";
    DM005 Daemon InsecureRegistry "insecure-registry";
    DM006 Daemon DeprecatedStorageDriver "deprecated-storage-driver";
    DM007 Daemon DefaultUlimitUnset "default-ulimit-unset";
    DM008 Daemon UserNamespaceRemapOff "user-namespace-remap-off";
    DM009 Daemon DaemonCgroupParentSet "daemon-cgroup-parent-set";
    DM010 Daemon BaseDeviceSizeChanged "base-device-size-changed";
    DM011 Daemon NoAuthorizationPlugin "no-authorization-plugin";
    DM012 Daemon AuthorizationPluginFlagOnly "authorization-plugin-flag-only";
    DM013 Daemon AuthorizationPluginDisabled "authorization-plugin-disabled";
    DM014 Daemon LocalLoggingOnly "local-logging-only";
    DM015 Daemon NoNewPrivilegesDefaultOff "no-new-privileges-default-off";
    DM016 Daemon LiveRestoreOff "live-restore-off";
    DM017 Daemon UserlandProxyOn "userland-proxy-on";
    DM018 Daemon SeccompProfileWeakened "seccomp-profile-weakened";
    DM019 Daemon ExperimentalFeatures "experimental-features";
    DM020 Daemon RootfulDaemon "rootful-daemon";
    DM021 Daemon VulnerableEngine "vulnerable-engine";
    DM022 Daemon VulnerableRunc "vulnerable-runc";
    DM023 Daemon VulnerableContainerd "vulnerable-containerd";
    DM024 Daemon DaemonConfigInvalid "daemon-config-invalid";
    DM025 Daemon ConfigPendingRestart "config-pending-restart";
    DM026 Daemon SwarmModeEnabled "swarm-mode-enabled";
    DM027 Daemon DaemonFileOwnership "daemon-file-ownership";
    DM028 Daemon DaemonFilePermissions "daemon-file-permissions";
    DM029 Daemon DaemonUnreachable "daemon-unreachable";
    VL001 Vulnerability VulnerablePackage "vulnerable-package";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = std::collections::BTreeSet::new();
        let mut names = std::collections::BTreeSet::new();
        for rule in Rule::ALL {
            let code = rule.code();
            assert!(code.starts_with(rule.family().prefix()), "{code}");
            assert_eq!(code.len(), 5, "{code}");
            assert!(codes.insert(code), "duplicate code {code}");
            assert!(names.insert(rule.name()), "duplicate name {}", rule.name());
            assert!(
                rule.name()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{} is not kebab-case",
                rule.name()
            );
            assert_eq!(Rule::from_code_or_name(code), Some(*rule));
            assert_eq!(Rule::from_code_or_name(rule.name()), Some(*rule));
        }
    }
}
