//! setuid/setgid files, world-writable directories and credential files in an
//! image's layers, read from the storage driver's layer directories
//! (`GraphDriver.Data.UpperDir` and `LowerDir` of the image inspect). Root
//! only, in practice. Credential files are looked for in every layer, also
//! where an upper layer hides them (they are still in the image); only
//! candidate files are opened, and at most 64 KiB of each is read.
//!
//! Layers are walked top first without following symlinks. A lower layer's
//! path is hidden when an upper layer has the same path, a whiteout for it or
//! one of its parents (`.wh.<name>` files, or the 0:0 character devices
//! overlayfs writes), a non-directory at one of its parents, or an opaque marker
//! (`.wh..wh..opq`) on a parent. Opaque directories marked only by the
//! `trusted.overlay.opaque` extended attribute are not recognised (std cannot
//! read xattrs), so files below them in lower layers may be reported although
//! they are hidden.

use std::collections::HashMap;
use std::io::{self, Read as _};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;

use dockward_audit::facts::{SecretFile, SetuidFile, WorldWritableDir};
use dockward_secrets::files;

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

/// What a scan of an image's layer directories found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayerScan {
    /// setuid/setgid regular files of the merged view.
    pub setuid_files: Vec<SetuidFile>,
    /// Directories of the merged view writable by everyone without the sticky bit.
    pub world_writable_dirs: Vec<WorldWritableDir>,
    /// Credential files of every layer, also those an upper layer hides.
    pub secret_files: Vec<SecretFile>,
}

/// Scans the layers of one image inspect under `root` for setuid files only.
pub fn setuid_files(
    root: &Path,
    inspect: &serde_json::Value,
    max_entries: usize,
) -> Result<Vec<SetuidFile>, LayerError> {
    scan(root, inspect, max_entries).map(|s| s.setuid_files)
}

/// Reads at most [`files::MAX_CONTENT`] bytes of a layer file, `None` when
/// it cannot be read (the name then decides).
fn read_small(path: &Path) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    file.take(files::MAX_CONTENT + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= files::MAX_CONTENT).then_some(bytes)
}

/// Scans the layers of one image inspect under `root`: setuid/setgid files and
/// world-writable directories of the merged view, and credential files of
/// every layer (content read for candidates only, at most
/// [`files::MAX_CONTENT`] bytes each). Layer indexes count from the base
/// (the last `LowerDir`), diff_ids come from the inspect's `RootFS.Layers`
/// when it lists as many layers as there are directories.
pub fn scan(
    root: &Path,
    inspect: &serde_json::Value,
    max_entries: usize,
) -> Result<LayerScan, LayerError> {
    let dirs = layer_dirs(inspect)?;
    let diff_ids: Vec<String> = inspect["RootFS"]["Layers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let count = dirs.len();
    // Path → the lowest upper layer (index) that has it, removes it, or makes it opaque.
    let mut present: HashMap<String, usize> = HashMap::new();
    let mut blocked: HashMap<String, usize> = HashMap::new();
    let mut opaque: HashMap<String, usize> = HashMap::new();
    let mut out = LayerScan::default();
    let mut entries = 0usize;
    for (position, dir) in dirs.iter().enumerate() {
        let index = count - 1 - position;
        let diff_id = (diff_ids.len() == count)
            .then(|| diff_ids.get(index).cloned())
            .flatten();
        let layer = crate::fs::under(root, dir);
        let mut layer_present = Vec::new();
        let mut layer_blocked = Vec::new();
        let mut layer_opaque = Vec::new();
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
                    layer_opaque.push(rel.clone());
                    continue;
                }
                if let Some(hidden) = name.strip_prefix(".wh.") {
                    layer_blocked.push(format!("{rel}/{hidden}"));
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
                    layer_blocked.push(path);
                    continue;
                }
                // The upper layer that hides this path, if one does.
                let hidden_by = hidden_by(&path, &blocked, &opaque)
                    .into_iter()
                    .chain(present.get(&path).copied().filter(|_| !ft.is_dir()))
                    .min();
                if ft.is_dir() {
                    // Hidden directories are walked for credential files only.
                    stack.push(path.clone());
                    if hidden_by.is_none()
                        && !present.contains_key(&path)
                        && WorldWritableDir::qualifies(meta.mode() & 0o7777)
                    {
                        out.world_writable_dirs.push(WorldWritableDir {
                            path: path.clone(),
                            mode: meta.mode() & 0o7777,
                        });
                    }
                } else {
                    if hidden_by.is_none() && ft.is_file() && meta.mode() & 0o6000 != 0 {
                        out.setuid_files.push(SetuidFile {
                            path: path.clone(),
                            mode: meta.mode() & 0o7777,
                        });
                    }
                    if ft.is_file()
                        && (files::credential_file(&path).is_some()
                            || files::wants_content(&path, meta.len()))
                    {
                        let content = read_small(&full.join(&name));
                        if let Some(what) = files::classify(&path, content.as_deref()) {
                            out.secret_files.push(SecretFile {
                                path: path.clone(),
                                what: what.to_owned(),
                                layer: Some(index),
                                diff_id: diff_id.clone(),
                                removed_in_layer: hidden_by,
                            });
                        }
                    }
                    if hidden_by.is_none() {
                        layer_blocked.push(path.clone());
                    }
                }
                layer_present.push(path);
            }
        }
        for p in layer_present {
            present.insert(p, index);
        }
        for p in layer_blocked {
            blocked.insert(p, index);
        }
        for p in layer_opaque {
            opaque.insert(p, index);
        }
    }
    out.setuid_files.sort_by(|a, b| a.path.cmp(&b.path));
    out.world_writable_dirs.sort_by(|a, b| a.path.cmp(&b.path));
    out.secret_files
        .sort_by(|a, b| (&a.path, a.layer).cmp(&(&b.path, b.layer)));
    Ok(out)
}

/// The upper layer that hides `path`: a whiteout or non-directory at it or a
/// parent, or an opaque marker on a parent; the lowest such layer.
fn hidden_by(
    path: &str,
    blocked: &HashMap<String, usize>,
    opaque: &HashMap<String, usize>,
) -> Option<usize> {
    let mut found = blocked.get(path).copied();
    let mut current = path;
    while let Some((parent, _)) = current.rsplit_once('/') {
        for layer in [blocked.get(parent), opaque.get(parent)]
            .into_iter()
            .flatten()
        {
            found = Some(found.map_or(*layer, |f| f.min(*layer)));
        }
        current = parent;
    }
    found
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

    fn write(root: &Path, path: &str, content: &[u8]) {
        let p = crate::fs::under(root, path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
    }

    fn dir(root: &Path, path: &str, mode: u32) {
        let p = crate::fs::under(root, path);
        std::fs::create_dir_all(&p).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    const KEY: &[u8] = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n";

    #[test]
    fn credential_files_in_every_layer_and_world_writable_dirs_of_the_merged_view() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "/l/bottom/root/.ssh/id_rsa", KEY);
        write(
            root,
            "/l/bottom/root/.aws/credentials",
            b"[default]\naws_secret_access_key = Zq8v7Xb2Lm4Nc6Vd9Fg1Hj3Kk5Ll7Mm9Nn0Pp2Qq\n",
        );
        write(root, "/l/bottom/opt/keys/k.key", KEY);
        write(
            root,
            "/l/bottom/etc/tls/server.pem",
            b"-----BEGIN CERTIFICATE-----\n",
        );
        write(root, "/l/bottom/usr/share/doc/x/test.key", KEY);
        dir(root, "/l/bottom/app/cache", 0o777);
        dir(root, "/l/bottom/tmp", 0o1777);
        dir(root, "/l/bottom/srv/old", 0o777);
        // Middle layer: removes the AWS file and /srv/old, hides /opt.
        file(root, "/l/mid/root/.aws/.wh.credentials", 0o644);
        file(root, "/l/mid/srv/.wh.old", 0o644);
        file(root, "/l/mid/opt/.wh..wh..opq", 0o644);
        // Top layer: /app/cache again, now 0755; a new world-writable dir.
        dir(root, "/l/top/app/cache", 0o755);
        dir(root, "/l/top/data", 0o757);
        let mut inspect = inspect("/l/top", "/l/mid:/l/bottom");
        inspect["RootFS"] = serde_json::json!({"Layers": ["sha256:b0", "sha256:m1", "sha256:t2"]});

        let scan = scan(root, &inspect, MAX_ENTRIES).unwrap();
        let dirs: Vec<(&str, u32)> = scan
            .world_writable_dirs
            .iter()
            .map(|d| (d.path.as_str(), d.mode))
            .collect();
        assert_eq!(dirs, [("/data", 0o757)]);
        let secrets: Vec<String> = scan
            .secret_files
            .iter()
            .map(|f| {
                format!(
                    "{} | {} | {:?} {:?} {:?}",
                    f.path, f.what, f.layer, f.diff_id, f.removed_in_layer
                )
            })
            .collect();
        assert_eq!(
            secrets,
            [
                "/opt/keys/k.key | a private key | Some(0) Some(\"sha256:b0\") Some(1)",
                "/root/.aws/credentials | AWS credentials | Some(0) Some(\"sha256:b0\") Some(1)",
                "/root/.ssh/id_rsa | an SSH private key | Some(0) Some(\"sha256:b0\") None",
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
