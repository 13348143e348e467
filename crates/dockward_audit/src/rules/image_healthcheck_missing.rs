use dockward_rules::declare_rule;
use serde_json::Value;

use super::image_runs_as_root::image_name;
use crate::{AuditFinding, Context, ObjectKind};

declare_rule! {
    /// ## What it does
    /// Flags an image with no health check: `Config.Healthcheck` is absent,
    /// or its `Test` is `["NONE"]` (a `HEALTHCHECK NONE` that disables the
    /// base image's check).
    ///
    /// ## Why is this bad?
    /// Without a health check the engine (and an orchestrator) only knows
    /// whether the process runs, not whether it works: a hung service is
    /// never restarted or taken out of rotation.
    ///
    /// ## Example
    /// An image built from a Dockerfile without `HEALTHCHECK`.
    ///
    /// Use instead: `HEALTHCHECK CMD ["/app/healthcheck"]` in the Dockerfile.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 4.6 (Level 1). docker-bench looks for `<nil>` in the Go template
    /// output, so `HEALTHCHECK NONE` passes; dockward counts it as missing.
    ///
    /// ## References
    /// - [CIS Docker Benchmark v1.6.0, 4.6](https://www.cisecurity.org/benchmark/docker)
    /// - [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    pub struct ImageHealthcheckMissing {
        severity: Low,
        status: Stable,
        summary: "the image has no health check",
        aliases: ["CIS-4.6", "CIS-L1", "CIS-DI-0006"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/dockerfile/#healthcheck",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    for image in &ctx.facts().images {
        let test = image
            .inspect
            .get("Config")
            .and_then(|c| c.get("Healthcheck"))
            .and_then(|h| h.get("Test"))
            .and_then(Value::as_array);
        let message = match test.and_then(|t| t.first()).and_then(Value::as_str) {
            None => {
                "the image has no HEALTHCHECK, so the engine cannot tell whether its service works; add one to its Dockerfile"
            }
            Some("NONE") => {
                "the image disables its health check (`HEALTHCHECK NONE`), so the engine cannot tell whether its service works"
            }
            Some(_) => continue,
        };
        out.push(AuditFinding::new(
            ImageHealthcheckMissing::META.rule,
            ObjectKind::Image,
            image_name(&image.inspect),
            message,
        ));
    }
}
