use std::fmt::Write as _;

use dockward_rules::declare_rule;

use super::image_runs_as_root::image_name;
use crate::facts::SecretFile;
use crate::{AuditFinding, Context, ObjectKind};

declare_rule! {
    /// ## What it does
    /// Flags files in an image's layers that hold credentials, one finding
    /// per file with its path and the layer that added it:
    ///
    /// - private keys: a PEM or OpenSSH private-key block or a PuTTY key in
    ///   any `*.pem`, `*.key` or key-named file (`id_rsa`, `id_ed25519`,
    ///   `ssh_host_*_key`), PKCS#12 keystores (`*.p12`, `*.pfx`);
    /// - cloud and cluster credentials: `.aws/credentials` with a secret key
    ///   or session token, Google Cloud SDK credentials (`gcloud/credentials.db`,
    ///   `application_default_credentials.json`, service-account and OAuth
    ///   client JSON files with a `private_key` or `client_secret`),
    ///   `.kube/config` with a token, client key or password;
    /// - registry and package-manager tokens: `.docker/config.json` and
    ///   `.dockercfg` with an `auth` or identity token, `.npmrc` with an
    ///   `_authToken`, `.pypirc`, `.netrc` with a password,
    ///   `.git-credentials` with a password in a URL, `.vault-token`;
    /// - `.env` files with a secret-looking variable set, `.pgpass`,
    ///   `.htpasswd`, Rails `master.key`.
    ///
    /// The content decides when it was read (files up to 64 KiB): an
    /// `.npmrc` that only reads `${NPM_TOKEN}`, a `.docker/config.json` that
    /// uses a credential helper, or a `server.key` holding a public key is
    /// not reported. Files too large to read are judged by name.
    ///
    /// Files removed or replaced by a later layer are reported too: they are
    /// gone from the container's filesystem but still in the layer that
    /// added them. Not reported: files under directories where packages ship
    /// test and sample keys (`test`, `tests`, `testdata`, `fixtures`,
    /// `example(s)`, `samples`, `vendor`, `doc` components) and under
    /// `/usr/share`, `/usr/lib`, `/usr/include`, `/usr/local/go`,
    /// `/usr/local/lib/python*`, `/usr/src/wordpress` (the same trees
    /// Trivy's secret scanner skips).
    ///
    /// ## Why is this bad?
    /// An image's layers are tar archives anyone who can pull it can unpack:
    /// a key or token in any layer is readable, even when a later step
    /// deleted it (`RUN rm /root/.npmrc` only adds a whiteout in a new layer).
    /// A credential found there must be revoked.
    ///
    /// ## Example
    /// `COPY id_rsa /root/.ssh/id_rsa` followed by
    /// `RUN git clone git@... && rm /root/.ssh/id_rsa`: the key stays in the
    /// `COPY` layer.
    ///
    /// Use instead: build secrets and SSH forwarding, which are mounted for
    /// one `RUN` and never stored
    /// (`RUN --mount=type=ssh git clone git@...`,
    /// `RUN --mount=type=secret,id=aws,target=/root/.aws/credentials ...`),
    /// a `.dockerignore` that keeps credential files out of the build
    /// context, and runtime secrets for the container.
    ///
    /// ## Compared with Dockle and Trivy
    /// Dockle's CIS-DI-0010 flags files by suspicious names and extensions
    /// in the final filesystem, and DKL-LI-0003 leftover directories such as
    /// `.aws/` and `.git/`. Trivy's secret scanner runs its token patterns
    /// over every file of every layer (reporting the layer), with the allow
    /// rules quoted above. dockward reads credential files by name, confirms
    /// them by content, looks for private keys by content in `*.pem` and
    /// `*.key` files, and reports the layer, including files a later layer
    /// removed; it does not scan every file for tokens.
    ///
    /// ## References
    /// - [CIS Docker Benchmark v1.6.0, 4.10](https://www.cisecurity.org/benchmark/docker)
    /// - [Docker build secrets](https://docs.docker.com/build/building/secrets/)
    /// - [OCI image spec: layer changesets and whiteouts](https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts)
    /// - [Dockle CIS-DI-0010](https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md)
    /// - [Trivy secret scanning](https://trivy.dev/latest/docs/scanner/secret/)
    pub struct SecretFileInImage {
        severity: High,
        status: Stable,
        summary: "the image contains a file with credentials",
        aliases: ["CIS-4.10", "CIS-L1", "CIS-DI-0010"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/build/building/secrets/",
            "https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts",
            "https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md",
            "https://trivy.dev/latest/docs/scanner/secret/",
        ],
    }
}

/// The most files reported one by one per image; the last finding counts the rest.
const LISTED: usize = 50;

/// `layer 2 (sha256:0123456789ab)`, or `None` when the layer is not known
/// (a root filesystem directory has no layers).
fn layer(index: Option<usize>, diff_id: Option<&str>) -> Option<String> {
    let i = index?;
    Some(match diff_id {
        Some(d) => {
            let hex = d.strip_prefix("sha256:").unwrap_or(d);
            let short: String = hex.chars().take(12).collect();
            format!("layer {i} (sha256:{short})")
        }
        None => format!("layer {i}"),
    })
}

fn message(file: &SecretFile) -> String {
    let added = layer(file.layer, file.diff_id.as_deref());
    match (file.removed_in_layer, added) {
        (Some(removed), added) => format!(
            "`{}` holds {}: removed in layer {removed} but still in {}, where anyone who pulls the image can extract it; revoke it and use a build secret",
            file.path,
            file.what,
            added.as_deref().unwrap_or("an earlier layer")
        ),
        (None, Some(added)) => format!(
            "`{}` holds {}, added in {added}; revoke it and use a build or runtime secret",
            file.path, file.what
        ),
        (None, None) => format!(
            "`{}` holds {}; revoke it and use a build or runtime secret",
            file.path, file.what
        ),
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    for image in &ctx.facts().images {
        let Some(files) = &image.secret_files else {
            continue;
        };
        let mut files: Vec<&SecretFile> = files.iter().collect();
        files.sort_by(|a, b| (&a.path, a.layer).cmp(&(&b.path, b.layer)));
        files.dedup_by(|a, b| a.path == b.path && a.layer == b.layer);
        let name = image_name(&image.inspect);
        for (i, file) in files.iter().enumerate() {
            let mut text = message(file);
            if i + 1 == LISTED && files.len() > LISTED {
                let _ = write!(
                    text,
                    " (and {} more credential files not listed)",
                    files.len() - LISTED
                );
            }
            out.push(
                AuditFinding::new(
                    SecretFileInImage::META.rule,
                    ObjectKind::Image,
                    name.clone(),
                    text,
                )
                .with_cis("4.10"),
            );
            if i + 1 == LISTED {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_path_and_the_layers() {
        let mut file = SecretFile {
            path: "/root/.ssh/id_rsa".into(),
            what: "an SSH private key".into(),
            layer: Some(2),
            diff_id: Some("sha256:0123456789abcdef0123".into()),
            removed_in_layer: None,
        };
        assert_eq!(
            message(&file),
            "`/root/.ssh/id_rsa` holds an SSH private key, added in layer 2 (sha256:0123456789ab); revoke it and use a build or runtime secret"
        );
        file.removed_in_layer = Some(3);
        file.diff_id = None;
        assert!(
            message(&file).contains("removed in layer 3 but still in layer 2,"),
            "{}",
            message(&file)
        );
    }
}
