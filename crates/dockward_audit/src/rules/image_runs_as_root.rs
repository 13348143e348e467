use dockward_rules::declare_rule;
use serde_json::Value;

use crate::{AuditFinding, Context, ObjectKind};

declare_rule! {
    /// ## What it does
    /// Flags an image whose configuration runs its process as root:
    /// `Config.User` is empty, `root`, `0`, or root with any group (`0:0`,
    /// `root:root`, `0:1000`). One finding per image, named by its first tag
    /// (or its short ID when untagged).
    ///
    /// ## Why is this bad?
    /// A container started from the image runs as root unless every caller
    /// remembers `--user`. Root in a container is root on the host's kernel:
    /// any escape (a kernel bug, a mounted socket, an added capability)
    /// lands with full privileges, unless the daemon remaps users
    /// (`userns-remap`, rootless).
    ///
    /// ## Example
    /// An image built from a Dockerfile with no `USER`, or with `USER 0:0`.
    ///
    /// Use instead: create an unprivileged user in the image and end with
    /// `USER 10001:10001`.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 4.1 (v1.6.0 and v1.8.0, Level 1). docker-bench checks *running
    /// containers* rather than images, and compares the user with `""`, `0`
    /// and `root` only, so `0:0`, `root:root` and `0:1000` pass. dockward
    /// parses `user[:group]` and checks every image.
    ///
    /// ## References
    /// - [CIS Docker Benchmark v1.6.0, 4.1](https://www.cisecurity.org/benchmark/docker)
    /// - [Dockerfile reference: USER](https://docs.docker.com/reference/dockerfile/#user)
    pub struct ImageRunsAsRoot {
        severity: Medium,
        status: Stable,
        summary: "the image runs as root",
        aliases: ["CIS-4.1", "CIS-L1", "CIS-DI-0001"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/dockerfile/#user",
        ],
    }
}

/// How findings name an image: its first tag, else its short ID.
pub(crate) fn image_name(inspect: &Value) -> String {
    let tag = inspect
        .get("RepoTags")
        .and_then(Value::as_array)
        .and_then(|tags| {
            tags.iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "<none>:<none>")
        });
    if let Some(tag) = tag {
        return tag.to_owned();
    }
    let id = inspect.get("Id").and_then(Value::as_str).unwrap_or("");
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    let short: String = id.chars().take(12).collect();
    if short.is_empty() {
        "<unknown image>".to_owned()
    } else {
        short
    }
}

/// Whether a `user[:group]` string means root.
pub(crate) fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name.is_empty() || name == "root" || name.parse::<u64>() == Ok(0)
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    for image in &ctx.facts().images {
        let user = image
            .inspect
            .get("Config")
            .and_then(|c| c.get("User"))
            .and_then(Value::as_str)
            .unwrap_or("");
        if !is_root_user(user) {
            continue;
        }
        let how = if user.trim().is_empty() {
            "sets no user, so its containers run as root".to_owned()
        } else {
            format!("runs as `{user}`, which is root")
        };
        out.push(AuditFinding::new(
            ImageRunsAsRoot::META.rule,
            ObjectKind::Image,
            image_name(&image.inspect),
            format!("the image {how}; set an unprivileged `USER` in its Dockerfile"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_forms() {
        for user in ["", "root", "0", "0:0", "root:root", "0:1000", "00"] {
            assert!(is_root_user(user), "{user}");
        }
        for user in ["10001", "app", "1000:0", "rooter"] {
            assert!(!is_root_user(user), "{user}");
        }
    }

    #[test]
    fn untagged_images_are_named_by_short_id() {
        let inspect =
            serde_json::json!({"Id": "sha256:0123456789abcdef0123", "RepoTags": ["<none>:<none>"]});
        assert_eq!(image_name(&inspect), "0123456789ab");
    }
}
