use std::collections::BTreeMap;

use serde::Deserialize;

/// Rule options that come from configuration (`[lint]` in `dockward.toml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct LintSettings {
    /// Registries images may come from (globs such as `*.example.com`);
    /// empty disables `untrusted-registry`. An image without a registry host
    /// counts as `docker.io`.
    pub trusted_registries: Vec<String>,
    /// Labels every image must carry, with the format of their value.
    pub label_schema: BTreeMap<String, LabelType>,
    /// Labels not in `label-schema` are reported (`superfluous-label`).
    pub strict_labels: bool,
}

/// The expected format of a label value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelType {
    /// Any non-empty text.
    Text,
    /// An absolute URL.
    Url,
    /// A semantic version.
    Semver,
    /// A git commit hash (short or full).
    Hash,
    /// An RFC 3339 timestamp.
    Rfc3339,
    /// An SPDX license identifier.
    Spdx,
    /// An email address.
    Email,
}
