use dockward_dockerfile::{Instruction, InstructionKind};
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `COPY` and `ADD` of files that usually hold credentials:
    ///
    /// - SSH private keys: `id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519`
    ///   (not their `.pub` halves)
    /// - private keys and keystores: `*.key`, `*.p12`, `*.pfx`, `*.ppk`, and `*.pem`
    ///   files whose name says key (`key.pem`, `privkey.pem`, `tls-key.pem`);
    ///   certificates such as `ca.pem` or `fullchain.pem` are public
    /// - dotenv files: `.env`, `.env.production`... (not `.env.example`,
    ///   `.env.sample`, `.env.template`, `.env.dist`)
    /// - tool credentials: `.npmrc`, `.pypirc`, `.netrc`, `_netrc`,
    ///   `.git-credentials`, `.pgpass`, `.htpasswd`, `.dockercfg`,
    ///   `.aws/credentials`, `.docker/config.json`, `.kube/config`,
    ///   `credentials.json`, `client_secret*.json`, Rails `master.key`
    ///
    /// `*.key` names that say public (`Release.key`, `repo-gpg.key`,
    /// `*pub*.key`) and remote URLs given to `ADD` are not flagged.
    ///
    /// Only the source names written in the Dockerfile are checked: a
    /// directory or `.` that contains such files cannot be seen here (use a
    /// `.dockerignore`).
    ///
    /// ## Why is this bad?
    /// A file copied into a layer stays in the image even if a later step
    /// deletes it: anyone who can pull the image can extract it from the layer
    /// archive. Credentials needed during the build belong in a secret mount
    /// (`RUN --mount=type=secret` or `--mount=type=ssh`), credentials needed at
    /// run time in a runtime secret.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY .npmrc /app/
    /// RUN npm ci && rm /app/.npmrc
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci
    /// ```
    ///
    /// ## References
    /// - [Docker build secrets](https://docs.docker.com/build/building/secrets/)
    /// - [Docker: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    /// - [CIS Docker Benchmark 4.10: do not store secrets in Dockerfiles](https://www.cisecurity.org/benchmark/docker)
    /// - [Dockle CIS-DI-0010](https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md)
    pub struct SecretFileCopied {
        severity: Medium,
        status: Stable,
        summary: "COPY or ADD of a file that usually holds credentials",
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
            "https://docs.docker.com/build/concepts/context/#dockerignore-files",
            "https://www.cisecurity.org/benchmark/docker",
            "https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in ctx.instructions() {
        check_instruction(instruction, out);
        if let InstructionKind::Onbuild(inner) = &instruction.kind {
            check_instruction(inner, out);
        }
    }
}

fn check_instruction(instruction: &Instruction, out: &mut Vec<Violation>) {
    let (InstructionKind::Copy(args) | InstructionKind::Add(args)) = &instruction.kind else {
        return;
    };
    for source in &args.sources {
        if let Some(kind) = credential_kind(source.as_str()) {
            out.push(Violation::new(
                SecretFileCopied::META.rule,
                source.span,
                format!(
                    "`{}` looks like {kind}; a copied file stays in the image layer, use a secret mount",
                    source.as_str()
                ),
            ));
        }
    }
}

/// What the file named `path` usually holds, if it is a credential file.
fn credential_kind(path: &str) -> Option<&'static str> {
    // Heredocs, variables, and remote URLs (`ADD https://.../Release.key`
    // fetches a public repository signing key, not a local credential).
    if path.starts_with("<<") || path.contains('$') || path.contains("://") {
        return None;
    }
    dockward_secrets::files::credential_file(path)
}

#[cfg(test)]
mod tests {
    use super::credential_kind;

    #[test]
    fn dockerfile_only_forms_are_not_files() {
        assert!(credential_kind("tls/server.key").is_some());
        for source in [
            "<<EOF",
            "$CONFIG",
            "https://download.example.org/repositories/Debian_12/Release.key",
            "https://example.org/id_rsa",
        ] {
            assert!(credential_kind(source).is_none(), "{source}");
        }
    }
}
