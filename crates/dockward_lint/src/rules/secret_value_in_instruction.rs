use dockward_diagnostics::Span;
use dockward_rules::declare_rule;
use dockward_secrets::{mask, tokens};

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags credentials written into the Dockerfile: in `RUN` scripts,
    /// `ENV` and `ARG` defaults, `LABEL` values, heredocs or any other
    /// instruction. It looks for tokens whose format identifies them, not for
    /// words such as `password=`:
    ///
    /// - AWS access key ids (`AKIA...`, `ASIA...`) and secret access keys
    ///   assigned to an `aws_secret_access_key`-like name
    /// - GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`)
    /// - GitLab personal access tokens (`glpat-`)
    /// - Slack tokens (`xoxb-`, `xoxp-`...) and webhook URLs
    /// - Stripe live secret and restricted keys (`sk_live_`, `rk_live_`)
    /// - PEM private key blocks (`-----BEGIN ... PRIVATE KEY-----` with a body)
    /// - PyPI upload tokens, npm tokens (`npm_...`, `_authToken=...` in
    ///   `.npmrc` lines)
    /// - Hugging Face tokens (`hf_...`), Google API keys (`AIza...`),
    ///   age secret keys, JSON Web Tokens
    /// - base64 `"auth"` entries of a Docker `config.json`
    ///
    /// Each pattern only runs when its keyword occurs in the instruction.
    /// Values with `EXAMPLE` in them (the placeholder keys of vendor
    /// documentation) are ignored. The secret is masked in the message.
    ///
    /// ## Why is this bad?
    /// Everything in a Dockerfile ends up readable: in the repository, in the
    /// build cache, in the image history (`docker history --no-trunc`), in
    /// the image configuration for `ENV` and `LABEL`. A credential that was
    /// written there must be considered leaked: revoke it, then pass the new
    /// one as a build secret (`RUN --mount=type=secret`) or at run time.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN git clone https://oauth2:glpat-Zx8vQ2mN4pR7sT1uW3yB@gitlab.example.com/team/app.git
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=gitlab_token \
    ///     git clone "https://oauth2:$(cat /run/secrets/gitlab_token)@gitlab.example.com/team/app.git"
    /// ```
    ///
    /// ## References
    /// - [Docker build secrets](https://docs.docker.com/build/building/secrets/)
    /// - [CIS Docker Benchmark 4.10: do not store secrets in Dockerfiles](https://www.cisecurity.org/benchmark/docker)
    /// - [GitHub token formats](https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/)
    /// - [AWS access key id prefixes](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids)
    pub struct SecretValueInInstruction {
        severity: Critical,
        status: Stable,
        summary: "a credential is written in the Dockerfile",
        aliases: [
            "DS031",
            "DS-0031",
            "AVD-DS-0031",
            "docker-do-not-pass-secrets",
            "CIS-DI-0010",
            "CIS-4.10",
        ],
        references: [
            "https://docs.docker.com/build/building/secrets/",
            "https://www.cisecurity.org/benchmark/docker",
            "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in ctx.instructions() {
        let text = ctx.slice(instruction.span);
        for found in tokens::find(text) {
            let start = instruction.span.start + found.start;
            let end = instruction.span.start + found.end;
            out.push(Violation::new(
                SecretValueInInstruction::META.rule,
                Span::new(start, end),
                format!(
                    "{} `{}` in {}: anyone with the Dockerfile or the image can read it; revoke it and pass it as a build secret",
                    found.title,
                    mask(found.secret),
                    instruction.keyword.as_str()
                ),
            ));
        }
    }
}
