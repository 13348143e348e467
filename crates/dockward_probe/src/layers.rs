//! setuid/setgid files in an image's layers, read from the storage driver's
//! layer directories (`GraphDriver.Data.UpperDir` and `LowerDir` of the image
//! inspect). Root only, in practice.
//!
//! Layers are walked top first without following symlinks. A lower layer's
//! path is hidden when an upper layer has the same path, a whiteout for it or
//! one of its parents (`.wh.<name>` files, or the 0:0 character devices
//! overlayfs writes), a non-directory at one of its parents, or an opaque marker
//! (`.wh..wh..opq`) on a parent. Opaque directories marked only by the
//! `trusted.overlay.opaque` extended attribute are not recognised (std cannot
//! read xattrs), so files below them in lower layers may be reported although
//! they are hidden.

use std::collections::HashSet;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;

use dockward_audit::facts::SetuidFile;

/// The most entries walked per image.
pub const MAX_ENTRIES: usize = 2_000_000;

/// Why the layers could not be scanned.
#[derive(Debug, thiserror::Error)]
pub enum LayerError {
    /// The inspect names no layer directories.
    #[error("the image inspect has no GraphDriver layer directories")]
    NoLayers,
    /// A storage driver whose layers are not plain directories.
    #[error(
        "storage driver {0:?} is not supported for layer scans (overlay2, overlay, fuse-overlayfs are)"
    )]
    UnsupportedDriver(String),
    /// A directory could not be read (not root?).
    #[error("cannot read layer directory {path}")]
    Read {
        path: String,
        #[source]
        source: io::Error,
    },
    /// The walk hit [`MAX_ENTRIES`].
    #[error("more than {0} entries in the image's layers; scan stopped")]
    TooManyEntries(usize),
}

/// The layer directories of an image inspect, top first.
pub fn layer_dirs(inspect: &serde_json::Value) -> Result<Vec<String>, LayerError> {
    let driver = &inspect["GraphDriver"];
    let name = driver["Name"].as_str().unwrap_or_default();
    if !matches!(name, "overlay2" | "overlay" | "fuse-overlayfs") {
        return Err(LayerError::UnsupportedDriver(name.to_owned()));
    }
    let data = &driver["Data"];
    let mut dirs: Vec<String> = data["UpperDir"]
        .as_str()
        .into_iter()
        .map(str::to_owned)
        .collect();
    if let Some(lower) = data["LowerDir"].as_str() {
        dirs.extend(
            lower
                .split(':')
                .filter(|d| !d.is_empty())
                .map(str::to_owned),
        );
    }
    if dirs.is_empty() {
        return Err(LayerError::NoLayers);
    }
    Ok(dirs)
}

/// Scans the layers of one image inspect under `root`.
pub fn setuid_files(
    root: &Path,
    inspect: &serde_json::Value,
    max_entries: usize,
) -> Result<Vec<SetuidFile>, LayerError> {
    let dirs = layer_dirs(inspect)?;
    let mut present: HashSet<String> = HashSet::new();
    let mut blocked: HashSet<String> = HashSet::new();
    let mut opaque: HashSet<String> = HashSet::new();
    let mut found = Vec::new();
    let mut entries = 0usize;
    for dir in dirs {
        let layer = crate::fs::under(root, &dir);
        let mut layer_present = HashSet::new();
        let mut layer_blocked = HashSet::new();
        let mut layer_opaque = HashSet::new();
        let mut stack = vec![String::new()];
        while let Some(rel) = stack.pop() {
            let full = if rel.is_empty() {
                layer.clone()
            } else {
                layer.join(rel.trim_start_matches('/'))
            };
            let read = std::fs::read_dir(&full).map_err(|source| LayerError::Read {
                path: full.display().to_string(),
                source,
            })?;
            for entry in read {
                let entry = entry.map_err(|source| LayerError::Read {
                    path: full.display().to_string(),
                    source,
                })?;
                entries += 1;
                if entries > max_entries {
                    return Err(LayerError::TooManyEntries(max_entries));
                }
                let name = entry.file_name().to_string_lossy().into_owned();
                if name == ".wh..wh..opq" {
                    layer_opaque.insert(rel.clone());
                    continue;
                }
                if let Some(hidden) = name.strip_prefix(".wh.") {
                    layer_blocked.insert(format!("{rel}/{hidden}"));
                    continue;
                }
                let path = format!("{rel}/{name}");
                // DirEntry::metadata does not follow symlinks.
                let meta = entry.metadata().map_err(|source| LayerError::Read {
                    path: full.join(&name).display().to_string(),
                    source,
                })?;
                let ft = meta.file_type();
                if ft.is_char_device() && meta.rdev() == 0 {
                    layer_blocked.insert(path);
                    continue;
                }
                if is_blocked(&path, &blocked, &opaque) {
                    continue;
                }
                let shadowed = present.contains(&path);
                if ft.is_dir() {
                    stack.push(path.clone());
                } else if !shadowed {
                    if ft.is_file() && meta.mode() & 0o6000 != 0 {
                        found.push(SetuidFile {
                            path: path.clone(),
                            mode: meta.mode() & 0o7777,
                        });
                    }
                    layer_blocked.insert(path.clone());
                }
                layer_present.insert(path);
            }
        }
        present.extend(layer_present);
        blocked.extend(layer_blocked);
        opaque.extend(layer_opaque);
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// Whether an upper layer hides `path`: a whiteout or non-directory at it or a
/// parent, or an opaque marker on a parent.
fn is_blocked(path: &str, blocked: &HashSet<String>, opaque: &HashSet<String>) -> bool {
    if blocked.contains(path) {
        return true;
    }
    let mut current = path;
    while let Some((parent, _)) = current.rsplit_once('/') {
        if blocked.contains(parent) || opaque.contains(parent) {
            return true;
        }
        current = parent;
    }
    false
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn file(root: &Path, path: &str, mode: u32) {
        let p = crate::fs::under(root, path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, b"x").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn inspect(upper: &str, lower: &str) -> serde_json::Value {
        serde_json::json!({"GraphDriver": {"Name": "overlay2", "Data": {"UpperDir": upper, "LowerDir": lower}}})
    }

    #[test]
    fn whiteouts_opaque_dirs_and_shadowing() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        // Bottom layer: four setuid files.
        file(root, "/l/bottom/usr/bin/passwd", 0o4755);
        file(root, "/l/bottom/usr/bin/su", 0o4755);
        file(root, "/l/bottom/opt/tool/run", 0o2755);
        file(root, "/l/bottom/sbin/mount", 0o4755);
        file(root, "/l/bottom/etc/plain", 0o644);
        // Middle layer: removes su, makes /opt/tool opaque, replaces mount without setuid.
        file(root, "/l/mid/usr/bin/.wh.su", 0o644);
        file(root, "/l/mid/opt/tool/.wh..wh..opq", 0o644);
        file(root, "/l/mid/sbin/mount", 0o755);
        // Top layer: a new setgid file, and a symlink that must not be followed.
        file(root, "/l/top/usr/local/bin/newgrp", 0o2711);
        std::os::unix::fs::symlink("/l/bottom/usr", crate::fs::under(root, "/l/top/link")).unwrap();

        let found =
            setuid_files(root, &inspect("/l/top", "/l/mid:/l/bottom"), MAX_ENTRIES).unwrap();
        let paths: Vec<(&str, u32)> = found.iter().map(|f| (f.path.as_str(), f.mode)).collect();
        assert_eq!(
            paths,
            [
                ("/usr/bin/passwd", 0o4755),
                ("/usr/local/bin/newgrp", 0o2711)
            ]
        );
    }

    #[test]
    fn limits_and_errors() {
        let tmp = tempfile::tempdir().unwrap();
        file(tmp.path(), "/l/a/1", 0o644);
        file(tmp.path(), "/l/a/2", 0o644);
        assert!(matches!(
            setuid_files(tmp.path(), &inspect("/l/a", ""), 1),
            Err(LayerError::TooManyEntries(1))
        ));
        assert!(matches!(
            setuid_files(tmp.path(), &inspect("/l/missing", ""), 10),
            Err(LayerError::Read { .. })
        ));
        let vfs = serde_json::json!({"GraphDriver": {"Name": "vfs", "Data": {}}});
        assert!(matches!(
            setuid_files(tmp.path(), &vfs, 10),
            Err(LayerError::UnsupportedDriver(_))
        ));
        let empty = serde_json::json!({"GraphDriver": {"Name": "overlay2", "Data": {}}});
        assert!(matches!(
            setuid_files(tmp.path(), &empty, 10),
            Err(LayerError::NoLayers)
        ));
    }
}
