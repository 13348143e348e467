//! The catalogers and what ties them together: which files are wanted, OS detection,
//! OS-owned file exclusion and dependency resolution.

mod apk;
mod composer;
mod dpkg;
mod elf;
mod gem;
mod gobin;
mod java;
mod npm;
mod os;
mod python;
mod rpm;
mod rust;

use std::collections::{BTreeMap, HashMap, HashSet};

use dockward_oci::tree::{EntryKind, FileTree};
use dockward_vuln::ecosystem::Ecosystem;

use crate::{Catalog, Os, Package, PackageKind};

/// Largest executable whose content the Go/Rust catalogers read.
pub(crate) const MAX_BINARY: u64 = 256 << 20;
/// Largest Java archive read.
pub(crate) const MAX_ARCHIVE: u64 = 256 << 20;
/// Largest text metadata file read (status files, package.json, METADATA…).
pub(crate) const MAX_TEXT: u64 = 64 << 20;

/// A package as a cataloger found it, before exclusion and dependency resolution.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub pkg: Package,
    /// Names of dependencies, resolved to purls among packages of the same kind.
    pub dep_names: Vec<String>,
}

/// Whether the file name `name` has extension `ext` (ASCII case-insensitive).
pub(crate) fn has_ext(name: &str, ext: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, e)| e.eq_ignore_ascii_case(ext))
}

/// A Java archive by name.
pub(crate) fn is_archive(name: &str) -> bool {
    has_ext(name, "jar") || has_ext(name, "war") || has_ext(name, "ear")
}

/// Whether a reader should keep the content of `path` (absolute, normalized) of `size` bytes.
pub fn wanted(path: &str, size: u64) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let text = size <= MAX_TEXT;
    if is_archive(name) {
        return size <= MAX_ARCHIVE;
    }
    if !text {
        return binary_candidate(path, size);
    }
    matches!(
        path,
        "/var/lib/dpkg/status"
            | "/lib/apk/db/installed"
            | "/usr/lib/apk/db/installed"
            | "/etc/os-release"
            | "/usr/lib/os-release"
            | "/etc/debian_version"
            | "/etc/alpine-release"
            | "/etc/lsb-release"
            | "/etc/redhat-release"
            | "/etc/system-release"
    ) || path.starts_with("/var/lib/dpkg/status.d/")
        || (path.starts_with("/var/lib/dpkg/info/") && has_ext(name, "list"))
        || rpm::is_rpmdb(path)
        || python::is_metadata(path)
        || npm::is_package_json(path)
        || (npm::is_app_manifest(path) && size <= 1 << 20)
        || name == "Cargo.lock"
        || gem::is_gemspec(path)
        || composer::is_installed_json(path)
        || binary_candidate(path, size)
}

/// Cheap predicate for executables worth reading for Go buildinfo / cargo-auditable data
/// (the reader does not pass the mode): files between 1 KiB and 256 MiB in a `bin`/`sbin`
/// directory, and extension-less files directly in `/` or anywhere below `/opt`, `/app`,
/// `/srv`, `/usr/local` or `/home` (Go and Rust binaries rarely have an extension; scripts,
/// sources and data usually do).
fn binary_candidate(path: &str, size: u64) -> bool {
    if !(1024..=MAX_BINARY).contains(&size) {
        return false;
    }
    let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
    let parent_name = parent.rsplit('/').next().unwrap_or("");
    let name = path.rsplit('/').next().unwrap_or("");
    let extensionless = !name.contains('.');
    parent_name == "bin"
        || parent_name == "sbin"
        || (extensionless
            && (parent.is_empty()
                || ["/opt/", "/app/", "/srv/", "/usr/local/", "/home/"]
                    .iter()
                    .any(|p| path.starts_with(p))))
}

/// The content of `path`, following symbolic and hard links inside the image.
pub(crate) fn content<'a>(tree: &'a FileTree, path: &str) -> Option<&'a [u8]> {
    let mut cur = path.to_owned();
    for _ in 0..16 {
        let entry = tree.get(&cur)?;
        match &entry.kind {
            EntryKind::File => return entry.content.as_deref(),
            EntryKind::Symlink(target) => cur = join_link(&cur, target),
            EntryKind::Hardlink(target) => cur.clone_from(target),
            EntryKind::Directory | EntryKind::Other => return None,
        }
    }
    None
}

/// Resolves a symlink `target` written in `link` to an absolute normalized path.
fn join_link(link: &str, target: &str) -> String {
    let base = if target.starts_with('/') {
        String::new()
    } else {
        link.rsplit_once('/')
            .map_or(String::new(), |(p, _)| p.to_owned())
    };
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Text of a file, lossily decoded.
pub(crate) fn text<'a>(tree: &'a FileTree, path: &str) -> Option<std::borrow::Cow<'a, str>> {
    content(tree, path).map(String::from_utf8_lossy)
}

/// The OS ecosystem for OS packages, from the detected OS.
fn os_ecosystem(os: Option<&Os>, kind: PackageKind) -> Ecosystem {
    let id = os.map_or("", |o| o.id.as_str());
    let ver = os.and_then(|o| o.version_id.as_deref()).unwrap_or("");
    let major = ver.split('.').next().unwrap_or("").to_owned();
    match (id, kind) {
        ("ubuntu", _) => {
            let lts = os
                .and_then(|o| o.pretty_name.as_deref())
                .is_some_and(|p| p.contains("LTS"));
            Ecosystem::Ubuntu(if lts {
                format!("{ver}:LTS")
            } else {
                ver.to_owned()
            })
        }
        ("alpine", _) | (_, PackageKind::Apk) => {
            let mm: Vec<&str> = ver.split('.').take(2).collect();
            Ecosystem::Alpine(format!("v{}", mm.join(".")))
        }
        ("almalinux", _) => Ecosystem::AlmaLinux(major),
        ("rocky", _) => Ecosystem::RockyLinux(major),
        (_, PackageKind::Rpm) => Ecosystem::RedHat(major),
        _ => Ecosystem::Debian(major),
    }
}

/// Context handed to each cataloger.
pub(crate) struct Ctx<'a> {
    pub tree: &'a FileTree,
    pub os: Option<&'a Os>,
    pub warnings: Vec<String>,
    /// Files owned by OS packages.
    pub owned: HashSet<String>,
}

impl Ctx<'_> {
    pub fn warn(&mut self, msg: impl Into<String>) {
        self.warnings.push(msg.into());
    }

    pub fn layer(&self, path: &str) -> Option<usize> {
        self.tree.get(path).map(|e| e.layer)
    }

    pub fn ecosystem(&self, kind: PackageKind) -> Ecosystem {
        os_ecosystem(self.os, kind)
    }
}

/// Executables whose content is read only to find Go buildinfo or cargo-auditable data:
/// a reader may leave them in the image until [`OsPackages::owns`] says which are not OS
/// packages' files (see `dockward_oci::ReadOptions::defer`).
pub fn executable_candidate(path: &str, size: u64) -> bool {
    binary_candidate(path, size)
}

/// The first half of a catalog: the OS, its packages (dpkg, apk, rpm) and the files they
/// own. It needs only the OS databases' content, so a reader can learn from it which
/// deferred files are worth reading before [`OsPackages::catalog`] finishes the job.
#[derive(Debug)]
pub struct OsPackages {
    os: Option<Os>,
    found: Vec<Found>,
    /// Each owned file both as its package lists it and as it lies in the tree after
    /// directory symlinks (`/bin/ls` is `/usr/bin/ls` in a merged-/usr image).
    owned: HashSet<String>,
    warnings: Vec<String>,
}

impl OsPackages {
    /// Runs the OS catalogers on `tree`.
    pub fn read(tree: &FileTree) -> OsPackages {
        let os = os::detect(tree);
        let mut ctx = Ctx {
            tree,
            os: os.as_ref(),
            warnings: Vec::new(),
            owned: HashSet::new(),
        };
        let found = os_packages(&mut ctx);
        let Ctx {
            owned, warnings, ..
        } = ctx;
        OsPackages {
            os,
            found,
            owned,
            warnings,
        }
    }

    /// Whether an OS package owns `path`.
    pub fn owns(&self, path: &str) -> bool {
        self.owned.contains(path)
    }

    /// The whole catalog: these OS packages, and the language packages of `tree` (the
    /// tree they were read from, with any content read since) that no OS package owns.
    pub fn catalog(self, tree: &FileTree) -> Catalog {
        run(tree, self)
    }
}

/// Runs the OS catalogers; fills `ctx.owned`, adding the paths as resolved in the tree.
fn os_packages(ctx: &mut Ctx<'_>) -> Vec<Found> {
    let mut found = Vec::new();
    found.extend(dpkg::catalog(ctx));
    found.extend(apk::catalog(ctx));
    found.extend(rpm::catalog(ctx));
    // Only a directory below a symlink can resolve elsewhere: the others need no lookup.
    let links: HashSet<&str> = ctx
        .tree
        .iter()
        .filter(|(_, e)| matches!(e.kind, EntryKind::Symlink(_)))
        .map(|(p, _)| p)
        .collect();
    let under_link = |dir: &str| {
        dir.match_indices('/')
            .map(|(i, _)| &dir[..i])
            .chain(std::iter::once(dir))
            .any(|prefix| links.contains(prefix))
    };
    let mut resolved_dirs: HashMap<&str, Option<String>> = HashMap::new();
    let mut extra = Vec::new();
    for path in &ctx.owned {
        let Some((dir, name)) = path.rsplit_once('/') else {
            continue;
        };
        let real = resolved_dirs.entry(dir).or_insert_with(|| {
            under_link(dir)
                .then(|| ctx.tree.resolve(dir))
                .flatten()
                .filter(|r| r != dir)
        });
        if let Some(real) = real {
            extra.push(format!("{}/{name}", real.trim_end_matches('/')));
        }
    }
    ctx.owned.extend(extra);
    found
}

fn run(tree: &FileTree, os_packages: OsPackages) -> Catalog {
    let OsPackages {
        os,
        found: os_found,
        owned,
        warnings,
    } = os_packages;
    let mut ctx = Ctx {
        tree,
        os: os.as_ref(),
        warnings,
        owned,
    };

    let mut lang = Vec::new();
    for (path, entry) in tree.iter() {
        if !matches!(entry.kind, EntryKind::File) {
            continue;
        }
        let Some(data) = entry.content.as_deref() else {
            continue;
        };
        let name = path.rsplit('/').next().unwrap_or(path);
        if python::is_metadata(path) {
            lang.extend(python::catalog(&mut ctx, path, data));
        } else if npm::is_package_json(path) {
            lang.extend(npm::catalog(&mut ctx, path, data));
        } else if npm::is_app_manifest(path) {
            let dir = path.trim_end_matches("/package.json");
            if tree.under(&format!("{dir}/node_modules")).next().is_some() {
                lang.extend(npm::catalog(&mut ctx, path, data));
            }
        } else if name == "Cargo.lock" {
            lang.extend(rust::cargo_lock(&mut ctx, path, data));
        } else if gem::is_gemspec(path) {
            lang.extend(gem::catalog(&mut ctx, path, data));
        } else if composer::is_installed_json(path) {
            lang.extend(composer::catalog(&mut ctx, path, data));
        } else if is_archive(name) {
            lang.extend(java::catalog(&mut ctx, path, data));
        } else if data.starts_with(b"\x7fELF") {
            lang.extend(gobin::catalog(&mut ctx, path, data));
            lang.extend(rust::auditable(&mut ctx, path, data));
        }
    }

    // Files owned by an OS package are not reported again as language packages.
    lang.retain(|f| {
        !f.pkg.locations.iter().any(|loc| {
            ctx.owned.contains(loc)
                || loc
                    .rsplit_once('/')
                    .is_some_and(|(dir, _)| dir.ends_with("-info") && ctx.owned.contains(dir))
        })
    });

    let mut all = os_found;
    all.extend(lang);
    resolve_dependencies(&mut all);
    let warnings = ctx.warnings;
    Catalog {
        os,
        packages: all.into_iter().map(|f| f.pkg).collect(),
        warnings,
    }
}

/// The key a dependency name is matched on, per kind.
fn dep_key(kind: PackageKind, name: &str) -> String {
    match kind {
        PackageKind::Python => crate::purl::pep503(name),
        PackageKind::Deb | PackageKind::Apk => name.to_ascii_lowercase(),
        _ => name.to_owned(),
    }
}

/// Resolves `dep_names` to purls among packages of the same kind (and, for npm, the same
/// `node_modules` tree: the nearest enclosing one wins, as Node resolves).
fn resolve_dependencies(all: &mut [Found]) {
    let mut index: BTreeMap<(PackageKind, String), Vec<(String, String)>> = BTreeMap::new();
    for f in all.iter() {
        let loc = f.pkg.locations.first().cloned().unwrap_or_default();
        index
            .entry((f.pkg.kind, dep_key(f.pkg.kind, &f.pkg.name)))
            .or_default()
            .push((loc, f.pkg.purl.clone()));
    }
    for f in all.iter_mut() {
        let kind = match f.pkg.kind {
            PackageKind::GoStdlib => PackageKind::GoModule,
            k => k,
        };
        let from = f.pkg.locations.first().cloned().unwrap_or_default();
        let mut deps = Vec::new();
        for d in &f.dep_names {
            let Some(cands) = index.get(&(kind, dep_key(kind, d))) else {
                continue;
            };
            // Prefer the candidate sharing the longest location prefix.
            let best = cands
                .iter()
                .max_by_key(|(loc, _)| common_prefix(loc, &from))
                .map(|(_, p)| p.clone());
            if let Some(p) = best
                && p != f.pkg.purl
                && !deps.contains(&p)
            {
                deps.push(p);
            }
        }
        f.pkg.dependencies.extend(deps);
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wanted_picks_metadata_and_skips_the_rest() {
        assert!(wanted("/var/lib/dpkg/status", 100));
        assert!(wanted("/var/lib/dpkg/status.d/base-files", 100));
        assert!(wanted("/var/lib/dpkg/info/libc6:amd64.list", 100));
        assert!(!wanted("/var/lib/dpkg/info/libc6:amd64.postinst", 100));
        assert!(wanted(
            "/usr/lib/python3/dist-packages/urllib3-1.26.12.dist-info/METADATA",
            100
        ));
        assert!(wanted(
            "/srv/app/node_modules/@types/node/package.json",
            100
        ));
        assert!(wanted("/srv/app/package.json", 100));
        assert!(!wanted("/srv/app/package.json", 2 << 20));
        assert!(wanted("/usr/local/bin/godemo", 2_000_000));
        assert!(!wanted("/usr/local/bin/godemo", 300 << 20));
        assert!(!wanted("/usr/share/doc/bash/copyright", 5000));
        assert!(wanted("/manager", 5000));
        assert!(wanted("/opt/tool/tool", 5000));
        assert!(!wanted(
            "/usr/local/lib/python3.11/dist-packages/yaml/constructor.py",
            5000
        ));
        assert!(wanted("/opt/app/log4j-core-2.14.1.jar", 5000));
        assert!(wanted("/var/lib/rpm/rpmdb.sqlite", 5000));
    }

    #[test]
    fn symlinks_resolve_inside_the_image() {
        assert_eq!(
            join_link("/etc/os-release", "../usr/lib/os-release"),
            "/usr/lib/os-release"
        );
        assert_eq!(join_link("/a/b", "/x/../y"), "/y");
        assert_eq!(join_link("/a", "../../../.."), "/");
    }
}
