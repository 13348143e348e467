//! Reading a root filesystem directory: a walk that never follows symlinks.

use std::fs;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;

use crate::config::ImageConfig;
use crate::error::OciError;
use crate::tree::{EntryKind, FileEntry, FileTree};
use crate::{Image, ReadOptions};

pub(crate) fn read(root: &Path, options: &ReadOptions<'_>) -> Result<Image, OciError> {
    let limits = &options.limits;
    let mut files = FileTree::new();
    let mut warnings = Vec::new();
    let mut kept = 0u64;
    let mut stack: Vec<(std::path::PathBuf, String)> = vec![(root.to_owned(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let list = match fs::read_dir(&dir) {
            Ok(l) => l,
            Err(e) if dir == root => return Err(OciError::io(root, e)),
            Err(e) => {
                warnings.push(format!("{prefix}: {e}"));
                continue;
            }
        };
        for item in list {
            let item = item.map_err(|e| OciError::io(&dir, e))?;
            if files.len() >= limits.max_entries {
                return Err(OciError::Limit(format!(
                    "more than {} entries",
                    limits.max_entries
                )));
            }
            let path = format!("{prefix}/{}", item.file_name().to_string_lossy());
            let full = item.path();
            let Ok(meta) = fs::symlink_metadata(&full) else {
                warnings.push(format!("{path}: cannot stat"));
                continue;
            };
            let ft = meta.file_type();
            let kind = if ft.is_dir() {
                stack.push((full.clone(), path.clone()));
                EntryKind::Directory
            } else if ft.is_symlink() {
                EntryKind::Symlink(
                    fs::read_link(&full)
                        .map(|t| t.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                )
            } else if ft.is_file() {
                EntryKind::File
            } else {
                EntryKind::Other
            };
            let size = if kind == EntryKind::File {
                meta.len()
            } else {
                0
            };
            let mut content = None;
            let deferred = options.defer.is_some_and(|d| d(&path, size));
            if kind == EntryKind::File && (deferred || (options.wanted)(&path, size)) {
                if size > limits.max_kept_file {
                    warnings.push(format!(
                        "{path}: {size} bytes, over the {} byte limit; content not read",
                        limits.max_kept_file
                    ));
                } else if kept + size > limits.max_kept_total {
                    warnings.push(format!(
                        "{path}: content not read, the kept-content budget is spent"
                    ));
                } else {
                    let mut buf = Vec::new();
                    match fs::File::open(&full)
                        .and_then(|f| f.take(limits.max_kept_file).read_to_end(&mut buf))
                    {
                        Ok(_) => {
                            kept += buf.len() as u64;
                            content = Some(Arc::from(buf));
                        }
                        Err(e) => warnings.push(format!("{path}: {e}")),
                    }
                }
            }
            files.insert(
                path,
                FileEntry {
                    kind,
                    mode: meta.mode() & 0o7777,
                    uid: u64::from(meta.uid()),
                    gid: u64::from(meta.gid()),
                    size,
                    layer: 0,
                    content,
                },
            );
        }
    }
    Ok(Image {
        source: root.display().to_string(),
        config: ImageConfig::default(),
        layers: Vec::new(),
        files,
        warnings,
        deferred: Vec::new(),
        stored: Vec::new(),
        kept,
        limits: options.limits.clone(),
    })
}
