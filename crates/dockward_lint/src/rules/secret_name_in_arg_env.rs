use dockward_diagnostics::Span;
use dockward_dockerfile::{Instruction, InstructionKind};
use dockward_rules::declare_rule;
use dockward_secrets::names::is_secret_name;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `ARG` and `ENV` names that suggest a secret: names containing
    /// `PASSWORD`, `PASSWD`, `PASS`, `PASSPHRASE`, `SECRET`, `TOKEN`,
    /// `CREDENTIAL(S)`, `APIKEY`, or the pairs `API_KEY`, `PRIVATE_KEY`,
    /// `ACCESS_KEY`, `SECRET_KEY`, `AUTH_KEY`, `SIGNING_KEY`, `ENCRYPTION_KEY`
    /// (as words of the name, `_`, `-`, `.` or camelCase separated).
    ///
    /// ## Why is this bad?
    /// `ENV` values are stored in the image configuration, and `ARG` values
    /// used by a `RUN` are recorded in the image history (`docker history`
    /// shows them): anyone who can pull the image can read them. Pass secrets
    /// to the build with `RUN --mount=type=secret`, and to the container at
    /// run time (environment, mounted files, a secret manager).
    ///
    /// Names that point to a secret rather than hold it are not flagged: those
    /// ending in `_FILE`, `_PATH`, `_DIR`, `_URL`, `_URI`, `_ENDPOINT`,
    /// `_HOST`, `_PORT`, `_NAME`, `_TYPE`, `_LENGTH`, `_TTL`, `_TIMEOUT`,
    /// `_EXPIRY` (e.g. `POSTGRES_PASSWORD_FILE`, the Docker secrets
    /// convention), and switches containing `ALLOW`, `EMPTY`, `RANDOM` or
    /// `GENERATE` (`MYSQL_RANDOM_ROOT_PASSWORD=yes`), and
    /// `GOOGLE_APPLICATION_CREDENTIALS` (a file path). `KEY` alone is not a
    /// secret word: `GPG_KEY` and `GPG_KEYS` hold public key fingerprints.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc && npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint's DL3064 matches a fixed list of names plus the substrings
    /// `password`, `secret`, `token`, `api_key`, `client_key`, `private` and
    /// `username` (so `PRIVATE_REGISTRY` and `USERNAME` are flagged, `DB_PASS`
    /// is not); dockward matches words. Trivy's DS031 flags the public
    /// `GPG_KEY` of the python images (24 files of the reference corpus);
    /// dockward, like Dockle, does not. The severity is High, above
    /// hadolint's warning and below Trivy's CRITICAL: the name suggests a
    /// secret, the value is not known to be one (see `secret-value-in-instruction`
    /// for values that are).
    ///
    /// ## References
    /// - [Dockerfile reference: ARG (do not use for secrets)](https://docs.docker.com/reference/dockerfile/#arg)
    /// - [Docker build secrets](https://docs.docker.com/build/building/secrets/)
    /// - [CIS Docker Benchmark 4.10: do not store secrets in Dockerfiles](https://www.cisecurity.org/benchmark/docker)
    pub struct SecretNameInArgEnv {
        severity: High,
        status: Stable,
        summary: "ARG or ENV name suggests a secret",
        aliases: [
            "DL3064",
            "DS031",
            "DS-0031",
            "AVD-DS-0031",
            "docker-do-not-pass-secrets",
            "CIS-DI-0010",
            "CIS-4.10",
        ],
        references: [
            "https://docs.docker.com/reference/dockerfile/#arg",
            "https://docs.docker.com/build/building/secrets/",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in ctx.instructions() {
        let instruction = match &instruction.kind {
            InstructionKind::Onbuild(inner) => inner.as_ref(),
            _ => instruction,
        };
        for (keyword, name, span) in names(instruction) {
            if is_secret_name(name) {
                out.push(Violation::new(
                    SecretNameInArgEnv::META.rule,
                    span,
                    format!("`{keyword} {name}` looks like a secret; {keyword} values stay readable in the image, use a secret mount instead"),
                ));
            }
        }
    }
}

/// The names an ARG or ENV declares.
fn names(instruction: &Instruction) -> Vec<(&'static str, &str, Span)> {
    match &instruction.kind {
        InstructionKind::Arg(decls) => decls
            .iter()
            .map(|d| ("ARG", d.name.as_str(), d.name.span))
            .collect(),
        InstructionKind::Env(pairs) => pairs
            .iter()
            .map(|kv| ("ENV", kv.key.as_str(), kv.key.span))
            .collect(),
        _ => Vec::new(),
    }
}
