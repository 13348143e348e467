//! Credentials recognised by their format. Each pattern runs only when one of
//! its keywords occurs in the text (case-insensitive), as Trivy's secret rules
//! do (`docs/reference/dockerfile-lint.md` §2.4, §7); the patterns are our own,
//! for the formats the vendors document.

use std::sync::LazyLock;

use regex::Regex;

/// A credential format.
pub struct Pattern {
    /// What it is, for the message.
    pub title: &'static str,
    /// The pattern only runs when one of these occurs (ASCII case-insensitive).
    pub keywords: &'static [&'static str],
    /// The expression; the named group `secret` is the credential (the whole
    /// match when there is no such group).
    pub regex: &'static str,
}

/// The formats recognised, in the order they are tried.
pub const PATTERNS: &[Pattern] = &[
    Pattern {
        title: "AWS access key id",
        keywords: &[
            "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "A3T",
        ],
        regex: r"(?:^|[^0-9A-Za-z])(?P<secret>(?:A3T[A-Z0-9]|AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16})(?:[^0-9A-Za-z]|$)",
    },
    Pattern {
        title: "AWS secret access key",
        keywords: &["aws"],
        regex: r#"(?i)aws_?(?:secret)?_?(?:access)?_?key["']?(?:\s*(?:=>|[:=])\s*|\s+)["']?(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
    },
    Pattern {
        title: "GitHub token",
        keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        regex: r"(?:^|[^0-9A-Za-z])(?P<secret>gh[pousr]_[0-9A-Za-z]{36,})",
    },
    Pattern {
        title: "GitHub fine-grained token",
        keywords: &["github_pat_"],
        regex: r"(?P<secret>github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59})",
    },
    Pattern {
        title: "GitLab personal access token",
        keywords: &["glpat-"],
        regex: r"(?P<secret>glpat-[0-9A-Za-z_-]{20,})",
    },
    Pattern {
        title: "Slack token",
        keywords: &["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "xoxo-"],
        regex: r"(?:^|[^0-9A-Za-z])(?P<secret>xox[abposr]-[0-9A-Za-z]{10,}(?:-[0-9A-Za-z]+)*)",
    },
    Pattern {
        title: "Slack webhook URL",
        keywords: &["hooks.slack.com"],
        regex: r"(?P<secret>https://hooks\.slack\.com/services/[A-Za-z0-9_+/-]{30,})",
    },
    Pattern {
        title: "Stripe live key",
        keywords: &["_live_"],
        regex: r"(?:^|[^0-9A-Za-z])(?P<secret>(?:sk|rk)_live_[0-9A-Za-z]{10,})",
    },
    Pattern {
        title: "private key",
        keywords: &["PRIVATE KEY"],
        regex: r#"(?P<secret>-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:\\n|\\|\s|["'])*[A-Za-z0-9+/=]{32,})"#,
    },
    Pattern {
        title: "PyPI upload token",
        keywords: &["pypi-AgEIcHlwaS5vcmc"],
        regex: r"(?P<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})",
    },
    Pattern {
        title: "npm access token",
        keywords: &["npm_"],
        regex: r"(?:^|[^0-9A-Za-z_])(?P<secret>npm_[A-Za-z0-9]{36})(?:[^0-9A-Za-z]|$)",
    },
    Pattern {
        title: "npm registry auth token",
        keywords: &["_authToken"],
        regex: r"_authToken\s*=\s*(?P<secret>[A-Za-z0-9_.+/=-]{20,})",
    },
    Pattern {
        title: "Hugging Face token",
        keywords: &["hf_"],
        regex: r"(?:^|[^0-9A-Za-z])(?P<secret>hf_[A-Za-z0-9]{34,40})(?:[^0-9A-Za-z]|$)",
    },
    Pattern {
        title: "Google API key",
        keywords: &["AIza"],
        regex: r"(?P<secret>AIza[0-9A-Za-z_-]{35})",
    },
    Pattern {
        title: "age secret key",
        keywords: &["AGE-SECRET-KEY-1"],
        regex: r"(?P<secret>AGE-SECRET-KEY-1[0-9A-Z]{58})",
    },
    Pattern {
        title: "JSON Web Token",
        keywords: &["eyJ"],
        regex: r"(?:^|[^0-9A-Za-z])(?P<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})",
    },
    Pattern {
        title: "Docker registry credential",
        keywords: &["\"auth"],
        regex: r#"\\?"auth\\?"\s*:\s*\\?"(?P<secret>[A-Za-z0-9+/]{8,}={0,2})\\?""#,
    },
];

/// Each pattern with its compiled regex and its keywords lowercased for the
/// case-insensitive pre-filter.
static COMPILED: LazyLock<Vec<(&'static Pattern, Regex, Vec<String>)>> = LazyLock::new(|| {
    PATTERNS
        .iter()
        .filter_map(|p| {
            let keywords = p.keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
            Regex::new(p.regex).ok().map(|r| (p, r, keywords))
        })
        .collect()
});

/// A credential found in `text`: what it is, its byte range, its text.
#[derive(Debug, PartialEq, Eq)]
pub struct Found<'t> {
    /// What it is (`GitHub token`).
    pub title: &'static str,
    /// Byte offset of the secret in the text.
    pub start: usize,
    /// Byte offset just past the secret.
    pub end: usize,
    /// The secret itself: never print it, [`crate::mask`] it.
    pub secret: &'t str,
}

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let needle = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Every credential recognised in `text`, in order, without overlaps. Values
/// containing `example` (vendor documentation placeholders) are skipped.
pub fn find(text: &str) -> Vec<Found<'_>> {
    let mut found: Vec<Found<'_>> = Vec::new();
    // Keywords match case-insensitively: lowercase the text once and let
    // `str::contains` (memchr-based) do the pre-filtering.
    let lower = text.to_ascii_lowercase();
    for (pattern, regex, keywords) in COMPILED.iter() {
        if !keywords.iter().any(|k| lower.contains(k.as_str())) {
            continue;
        }
        for caps in regex.captures_iter(text) {
            let Some(m) = caps.name("secret").or_else(|| caps.get(0)) else {
                continue;
            };
            if contains_ignore_case(m.as_str(), "example") {
                continue;
            }
            if found.iter().any(|f| f.start < m.end() && m.start() < f.end) {
                continue;
            }
            found.push(Found {
                title: pattern.title,
                start: m.start(),
                end: m.end(),
                secret: m.as_str(),
            });
        }
    }
    found.sort_by_key(|f| f.start);
    found
}

#[cfg(test)]
mod tests {
    use super::{COMPILED, PATTERNS, find as find_secrets};

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(COMPILED.len(), PATTERNS.len());
    }

    fn titles(text: &str) -> Vec<&'static str> {
        find_secrets(text).iter().map(|f| f.title).collect()
    }

    #[test]
    fn finds_credentials() {
        let gh = format!("ghp_{}", "aB3".repeat(12));
        assert_eq!(titles(&format!("ENV GITHUB_TOKEN={gh}")), ["GitHub token"]);
        assert_eq!(
            titles("ENV AWS_ACCESS_KEY_ID=AKIAZ7Q3W5E2R4T6Y8U1"),
            ["AWS access key id"]
        );
        assert_eq!(
            titles("ENV AWS_SECRET_ACCESS_KEY=Zq8v7Xb2Lm4Nc6Vd9Fg1Hj3Kk5Ll7Mm9Nn0Pp2Qq"),
            ["AWS secret access key"]
        );
        assert_eq!(
            titles("RUN echo glpat-Zx8vQ2mN4pR7sT1uW3yB"),
            ["GitLab personal access token"]
        );
        assert_eq!(
            titles(
                "RUN echo '//registry.npmjs.org/:_authToken=3f1c2e9a-7b4d-4e8f-9a1b-2c3d4e5f6a7b' > .npmrc"
            ),
            ["npm registry auth token"]
        );
        let pem = format!("-----BEGIN RSA PRIVATE KEY-----\\n{}", "MIIEow".repeat(8));
        assert_eq!(
            titles(&format!("RUN echo \"{pem}\" > /root/.ssh/id_rsa")),
            ["private key"]
        );
        assert_eq!(
            titles(r#"RUN echo "{\"auths\":{\"r.example.org\":{\"auth\":\"dXNlcjpzM2NyM3Q=\"}}}""#),
            ["Docker registry credential"]
        );
    }

    #[test]
    fn ignores_lookalikes() {
        assert!(find_secrets("ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE").is_empty());
        assert!(find_secrets("RUN echo ${GITHUB_TOKEN} | gh auth login --with-token").is_empty());
        assert!(find_secrets("ENV PASSWORD=hunter2").is_empty());
        assert!(find_secrets("RUN grep -q 'BEGIN PRIVATE KEY' key.pem").is_empty());
        assert!(
            find_secrets("RUN echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > .npmrc")
                .is_empty()
        );
        assert!(find_secrets("ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D").is_empty());
    }
}
