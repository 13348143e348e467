use std::collections::HashMap;

use dockward_diagnostics::Span;
use dockward_dockerfile::InstructionKind;
use dockward_dockerfile::shell::SimpleCommand;
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` of a local tar archive (`.tar`, `.tar.gz`, `.tgz`,
    /// `.tar.bz2`, `.tbz2`, `.tar.xz`, `.txz`) that a later `RUN` of the same
    /// stage extracts with `tar -x` or decompresses (`gunzip`, `unxz`,
    /// `bunzip2`, `zcat`...).
    ///
    /// ## Why is this bad?
    /// The copied archive stays in the `COPY` layer even when the `RUN`
    /// deletes it afterwards, so the image carries the archive *and* its
    /// contents. `ADD` extracts a local tar archive (plain, gzip, bzip2 or
    /// xz) into the destination in a single layer.
    ///
    /// Only local sources are considered (`COPY --from` copies from another
    /// image or stage), and a `RUN` counts when it names the archive's file
    /// name. Zip files are not flagged: `ADD` does not extract them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// COPY app-2.1.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app-2.1.tar.gz -C /opt && rm /tmp/app-2.1.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// ADD app-2.1.tar.gz /opt/
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3010) reports the `COPY` line; dockward points at the
    /// archive in it. hadolint only recognises `tar` options written with a
    /// dash (`-xf`), so it misses the traditional `tar xzf archive.tgz`;
    /// dockward reads both. hadolint also counts `unzip`, which does not
    /// extract tar archives.
    ///
    /// ## References
    /// - [Dockerfile reference: ADD, adding local tar archives](https://docs.docker.com/reference/dockerfile/#adding-local-tar-archives)
    /// - [Docker best practices: ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
    pub struct ArchiveCopiedNotAdded {
        severity: Low,
        status: Stable,
        summary: "a copied tar archive is extracted by a later RUN",
        aliases: ["DL3010"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#adding-local-tar-archives",
            "https://docs.docker.com/build/building/best-practices/#add-or-copy",
        ],
    }
}

/// File name endings of the tar archives `ADD` extracts.
const TAR_EXTENSIONS: [&str; 8] = [
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
];

/// Commands that decompress a compressed tar archive named as an argument.
const DECOMPRESSORS: [&str; 8] = [
    "gunzip",
    "bunzip2",
    "unxz",
    "zcat",
    "gzcat",
    "xzcat",
    "bzcat",
    "uncompress",
];

/// Compressors that decompress with `-d`.
const COMPRESSORS: [&str; 3] = ["gzip", "bzip2", "xz"];

struct CopiedArchive {
    /// The source as written.
    source: String,
    /// The archive's file name in the image.
    name: String,
    /// The source word in the COPY.
    span: Span,
    /// Index of the COPY among the top-level instructions.
    index: usize,
    stage: Option<usize>,
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    let archives = copied_archives(ctx);
    if archives.is_empty() {
        return;
    }
    // (stage, file name) -> indexes into `archives`, in file order.
    let mut by_name: HashMap<(Option<usize>, &str), Vec<usize>> = HashMap::new();
    for (i, archive) in archives.iter().enumerate() {
        by_name
            .entry((archive.stage, archive.name.as_str()))
            .or_default()
            .push(i);
    }
    let mut reported = vec![false; archives.len()];
    for run in ctx.runs() {
        if run.onbuild || !run.posix {
            continue;
        }
        for command in run.script.commands.iter().filter(|c| is_extracting(c)) {
            for name in extracted_names(command) {
                let Some(candidates) = by_name.get(&(run.instruction.stage, name)) else {
                    continue;
                };
                for &i in candidates {
                    let archive = &archives[i];
                    if reported[i] || archive.index >= run.index {
                        continue;
                    }
                    reported[i] = true;
                    out.push(violation(ctx, archive, command));
                }
            }
        }
    }
}

fn violation(ctx: &Context, archive: &CopiedArchive, command: &SimpleCommand) -> Violation {
    let program = command.program().unwrap_or("tar");
    let copied = if basename(&archive.source) == archive.name {
        format!("`{}` is copied", archive.name)
    } else {
        format!("`{}` is copied as `{}`", archive.source, archive.name)
    };
    Violation::new(
        ArchiveCopiedNotAdded::META.rule,
        archive.span,
        format!(
            "{copied} here and then extracted by `{program}` on line {}; `ADD` extracts a local tar archive without keeping it in a layer",
            line_of(ctx.text, command.span.start),
        ),
    )
}

/// Local tar archives copied by top-level `COPY` instructions.
fn copied_archives(ctx: &Context) -> Vec<CopiedArchive> {
    let mut archives = Vec::new();
    for (index, instruction) in ctx.instructions().iter().enumerate() {
        let InstructionKind::Copy(copy) = &instruction.kind else {
            continue;
        };
        if instruction.flag("from").is_some() {
            continue;
        }
        let dest_name = copy
            .dest
            .as_ref()
            .map(dockward_dockerfile::Spanned::as_str)
            .filter(|d| is_tar_archive(d))
            .map(basename);
        for source in &copy.sources {
            let text = source.as_str();
            if text.starts_with("<<") || text.contains('$') || !is_tar_archive(text) {
                continue;
            }
            let name = match (dest_name, copy.sources.len()) {
                (Some(dest), 1) => dest,
                _ => basename(text),
            };
            archives.push(CopiedArchive {
                source: text.to_owned(),
                name: name.to_owned(),
                span: source.span,
                index,
                stage: instruction.stage,
            });
        }
    }
    archives
}

/// True when `path` names a tar archive `ADD` would extract.
pub(super) fn is_tar_archive(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    TAR_EXTENSIONS.iter().any(|ext| lower.ends_with(ext))
}

fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// True when `command` extracts or decompresses an archive named in its
/// arguments.
fn is_extracting(command: &SimpleCommand) -> bool {
    let Some(program) = command.program() else {
        return false;
    };
    if program == "tar" || program == "bsdtar" {
        is_tar_extract(command)
    } else if COMPRESSORS.contains(&program) {
        command.has_flag(Some('d'), Some("decompress"))
    } else {
        DECOMPRESSORS.contains(&program)
    }
}

/// The file names among `command`'s arguments (`--file=` values included).
fn extracted_names(command: &SimpleCommand) -> impl Iterator<Item = &str> {
    command.arg_texts().map(|arg| {
        let path = arg.strip_prefix("--file=").unwrap_or(arg);
        basename(path)
    })
}

/// True when `command` extracts or decompresses the archive called `name`.
#[cfg(test)]
fn extracts(command: &SimpleCommand, name: &str) -> bool {
    is_extracting(command) && extracted_names(command).any(|n| n == name)
}

/// `tar -x`, `tar --extract`, `tar --get`, or the traditional `tar xzf`.
fn is_tar_extract(command: &SimpleCommand) -> bool {
    let traditional = command.args.first().is_some_and(|first| {
        let t = first.text.as_str();
        !t.starts_with('-') && t.contains('x') && t.chars().all(|c| c.is_ascii_alphabetic())
    });
    traditional
        || command.arg_texts().any(|arg| {
            arg == "--extract"
                || arg == "--get"
                || (arg.starts_with('-') && !arg.starts_with("--") && arg.contains('x'))
        })
}

/// The 1-based line of byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.get(..end)
        .map_or(0, |before| before.matches('\n').count())
        + 1
}

#[cfg(test)]
mod tests {
    use dockward_dockerfile::shell::{self, SimpleCommand};

    use super::{extracts, is_tar_archive};

    fn command(words: &[&str]) -> SimpleCommand {
        let script = shell::parse(&words.join(" "), &|i| i);
        script.commands.into_iter().next().expect("one command")
    }

    #[test]
    fn tar_extraction_forms() {
        let name = "app.tar.gz";
        for words in [
            &["tar", "-xzf", "/tmp/app.tar.gz"][..],
            &["tar", "xzf", "/tmp/app.tar.gz", "-C", "/opt"],
            &["tar", "--extract", "--file=/tmp/app.tar.gz"],
            &["/bin/tar", "-x", "-f", "app.tar.gz"],
            &["gunzip", "/tmp/app.tar.gz"],
            &["gzip", "-d", "/tmp/app.tar.gz"],
        ] {
            assert!(extracts(&command(words), name), "{words:?}");
        }
        for words in [
            &["tar", "-tzf", "/tmp/app.tar.gz"][..],
            &["tar", "-czf", "/tmp/app.tar.gz", "/opt"],
            &["tar", "--exclude=x", "-cf", "/tmp/app.tar.gz"],
            &["tar", "-xzf", "/tmp/other.tar.gz"],
            &["gzip", "/tmp/app.tar.gz"],
            &["rm", "-x", "/tmp/app.tar.gz"],
        ] {
            assert!(!extracts(&command(words), name), "{words:?}");
        }
    }

    #[test]
    fn archive_names() {
        for name in [
            "a.tar",
            "a.TAR.GZ",
            "a.tgz",
            "a.tar.bz2",
            "a.tbz2",
            "a.tar.xz",
            "a.txz",
        ] {
            assert!(is_tar_archive(name), "{name}");
        }
        for name in ["a.zip", "a.gz", "a.tar.zip", "tar", "a.jar"] {
            assert!(!is_tar_archive(name), "{name}");
        }
    }
}
