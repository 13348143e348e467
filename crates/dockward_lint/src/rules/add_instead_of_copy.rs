use dockward_dockerfile::InstructionKind;
use dockward_rules::declare_rule;

use super::archive_copied_not_added::is_tar_archive;
use super::relative_workdir::{unquote, with_triggers};
use super::remote_add_without_checksum::{is_git_source, is_url};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an `ADD` of local files or directories that are not tar
    /// archives, where `COPY` does the same thing.
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy: it downloads URLs, clones git repositories
    /// and unpacks local tar archives, the last one silently, based on the
    /// file's content. Using it for plain files hides which of these the
    /// author meant, and a file that later turns into an archive gets
    /// extracted by surprise. `COPY` only copies; keep `ADD` for its
    /// extra features.
    ///
    /// Not flagged: URLs (`https://...`), git sources (`git@...`,
    /// `https://.../repo.git`), tar archives (`.tar`, `.tar.gz`, `.tgz`,
    /// `.tar.bz2`, `.tar.xz`...), here-documents, and sources given by
    /// variables. A `.zip` is flagged: `ADD` does not extract it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// ADD entrypoint.sh /usr/local/bin/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// COPY entrypoint.sh /usr/local/bin/
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3020) also flags SSH git sources (`git@github.com:org/repo`)
    /// and sources given by variables; dockward does not, as `ADD` is needed
    /// for the former and the latter may be a URL or an archive. dockward
    /// also checks `ONBUILD ADD`, which hadolint skips, and reads `ADD`
    /// here-documents, which hadolint cannot parse.
    ///
    /// ## References
    /// - [Dockerfile reference: ADD](https://docs.docker.com/reference/dockerfile/#add)
    /// - [Docker best practices: ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
    /// - [CIS Docker Benchmark v1.6.0, 4.9: ensure that COPY is used instead of ADD](https://www.cisecurity.org/benchmark/docker)
    pub struct AddInsteadOfCopy {
        severity: High,
        status: Stable,
        summary: "ADD used for local files that COPY can copy",
        aliases: [
            "DL3020",
            "DS005",
            "DS-0005",
            "AVD-DS-0005",
            "docker-use-copy-over-add",
            "CIS-DI-0009",
            "CIS-4.9",
        ],
        references: [
            "https://docs.docker.com/reference/dockerfile/#add",
            "https://docs.docker.com/build/building/best-practices/#add-or-copy",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in with_triggers(ctx.instructions()) {
        let InstructionKind::Add(add) = &instruction.kind else {
            continue;
        };
        let plain: Vec<_> = add
            .sources
            .iter()
            .filter(|s| is_plain_local(unquote(s.as_str())))
            .collect();
        let Some(first) = plain.first() else {
            continue;
        };
        let names: Vec<String> = plain.iter().map(|s| format!("`{}`", s.as_str())).collect();
        out.push(Violation::new(
            AddInsteadOfCopy::META.rule,
            first.span,
            format!(
                "ADD of the local {} {}, which is not a tar archive; use COPY, which only copies",
                if plain.len() == 1 {
                    "source"
                } else {
                    "sources"
                },
                names.join(", ")
            ),
        ));
    }
}

/// True when an ADD source is a local path that is not a tar archive.
fn is_plain_local(source: &str) -> bool {
    !(source.is_empty()
        || source.starts_with("<<")
        || source.contains('$')
        || is_url(source)
        || is_git_source(source)
        || is_tar_archive(source))
}
