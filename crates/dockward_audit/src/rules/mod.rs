//! One file per rule, named after the rule. Add a rule: see CONTRIBUTING.md.

use crate::AuditRule;

pub(crate) use image_runs_as_root::image_name;

mod authorization_plugin_disabled;
mod authorization_plugin_flag_only;
mod base_device_size_changed;
mod cgroup_v1;
mod config_pending_restart;
mod daemon_cgroup_parent_set;
mod daemon_config_invalid;
mod daemon_file_ownership;
mod daemon_file_permissions;
mod daemon_unreachable;
mod debug_log_level;
mod default_ulimit_unset;
mod deprecated_storage_driver;
mod docker_group_members;
mod docker_path_not_audited;
mod docker_root_not_separate_partition;
mod experimental_features;
mod image_healthcheck_missing;
mod image_runs_as_root;
mod insecure_registry;
mod inter_container_traffic_allowed;
mod iptables_disabled;
mod kernel_escape_vulnerable;
mod live_restore_off;
mod local_logging_only;
mod no_authorization_plugin;
mod no_mandatory_access_control;
mod no_new_privileges_default_off;
mod rootful_daemon;
mod seccomp_profile_weakened;
mod seccomp_unsupported;
mod secret_file_in_image;
mod secret_in_image_config;
mod sensitive_port_exposed;
mod setuid_file_in_image;
mod swarm_mode_enabled;
mod tcp_socket_without_tls;
mod unprivileged_user_namespaces;
mod user_namespace_remap_off;
mod user_namespaces_unavailable;
mod userland_proxy_on;
mod vulnerable_containerd;
mod vulnerable_engine;
mod vulnerable_runc;
mod weak_kernel_sysctl;
mod world_writable_dir_in_image;

macro_rules! audit_rules {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        /// Every host, daemon and image rule, in code order.
        pub static RULES: &[AuditRule] = &[
            $(AuditRule { meta: &$module::$rule::META, check: $module::check }),*
        ];
    };
}

audit_rules! {
    image_runs_as_root::ImageRunsAsRoot,
    image_healthcheck_missing::ImageHealthcheckMissing,
    setuid_file_in_image::SetuidFileInImage,
    secret_in_image_config::SecretInImageConfig,
    sensitive_port_exposed::SensitivePortExposed,
    secret_file_in_image::SecretFileInImage,
    world_writable_dir_in_image::WorldWritableDirInImage,
    kernel_escape_vulnerable::KernelEscapeVulnerable,
    cgroup_v1::CgroupV1,
    unprivileged_user_namespaces::UnprivilegedUserNamespaces,
    user_namespaces_unavailable::UserNamespacesUnavailable,
    no_mandatory_access_control::NoMandatoryAccessControl,
    seccomp_unsupported::SeccompUnsupported,
    weak_kernel_sysctl::WeakKernelSysctl,
    docker_root_not_separate_partition::DockerRootNotSeparatePartition,
    docker_path_not_audited::DockerPathNotAudited,
    docker_group_members::DockerGroupMembers,
    tcp_socket_without_tls::TcpSocketWithoutTls,
    inter_container_traffic_allowed::InterContainerTrafficAllowed,
    debug_log_level::DebugLogLevel,
    iptables_disabled::IptablesDisabled,
    insecure_registry::InsecureRegistry,
    deprecated_storage_driver::DeprecatedStorageDriver,
    default_ulimit_unset::DefaultUlimitUnset,
    user_namespace_remap_off::UserNamespaceRemapOff,
    daemon_cgroup_parent_set::DaemonCgroupParentSet,
    base_device_size_changed::BaseDeviceSizeChanged,
    no_authorization_plugin::NoAuthorizationPlugin,
    authorization_plugin_flag_only::AuthorizationPluginFlagOnly,
    authorization_plugin_disabled::AuthorizationPluginDisabled,
    local_logging_only::LocalLoggingOnly,
    no_new_privileges_default_off::NoNewPrivilegesDefaultOff,
    live_restore_off::LiveRestoreOff,
    userland_proxy_on::UserlandProxyOn,
    seccomp_profile_weakened::SeccompProfileWeakened,
    experimental_features::ExperimentalFeatures,
    rootful_daemon::RootfulDaemon,
    vulnerable_engine::VulnerableEngine,
    vulnerable_runc::VulnerableRunc,
    vulnerable_containerd::VulnerableContainerd,
    daemon_config_invalid::DaemonConfigInvalid,
    config_pending_restart::ConfigPendingRestart,
    swarm_mode_enabled::SwarmModeEnabled,
    daemon_file_ownership::DaemonFileOwnership,
    daemon_file_permissions::DaemonFilePermissions,
    daemon_unreachable::DaemonUnreachable,
}

/// Where a configured option was set, for messages: `--icc` / `daemon.json` key `icc`.
pub(crate) fn where_set(ctx: &crate::Context, key: &str, flag: &str) -> String {
    use crate::daemon_config::Origin;
    match ctx.daemon().config.origin(key) {
        Some(Origin::Flag) => format!("the `--{flag}` flag"),
        Some(Origin::File) => format!("`\"{key}\"` in {}", crate::files::daemon_json_path(ctx)),
        None => "dockerd's default".to_owned(),
    }
}
