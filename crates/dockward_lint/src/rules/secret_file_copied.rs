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

/// Files named exactly so, and what they hold.
const NAMED: [(&str, &str); 16] = [
    ("id_rsa", "an SSH private key"),
    ("id_dsa", "an SSH private key"),
    ("id_ecdsa", "an SSH private key"),
    ("id_ed25519", "an SSH private key"),
    (".env", "a dotenv file with secrets"),
    (".npmrc", "npm registry credentials"),
    (".pypirc", "PyPI credentials"),
    (".netrc", "netrc login credentials"),
    ("_netrc", "netrc login credentials"),
    (".git-credentials", "git credentials"),
    (".pgpass", "PostgreSQL passwords"),
    (".htpasswd", "password hashes"),
    (".dockercfg", "Docker registry credentials"),
    ("credentials.json", "a credentials file"),
    ("master.key", "a Rails master key"),
    (".vault-token", "a Vault token"),
];

/// Files named so inside a directory, and what they hold.
const IN_DIR: [(&str, &str); 3] = [
    (".aws/credentials", "AWS credentials"),
    (".docker/config.json", "Docker registry credentials"),
    (".kube/config", "Kubernetes credentials"),
];

/// Words in a `*.key` name that mark a public (signing) key.
const PUBLIC_KEY_HINTS: [&str; 5] = ["pub", "gpg", "release", "keyring", "archive"];

/// Suffixes of dotenv names that are templates, not secrets.
const ENV_TEMPLATES: [&str; 5] = ["example", "sample", "template", "dist", "defaults"];

/// What the file named `path` usually holds, if it is a credential file.
fn credential_kind(path: &str) -> Option<&'static str> {
    // Heredocs, variables, and remote URLs (`ADD https://.../Release.key`
    // fetches a public repository signing key, not a local credential).
    if path.starts_with("<<") || path.contains('$') || path.contains("://") {
        return None;
    }
    let path = path.trim_end_matches('/');
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    if let Some((_, kind)) = IN_DIR
        .iter()
        .find(|(suffix, _)| lower == *suffix || lower.ends_with(&format!("/{suffix}")))
    {
        return Some(kind);
    }
    if let Some((_, kind)) = NAMED.iter().find(|(n, _)| *n == name) {
        return Some(kind);
    }
    if let Some(variant) = name.strip_prefix(".env.") {
        return (!ENV_TEMPLATES.contains(&variant)).then_some("a dotenv file with secrets");
    }
    if name.starts_with("client_secret")
        && std::path::Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return Some("an OAuth client secret");
    }
    let (stem, ext) = name.rsplit_once('.')?;
    match ext {
        "key" if !stem.is_empty() && !PUBLIC_KEY_HINTS.iter().any(|h| stem.contains(h)) => {
            Some("a private key")
        }
        "p12" | "pfx" => Some("a keystore with a private key"),
        "ppk" => Some("a PuTTY private key"),
        "pem" if stem.contains("key") || stem.contains("priv") => Some("a private key"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::credential_kind;

    #[test]
    fn names() {
        for secret in [
            "id_rsa",
            "./keys/id_ed25519",
            ".env",
            ".env.production",
            "config/.npmrc",
            ".aws/credentials",
            "home/.docker/config.json",
            "tls/server.key",
            "certs/privkey.pem",
            "tls-key.pem",
            "client_secret_123.json",
            "keystore.p12",
            "config/master.key",
            "certs/*.key",
            "deploy.ppk",
        ] {
            assert!(credential_kind(secret).is_some(), "{secret}");
        }
        for public in [
            "id_rsa.pub",
            ".env.example",
            "certs/ca.pem",
            "fullchain.pem",
            "config.json",
            "app/credentials.py",
            "<<EOF",
            "$CONFIG",
            "keys/",
            "docker-entrypoint.sh",
            "ubuntu-keyring.gpg",
            "https://download.example.org/repositories/Debian_12/Release.key",
            "Release.key",
            "repo-gpg.key",
        ] {
            assert!(credential_kind(public).is_none(), "{public}");
        }
    }
}
