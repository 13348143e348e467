use dockward_rules::declare_rule;
use dockward_spec::ContainerSpec;

use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Reports a compose file, or a part of one, that dockward could not turn
    /// into container specifications: YAML that does not parse, a value of the
    /// wrong type, a required variable (`${VAR:?message}`) that is not set, an
    /// `extends` cycle, an alias expansion beyond the loader's budget (a
    /// "billion laughs" file), a file that is not UTF-8 text.
    ///
    /// The other services of the file are still linted; only what could not be
    /// read is skipped.
    ///
    /// ## Why is this bad?
    /// What cannot be read cannot be checked: a service hidden behind a broken
    /// value escapes every other container rule. Docker Compose itself refuses
    /// most of these files, so the finding usually points at a real mistake.
    ///
    /// ## Example
    /// Docker Compose refuses this file too:
    /// ```console
    /// $ docker compose config
    /// error while interpolating services.web.image: required variable TAG is missing a value: set TAG
    /// ```
    /// ```yaml
    /// services:
    ///   web:
    ///     image: "nginx:${TAG:?set TAG}"
    ///     ports: "eighty"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: "nginx:${TAG:-1.27}"
    ///     ports: ["8080:80"]
    /// ```
    ///
    /// ## References
    /// - [Compose file reference](https://docs.docker.com/reference/compose-file/)
    /// - [Compose interpolation](https://docs.docker.com/reference/compose-file/interpolation/)
    /// - [Billion laughs attack](https://en.wikipedia.org/wiki/Billion_laughs_attack)
    pub struct ComposeFileInvalid {
        severity: High,
        status: Stable,
        summary: "the compose file, or part of it, cannot be read",
        aliases: [],
        references: [
            "https://docs.docker.com/reference/compose-file/",
            "https://docs.docker.com/reference/compose-file/interpolation/",
        ],
    }
}

/// Nothing to check on a spec: the compose loader reports this rule where it
/// failed to build one.
pub(crate) fn check(
    _spec: &ContainerSpec,
    _ctx: &ContainerContext,
    _out: &mut Vec<ContainerFinding>,
) {
}
