//! Files that usually hold credentials: by name (a Dockerfile's `COPY` source,
//! a path in an image) and, when the caller has read the file, by content.
//!
//! The name list follows Dockle's credential files (`CIS-DI-0010`) and the
//! secret-rule table of `docs/reference/dockerfile-lint.md` §7 (private keys,
//! cloud and registry credentials, package-manager tokens). Content confirms
//! or refutes what the name suggests: a `server.key` holding
//! `-----BEGIN PUBLIC KEY-----` or a `.npmrc` without a token is not a
//! credential file, a `tls.pem` holding a private key is.

use crate::{names, tokens};

/// The largest file whose content is worth reading to confirm it: credential
/// files are small (a 4096-bit RSA key in PEM is about 3.3 KiB).
pub const MAX_CONTENT: u64 = 64 * 1024;

/// What a credential file holds, and how its content confirms it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Kind {
    what: &'static str,
    check: Check,
}

/// How content confirms a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// A private key block (PEM, OpenSSH, PuTTY).
    PrivateKey,
    /// Binary or opaque: any non-empty content.
    NonEmpty,
    /// `aws_secret_access_key` or `aws_session_token`.
    Aws,
    /// An `"auth"`, `"identitytoken"` or `"registrytoken"` with a value.
    DockerConfig,
    /// `token:`, `client-key-data:` or `password:` with a value.
    Kubeconfig,
    /// `_authToken=`, `_auth=` or `_password=` with a literal value.
    Npmrc,
    /// `password` with a value.
    Password,
    /// `scheme://user:password@host` lines.
    GitCredentials,
    /// `NAME=value` with a secret-looking name and a real value, or a token.
    Dotenv,
    /// A JSON key file: `"private_key"`, `"client_secret"` or `"refresh_token"`.
    JsonKey,
}

const fn kind(what: &'static str, check: Check) -> Kind {
    Kind { what, check }
}

/// Files named exactly so.
const NAMED: [(&str, Kind); 20] = [
    ("id_rsa", kind("an SSH private key", Check::PrivateKey)),
    ("id_dsa", kind("an SSH private key", Check::PrivateKey)),
    ("id_ecdsa", kind("an SSH private key", Check::PrivateKey)),
    ("id_ed25519", kind("an SSH private key", Check::PrivateKey)),
    ("id_ecdsa_sk", kind("an SSH private key", Check::PrivateKey)),
    (
        "id_ed25519_sk",
        kind("an SSH private key", Check::PrivateKey),
    ),
    (".env", kind("a dotenv file with secrets", Check::Dotenv)),
    (".npmrc", kind("npm registry credentials", Check::Npmrc)),
    (".pypirc", kind("PyPI credentials", Check::Password)),
    (".netrc", kind("netrc login credentials", Check::Password)),
    ("_netrc", kind("netrc login credentials", Check::Password)),
    (
        ".git-credentials",
        kind("git credentials", Check::GitCredentials),
    ),
    (".pgpass", kind("PostgreSQL passwords", Check::NonEmpty)),
    (".htpasswd", kind("password hashes", Check::NonEmpty)),
    (
        ".dockercfg",
        kind("Docker registry credentials", Check::DockerConfig),
    ),
    (
        "credentials.json",
        kind("a credentials file", Check::NonEmpty),
    ),
    ("master.key", kind("a Rails master key", Check::NonEmpty)),
    (".vault-token", kind("a Vault token", Check::NonEmpty)),
    (
        "application_default_credentials.json",
        kind(
            "Google Cloud application default credentials",
            Check::JsonKey,
        ),
    ),
    (
        "access_tokens.db",
        kind("Google Cloud SDK access tokens", Check::NonEmpty),
    ),
];

/// Files named so inside a directory.
const IN_DIR: [(&str, Kind); 6] = [
    (".aws/credentials", kind("AWS credentials", Check::Aws)),
    (
        ".docker/config.json",
        kind("Docker registry credentials", Check::DockerConfig),
    ),
    (
        ".kube/config",
        kind("Kubernetes credentials", Check::Kubeconfig),
    ),
    (
        "gcloud/credentials.db",
        kind("Google Cloud SDK credentials", Check::NonEmpty),
    ),
    (
        "gcloud/legacy_credentials",
        kind("Google Cloud SDK credentials", Check::NonEmpty),
    ),
    (
        ".config/hub",
        kind("GitHub hub credentials", Check::NonEmpty),
    ),
];

/// Words in a `*.key` name that mark a public (signing) key.
const PUBLIC_KEY_HINTS: [&str; 5] = ["pub", "gpg", "release", "keyring", "archive"];

/// Suffixes of dotenv names that are templates, not secrets.
const ENV_TEMPLATES: [&str; 5] = ["example", "sample", "template", "dist", "defaults"];

/// What the file named `path` usually holds, by its name only.
fn kind_by_name(path: &str) -> Option<Kind> {
    let path = path.trim_end_matches('/');
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    if let Some((_, kind)) = IN_DIR
        .iter()
        .find(|(suffix, _)| has_components(&lower, suffix))
    {
        return Some(*kind);
    }
    if let Some((_, kind)) = NAMED.iter().find(|(n, _)| *n == name) {
        return Some(*kind);
    }
    if let Some(variant) = name.strip_prefix(".env.") {
        return (!ENV_TEMPLATES.contains(&variant))
            .then_some(kind("a dotenv file with secrets", Check::Dotenv));
    }
    if name.starts_with("ssh_host_") && name.ends_with("_key") {
        return Some(kind("an SSH host private key", Check::PrivateKey));
    }
    let (stem, ext) = name.rsplit_once('.')?;
    if ext == "json"
        && (stem.starts_with("client_secret")
            || stem.contains("service-account")
            || stem.contains("service_account")
            || stem.contains("serviceaccount"))
    {
        return Some(kind("a cloud service-account or OAuth key", Check::JsonKey));
    }
    match ext {
        "key" if !stem.is_empty() && !PUBLIC_KEY_HINTS.iter().any(|h| stem.contains(h)) => {
            Some(kind("a private key", Check::PrivateKey))
        }
        "p12" | "pfx" => Some(kind("a keystore with a private key", Check::NonEmpty)),
        "ppk" => Some(kind("a PuTTY private key", Check::PrivateKey)),
        "pem" if stem.contains("key") || stem.contains("priv") => {
            Some(kind("a private key", Check::PrivateKey))
        }
        _ => None,
    }
}

/// What a file named `path` usually holds, if it is a credential file, by its
/// name only (`id_rsa`, `.aws/credentials`, `tls.key`, `.env.production`).
/// Public halves (`id_rsa.pub`), certificates (`ca.pem`), signing keys
/// (`Release.key`) and dotenv templates (`.env.example`) are not.
pub fn credential_file(path: &str) -> Option<&'static str> {
    kind_by_name(path).map(|k| k.what)
}

/// Whether the content of the file at `path` (of `size` bytes) should be read
/// for [`classify`]: a credential file by name, or any `*.pem` / `*.key`
/// (a private key whose name does not say so), up to [`MAX_CONTENT`] bytes.
pub fn wants_content(path: &str, size: u64) -> bool {
    if size > MAX_CONTENT || is_packaged_fixture(path) {
        return false;
    }
    let ext = std::path::Path::new(path).extension();
    kind_by_name(path).is_some()
        || ext.is_some_and(|e| e.eq_ignore_ascii_case("pem") || e.eq_ignore_ascii_case("key"))
}

/// Directories where packages ship test keys, sample credentials and
/// documentation; credential files under them are not reported (Trivy's
/// global allow rules, `docs/reference/dockerfile-lint.md` §7.3, make the
/// same choice).
const FIXTURE_DIRS: [&str; 11] = [
    "test",
    "tests",
    "testdata",
    "testing",
    "__tests__",
    "fixtures",
    "example",
    "examples",
    "samples",
    "vendor",
    "doc",
];

/// System trees whose files come from distribution packages and language
/// runtimes (the same prefixes as Trivy's allow rules).
const PACKAGED_TREES: [&str; 6] = [
    "/usr/share/",
    "/usr/include/",
    "/usr/lib/",
    "/usr/local/go/",
    "/usr/local/lib/python",
    "/usr/src/wordpress/",
];

/// Whether `path` lies where packages keep fixtures and documentation: a
/// directory component of [`FIXTURE_DIRS`], or a tree of [`PACKAGED_TREES`].
pub fn is_packaged_fixture(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if PACKAGED_TREES.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    // The directories holding the file: every component but the last.
    let parent = lower
        .trim_end_matches('/')
        .rsplit_once('/')
        .map_or("", |(parent, _)| parent);
    parent.split('/').any(|c| FIXTURE_DIRS.contains(&c))
}

/// Whether the relative path `suffix` is `path` itself, its last components
/// (`…/suffix`) or a run of components inside it (`…/suffix/…`), without
/// building `/suffix` strings (this runs for every file of an image).
fn has_components(path: &str, suffix: &str) -> bool {
    path == suffix
        || path.match_indices(suffix).any(|(i, _)| {
            let end = i + suffix.len();
            i > 0
                && path.as_bytes().get(i - 1) == Some(&b'/')
                && (end == path.len() || path.as_bytes().get(end) == Some(&b'/'))
        })
}

/// A private key block in `text`: PEM (`-----BEGIN RSA PRIVATE KEY-----`,
/// `-----BEGIN OPENSSH PRIVATE KEY-----`, `-----BEGIN ENCRYPTED PRIVATE
/// KEY-----`...) or a PuTTY key file. Returns what it is.
pub fn private_key_block(text: &str) -> Option<&'static str> {
    if text.contains("PuTTY-User-Key-File-") {
        return Some("a PuTTY private key");
    }
    let mut rest = text;
    while let Some(i) = rest.find("-----BEGIN ") {
        let after = &rest[i + "-----BEGIN ".len()..];
        let Some(end) = after.find("-----") else {
            break;
        };
        let label = &after[..end];
        if label.len() <= 40
            && (label.ends_with("PRIVATE KEY") || label.ends_with("PRIVATE KEY BLOCK"))
        {
            return Some(if label.starts_with("OPENSSH") {
                "an SSH private key"
            } else if label.starts_with("PGP") {
                "a PGP private key"
            } else {
                "a private key"
            });
        }
        rest = after;
    }
    None
}

/// Lines of `text` of the form `key = value` (or `key: value`, or
/// `key value` when `spaced`), with `key` matched case-insensitively against
/// `keys` and a value that is not empty and not a `${...}` reference.
fn has_assignment(text: &str, keys: &[&str], spaced: bool) -> bool {
    text.lines().any(|line| {
        let line = line.trim().trim_start_matches("export ").trim_start();
        let lower = line.to_ascii_lowercase();
        keys.iter().any(|key| {
            let Some(pos) = lower.find(key) else {
                return false;
            };
            let rest = line[pos + key.len()..].trim_start();
            let value = if let Some(v) = rest.strip_prefix(['=', ':']) {
                v
            } else if spaced && line[pos + key.len()..].starts_with([' ', '\t']) {
                rest
            } else {
                return false;
            };
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            !value.is_empty() && !value.starts_with("${")
        })
    })
}

/// Whether `text` confirms what the name suggests.
fn confirms(check: Check, text: &str) -> bool {
    match check {
        Check::PrivateKey => private_key_block(text).is_some(),
        Check::NonEmpty => !text.trim().is_empty(),
        Check::Aws => has_assignment(text, &["aws_secret_access_key", "aws_session_token"], false),
        Check::DockerConfig => ["\"auth\"", "\"identitytoken\"", "\"registrytoken\""]
            .iter()
            .any(|key| {
                text.match_indices(key).any(|(i, _)| {
                    let rest = text[i + key.len()..].trim_start();
                    rest.strip_prefix(':')
                        .map(str::trim_start)
                        .and_then(|r| r.strip_prefix('"'))
                        .is_some_and(|r| !r.starts_with('"'))
                })
            }),
        Check::Kubeconfig => has_assignment(text, &["token", "client-key-data", "password"], false),
        Check::Npmrc => has_assignment(text, &["_authtoken", "_auth", "_password"], false),
        Check::Password => has_assignment(text, &["password"], true),
        Check::GitCredentials => text.lines().any(|l| {
            l.split_once("://")
                .and_then(|(_, rest)| rest.split_once('@'))
                .is_some_and(|(userinfo, _)| userinfo.contains(':'))
        }),
        Check::Dotenv => text.lines().any(|line| {
            let line = line.trim().trim_start_matches("export ").trim_start();
            if line.starts_with('#') {
                return false;
            }
            line.split_once('=').is_some_and(|(name, value)| {
                names::is_secret_name(name.trim()) && names::is_meaningful_value(value)
            })
        }),
        Check::JsonKey => ["\"private_key\"", "\"client_secret\"", "\"refresh_token\""]
            .iter()
            .any(|k| text.contains(k)),
    }
}

/// What the file at `path` holds, judged by its name and, when `content` is
/// given (the caller read it, see [`wants_content`]), by its content:
///
/// - a file named like a credential file is reported when its content
///   confirms it (a key block, a token line), or when the content was not
///   read;
/// - any other file is reported when its content holds a private key block;
/// - nothing under [`is_packaged_fixture`] paths.
///
/// A token of a known format ([`tokens::find`]) in the content of a
/// credential file confirms it as well.
pub fn classify(path: &str, content: Option<&[u8]>) -> Option<&'static str> {
    if is_packaged_fixture(path) {
        return None;
    }
    let by_name = kind_by_name(path);
    let Some(bytes) = content else {
        return by_name.map(|k| k.what);
    };
    if bytes.len() as u64 > MAX_CONTENT {
        return by_name.map(|k| k.what);
    }
    let text = String::from_utf8_lossy(bytes);
    match by_name {
        Some(k) if confirms(k.check, &text) => Some(k.what),
        Some(k) if k.check != Check::PrivateKey && !tokens::find(&text).is_empty() => Some(k.what),
        Some(_) => None,
        None => private_key_block(&text),
    }
}

#[cfg(test)]
mod tests {
    use super::{
        classify, credential_file, has_components, is_packaged_fixture, private_key_block,
        wants_content,
    };

    /// The component match equals the string-building definition it replaced.
    #[test]
    fn component_match_is_the_path_its_tail_or_a_run_inside() {
        let paths = [
            ".aws/credentials",
            "/root/.aws/credentials",
            "/root/.aws/credentials/x",
            "/root/x.aws/credentials",
            "/root/.aws/credentials.bak",
            "/a/.aws/credentials/.aws/credentials",
            ".aws/credentialsx/.aws/credentials",
            "/.aws/credentials",
            "aws/credentials",
            "",
        ];
        for path in paths {
            let suffix = ".aws/credentials";
            let built = path == suffix
                || path.ends_with(&format!("/{suffix}"))
                || path.contains(&format!("/{suffix}/"));
            assert_eq!(has_components(path, suffix), built, "{path}");
        }
    }

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
            "/etc/ssh/ssh_host_ed25519_key",
            "/root/.config/gcloud/credentials.db",
            "/root/.config/gcloud/legacy_credentials/me@example.org/adc.json",
            "/root/.kube/config",
            "/app/service-account.json",
        ] {
            assert!(credential_file(secret).is_some(), "{secret}");
        }
        for public in [
            "id_rsa.pub",
            ".env.example",
            "certs/ca.pem",
            "fullchain.pem",
            "config.json",
            "app/credentials.py",
            "keys/",
            "docker-entrypoint.sh",
            "ubuntu-keyring.gpg",
            "Release.key",
            "repo-gpg.key",
            "/etc/ssh/ssh_host_ed25519_key.pub",
            "/root/.kube/config.d",
        ] {
            assert!(credential_file(public).is_none(), "{public}");
        }
    }

    const RSA: &str =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n";

    #[test]
    fn key_blocks() {
        assert_eq!(private_key_block(RSA), Some("a private key"));
        assert_eq!(
            private_key_block("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n"),
            Some("an SSH private key")
        );
        assert_eq!(
            private_key_block("-----BEGIN PGP PRIVATE KEY BLOCK-----\n"),
            Some("a PGP private key")
        );
        assert_eq!(
            private_key_block("PuTTY-User-Key-File-3: ssh-ed25519\n"),
            Some("a PuTTY private key")
        );
        for public in [
            "-----BEGIN PUBLIC KEY-----\nMIIB\n",
            "-----BEGIN CERTIFICATE-----\nMIIB\n",
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n",
            "grep 'BEGIN PRIVATE KEY' file",
        ] {
            assert_eq!(private_key_block(public), None, "{public}");
        }
    }

    #[test]
    fn content_confirms_or_refutes_the_name() {
        let c = |path: &str, text: &str| classify(path, Some(text.as_bytes()));
        assert_eq!(c("/root/.ssh/id_rsa", RSA), Some("an SSH private key"));
        assert_eq!(c("/srv/tls/server.pem", RSA), Some("a private key"));
        assert_eq!(
            c(
                "/etc/apt/keys/repo.key",
                "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
            ),
            None
        );
        assert_eq!(
            c("/srv/tls/cert.pem", "-----BEGIN CERTIFICATE-----\n"),
            None
        );
        assert_eq!(
            c(
                "/root/.aws/credentials",
                "[default]\naws_access_key_id = AKIAZ7Q3W5E2R4T6Y8U1\naws_secret_access_key = Zq8v7Xb2Lm4Nc6Vd9Fg1Hj3Kk5Ll7Mm9Nn0Pp2Qq\n"
            ),
            Some("AWS credentials")
        );
        assert_eq!(
            c("/root/.aws/credentials", "[default]\nregion = eu-west-1\n"),
            None
        );
        assert_eq!(
            c(
                "/root/.docker/config.json",
                r#"{"auths":{"r.example.org":{"auth":"dXNlcjpwYXNz"}}}"#
            ),
            Some("Docker registry credentials")
        );
        assert_eq!(
            c(
                "/root/.docker/config.json",
                r#"{"auths":{"r.example.org":{}},"credsStore":"pass"}"#
            ),
            None
        );
        assert_eq!(
            c(
                "/app/.npmrc",
                "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\n"
            ),
            Some("npm registry credentials")
        );
        assert_eq!(
            c(
                "/app/.npmrc",
                "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"
            ),
            None
        );
        assert_eq!(
            c("/root/.git-credentials", "https://me:tok3n@github.com\n"),
            Some("git credentials")
        );
        assert_eq!(
            c("/root/.netrc", "machine h login me password s3cr3t\n"),
            Some("netrc login credentials")
        );
        assert_eq!(
            c("/app/.env", "# settings\nDEBUG=1\nDB_PASSWORD=s3cr3t\n"),
            Some("a dotenv file with secrets")
        );
        assert_eq!(
            c(
                "/app/.env",
                "DEBUG=1\nDB_PASSWORD=\nDB_PASSWORD_FILE=/run/secrets/db\n"
            ),
            None
        );
        assert_eq!(
            c(
                "/root/.kube/config",
                "users:\n- name: a\n  user:\n    token: abc.def\n"
            ),
            Some("Kubernetes credentials")
        );
        assert_eq!(
            c(
                "/root/.kube/config",
                "users:\n- name: a\n  user:\n    exec:\n      command: aws\n"
            ),
            None
        );
        assert_eq!(c("/app/master.key", ""), None);
        assert_eq!(
            c("/app/notes.txt", RSA),
            Some("a private key"),
            "content given: it decides"
        );
        // Not read (too big, or the budget was spent): the name decides.
        assert_eq!(
            classify("/root/.ssh/id_rsa", None),
            Some("an SSH private key")
        );
        assert_eq!(classify("/srv/tls/server.pem", None), None);
    }

    #[test]
    fn fixtures_and_packaged_trees_are_skipped() {
        assert!(is_packaged_fixture(
            "/usr/lib/python3/dist-packages/tornado/test/test.key"
        ));
        assert!(is_packaged_fixture(
            "/app/node_modules/agent-base/test/ssl-cert-snakeoil.key"
        ));
        assert!(is_packaged_fixture("/usr/share/doc/openssl/demo.key"));
        assert!(!is_packaged_fixture("/home/tester/.ssh/id_rsa"));
        assert!(!is_packaged_fixture(
            "/etc/ssl/private/ssl-cert-snakeoil.key"
        ));
        assert_eq!(
            classify("/usr/lib/node_modules/x/test/server.key", None),
            None
        );
        assert!(wants_content("/srv/tls/server.pem", 3000));
        assert!(wants_content("/root/.aws/credentials", 100));
        assert!(!wants_content("/root/.aws/credentials", 1 << 20));
        assert!(!wants_content("/etc/os-release", 100));
    }
}
