use dockward_dockerfile::InstructionKind;
use dockward_rules::declare_rule;

use super::relative_workdir::{unquote, with_triggers};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an `ADD` that downloads over HTTP(S) without `--checksum`, and an
    /// `ADD` of a git repository that is not pinned to a commit.
    ///
    /// ## Why is this bad?
    /// Whatever the server returns goes into the image: a compromised mirror,
    /// a re-tagged release or a man-in-the-middle on plain HTTP changes the
    /// image without any change to the Dockerfile, and the build cache hides
    /// when that happened. `ADD --checksum=sha256:<hex> <url>` makes the build
    /// fail when the content differs. A git source pinned by branch or tag
    /// (`#main`, `#v1.2`) moves the same way; a full commit hash
    /// (`#<40 hex digits>`) or `--checksum=<commit>` does not.
    ///
    /// Git sources are `git://...`, `ssh://...`, `user@host:path` and HTTP(S)
    /// URLs whose path ends in `.git`; the ref comes from the `#ref` fragment
    /// or the `?ref=` query parameter.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// ADD https://example.com/releases/v1.4.2/tool-linux-amd64 /usr/local/bin/tool
    /// ADD https://example.com/org/tool.git#main /src
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// ADD --checksum=sha256:9f2a6c1e5b7d3f80a4c6e2b1d9f7a3c5e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8 \
    ///     https://example.com/releases/v1.4.2/tool-linux-amd64 /usr/local/bin/tool
    /// ADD https://example.com/org/tool.git#4a9dd3c1d8ce2e9e5b3f0b5c1a7e0b7f3b9c1d2e /src
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: ADD --checksum](https://docs.docker.com/reference/dockerfile/#add---checksum)
    /// - [Dockerfile reference: adding a git repository](https://docs.docker.com/reference/dockerfile/#adding-a-git-repository-add-git-ref-dir)
    /// - [Docker best practices: ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
    pub struct RemoteAddWithoutChecksum {
        severity: Medium,
        status: Stable,
        summary: "ADD downloads remote content without a checksum or commit pin",
        aliases: [],
        references: [
            "https://docs.docker.com/reference/dockerfile/#add---checksum",
            "https://docs.docker.com/reference/dockerfile/#adding-a-git-repository-add-git-ref-dir",
            "https://docs.docker.com/build/building/best-practices/#add-or-copy",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in with_triggers(ctx.instructions()) {
        let InstructionKind::Add(add) = &instruction.kind else {
            continue;
        };
        let checksum = instruction.flag("checksum").is_some();
        for source in &add.sources {
            let text = unquote(source.as_str());
            let message = if is_git_source(text) {
                if checksum || git_ref(text).is_some_and(is_commit) {
                    continue;
                }
                match git_ref(text) {
                    Some(reference) => format!(
                        "`{text}` follows the git ref `{reference}`, which can move; pin a full commit hash"
                    ),
                    None => format!(
                        "`{text}` follows the repository's default branch, which moves; pin a full commit hash"
                    ),
                }
            } else if is_url(text) {
                if checksum {
                    continue;
                }
                format!(
                    "`{text}` is downloaded without `--checksum`, so any change on the server goes into the image unnoticed"
                )
            } else {
                continue;
            };
            out.push(Violation::new(
                RemoteAddWithoutChecksum::META.rule,
                source.span,
                message,
            ));
        }
    }
}

/// True for an `http://` or `https://` URL.
pub(super) fn is_url(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// True when BuildKit reads `source` as a git repository.
pub(super) fn is_git_source(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    if lower.starts_with("git://") || lower.starts_with("ssh://") {
        return true;
    }
    if is_url(&lower) {
        let path = lower.split(['#', '?']).next().unwrap_or(&lower);
        return path.rsplit('/').next().is_some_and(|last| {
            last.len() > ".git".len() && last.get(last.len() - 4..) == Some(".git")
        });
    }
    is_scp_like(source)
}

/// `user@host:path`, the scp-like syntax of git over SSH.
fn is_scp_like(source: &str) -> bool {
    let Some((user, rest)) = source.split_once('@') else {
        return false;
    };
    let Some((host, path)) = rest.split_once(':') else {
        return false;
    };
    let word = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    };
    word(user) && word(host) && !path.is_empty()
}

/// The ref a git source asks for: the `#ref[:subdir]` fragment or the
/// `ref=` query parameter.
fn git_ref(source: &str) -> Option<&str> {
    if let Some((_, fragment)) = source.split_once('#') {
        let reference = fragment.split(':').next().unwrap_or(fragment);
        return (!reference.is_empty()).then_some(reference);
    }
    let (_, query) = source.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("ref="))
        .filter(|r| !r.is_empty())
}

/// A full SHA-1 or SHA-256 commit hash.
fn is_commit(reference: &str) -> bool {
    matches!(reference.len(), 40 | 64) && reference.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::{git_ref, is_commit, is_git_source, is_url};

    #[test]
    fn git_sources() {
        for s in [
            "git@github.com:moby/buildkit.git",
            "git@github.com:moby/buildkit#v0.13",
            "https://github.com/moby/buildkit.git#v0.13.0",
            "https://github.com/moby/buildkit.git?ref=main&keep-git-dir=1",
            "git://example.com/repo",
            "ssh://git@example.com/repo.git",
        ] {
            assert!(is_git_source(s), "{s}");
        }
        for s in [
            "https://example.com/tool.tar.gz",
            "app.tar.gz",
            "user@example",
            "https://example.com/gitea",
        ] {
            assert!(!is_git_source(s), "{s}");
        }
        assert!(is_url("HTTPS://example.com/x"));
    }

    #[test]
    fn refs_and_commits() {
        assert_eq!(git_ref("https://h/r.git#v1:docs"), Some("v1"));
        assert_eq!(
            git_ref("https://h/r.git?ref=main&keep-git-dir=1"),
            Some("main")
        );
        assert_eq!(git_ref("https://h/r.git"), None);
        assert!(is_commit("4a9dd3c1d8ce2e9e5b3f0b5c1a7e0b7f3b9c1d2e"));
        assert!(!is_commit("v1.2.3"));
    }
}
