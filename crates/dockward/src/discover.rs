//! Which files `dockward lint` reads: files as given, Dockerfiles found in
//! directories, glob matches, standard input.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, bail};
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use walkdir::{DirEntry, WalkDir};

/// Directories never searched.
const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", "target"];

/// File names searched for in directories.
pub const DOCKERFILE_NAMES: &[&str] = &[
    "Dockerfile",
    "Containerfile",
    "*.Dockerfile",
    "*.dockerfile",
    "Dockerfile.*",
    "Containerfile.*",
];

/// One thing to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The name shown in reports.
    pub display: String,
    /// Where to read it from.
    pub source: Source,
}

/// Where a target is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

/// The targets named by `args`, sorted by display name, without duplicates.
pub fn discover(args: &[String], stdin_name: &str) -> anyhow::Result<Vec<Target>> {
    let names = dockerfile_names()?;
    let mut targets = Vec::new();
    for arg in args {
        if arg == "-" {
            targets.push(Target {
                display: stdin_name.to_owned(),
                source: Source::Stdin,
            });
            continue;
        }
        let path = Path::new(arg);
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &names, &mut targets)?,
            Ok(_) => targets.push(file_target(path)),
            Err(_) if is_glob(arg) => expand_glob(arg, &mut targets)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!("`{arg}`: no such file or directory")
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read `{arg}`")),
        }
    }
    targets.sort_by(|a, b| a.display.cmp(&b.display));
    targets.dedup_by(|a, b| a.display == b.display);
    Ok(targets)
}

/// The directory where the configuration search starts for `arg`, the
/// first path given: a directory itself, a file's directory, a glob's
/// literal prefix; the working directory for standard input.
pub fn config_search_start(arg: Option<&str>) -> PathBuf {
    let Some(arg) = arg.filter(|a| *a != "-") else {
        return PathBuf::from(".");
    };
    let path = Path::new(arg);
    if path.is_dir() {
        return path.to_owned();
    }
    if path.exists() || !is_glob(arg) {
        return match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
    }
    glob_base(arg)
}

fn dockerfile_names() -> anyhow::Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for pattern in DOCKERFILE_NAMES.iter().chain(crate::compose::COMPOSE_NAMES) {
        builder.add(Glob::new(pattern)?);
    }
    Ok(builder.build()?)
}

fn file_target(path: &Path) -> Target {
    Target {
        display: display(path),
        source: Source::File(path.to_owned()),
    }
}

/// `path` with `/` separators and no leading `./`.
fn display(path: &Path) -> String {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir if parts.is_empty() => {}
            Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    match parts.as_slice() {
        [] => ".".to_owned(),
        [root] if root.is_empty() => "/".to_owned(),
        _ => parts.join("/"),
    }
}

fn is_skipped(entry: &DirEntry) -> bool {
    entry.depth() > 0
        && entry.file_type().is_dir()
        && entry
            .file_name()
            .to_str()
            .is_some_and(|name| SKIPPED_DIRS.contains(&name))
}

/// Files under `root` (symbolic links to directories are not followed;
/// symbolic links to files are read).
fn files_under(root: &Path) -> impl Iterator<Item = anyhow::Result<PathBuf>> {
    WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_skipped(e))
        .filter_map(|entry| match entry {
            Err(e) => Some(Err(
                anyhow::Error::new(e).context("cannot search a directory")
            )),
            Ok(entry) => {
                let is_file = entry.file_type().is_file()
                    || (entry.path_is_symlink()
                        && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file()));
                is_file.then(|| Ok(entry.into_path()))
            }
        })
}

fn walk(root: &Path, names: &GlobSet, out: &mut Vec<Target>) -> anyhow::Result<()> {
    for path in files_under(root) {
        let path = path?;
        if path.file_name().is_some_and(|name| names.is_match(name)) {
            out.push(file_target(&path));
        }
    }
    Ok(())
}

fn is_glob(arg: &str) -> bool {
    arg.contains(['*', '?', '[', '{'])
}

/// The leading components of `pattern` without glob characters (the
/// directory part, when it has none); `.` when there are none.
fn glob_base(pattern: &str) -> PathBuf {
    let mut base = PathBuf::new();
    let mut globbed = false;
    for component in Path::new(pattern).components() {
        if is_glob(&component.as_os_str().to_string_lossy()) {
            globbed = true;
            break;
        }
        base.push(component);
    }
    if !globbed {
        base.pop();
    }
    if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    }
}

fn expand_glob(pattern: &str, out: &mut Vec<Target>) -> anyhow::Result<()> {
    let normalized = display(Path::new(pattern));
    let matcher = GlobBuilder::new(&normalized)
        .literal_separator(true)
        .build()
        .with_context(|| format!("invalid glob pattern `{pattern}`"))?
        .compile_matcher();
    let base = glob_base(pattern);
    let before = out.len();
    if base.is_dir() {
        for path in files_under(&base) {
            let path = path?;
            if matcher.is_match(display(&path)) {
                out.push(file_target(&path));
            }
        }
    }
    if out.len() == before {
        bail!("`{pattern}`: no file matches this pattern");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_drops_a_leading_dot_and_uses_slashes() {
        assert_eq!(display(Path::new("./a/Dockerfile")), "a/Dockerfile");
        assert_eq!(display(Path::new("a/./b")), "a/b");
        assert_eq!(display(Path::new(".")), ".");
        assert_eq!(display(Path::new("/x/y")), "/x/y");
        assert_eq!(display(Path::new("../x")), "../x");
    }

    #[test]
    fn glob_base_is_the_literal_prefix() {
        assert_eq!(glob_base("a/b/*.Dockerfile"), Path::new("a/b"));
        assert_eq!(glob_base("**/Dockerfile"), Path::new("."));
        assert_eq!(glob_base("Dockerfile.*"), Path::new("."));
        assert_eq!(glob_base("./x/{a,b}/Dockerfile"), Path::new("./x"));
    }

    #[test]
    fn dockerfile_names_match_the_documented_patterns() {
        let names = dockerfile_names().expect("valid patterns");
        for yes in [
            "Dockerfile",
            "Containerfile",
            "api.Dockerfile",
            "api.dockerfile",
            "Dockerfile.dev",
            "Containerfile.prod",
        ] {
            assert!(names.is_match(yes), "{yes}");
        }
        for no in ["dockerfile", "Dockerfile-old", "README.md", "Dockerfiles"] {
            assert!(!names.is_match(no), "{no}");
        }
    }
}
