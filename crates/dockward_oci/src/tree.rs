//! The merged file tree of an image.

use std::collections::BTreeMap;
use std::sync::Arc;

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

/// The merged view of an image's layers: absolute, normalized paths (`/etc/os-release`,
/// no `.`/`..` components, no trailing `/`) to entries. `/` itself is not stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileTree {
    entries: BTreeMap<String, FileEntry>,
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

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the tree is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
