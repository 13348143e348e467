//! One file per rule. Add a rule: see CONTRIBUTING.md.

use crate::LintRule;

mod add_instead_of_copy;
mod apk_cache_kept;
mod apk_unpinned;
mod apt_get_install_recommends;
mod apt_get_unpinned;
mod apt_get_without_yes;
mod apt_in_run;
mod apt_lists_kept;
mod archive_copied_not_added;
mod cd_in_run;
mod commands;
mod consecutive_runs;
mod copy_from_own_stage;
mod copy_from_unknown_stage;
mod copy_multiple_sources_no_slash;
mod copy_relative_dest_without_workdir;
mod copy_whole_stage_root;
mod dist_upgrade;
mod dnf_cache_kept;
mod dnf_unpinned;
mod dnf_without_yes;
mod download_piped_to_shell;
mod duplicate_stage_name;
mod empty_label;
mod env_self_reference;
mod expose_port_out_of_range;
mod from_latest_tag;
mod from_platform_flag;
mod from_untagged_image;
mod gem_unpinned;
mod go_install_unpinned;
mod healthcheck_missing;
mod inline_pragma;
mod instruction_before_from;
mod invalid_label_key;
mod label_not_email;
mod label_not_git_hash;
mod label_not_rfc3339;
mod label_not_semver;
mod label_not_spdx;
mod label_not_url;
mod last_user_root;
mod maintainer_used;
mod multiple_cmd;
mod multiple_entrypoint;
mod multiple_healthchecks;
mod non_numeric_user;
mod npm_unpinned;
mod onbuild_forbidden_trigger;
mod package_update_alone;
mod parse_error;
mod pip_cache_kept;
mod pip_unpinned;
mod pipe_without_pipefail;
mod pointless_command_in_run;
mod redundant_target_platform;
mod relative_workdir;
mod remote_add_without_checksum;
mod required_label_missing;
mod reserved_stage_name;
mod run_security_insecure;
mod secret_file_copied;
mod secret_name_in_arg_env;
mod secret_value_in_instruction;
mod sensitive_dir_volume;
mod shell_changed_with_ln;
mod shell_form_cmd_entrypoint;
mod ssh_port_exposed;
mod sudo_in_run;
mod superfluous_label;
mod system_dir_workdir;
mod unknown_instruction_flag;
mod untrusted_registry;
mod user_missing;
mod useradd_without_no_log_init;
mod wget_and_curl;
mod wget_without_progress;
mod world_writable_permissions;
mod yarn_cache_kept;
mod yum_cache_kept;
mod yum_unpinned;
mod yum_without_yes;
mod zypper_cache_kept;
mod zypper_dist_upgrade;
mod zypper_unpinned;
mod zypper_without_yes;

macro_rules! lint_rules {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        /// Every Dockerfile rule, in code order.
        pub static RULES: &[LintRule] = &[
            $(LintRule { meta: &$module::$rule::META, check: $module::check }),*
        ];
    };
}

lint_rules! {
    parse_error::ParseError,
    from_untagged_image::FromUntaggedImage,
    from_latest_tag::FromLatestTag,
    relative_workdir::RelativeWorkdir,
    pointless_command_in_run::PointlessCommandInRun,
    last_user_root::LastUserRoot,
    cd_in_run::CdInRun,
    sudo_in_run::SudoInRun,
    apt_get_unpinned::AptGetUnpinned,
    apt_lists_kept::AptListsKept,
    archive_copied_not_added::ArchiveCopiedNotAdded,
    expose_port_out_of_range::ExposePortOutOfRange,
    multiple_healthchecks::MultipleHealthchecks,
    pip_unpinned::PipUnpinned,
    apt_get_without_yes::AptGetWithoutYes,
    apt_get_install_recommends::AptGetInstallRecommends,
    npm_unpinned::NpmUnpinned,
    apk_unpinned::ApkUnpinned,
    apk_cache_kept::ApkCacheKept,
    add_instead_of_copy::AddInsteadOfCopy,
    copy_multiple_sources_no_slash::CopyMultipleSourcesNoSlash,
    copy_from_unknown_stage::CopyFromUnknownStage,
    copy_from_own_stage::CopyFromOwnStage,
    duplicate_stage_name::DuplicateStageName,
    shell_form_cmd_entrypoint::ShellFormCmdEntrypoint,
    untrusted_registry::UntrustedRegistry,
    apt_in_run::AptInRun,
    gem_unpinned::GemUnpinned,
    from_platform_flag::FromPlatformFlag,
    yum_without_yes::YumWithoutYes,
    yum_cache_kept::YumCacheKept,
    yum_unpinned::YumUnpinned,
    zypper_without_yes::ZypperWithoutYes,
    zypper_dist_upgrade::ZypperDistUpgrade,
    zypper_cache_kept::ZypperCacheKept,
    zypper_unpinned::ZypperUnpinned,
    dnf_without_yes::DnfWithoutYes,
    dnf_cache_kept::DnfCacheKept,
    dnf_unpinned::DnfUnpinned,
    pip_cache_kept::PipCacheKept,
    onbuild_forbidden_trigger::OnbuildForbiddenTrigger,
    env_self_reference::EnvSelfReference,
    copy_relative_dest_without_workdir::CopyRelativeDestWithoutWorkdir,
    useradd_without_no_log_init::UseraddWithoutNoLogInit,
    wget_without_progress::WgetWithoutProgress,
    invalid_label_key::InvalidLabelKey,
    required_label_missing::RequiredLabelMissing,
    superfluous_label::SuperfluousLabel,
    empty_label::EmptyLabel,
    label_not_url::LabelNotUrl,
    label_not_rfc3339::LabelNotRfc3339,
    label_not_spdx::LabelNotSpdx,
    label_not_git_hash::LabelNotGitHash,
    label_not_semver::LabelNotSemver,
    healthcheck_missing::HealthcheckMissing,
    label_not_email::LabelNotEmail,
    consecutive_runs::ConsecutiveRuns,
    yarn_cache_kept::YarnCacheKept,
    instruction_before_from::InstructionBeforeFrom,
    go_install_unpinned::GoInstallUnpinned,
    reserved_stage_name::ReservedStageName,
    secret_name_in_arg_env::SecretNameInArgEnv,
    redundant_target_platform::RedundantTargetPlatform,
    non_numeric_user::NonNumericUser,
    copy_whole_stage_root::CopyWholeStageRoot,
    maintainer_used::MaintainerUsed,
    wget_and_curl::WgetAndCurl,
    multiple_cmd::MultipleCmd,
    multiple_entrypoint::MultipleEntrypoint,
    shell_changed_with_ln::ShellChangedWithLn,
    pipe_without_pipefail::PipeWithoutPipefail,
    inline_pragma::InlinePragma,
    ssh_port_exposed::SshPortExposed,
    package_update_alone::PackageUpdateAlone,
    dist_upgrade::DistUpgrade,
    system_dir_workdir::SystemDirWorkdir,
    sensitive_dir_volume::SensitiveDirVolume,
    secret_value_in_instruction::SecretValueInInstruction,
    remote_add_without_checksum::RemoteAddWithoutChecksum,
    download_piped_to_shell::DownloadPipedToShell,
    world_writable_permissions::WorldWritablePermissions,
    run_security_insecure::RunSecurityInsecure,
    secret_file_copied::SecretFileCopied,
    unknown_instruction_flag::UnknownInstructionFlag,
    user_missing::UserMissing,
}
