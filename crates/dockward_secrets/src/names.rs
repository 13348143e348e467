//! Names that suggest a secret: environment variables, build arguments,
//! labels, dotenv keys.

/// The upper-case words of a name: split on non-alphanumerics and at
/// lower-to-upper case changes (`dbPassword` → `DB`, `PASSWORD`).
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_uppercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Words that make a name a secret on their own.
pub const SECRET_WORDS: [&str; 11] = [
    "PASSWORD",
    "PASSWORDS",
    "PASSWD",
    "PASS",
    "PASSPHRASE",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "CREDENTIAL",
    "CREDENTIALS",
    "APIKEY",
];

/// Words that make `<word>_KEY` a secret.
pub const KEY_QUALIFIERS: [&str; 7] = [
    "API",
    "PRIVATE",
    "ACCESS",
    "SECRET",
    "AUTH",
    "SIGNING",
    "ENCRYPTION",
];

/// A last word that makes the name a pointer to a secret, not the secret.
pub const POINTER_SUFFIXES: [&str; 15] = [
    "FILE", "FILES", "PATH", "DIR", "URL", "URI", "ENDPOINT", "HOST", "PORT", "NAME", "TYPE",
    "LENGTH", "TTL", "TIMEOUT", "EXPIRY",
];

/// Words that make the name a switch about a secret.
pub const SWITCH_WORDS: [&str; 4] = ["ALLOW", "EMPTY", "RANDOM", "GENERATE"];

/// Well-known variables whose value is a path to a credential file.
pub const KNOWN_PATHS: [&str; 1] = ["GOOGLE_APPLICATION_CREDENTIALS"];

/// Whether `name` suggests that its value is a secret: it contains a word of
/// [`SECRET_WORDS`] or a pair `<qualifier>_KEY` ([`KEY_QUALIFIERS`]), and it
/// neither ends with a pointer word ([`POINTER_SUFFIXES`]) nor contains a
/// switch word ([`SWITCH_WORDS`]). `KEY` alone is not a secret word: `GPG_KEY`
/// holds a public fingerprint.
pub fn is_secret_name(name: &str) -> bool {
    if KNOWN_PATHS.iter().any(|k| k.eq_ignore_ascii_case(name)) {
        return false;
    }
    let words = words(name);
    let Some(last) = words.last() else {
        return false;
    };
    if POINTER_SUFFIXES.contains(&last.as_str())
        || words.iter().any(|w| SWITCH_WORDS.contains(&w.as_str()))
    {
        return false;
    }
    let single = words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()));
    let pair = words.windows(2).any(|p| {
        matches!(p, [q, k] if (k == "KEY" || k == "KEYS") && KEY_QUALIFIERS.contains(&q.as_str()))
    });
    single || pair
}

/// Values that switch something rather than hold a secret.
const SWITCHES: [&str; 10] = [
    "true", "false", "yes", "no", "on", "off", "0", "1", "none", "null",
];
/// Values that stand for a secret to be filled in.
const PLACEHOLDERS: [&str; 6] = [
    "changeme",
    "change-me",
    "example",
    "placeholder",
    "secret",
    "password",
];

/// Whether a value given to a secret-looking name is worth reporting: not
/// empty, not a reference to something else (`$VAR`, `${VAR}`, a path), not a
/// switch (`true`, `no`, `0`), not a placeholder (`changeme`, `<password>`,
/// `xxx`).
pub fn is_meaningful_value(value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    if v.is_empty() || v.starts_with('$') || v.starts_with('/') || v.starts_with('<') {
        return false;
    }
    let lower = v.to_ascii_lowercase();

    if SWITCHES.contains(&lower.as_str()) || PLACEHOLDERS.contains(&lower.as_str()) {
        return false;
    }
    !v.chars().all(|c| c == 'x' || c == 'X' || c == '*')
}

#[cfg(test)]
mod tests {
    use super::{is_meaningful_value, is_secret_name};

    #[test]
    fn names() {
        for secret in [
            "DB_PASSWORD",
            "POSTGRES_PASSWORD",
            "DB_PASS",
            "GITHUB_TOKEN",
            "NPM_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "OPENAI_API_KEY",
            "apiKey",
            "dbPassword",
            "SSH_PRIVATE_KEY",
            "CLIENT_SECRET",
            "REGISTRY_CREDENTIALS",
            "com.example.db.password",
        ] {
            assert!(is_secret_name(secret), "{secret}");
        }
        for not_secret in [
            "GPG_KEY",
            "GPG_KEYS",
            "POSTGRES_PASSWORD_FILE",
            "MYSQL_ALLOW_EMPTY_PASSWORD",
            "MYSQL_RANDOM_ROOT_PASSWORD",
            "TOKEN_URL",
            "PASSENGER_VERSION",
            "PATH",
            "USERNAME",
            "PRIVATE_REGISTRY",
            "KEYRING",
            "DOCKER_HARDENED_IMAGES_KEYRING_VERSION",
            "PUBLIC_KEY",
            "GOOGLE_APPLICATION_CREDENTIALS",
        ] {
            assert!(!is_secret_name(not_secret), "{not_secret}");
        }
    }

    #[test]
    fn values() {
        for v in ["hunter2", "s3cr3t-Value", "'abc'"] {
            assert!(is_meaningful_value(v), "{v}");
        }
        for v in [
            "",
            "  ",
            "$DB_PASSWORD",
            "${TOKEN}",
            "/run/secrets/db",
            "true",
            "No",
            "0",
            "xxxx",
            "***",
            "changeme",
            "<password>",
            "\"\"",
        ] {
            assert!(!is_meaningful_value(v), "{v}");
        }
    }
}
