use dockward_dockerfile::{Instruction, InstructionKind};
use dockward_rules::declare_rule;

use super::from_untagged_image::ScopeWalker;
use super::relative_workdir::unquote;
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
    /// or the `ref=`, `tag=`, `branch=` query parameters, and `commit=` or
    /// `checksum=` pins a commit. A ref given by a variable is judged by the
    /// variable's `ARG`/`ENV` value in the Dockerfile, and not judged when it
    /// has none (it is then decided at build time).
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
    /// - [Dockerfile reference: adding files from a Git repository](https://docs.docker.com/reference/dockerfile/#adding-files-from-a-git-repository)
    /// - [Build context: Git URL queries](https://docs.docker.com/build/concepts/context/#url-queries)
    /// - [Docker best practices: ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
    pub struct RemoteAddWithoutChecksum {
        severity: Medium,
        status: Stable,
        summary: "ADD downloads remote content without a checksum or commit pin",
        aliases: [],
        references: [
            "https://docs.docker.com/reference/dockerfile/#add---checksum",
            "https://docs.docker.com/reference/dockerfile/#adding-files-from-a-git-repository",
            "https://docs.docker.com/build/concepts/context/#url-queries",
            "https://docs.docker.com/build/building/best-practices/#add-or-copy",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    let mut scope = ScopeWalker::new(ctx);
    for instruction in ctx.instructions() {
        check_add(Some(&scope), instruction, out);
        if let InstructionKind::Onbuild(trigger) = &instruction.kind {
            // A trigger's variables belong to the downstream build.
            check_add(None, trigger, out);
        }
        scope.step(ctx, instruction);
    }
}

fn check_add(scope: Option<&ScopeWalker>, instruction: &Instruction, out: &mut Vec<Violation>) {
    let InstructionKind::Add(add) = &instruction.kind else {
        return;
    };
    let checksum = instruction.flag("checksum").is_some();
    for source in &add.sources {
        let text = unquote(source.as_str());
        let message = if is_git_source(text) {
            if checksum {
                continue;
            }
            let resolved = match scope {
                Some(scope) => scope.resolve(text),
                None => (!text.contains('$')).then(|| text.to_owned()),
            };
            // A ref from a build argument without a default is decided at
            // build time; nothing to judge here.
            let Some(resolved) = resolved else {
                continue;
            };
            match GitPin::of(&resolved) {
                GitPin::Commit => continue,
                GitPin::Ref(reference) => format!(
                    "`{text}` follows the git ref `{reference}`, which can move; pin a full commit hash"
                ),
                GitPin::DefaultBranch => format!(
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

/// What a git source is pinned to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum GitPin<'a> {
    /// A commit: a full hash as the ref, or a `commit=`/`checksum=` query
    /// parameter with a hash.
    Commit,
    /// A branch or tag (`#v1.2`, `?ref=main`, `?tag=v1.2`, `?branch=main`).
    Ref(&'a str),
    /// Nothing: the default branch.
    DefaultBranch,
}

impl<'a> GitPin<'a> {
    fn of(source: &'a str) -> Self {
        if let Some((_, fragment)) = source.split_once('#') {
            let reference = fragment.split(':').next().unwrap_or(fragment);
            return match reference {
                "" => GitPin::DefaultBranch,
                r if is_commit(r) => GitPin::Commit,
                r => GitPin::Ref(r),
            };
        }
        let Some((_, query)) = source.split_once('?') else {
            return GitPin::DefaultBranch;
        };
        let mut pin = GitPin::DefaultBranch;
        for (key, value) in query.split('&').filter_map(|pair| pair.split_once('=')) {
            match key {
                "commit" | "checksum" if is_hash_prefix(value) => return GitPin::Commit,
                "ref" | "tag" | "branch" if is_commit(value) => return GitPin::Commit,
                "ref" | "tag" | "branch" if !value.is_empty() => pin = GitPin::Ref(value),
                _ => {}
            }
        }
        pin
    }
}

/// A hexadecimal commit hash or a prefix of one (7 digits at least).
fn is_hash_prefix(value: &str) -> bool {
    (7..=64).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A full SHA-1 or SHA-256 commit hash.
fn is_commit(reference: &str) -> bool {
    matches!(reference.len(), 40 | 64) && reference.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::{GitPin, is_commit, is_git_source, is_url};

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
        assert_eq!(GitPin::of("https://h/r.git#v1:docs"), GitPin::Ref("v1"));
        assert_eq!(
            GitPin::of("https://h/r.git?ref=main&keep-git-dir=1"),
            GitPin::Ref("main")
        );
        assert_eq!(GitPin::of("https://h/r.git"), GitPin::DefaultBranch);
        assert_eq!(GitPin::of("https://h/r.git#"), GitPin::DefaultBranch);
        assert_eq!(
            GitPin::of(
                "https://h/r.git?commit=aa1ba87e99b68e0113bd27ec26c60b88f9d4ccd9&keep-git-dir=1"
            ),
            GitPin::Commit
        );
        assert_eq!(
            GitPin::of("git@h:r.git#4a9dd3c1d8ce2e9e5b3f0b5c1a7e0b7f3b9c1d2e:sub"),
            GitPin::Commit
        );
        assert!(is_commit("4a9dd3c1d8ce2e9e5b3f0b5c1a7e0b7f3b9c1d2e"));
        assert!(!is_commit("v1.2.3"));
    }
}
