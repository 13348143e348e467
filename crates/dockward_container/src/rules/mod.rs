//! One file per rule, named after the rule; `common.rs` holds what several
//! rules share. Add a rule: see CONTRIBUTING.md.

use crate::ContainerRule;

mod common;

mod apparmor_unconfined;
mod capabilities_not_dropped;
mod capability_added;
mod cgroup_parent_overridden;
mod compose_file_invalid;
mod container_healthcheck_missing;
mod cpu_unlimited;
mod dangerous_capability_added;
mod default_bridge_network;
mod engine_socket_mounted;
mod host_cgroup_namespace;
mod host_device_exposed;
mod host_ipc_namespace;
mod host_network;
mod host_pid_namespace;
mod host_user_namespace;
mod host_uts_namespace;
mod image_not_pinned;
mod memory_unlimited;
mod no_new_privileges_not_set;
mod oom_kill_disabled;
mod pids_unlimited;
mod port_bound_to_all_interfaces;
mod port_published;
mod privileged_container;
mod privileged_exec;
mod privileged_port_published;
mod root_exec;
mod root_user;
mod seccomp_unconfined;
mod selinux_label_disabled;
mod sensitive_host_path_mounted;
mod shared_mount_propagation;
mod sshd_running;
mod system_paths_unmasked;
mod unbounded_restart_policy;
mod weakening_sysctl;
mod weakening_ulimit;
mod writable_root_filesystem;

macro_rules! container_rules {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        /// Every container rule, in code order.
        pub static RULES: &[ContainerRule] = &[
            $(ContainerRule { meta: &$module::$rule::META, check: $module::check }),*
        ];
    };
}

container_rules! {
    apparmor_unconfined::AppArmorUnconfined,
    selinux_label_disabled::SelinuxLabelDisabled,
    capability_added::CapabilityAdded,
    dangerous_capability_added::DangerousCapabilityAdded,
    capabilities_not_dropped::CapabilitiesNotDropped,
    privileged_container::PrivilegedContainer,
    sensitive_host_path_mounted::SensitiveHostPathMounted,
    sshd_running::SshdRunning,
    privileged_port_published::PrivilegedPortPublished,
    port_published::PortPublished,
    host_network::HostNetwork,
    memory_unlimited::MemoryUnlimited,
    cpu_unlimited::CpuUnlimited,
    writable_root_filesystem::WritableRootFilesystem,
    port_bound_to_all_interfaces::PortBoundToAllInterfaces,
    unbounded_restart_policy::UnboundedRestartPolicy,
    host_pid_namespace::HostPidNamespace,
    host_ipc_namespace::HostIpcNamespace,
    host_device_exposed::HostDeviceExposed,
    weakening_ulimit::WeakeningUlimit,
    shared_mount_propagation::SharedMountPropagation,
    host_uts_namespace::HostUtsNamespace,
    seccomp_unconfined::SeccompUnconfined,
    privileged_exec::PrivilegedExec,
    root_exec::RootExec,
    cgroup_parent_overridden::CgroupParentOverridden,
    no_new_privileges_not_set::NoNewPrivilegesNotSet,
    container_healthcheck_missing::ContainerHealthcheckMissing,
    image_not_pinned::ImageNotPinned,
    pids_unlimited::PidsUnlimited,
    default_bridge_network::DefaultBridgeNetwork,
    host_user_namespace::HostUserNamespace,
    engine_socket_mounted::EngineSocketMounted,
    host_cgroup_namespace::HostCgroupNamespace,
    root_user::RootUser,
    weakening_sysctl::WeakeningSysctl,
    system_paths_unmasked::SystemPathsUnmasked,
    oom_kill_disabled::OomKillDisabled,
    compose_file_invalid::ComposeFileInvalid,
}
