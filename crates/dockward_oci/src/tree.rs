//! The merged file tree of an image.

use std::collections::{BTreeMap, VecDeque};
use std::ops::Bound;
use std::sync::Arc;

/// How many symbolic links [`FileTree::resolve`] follows before giving up (as Linux).
pub const MAX_SYMLINK_HOPS: usize = 40;

/// What a path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Directory,
    /// A symbolic link and its target as written.
    Symlink(String),
    /// A hard link to another path of the image (absolute, normalized).
    Hardlink(String),
    /// A device, FIFO or socket.
    Other,
}

/// One path of the merged tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// What it is.
    pub kind: EntryKind,
    /// Permission bits including setuid/setgid/sticky (`mode & 0o7777`).
    pub mode: u32,
    /// Owner uid.
    pub uid: u64,
    /// Owner gid.
    pub gid: u64,
    /// Size in bytes (regular files).
    pub size: u64,
    /// Index of the layer that last wrote this path (0 = the base layer; always 0
    /// for a root filesystem directory).
    pub layer: usize,
    /// The content, when the reader was asked to keep it (see the readers'
    /// `wanted` predicate).
    pub content: Option<Arc<[u8]>>,
}

/// A regular file whose content was kept and that a later layer removed (a
/// whiteout, an opaque directory, a non-directory over a parent) or replaced.
/// It is no longer in the merged view, but still in the archive of the layer
/// that wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedFile {
    /// Its path.
    pub path: String,
    /// The entry as its layer wrote it (`entry.layer` is that layer).
    pub entry: FileEntry,
    /// The layer that removed or replaced it.
    pub removed_in: usize,
}

/// The merged view of an image's layers: absolute, normalized paths (`/etc/os-release`,
/// no `.`/`..` components, no trailing `/`) to entries. `/` itself is not stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileTree {
    entries: BTreeMap<String, FileEntry>,
    removed: Vec<RemovedFile>,
}

impl FileTree {
    /// An empty tree.
    pub fn new() -> Self {
        FileTree::default()
    }

    /// Adds or replaces `path` (must already be normalized).
    pub fn insert(&mut self, path: String, entry: FileEntry) {
        self.entries.insert(path, entry);
    }

    /// Removes `path` and everything below it (a whiteout).
    pub fn remove_tree(&mut self, path: &str) {
        self.entries.remove(path);
        let prefix = format!("{}/", path.trim_end_matches('/'));
        let below: Vec<String> = self
            .entries
            .range(prefix.clone()..)
            .take_while(|(p, _)| p.starts_with(&prefix))
            .map(|(p, _)| p.clone())
            .collect();
        for p in below {
            self.entries.remove(&p);
        }
    }

    /// Removes `path` and everything below it like [`FileTree::remove_tree`],
    /// remembering the regular files with kept content as removed by `layer`
    /// (see [`FileTree::removed`]).
    pub fn remove_tree_in_layer(&mut self, path: &str, layer: usize) {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        // Most paths a layer writes are new: nothing to remove (checked without copying keys).
        if !self.entries.contains_key(path)
            && !self
                .entries
                .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
                .next()
                .is_some_and(|(p, _)| p.starts_with(&prefix))
        {
            return;
        }
        self.remember(path, layer);
        let below: Vec<String> = self
            .entries
            .range(prefix.clone()..)
            .take_while(|(p, _)| p.starts_with(&prefix))
            .filter(|(_, e)| e.content.is_some())
            .map(|(p, _)| p.clone())
            .collect();
        for p in below {
            self.remember(&p, layer);
        }
        self.remove_tree(path);
    }

    /// Records `path` as removed by `layer` when it is a regular file with
    /// kept content written by an earlier layer.
    pub(crate) fn remember(&mut self, path: &str, layer: usize) {
        if let Some(entry) = self.entries.get(path)
            && entry.kind == EntryKind::File
            && entry.content.is_some()
            && entry.layer < layer
        {
            self.removed.push(RemovedFile {
                path: path.to_owned(),
                entry: entry.clone(),
                removed_in: layer,
            });
        }
    }

    /// Files with kept content that a later layer removed or replaced, in the
    /// order it happened. Only files the reader kept content for are
    /// remembered, so this costs no more memory than the content budget.
    pub fn removed(&self) -> &[RemovedFile] {
        &self.removed
    }

    /// The entry at `path`, without following symbolic links.
    pub fn get(&self, path: &str) -> Option<&FileEntry> {
        self.entries.get(path)
    }

    /// Every entry, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &FileEntry)> {
        self.entries.iter().map(|(p, e)| (p.as_str(), e))
    }

    /// Entries strictly below directory `dir` (`/usr/lib/python3/dist-packages`).
    pub fn under<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, &'a FileEntry)> + 'a {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        self.entries
            .range(prefix.clone()..)
            .take_while(move |(p, _)| p.starts_with(&prefix))
            .map(|(p, e)| (p.as_str(), e))
    }

    /// Follows symbolic links inside the tree: every component of `path` is
    /// looked up and, when it is a symlink, replaced by its target (absolute
    /// targets restart at the image root, `..` stops at the root). Links are
    /// never resolved on the host. Returns the final normalized path when an
    /// entry exists there (or `/`), `None` when it does not, or when more than
    /// [`MAX_SYMLINK_HOPS`] links were followed (a loop).
    pub fn resolve(&self, path: &str) -> Option<String> {
        let mut pending: VecDeque<String> = path
            .split('/')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        let mut done: Vec<String> = Vec::new();
        let mut hops = 0usize;
        while let Some(comp) = pending.pop_front() {
            match comp.as_str() {
                "." => continue,
                ".." => {
                    done.pop();
                    continue;
                }
                _ => {}
            }
            done.push(comp);
            let here = format!("/{}", done.join("/"));
            if let Some(FileEntry {
                kind: EntryKind::Symlink(target),
                ..
            }) = self.entries.get(&here)
            {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return None;
                }
                done.pop();
                if target.starts_with('/') {
                    done.clear();
                }
                for c in target.split('/').filter(|c| !c.is_empty()).rev() {
                    pending.push_front(c.to_owned());
                }
            }
        }
        let out = format!("/{}", done.join("/"));
        (out == "/" || self.entries.contains_key(&out)).then_some(out)
    }

    /// The entry at `path` after [`FileTree::resolve`], with its resolved path.
    pub fn get_resolved(&self, path: &str) -> Option<(String, &FileEntry)> {
        let p = self.resolve(path)?;
        let e = self.entries.get(&p)?;
        Some((p, e))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the tree is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
