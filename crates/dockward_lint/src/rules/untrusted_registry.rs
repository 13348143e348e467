use dockward_rules::declare_rule;

use super::copy_from_unknown_stage::{FromTarget, stage_references};
use super::from_untagged_image::{BaseImage, ImageRef, base_images};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` image pulled from a registry that is not in the
    /// `trusted-registries` setting. Does nothing while that list is empty.
    ///
    /// An image without a registry host (`debian:12`, `library/debian:12`)
    /// comes from `docker.io`. Entries may use `*` as a wildcard:
    /// `*.example.com` trusts `registry.example.com` but not `example.com`.
    /// Stages and `scratch` are not images; a variable reference is checked
    /// through the default of its global `ARG`, and skipped when it has none.
    /// Images named by `COPY --from=<image>` and `RUN --mount=from=<image>`
    /// are checked too: their files end up in the image as well.
    ///
    /// ```toml
    /// [lint]
    /// trusted-registries = ["docker.io", "*.corp.example.com"]
    /// ```
    ///
    /// ## Why is this bad?
    /// The base image is code that runs in every container built from it.
    /// Organisations restrict it to registries they mirror, scan and sign;
    /// an image pulled from anywhere else bypasses that review, and a typo in
    /// the registry host can pull an attacker's image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM quay.io/someone/python:3.13
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM registry.corp.example.com/base/python:3.13
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3026) skips variable references entirely; dockward
    /// resolves them through `ARG` defaults. hadolint does not know that
    /// `index.docker.io` is Docker Hub and flags it when `docker.io` is
    /// trusted; it cannot parse a `FROM` with a registry port and a tag
    /// (`localhost:5000/tool:1.0`). It checks `COPY --from` images but not
    /// `RUN --mount=from=` images; dockward checks both.
    ///
    /// ## References
    /// - [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - [CIS Docker Benchmark v1.6.0, 4.2: ensure that containers use only trusted base images](https://www.cisecurity.org/benchmark/docker)
    /// - [Docker Content Trust](https://docs.docker.com/engine/security/trust/)
    pub struct UntrustedRegistry {
        severity: High,
        status: Stable,
        default_enabled: false,
        summary: "FROM pulls from a registry outside `trusted-registries`",
        aliases: ["DL3026", "CIS-DI-0002", "CIS-4.2"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#from",
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/security/trust/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    let trusted = &ctx.settings.trusted_registries;
    if trusted.is_empty() {
        return;
    }
    for BaseImage {
        from,
        written,
        image,
    } in base_images(ctx)
    {
        let registry = ImageRef::parse(&image).registry_or_default();
        if is_trusted(trusted, registry) {
            continue;
        }
        out.push(Violation::new(
            UntrustedRegistry::META.rule,
            from.image.span,
            if written == image {
                format!(
                    "`{image}` comes from the registry `{registry}`, which is not in `trusted-registries`"
                )
            } else {
                format!(
                    "`{written}` (`{image}` by its ARG default) comes from the registry `{registry}`, which is not in `trusted-registries`"
                )
            },
        ));
    }
    check_copied_images(ctx, trusted, out);
}

/// Images named by `COPY --from=<image>` and `RUN --mount=from=<image>`.
fn check_copied_images(ctx: &Context, trusted: &[String], out: &mut Vec<Violation>) {
    for reference in stage_references(ctx) {
        let Some(current) = reference.instruction.stage else {
            continue;
        };
        let name = reference.name;
        if name.contains('$') || FromTarget::classify(ctx, name, current) != FromTarget::Image {
            continue;
        }
        let registry = ImageRef::parse(name).registry_or_default();
        if is_trusted(trusted, registry) {
            continue;
        }
        out.push(Violation::new(
            UntrustedRegistry::META.rule,
            reference.span,
            format!(
                "`{}` uses an image from the registry `{registry}`, which is not in `trusted-registries`",
                reference.written
            ),
        ));
    }
}

fn is_trusted(trusted: &[String], registry: &str) -> bool {
    trusted
        .iter()
        .any(|pattern| glob_matches(pattern, registry))
}

/// True when `text` matches `pattern`, where `*` stands for any run of
/// characters; ASCII case is ignored.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern = pattern.trim().to_ascii_lowercase();
    let text = text.to_ascii_lowercase();
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else {
        return false;
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = parts.collect();
    let Some((last, middle)) = pieces.split_last() else {
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::glob_matches;

    #[test]
    fn wildcards() {
        assert!(glob_matches("docker.io", "docker.io"));
        assert!(glob_matches("*.example.com", "registry.example.com"));
        assert!(!glob_matches("*.example.com", "example.com"));
        assert!(glob_matches("*", "anything"));
        assert!(glob_matches("gcr.io", "GCR.io"));
        assert!(glob_matches("*.ex*.com", "a.example.com"));
        assert!(!glob_matches("docker.io", "docker.io.evil.com"));
        assert!(!glob_matches("a*a", "a"));
    }
}
