use std::collections::BTreeSet;

use dockward_diagnostics::Severity;
use dockward_rules::declare_rule;
use dockward_secrets::{mask, names, tokens};
use serde_json::Value;

use super::image_runs_as_root::image_name;
use crate::facts::HistoryStep;
use crate::{AuditFinding, Context, ObjectKind};

declare_rule! {
    /// ## What it does
    /// Flags credentials stored in an image's configuration and history:
    ///
    /// - `Config.Env` entries and `Config.Labels` whose value has the format
    ///   of a credential (GitHub, GitLab, Slack, npm, PyPI, Hugging Face
    ///   tokens, AWS keys, PEM private keys, JSON Web Tokens...: the formats
    ///   of `secret-value-in-instruction`), or whose name suggests a secret
    ///   (`DB_PASSWORD`, `AWS_SECRET_ACCESS_KEY`, `apiKey`; the names of
    ///   `secret-name-in-arg-env`) with a real value;
    /// - history entries (`history[].created_by`, what `docker history
    ///   --no-trunc` shows) holding such a token, build arguments recorded
    ///   in front of a `RUN` (`|1 NPM_TOKEN=... /bin/sh -c npm ci`), and
    ///   `ENV` steps whose value a later `ENV` overwrote (still in the history).
    ///
    /// A value is not reported when it is empty, a reference (`$VAR`,
    /// `/run/secrets/db`), a switch (`true`, `0`), or a placeholder
    /// (`changeme`, `xxx`); names that point to a secret (`*_FILE`, `*_PATH`,
    /// `*_URL`) and public `GPG_KEY`s are not secrets. A secret seen in `Env`
    /// is not reported again for the history step that set it. Messages show
    /// at most the first four characters of a secret.
    ///
    /// Severity: critical when the value has a credential's format, high when
    /// only the name says so.
    ///
    /// ## Why is this bad?
    /// The configuration and the history travel with the image: anyone who
    /// can pull it reads them with `docker inspect` and `docker history`,
    /// and every container started from it inherits the environment (shown
    /// by `docker inspect` of the container and in `/proc/1/environ`).
    /// Overwriting or unsetting the variable in a later step does not remove
    /// it from the history. A credential found there must be revoked.
    ///
    /// ## Example
    /// An image built with
    /// `docker build --build-arg NPM_TOKEN=npm_... .` from a Dockerfile with
    /// `ARG NPM_TOKEN` and `RUN npm ci` records `|1 NPM_TOKEN=npm_...` in the
    /// history of that `RUN`; `ENV AWS_SECRET_ACCESS_KEY=...` stores the key
    /// in `Config.Env`.
    ///
    /// Use instead: build secrets, which are mounted for one `RUN` and never
    /// stored (`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`),
    /// and runtime secrets for the container (`docker run --env-file`, mounted
    /// secret files, a secret manager).
    ///
    /// ## Compared with Dockle and Trivy
    /// Dockle's CIS-DI-0010 flags environment variables whose *name* contains
    /// `PASS`, `PASSWD`, `PASSWORD`, `SECRET`, `KEY`, `ACCESS` or `TOKEN`
    /// (accepting `GPG_KEY`), whatever the value, and does not look at labels
    /// or build arguments in the history. Trivy's secret scanner runs its
    /// format patterns over the image config (`trivy image --scanners secret`
    /// reports findings in the config as well as in layers). dockward combines
    /// both: names with a real value, and formats anywhere in the config and
    /// history.
    ///
    /// ## References
    /// - [CIS Docker Benchmark v1.6.0, 4.10](https://www.cisecurity.org/benchmark/docker)
    /// - [Docker build secrets](https://docs.docker.com/build/building/secrets/)
    /// - [Dockerfile reference: ARG (build arguments are visible in the history)](https://docs.docker.com/reference/dockerfile/#arg)
    /// - [docker image history](https://docs.docker.com/reference/cli/docker/image/history/)
    /// - [Dockle CIS-DI-0010](https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md)
    pub struct SecretInImageConfig {
        severity: High,
        status: Stable,
        summary: "the image configuration or history holds a secret",
        aliases: ["CIS-4.10", "CIS-L1", "CIS-DI-0010"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/build/building/secrets/",
            "https://docs.docker.com/reference/dockerfile/#arg",
            "https://docs.docker.com/reference/cli/docker/image/history/",
            "https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md",
        ],
    }
}

/// What a secret found by its name only is.
const NAMED: &str = "a value under a secret-looking name";

/// One secret found, before it becomes a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConfigSecret {
    /// Where: ``ENV `DB_PASSWORD` ``, ``label `db.password` ``, `history step 3 (RUN)`.
    pub where_: String,
    /// What: `a GitHub token`, or `a secret-looking name with a value`.
    pub what: String,
    /// The masked value.
    pub masked: String,
    /// Whether its format identifies it (critical) rather than its name (high).
    pub by_format: bool,
}

/// Secrets of one `NAME=value` pair (an env entry, a label, a build argument).
fn pair_secrets(
    where_: &str,
    name: &str,
    value: &str,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<ConfigSecret>,
) {
    // The name gives some formats their context (`aws_secret_access_key=...`);
    // only what lies in the value counts.
    let text = format!("{name}={value}");
    let found: Vec<_> = tokens::find(&text)
        .into_iter()
        .filter(|f| f.start > name.len())
        .collect();
    if !found.is_empty() {
        for f in found {
            if seen.insert(f.secret.to_owned()) {
                out.push(ConfigSecret {
                    where_: where_.to_owned(),
                    what: f.title.to_owned(),
                    masked: mask(f.secret),
                    by_format: true,
                });
            }
        }
        return;
    }
    if names::is_secret_name(name) && names::is_meaningful_value(value) {
        let value = value.trim();
        if seen.insert(value.to_owned()) {
            out.push(ConfigSecret {
                where_: where_.to_owned(),
                what: NAMED.to_owned(),
                masked: mask(value),
                by_format: false,
            });
        }
    }
}

/// The instruction of a history step: `RUN`, `ENV`, `COPY`...
fn instruction(created_by: &str) -> &str {
    let text = created_by.trim();
    let text = text
        .split_once("#(nop)")
        .map_or(text, |(_, rest)| rest.trim_start());
    let word = text.split_whitespace().next().unwrap_or("");
    if !word.is_empty() && word.chars().all(|c| c.is_ascii_uppercase()) {
        word
    } else {
        "RUN"
    }
}

/// The build arguments recorded in front of a `RUN` step:
/// `|2 A=1 B=2 /bin/sh -c ...` (classic builder) or `RUN |2 A=1 B=2 ...`
/// (BuildKit). Values with spaces cannot be told apart from the command and
/// are cut at the first space.
pub(crate) fn build_args(created_by: &str) -> Vec<(&str, &str)> {
    let text = created_by.trim_start();
    let text = text.strip_prefix("RUN ").unwrap_or(text).trim_start();
    let Some(rest) = text.strip_prefix('|') else {
        return Vec::new();
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let Ok(count) = rest[..digits].parse::<usize>() else {
        return Vec::new();
    };
    rest[digits..]
        .split_whitespace()
        .take(count)
        .filter_map(|kv| kv.split_once('='))
        .collect()
}

/// The `NAME=value` pairs of an `ENV` or `LABEL` step.
fn env_pairs(created_by: &str, keyword: &str) -> Vec<(String, String)> {
    let text = created_by.trim();
    let text = text
        .split_once("#(nop)")
        .map_or(text, |(_, rest)| rest.trim_start());
    let Some(body) = text.strip_prefix(keyword).and_then(|b| b.strip_prefix(' ')) else {
        return Vec::new();
    };
    let body = body.trim();
    if !body.contains('=') {
        // Legacy `ENV NAME value`.
        return body
            .split_once(char::is_whitespace)
            .map(|(k, v)| vec![(k.to_owned(), v.trim().to_owned())])
            .unwrap_or_default();
    }
    body.split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| {
            (
                k.trim_matches('"').to_owned(),
                v.trim_matches('"').to_owned(),
            )
        })
        .collect()
}

/// Every secret of one image's configuration (`Config` of an inspect or of an
/// image config) and history.
pub(crate) fn config_secrets(config: &Value, history: &[HistoryStep]) -> Vec<ConfigSecret> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let env = config
        .get("Env")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    for entry in env {
        let (name, value) = entry.split_once('=').unwrap_or((entry, ""));
        pair_secrets(&format!("ENV `{name}`"), name, value, &mut seen, &mut out);
    }
    if let Some(labels) = config.get("Labels").and_then(Value::as_object) {
        for (name, value) in labels {
            let value = value.as_str().unwrap_or_default();
            pair_secrets(&format!("label `{name}`"), name, value, &mut seen, &mut out);
        }
    }
    for (i, step) in history.iter().enumerate() {
        let keyword = instruction(&step.created_by);
        let where_ = format!("history step {} ({keyword})", i + 1);
        for (name, value) in build_args(&step.created_by) {
            pair_secrets(
                &format!("build argument `{name}` in {where_}"),
                name,
                value,
                &mut seen,
                &mut out,
            );
        }
        if matches!(keyword, "ENV" | "LABEL") {
            for (name, value) in env_pairs(&step.created_by, keyword) {
                pair_secrets(
                    &format!("`{name}` in {where_}"),
                    &name,
                    &value,
                    &mut seen,
                    &mut out,
                );
            }
        }
        for f in tokens::find(&step.created_by) {
            if seen.insert(f.secret.to_owned()) {
                out.push(ConfigSecret {
                    where_: where_.clone(),
                    what: f.title.to_owned(),
                    masked: mask(f.secret),
                    by_format: true,
                });
            }
        }
    }
    out
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    for image in &ctx.facts().images {
        let config = image.inspect.get("Config").unwrap_or(&Value::Null);
        let history = image.history.as_deref().unwrap_or_default();
        for secret in config_secrets(config, history) {
            let what = if secret.by_format {
                format!("holds {} (`{}`)", article(&secret.what), secret.masked)
            } else {
                format!(
                    "is set (`{}`) and its name says it is a secret",
                    secret.masked
                )
            };
            let finding = AuditFinding::new(
                SecretInImageConfig::META.rule,
                ObjectKind::Image,
                image_name(&image.inspect),
                format!(
                    "{} {what}: anyone who can pull the image can read it; revoke it and pass it as a build or runtime secret",
                    secret.where_,
                ),
            )
            .with_cis("4.10");
            out.push(if secret.by_format {
                finding.with_severity(Severity::Critical)
            } else {
                finding
            });
        }
    }
}

/// `a GitHub token`, `an AWS access key id`: the token titles have no article.
fn article(what: &str) -> String {
    if what.starts_with("a ") || what.starts_with("an ") {
        return what.to_owned();
    }
    let vowel = what
        .chars()
        .next()
        .is_some_and(|c| "AEIOUaeiou".contains(c));
    format!("{} {what}", if vowel { "an" } else { "a" })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn step(created_by: &str) -> HistoryStep {
        HistoryStep {
            created_by: created_by.to_owned(),
            empty_layer: false,
        }
    }

    fn found(config: &Value, history: &[HistoryStep]) -> Vec<String> {
        config_secrets(config, history)
            .into_iter()
            .map(|s| format!("{} | {} | {} | {}", s.where_, s.what, s.masked, s.by_format))
            .collect()
    }

    #[test]
    fn env_and_labels() {
        let gh = format!("ghp_{}", "aB3".repeat(12));
        let config = json!({
            "Env": [
                "PATH=/usr/local/bin:/usr/bin",
                format!("GITHUB_TOKEN={gh}"),
                "DB_PASSWORD=s3cr3t-pa55",
                "POSTGRES_PASSWORD_FILE=/run/secrets/db",
                "MYSQL_ALLOW_EMPTY_PASSWORD=yes",
                "API_KEY=",
                "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
                "AWS_SECRET_ACCESS_KEY=Zq8v7Xb2Lm4Nc6Vd9Fg1Hj3Kk5Ll7Mm9Nn0Pp2Qq",
            ],
            "Labels": {"com.example.db.password": "hunter22", "org.opencontainers.image.title": "app"}
        });
        assert_eq!(
            found(&config, &[]),
            [
                "ENV `GITHUB_TOKEN` | GitHub token | ghp_*** | true",
                "ENV `DB_PASSWORD` | a value under a secret-looking name | s3*** | false",
                "ENV `AWS_SECRET_ACCESS_KEY` | AWS secret access key | Zq8v*** | true",
                "label `com.example.db.password` | a value under a secret-looking name | hu*** | false",
            ]
        );
    }

    #[test]
    fn history_build_args_overwritten_env_and_tokens() {
        let npm = format!("npm_{}", "x1Y2".repeat(9));
        let history = [
            step("/bin/sh -c #(nop) ADD file:abc in / "),
            step("/bin/sh -c #(nop)  ENV DB_PASSWORD=first-s3cret"),
            step("|2 NPM_TOKEN=tok3n-value-123 VERSION=1.2 /bin/sh -c npm ci"),
            step(&format!(
                "RUN /bin/sh -c echo \"//registry.npmjs.org/:_authToken={npm}\" > .npmrc # buildkit"
            )),
            step("ENV DB_PASSWORD=s3cr3t-pa55"),
            step("RUN |1 TOKEN=${TOKEN} /bin/sh -c make"),
        ];
        let config = json!({"Env": ["DB_PASSWORD=s3cr3t-pa55"]});
        assert_eq!(
            found(&config, &history),
            [
                "ENV `DB_PASSWORD` | a value under a secret-looking name | s3*** | false",
                "`DB_PASSWORD` in history step 2 (ENV) | a value under a secret-looking name | fir*** | false",
                "build argument `NPM_TOKEN` in history step 3 (RUN) | a value under a secret-looking name | tok*** | false",
                "history step 4 (RUN) | npm access token | npm_*** | true",
            ]
        );
    }

    #[test]
    fn build_arg_prefixes() {
        assert_eq!(
            build_args("|2 A=1 B=two /bin/sh -c x"),
            [("A", "1"), ("B", "two")]
        );
        assert_eq!(
            build_args("RUN |1 TOKEN=abc /bin/sh -c x"),
            [("TOKEN", "abc")]
        );
        assert!(build_args("/bin/sh -c echo |1 A=b").is_empty());
        assert!(build_args("|x A=b").is_empty());
        assert_eq!(instruction("/bin/sh -c #(nop)  LABEL a=b"), "LABEL");
        assert_eq!(instruction("/bin/sh -c apt-get update"), "RUN");
        assert_eq!(instruction("COPY app /app # buildkit"), "COPY");
        assert_eq!(
            env_pairs("/bin/sh -c #(nop)  ENV TOKEN abc def", "ENV"),
            [("TOKEN".to_owned(), "abc def".to_owned())]
        );
    }
}
