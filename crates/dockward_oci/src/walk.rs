//! The streaming layer walker: one layer tar (plain, gzip or zstd, sniffed by
//! magic bytes) becomes a [`LayerEntries`] list without touching the disk.

use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

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
    hash: BackgroundHash,
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

/// A buffered reader that hashes the bytes its consumer consumes (the stored blob under a
/// decompressor).
struct HashedBufRead<B> {
    inner: B,
    hash: BackgroundHash,
}

impl<B: BufRead> Read for HashedBufRead<B> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.inner.fill_buf()?;
        let n = available.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), available.get(..n)) {
            to.copy_from_slice(from);
        }
        self.consume(n);
        Ok(n)
    }
}

impl<B: BufRead> BufRead for HashedBufRead<B> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        // The buffer is not refilled before `consume`: this returns the bytes being consumed.
        if let Ok(buffered) = self.inner.fill_buf()
            && let Some(chunk) = buffered.get(..amount)
        {
            self.hash.update(chunk);
        }
        self.inner.consume(amount);
    }
}

/// Streams up to this size are hashed inline; longer ones on a helper thread.
const INLINE_HASH: u64 = 1 << 20;
/// Bytes per message to the hashing thread.
const HASH_CHUNK: usize = 256 * 1024;

/// The SHA-256 of a stream. Past [`INLINE_HASH`] bytes the hashing moves to a helper thread
/// (chunks over a bounded channel, at most ~1.5 MiB in flight), so that verifying a big
/// layer's digest and diff_id overlaps decompressing and walking it instead of adding to it.
struct BackgroundHash {
    /// The hash while it is computed inline.
    inline: Option<Sha256>,
    seen: u64,
    buf: Vec<u8>,
    worker: Option<HashWorker>,
    failed: bool,
}

struct HashWorker {
    tx: mpsc::SyncSender<Vec<u8>>,
    recycled: mpsc::Receiver<Vec<u8>>,
    handle: std::thread::JoinHandle<Sha256>,
}

impl BackgroundHash {
    fn new() -> Self {
        BackgroundHash {
            inline: Some(Sha256::new()),
            seen: 0,
            buf: Vec::new(),
            worker: None,
            failed: false,
        }
    }

    fn update(&mut self, mut data: &[u8]) {
        self.seen += data.len() as u64;
        if let Some(hash) = &mut self.inline {
            if self.seen <= INLINE_HASH {
                hash.update(data);
                return;
            }
            let state = hash.clone();
            let (tx, rx) = mpsc::sync_channel::<Vec<u8>>(4);
            let (back, recycled) = mpsc::channel::<Vec<u8>>();
            let spawned = std::thread::Builder::new()
                .name("layer-hash".into())
                .spawn(move || {
                    let mut hash = state;
                    for mut chunk in rx {
                        hash.update(&chunk);
                        chunk.clear();
                        let _ = back.send(chunk);
                    }
                    hash
                });
            let Ok(handle) = spawned else {
                // No thread to be had: keep hashing inline.
                hash.update(data);
                return;
            };
            self.inline = None;
            self.buf = Vec::with_capacity(HASH_CHUNK);
            self.worker = Some(HashWorker {
                tx,
                recycled,
                handle,
            });
        }
        while !data.is_empty() {
            let room = HASH_CHUNK - self.buf.len();
            let (now, rest) = data.split_at(room.min(data.len()));
            self.buf.extend_from_slice(now);
            data = rest;
            if self.buf.len() == HASH_CHUNK {
                self.send();
            }
        }
    }

    fn send(&mut self) {
        let Some(worker) = &self.worker else { return };
        let next = worker
            .recycled
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(HASH_CHUNK));
        let full = std::mem::replace(&mut self.buf, next);
        if worker.tx.send(full).is_err() {
            self.failed = true;
        }
    }

    /// `sha256:<hex>` of everything passed to [`Self::update`].
    fn finish(mut self) -> Result<String, String> {
        if let Some(hash) = self.inline.take() {
            return Ok(hex(hash));
        }
        if !self.buf.is_empty() {
            self.send();
        }
        let Some(worker) = self.worker.take() else {
            return Err("the hashing thread is missing".into());
        };
        drop(worker.tx);
        let hash = worker
            .handle
            .join()
            .map_err(|_| "the hashing thread failed".to_owned())?;
        if self.failed {
            return Err("the hashing thread stopped early".into());
        }
        Ok(hex(hash))
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
///
/// Both digests are verified by the caller from what this computes: the blob digest over
/// the stored bytes and the diff_id over the decompressed tar (for an uncompressed layer
/// they are the same bytes, hashed once). Big streams are hashed on helper threads.
pub fn walk_layer<R: Read>(
    reader: R,
    wanted: Wanted<'_>,
    limits: &Limits,
    budget: &Budget,
) -> Result<LayerEntries, String> {
    let mut buffered = BufReader::with_capacity(64 * 1024, reader);
    let magic = buffered.fill_buf().map_err(|e| e.to_string())?.to_vec();
    let mut out = LayerEntries::default();
    if magic.starts_with(GZIP) || magic.starts_with(ZSTD) {
        let mut stored = HashedBufRead {
            inner: buffered,
            hash: BackgroundHash::new(),
        };
        let decoder: Box<dyn Read + '_> = if magic.starts_with(GZIP) {
            out.compression = "tar+gzip";
            Box::new(flate2::bufread::MultiGzDecoder::new(&mut stored))
        } else {
            out.compression = "tar+zstd";
            // Every frame, not only the first (`pzstd`, concatenated `.zst` files).
            Box::new(crate::zstd::ZstdFrames::new(&mut stored))
        };
        out.diff_id = walk_stream(decoder, wanted, limits, budget, &mut out)?;
        // Bytes after the compressed stream still belong to the blob and its digest.
        io::copy(&mut stored, &mut io::sink()).map_err(|e| e.to_string())?;
        out.digest = stored.hash.finish()?;
    } else if magic.starts_with(b"BZh") || magic.starts_with(&[0xfd, b'7', b'z', b'X', b'Z']) {
        return Err("bzip2 and xz layers are not supported".into());
    } else {
        out.compression = "tar";
        out.diff_id = walk_stream(buffered, wanted, limits, budget, &mut out)?;
        out.digest.clone_from(&out.diff_id);
    }
    Ok(out)
}

/// Walks the decompressed tar stream; returns its `sha256:<hex>` (the diff_id).
fn walk_stream<R: Read>(
    decoder: R,
    wanted: Wanted<'_>,
    limits: &Limits,
    budget: &Budget,
    out: &mut LayerEntries,
) -> Result<String, String> {
    let mut plain = Meter {
        inner: decoder,
        hash: BackgroundHash::new(),
        count: 0,
        limit: limits.max_layer_bytes,
    };
    walk_tar(&mut plain, wanted, limits, budget, out)?;
    // Hash what follows the end-of-archive blocks too, so the diff_id covers the whole stream.
    io::copy(&mut plain, &mut io::sink()).map_err(|e| e.to_string())?;
    let Meter { hash, inner, .. } = plain;
    drop(inner);
    hash.finish()
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn sha(bytes: &[u8]) -> String {
        sha256_hex(&Sha256::digest(bytes))
    }

    /// Bytes that do not repeat within a chunk, so a dropped or reordered chunk shows.
    fn noise(len: usize) -> Vec<u8> {
        let mut x = 0x9e37_79b9_u32;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect()
    }

    #[test]
    fn background_hash_equals_the_plain_hash_inline_and_on_the_thread() {
        for len in [
            0,
            1,
            INLINE_HASH as usize,
            INLINE_HASH as usize + 1,
            3 * HASH_CHUNK + 17 + INLINE_HASH as usize,
        ] {
            let data = noise(len);
            for piece in [1, 4096, 100_003] {
                let mut hash = BackgroundHash::new();
                for chunk in data.chunks(piece.min(len.max(1))) {
                    hash.update(chunk);
                }
                assert_eq!(
                    hash.finish(),
                    Ok(sha(&data)),
                    "len {len}, pieces of {piece}"
                );
            }
        }
    }

    /// A tar of one file with `content`.
    fn layer_tar(content: &[u8]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        builder
            .append_data(&mut header, "data/blob", content)
            .expect("append");
        builder.into_inner().expect("tar")
    }

    #[test]
    fn big_layers_get_their_digest_and_diff_id_plain_and_gzip() {
        let tar = layer_tar(&noise(5 << 20));
        let limits = Limits::default();
        let plain = walk_layer(tar.as_slice(), &|_, _| false, &limits, &Budget::default())
            .expect("plain layer");
        assert_eq!(plain.diff_id, sha(&tar));
        assert_eq!(plain.digest, plain.diff_id);
        assert_eq!(plain.compression, "tar");

        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&tar).expect("gzip");
        let gz = gz.finish().expect("gzip");
        let walked = walk_layer(gz.as_slice(), &|_, _| true, &limits, &Budget::default())
            .expect("gzip layer");
        assert_eq!(walked.diff_id, sha(&tar));
        assert_eq!(walked.digest, sha(&gz));
        assert_eq!(walked.compression, "tar+gzip");
        assert_eq!(walked.entries.len(), 1);
    }
}
