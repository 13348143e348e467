//! The streaming layer walker: one layer tar (plain, gzip or zstd, sniffed by
//! magic bytes) becomes a [`LayerEntries`] list without touching the disk.

use std::cell::RefCell;
use std::io::{self, BufRead, BufReader, Read};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use sha2::{Digest, Sha256};

use crate::Limits;
use crate::path::{file_name, join, normalize, parent};
use crate::tree::{EntryKind, FileEntry, FileTree};

/// The predicate choosing which regular files' content to keep:
/// `(normalized path, size) -> keep?`.
pub type Wanted<'a> = &'a (dyn Fn(&str, u64) -> bool + Sync);

/// One entry of a layer, before merging.
#[derive(Debug, Clone)]
pub struct LayerEntry {
    /// The normalized path.
    pub path: String,
    /// The entry itself (`layer` is set when the layer is applied).
    pub entry: FileEntry,
}

/// What one layer contains.
#[derive(Debug, Default)]
pub struct LayerEntries {
    /// Entries in archive order (whiteout markers excluded).
    pub entries: Vec<LayerEntry>,
    /// Paths removed from lower layers (`.wh.<name>`).
    pub whiteouts: Vec<String>,
    /// Directories whose lower content is hidden (`.wh..wh..opq`).
    pub opaque: Vec<String>,
    /// Problems that did not stop the walk.
    pub warnings: Vec<String>,
    /// `sha256:<hex>` of the decompressed tar stream (the diff_id).
    pub diff_id: String,
    /// `sha256:<hex>` of the stream as stored (the blob digest).
    pub digest: String,
    /// `tar`, `tar+gzip` or `tar+zstd`.
    pub compression: &'static str,
}

/// Budgets shared by the layers of one image.
#[derive(Debug, Default)]
pub struct Budget {
    /// Entries seen so far, all layers.
    pub entries: AtomicUsize,
    /// Content bytes kept so far, all layers.
    pub kept: AtomicU64,
}

/// A reader that hashes and counts what passes through, and fails past a limit.
struct Meter<R> {
    inner: R,
    hash: Sha256,
    count: u64,
    limit: u64,
}

impl<R: Read> Read for Meter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count > self.limit {
            return Err(io::Error::other(format!(
                "decompressed size exceeds the limit of {} bytes",
                self.limit
            )));
        }
        if let Some(chunk) = buf.get(..n) {
            self.hash.update(chunk);
        }
        Ok(n)
    }
}

/// A reader that hashes what passes through into a shared hasher.
struct Tee<R> {
    inner: R,
    hash: Rc<RefCell<Sha256>>,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(chunk) = buf.get(..n) {
            self.hash.borrow_mut().update(chunk);
        }
        Ok(n)
    }
}

fn hex(hash: Sha256) -> String {
    sha256_hex(&hash.finalize())
}

/// `sha256:<lowercase hex>` of a finished hash.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::from("sha256:");
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

const GZIP: &[u8] = &[0x1f, 0x8b];
const ZSTD: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// Walks one layer. `reader` is the layer blob as stored; errors (truncation,
/// corruption, limits) are returned as text for the caller to attach the layer name.
pub fn walk_layer<R: Read>(
    reader: R,
    wanted: Wanted<'_>,
    limits: &Limits,
    budget: &Budget,
) -> Result<LayerEntries, String> {
    let stored = Rc::new(RefCell::new(Sha256::new()));
    let raw = Tee {
        inner: reader,
        hash: Rc::clone(&stored),
    };
    let mut buffered = BufReader::with_capacity(64 * 1024, raw);
    let magic = buffered.fill_buf().map_err(|e| e.to_string())?.to_vec();
    let (decoder, compression): (Box<dyn Read + '_>, &'static str) = if magic.starts_with(GZIP) {
        (
            Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
            "tar+gzip",
        )
    } else if magic.starts_with(ZSTD) {
        // Every frame, not only the first (`pzstd`, concatenated `.zst` files).
        (Box::new(crate::zstd::ZstdFrames::new(buffered)), "tar+zstd")
    } else if magic.starts_with(b"BZh") || magic.starts_with(&[0xfd, b'7', b'z', b'X', b'Z']) {
        return Err("bzip2 and xz layers are not supported".into());
    } else {
        (Box::new(buffered), "tar")
    };
    let mut plain = Meter {
        inner: decoder,
        hash: Sha256::new(),
        count: 0,
        limit: limits.max_layer_bytes,
    };
    let mut out = LayerEntries {
        compression,
        ..LayerEntries::default()
    };
    walk_tar(&mut plain, wanted, limits, budget, &mut out)?;
    // Hash what follows the end-of-archive blocks too, so the diff_id covers the whole stream.
    io::copy(&mut plain, &mut io::sink()).map_err(|e| e.to_string())?;
    let Meter { hash, inner, .. } = plain;
    drop(inner);
    out.diff_id = hex(hash);
    out.digest = hex(stored.replace(Sha256::new()));
    Ok(out)
}

fn walk_tar<R: Read>(
    reader: R,
    wanted: Wanted<'_>,
    limits: &Limits,
    budget: &Budget,
    out: &mut LayerEntries,
) -> Result<(), String> {
    let mut archive = tar::Archive::new(reader);
    let mut clamped = 0usize;
    let mut skipped_big = 0usize;
    for item in archive.entries().map_err(|e| e.to_string())? {
        let mut entry = item.map_err(|e| format!("reading tar: {e}"))?;
        if budget.entries.fetch_add(1, Ordering::Relaxed) >= limits.max_entries {
            return Err(format!(
                "more than {} entries in the image",
                limits.max_entries
            ));
        }
        let (path, was_clamped) = normalize(&entry.path_bytes());
        if was_clamped {
            clamped += 1;
        }
        let Some(path) = path else { continue };
        let name = file_name(&path);
        if let Some(rest) = name.strip_prefix(".wh.") {
            if rest == ".wh..opq" {
                out.opaque.push(parent(&path).to_owned());
            } else if rest.is_empty() || rest.starts_with(".wh.") {
                out.warnings.push(format!("ignored whiteout marker {path}"));
            } else {
                out.whiteouts.push(join(parent(&path), rest));
            }
            continue;
        }
        let header = entry.header();
        let link = || {
            entry
                .link_name_bytes()
                .map(|l| String::from_utf8_lossy(&l).replace('\0', ""))
                .unwrap_or_default()
        };
        let kind = match header.entry_type() {
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
                EntryKind::File
            }
            tar::EntryType::Directory => EntryKind::Directory,
            tar::EntryType::Symlink => EntryKind::Symlink(link()),
            tar::EntryType::Link => {
                let (target, c) = normalize(link().as_bytes());
                if c {
                    clamped += 1;
                }
                EntryKind::Hardlink(target.unwrap_or_else(|| "/".into()))
            }
            tar::EntryType::XGlobalHeader | tar::EntryType::XHeader => continue,
            _ => EntryKind::Other,
        };
        let mode = header.mode().unwrap_or(0) & 0o7777;
        let uid = header.uid().unwrap_or(0);
        let gid = header.gid().unwrap_or(0);
        let size = if kind == EntryKind::File {
            entry.size()
        } else {
            0
        };
        let mut content = None;
        if kind == EntryKind::File && wanted(&path, size) {
            if size > limits.max_kept_file {
                skipped_big += 1;
                out.warnings.push(format!(
                    "{path}: {size} bytes, over the {} byte limit; content not read",
                    limits.max_kept_file
                ));
            } else if budget
                .kept
                .fetch_add(size, Ordering::Relaxed)
                .saturating_add(size)
                > limits.max_kept_total
            {
                budget.kept.fetch_sub(size, Ordering::Relaxed);
                out.warnings.push(format!(
                    "{path}: content not read, the image's kept-content budget is spent"
                ));
            } else {
                let mut buf = Vec::with_capacity(usize::try_from(size.min(1 << 20)).unwrap_or(0));
                (&mut entry)
                    .take(size)
                    .read_to_end(&mut buf)
                    .map_err(|e| format!("{path}: {e}"))?;
                if (buf.len() as u64) < size {
                    return Err(format!("{path}: truncated ({} of {size} bytes)", buf.len()));
                }
                content = Some(Arc::from(buf));
            }
        }
        out.entries.push(LayerEntry {
            path,
            entry: FileEntry {
                kind,
                mode,
                uid,
                gid,
                size,
                layer: 0,
                content,
            },
        });
    }
    if clamped > 0 {
        out.warnings.push(format!(
            "{clamped} member name(s) climbed above the root with `..`; clamped to the root"
        ));
    }
    let _ = skipped_big;
    Ok(())
}

/// Applies one layer on top of `tree`: first its whiteouts and opaque
/// directories (which only hide lower layers), then its entries in order. A
/// non-directory replacing a directory removes the directory's subtree; a hard
/// link shares the kept content of its target.
///
/// Files with kept content that this layer removes or replaces are remembered
/// in [`FileTree::removed`]: they are still in the lower layer's archive.
pub fn apply_layer(tree: &mut FileTree, layer: usize, entries: LayerEntries) {
    for dir in &entries.opaque {
        let below: Vec<String> = tree.under(dir).map(|(p, _)| p.to_owned()).collect();
        for p in below {
            tree.remove_tree_in_layer(&p, layer);
        }
    }
    for path in &entries.whiteouts {
        tree.remove_tree_in_layer(path, layer);
    }
    for LayerEntry { path, mut entry } in entries.entries {
        entry.layer = layer;
        if entry.kind == EntryKind::Directory {
            tree.remember(&path, layer);
        } else {
            // A non-directory has no children, whether the lower directory was explicit or implied.
            tree.remove_tree_in_layer(&path, layer);
        }
        if let EntryKind::Hardlink(target) = &entry.kind
            && let Some(t) = tree.get(target)
        {
            entry.size = t.size;
            entry.content.clone_from(&t.content);
        }
        tree.insert(path, entry);
    }
}

/// Walks `bytes` as one layer (any compression) into a fresh tree: the fuzzing
/// entry point. Keeps every file's content within the default limits.
pub fn walk_layer_bytes(bytes: &[u8]) -> Result<FileTree, String> {
    let limits = Limits::default();
    let budget = Budget::default();
    let entries = walk_layer(bytes, &|_, _| true, &limits, &budget)?;
    let mut tree = FileTree::new();
    apply_layer(&mut tree, 0, entries);
    Ok(tree)
}
