use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container whose image reference has no tag (`nginx`, which
    /// means `nginx:latest`) or the `latest` tag, and no digest
    /// (`@sha256:...`). A registry port is not a tag (`registry:5000/app` is
    /// untagged). An image ID (`sha256:...`, 64 hex digits) is pinned.
    ///
    /// CIS 5.28 ("ensure that the latest image version is used") is a manual
    /// process check; docker-bench prints an information line for it. This
    /// rule checks the part a configuration shows: whether the version is
    /// chosen at all.
    ///
    /// ## Why is this bad?
    /// `latest` moves. Two hosts, or the same host before and after a pull,
    /// run different software under the same name; a rollback has nothing to
    /// go back to, and a scan of "the image" says little about what runs.
    ///
    /// ## Example
    /// ```console
    /// $ docker run nginx
    /// ```
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:latest
    /// ```
    ///
    /// Use instead: a version tag, or a digest for full reproducibility:
    /// ```console
    /// $ docker run nginx:1.27.3
    /// ```
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27.3@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.28 (Level 1); the number is unchanged in v1.8.0.
    /// - [docker image tag](https://docs.docker.com/reference/cli/docker/image/tag/)
    /// - [Pull an image by digest](https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier)
    pub struct ImageNotPinned {
        severity: Info,
        status: Stable,
        summary: "the image has no tag or the `latest` tag, and no digest",
        aliases: ["CIS-5.28", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/cli/docker/image/tag/",
            "https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier",
        ],
    }
}

/// Whether `image` is an image ID rather than a name.
fn is_image_id(image: &str) -> bool {
    let hex = image.strip_prefix("sha256:").unwrap_or(image);
    hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The tag of a reference without a digest: after the last `:` of the last
/// path component.
fn tag(image: &str) -> Option<&str> {
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':').map(|(_, tag)| tag)
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    let Some(image) = spec
        .image
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty())
    else {
        return;
    };
    if image.contains('@') || is_image_id(image) {
        return;
    }
    let message = match tag(image) {
        None => format!("image `{image}` has no tag, so it means `latest`; name a version"),
        Some("latest") => format!("image `{image}` uses the `latest` tag; name a version"),
        Some(_) => return,
    };
    out.push(finding(
        ImageNotPinned::META.rule,
        SpecField::Image,
        message,
    ));
}

#[cfg(test)]
mod tests {
    use super::{is_image_id, tag};

    #[test]
    fn tags_are_read_from_the_last_component() {
        assert_eq!(tag("registry:5000/app"), None);
        assert_eq!(tag("registry:5000/app:1.2"), Some("1.2"));
        assert_eq!(tag("busybox:latest"), Some("latest"));
        assert!(is_image_id(&format!("sha256:{}", "a".repeat(64))));
        assert!(!is_image_id("busybox"));
    }
}
