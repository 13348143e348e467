use dockward_rules::declare_rule;

use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags each insecure registry the daemon uses: `/info`
    /// `RegistryConfig.InsecureRegistryCIDRs` and the `IndexConfigs` marked
    /// not secure (the running state), else `--insecure-registry` /
    /// `"insecure-registries"`. The built-in `127.0.0.0/8` and `::1/128`
    /// are not reported.
    ///
    /// ## Why is this bad?
    /// Images from an insecure registry are pulled over plain HTTP or over
    /// TLS without certificate verification: anyone on the path can serve
    /// a different image, which then runs with whatever privileges its
    /// containers get.
    ///
    /// ## Example
    /// `"insecure-registries": ["registry.internal:5000"]`.
    ///
    /// Use instead: give the registry a certificate, or trust its CA in
    /// `/etc/docker/certs.d/registry.internal:5000/ca.crt`.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 2.5 (Level 1). docker-bench reads only the flag and the file, and
    /// once warned about the built-in `127.0.0.0/8` (#529).
    ///
    /// ## References
    /// - [Docker: test an insecure registry](https://distribution.github.io/distribution/about/insecure/)
    /// - [CIS Docker Benchmark v1.6.0, 2.5](https://www.cisecurity.org/benchmark/docker)
    pub struct InsecureRegistry {
        severity: Medium,
        status: Stable,
        summary: "the daemon trusts an insecure registry",
        aliases: ["CIS-2.5", "CIS-L1"],
        references: [
            "https://distribution.github.io/distribution/about/insecure/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    if !ctx.daemon_known() {
        return;
    }
    for registry in &ctx.daemon().insecure_registries {
        out.push(
            ctx.daemon_finding(
                InsecureRegistry::META.rule,
                format!("`{registry}` is an insecure registry: images from it are pulled without TLS verification and can be replaced in transit; give it a trusted certificate"),
            )
            .with_cis("2.5"),
        );
    }
}
