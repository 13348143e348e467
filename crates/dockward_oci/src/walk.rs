//! The streaming layer walker: one layer tar (plain, gzip or zstd, sniffed by
//! magic bytes) becomes a [`LayerEntries`] list without touching the disk.

use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
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
    /// `sha256:<hex>` of the decompressed tar stream (the diff_id), when it was asked
    /// for and the stream was compressed (a plain stream's digest is its diff_id: the
    /// caller hashes the stored bytes).
    pub diff_id: Option<String>,
    /// `tar`, `tar+gzip` or `tar+zstd`.
    pub compression: &'static str,
    /// Files whose content was left in the layer to be read on request: path, offset
    /// of the data in the (plain) layer, size. See [`WalkOptions::defer`].
    pub deferred: Vec<(String, u64, u64)>,
}

/// What a layer walk keeps.
#[derive(Clone, Copy)]
pub struct WalkOptions<'a> {
    /// Regular files whose content is read into the entries.
    pub wanted: Wanted<'a>,
    /// Regular files whose content is not read but whose place in a plain layer is
    /// recorded ([`LayerEntries::deferred`]), to read later only if still needed; in a
    /// compressed layer (which cannot be read out of order) they count as wanted.
    pub defer: Option<Wanted<'a>>,
    /// Bounds.
    pub limits: &'a Limits,
    /// Whether to hash a compressed layer's tar ([`LayerEntries::diff_id`]).
    pub diff_id: bool,
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
    hash: Option<BackgroundHash>,
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
        if let (Some(hash), Some(chunk)) = (&mut self.hash, buf.get(..n)) {
            hash.update(chunk);
        }
        Ok(n)
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

/// Walks one layer streamed as stored (plain, gzip or zstd, sniffed by magic bytes).
/// Errors (truncation, corruption, limits) are returned as text for the caller to attach
/// the layer name.
///
/// With `diff_id`, the decompressed tar of a compressed layer is hashed (on a helper
/// thread past the first MiB, overlapping the walk) into [`LayerEntries::diff_id`]. The
/// stored bytes are not hashed here: the caller verifies them against the digest that
/// names them, which for a plain layer is its diff_id.
pub fn walk_layer<R: Read>(
    reader: R,
    options: &WalkOptions<'_>,
    budget: &Budget,
) -> Result<LayerEntries, String> {
    let mut buffered = BufReader::with_capacity(STORED_BUFFER, reader);
    let compression = sniff(buffered.fill_buf().map_err(|e| e.to_string())?)?;
    walk_decoded(decode(compression, buffered), compression, options, budget)
}

/// Walks one layer from a seekable reader of `size` stored bytes. A plain tar is
/// walked by seeking over the data of members whose content is not wanted, so only
/// headers and wanted files are read. A compressed layer is streamed as by
/// [`walk_layer`]; from [`DECODE_AHEAD_FROM`] stored bytes it is decompressed on a
/// thread of its own, ahead of the walk, so the tar walk does not add to the
/// decompression.
pub fn walk_layer_seekable<R: Read + Seek + Send>(
    mut reader: R,
    size: u64,
    options: &WalkOptions<'_>,
    budget: &Budget,
) -> Result<LayerEntries, String> {
    let mut magic = Vec::with_capacity(8);
    (&mut reader)
        .take(8)
        .read_to_end(&mut magic)
        .map_err(|e| e.to_string())?;
    reader.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    let compression = sniff(&magic)?;
    if compression != "tar" {
        if size < DECODE_AHEAD_FROM {
            return walk_layer(reader, options, budget);
        }
        return std::thread::scope(|scope| {
            let decoded = DecodeAhead::spawn(scope, compression, reader);
            walk_decoded(decoded, compression, options, budget)
        });
    }
    if size > options.limits.max_layer_bytes {
        return Err(format!(
            "decompressed size exceeds the limit of {} bytes",
            options.limits.max_layer_bytes
        ));
    }
    let mut out = LayerEntries {
        compression,
        ..LayerEntries::default()
    };
    let mut archive = tar::Archive::new(reader);
    let entries = archive.entries_with_seek().map_err(|e| e.to_string())?;
    walk_entries(entries, options, true, budget, &mut out)?;
    Ok(out)
}

/// The read buffer over a stored (compressed) stream.
const STORED_BUFFER: usize = 64 * 1024;
/// Stored layers from this size up are decompressed ahead of the walk on their own thread.
pub const DECODE_AHEAD_FROM: u64 = 1 << 20;
/// Decompressed bytes per message from the decompressing thread.
const DECODED_CHUNK: usize = 256 * 1024;
/// Chunks in flight (bounds the memory a layer's read-ahead takes: ~1.5 MiB).
const DECODED_IN_FLIGHT: usize = 4;

/// The decompressor of a stored stream.
fn decode<'r, B: BufRead + 'r>(compression: &str, stored: B) -> Box<dyn Read + 'r> {
    match compression {
        "tar+gzip" => Box::new(flate2::bufread::MultiGzDecoder::new(stored)),
        // Every frame, not only the first (`pzstd`, concatenated `.zst` files).
        "tar+zstd" => Box::new(crate::zstd::ZstdFrames::new(stored)),
        _ => Box::new(stored),
    }
}

/// The decompressed stream of a layer, produced by a thread of its own in
/// [`DECODED_CHUNK`] pieces over a bounded channel. Dropping it stops the thread.
struct DecodeAhead {
    chunks: mpsc::Receiver<Result<(Vec<u8>, usize), String>>,
    recycle: mpsc::Sender<Vec<u8>>,
    current: Vec<u8>,
    pos: usize,
    len: usize,
}

impl DecodeAhead {
    fn spawn<'scope, R: Read + Send + 'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        compression: &'static str,
        stored: R,
    ) -> DecodeAhead {
        let (tx, chunks) = mpsc::sync_channel(DECODED_IN_FLIGHT);
        let (recycle, recycled) = mpsc::channel::<Vec<u8>>();
        scope.spawn(move || {
            let mut decoder = decode(compression, BufReader::with_capacity(STORED_BUFFER, stored));
            loop {
                let mut buf = recycled
                    .try_recv()
                    .unwrap_or_else(|_| vec![0u8; DECODED_CHUNK]);
                let mut n = 0;
                while let Some(room) = buf.get_mut(n..).filter(|r| !r.is_empty()) {
                    match decoder.read(room) {
                        Ok(0) => break,
                        Ok(k) => n += k,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            let _ = tx.send(Err(e.to_string()));
                            return;
                        }
                    }
                }
                // The walk stopped (an error, or the end of the tar): so does the thread.
                if n == 0 || tx.send(Ok((buf, n))).is_err() || n < DECODED_CHUNK {
                    return;
                }
            }
        });
        DecodeAhead {
            chunks,
            recycle,
            current: Vec::new(),
            pos: 0,
            len: 0,
        }
    }
}

impl Read for DecodeAhead {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.len {
            match self.chunks.recv() {
                Ok(Ok((buf, len))) => {
                    let done = std::mem::replace(&mut self.current, buf);
                    if !done.is_empty() {
                        let _ = self.recycle.send(done);
                    }
                    self.pos = 0;
                    self.len = len;
                }
                Ok(Err(e)) => return Err(io::Error::other(e)),
                // The stream ended.
                Err(_) => return Ok(0),
            }
        }
        let available = self.current.get(self.pos..self.len).unwrap_or_default();
        let n = available.len().min(out.len());
        if let (Some(to), Some(from)) = (out.get_mut(..n), available.get(..n)) {
            to.copy_from_slice(from);
        }
        self.pos += n;
        Ok(n)
    }
}

/// Walks a decompressed layer stream.
fn walk_decoded<R: Read>(
    decoded: R,
    compression: &'static str,
    options: &WalkOptions<'_>,
    budget: &Budget,
) -> Result<LayerEntries, String> {
    let mut out = LayerEntries {
        compression,
        ..LayerEntries::default()
    };
    let hash = options.diff_id && compression != "tar";
    out.diff_id = walk_stream(decoded, options, budget, hash, &mut out)?;
    Ok(out)
}

/// The compression of a stored layer from its first bytes: `tar`, `tar+gzip` or `tar+zstd`.
pub(crate) fn sniff(magic: &[u8]) -> Result<&'static str, String> {
    if magic.starts_with(GZIP) {
        Ok("tar+gzip")
    } else if magic.starts_with(ZSTD) {
        Ok("tar+zstd")
    } else if magic.starts_with(b"BZh") || magic.starts_with(&[0xfd, b'7', b'z', b'X', b'Z']) {
        Err("bzip2 and xz layers are not supported".into())
    } else {
        Ok("tar")
    }
}

/// Walks the decompressed tar stream; returns its `sha256:<hex>` (the diff_id) when
/// `hash` is set.
fn walk_stream<R: Read>(
    decoder: R,
    options: &WalkOptions<'_>,
    budget: &Budget,
    hash: bool,
    out: &mut LayerEntries,
) -> Result<Option<String>, String> {
    let mut plain = Meter {
        inner: decoder,
        hash: hash.then(BackgroundHash::new),
        count: 0,
        limit: options.limits.max_layer_bytes,
    };
    {
        let mut archive = tar::Archive::new(&mut plain);
        let entries = archive.entries().map_err(|e| e.to_string())?;
        walk_entries(entries, options, false, budget, out)?;
    }
    if plain.hash.is_none() {
        return Ok(None);
    }
    // Hash what follows the end-of-archive blocks too, so the diff_id covers the whole stream.
    io::copy(&mut plain, &mut io::sink()).map_err(|e| e.to_string())?;
    let Meter { hash, inner, .. } = plain;
    drop(inner);
    hash.map(BackgroundHash::finish).transpose()
}

/// Walks the members of a layer tar. `seekable`: the data of a member can be read later
/// at its offset, so files to defer are recorded instead of read.
fn walk_entries<R: Read>(
    entries: tar::Entries<'_, R>,
    options: &WalkOptions<'_>,
    seekable: bool,
    budget: &Budget,
    out: &mut LayerEntries,
) -> Result<(), String> {
    let (wanted, limits) = (options.wanted, options.limits);
    let mut clamped = 0usize;
    let mut skipped_big = 0usize;
    for item in entries {
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
        // A sparse member's stored data is not the file: it is never deferred.
        let sparse = header.entry_type() == tar::EntryType::GNUSparse;
        let defer = kind == EntryKind::File && options.defer.is_some_and(|d| d(&path, size));
        if defer && seekable && !sparse {
            out.deferred
                .push((path.clone(), entry.raw_file_position(), size));
        } else if kind == EntryKind::File && (defer || wanted(&path, size)) {
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
    let size = bytes.len() as u64;
    let options = WalkOptions {
        wanted: &|_, _| true,
        defer: None,
        limits: &limits,
        diff_id: true,
    };
    let entries = walk_layer_seekable(io::Cursor::new(bytes), size, &options, &budget)?;
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

    fn all(limits: &Limits, diff_id: bool) -> WalkOptions<'_> {
        WalkOptions {
            wanted: &|_, _| true,
            defer: None,
            limits,
            diff_id,
        }
    }

    #[test]
    fn a_compressed_layer_gets_its_diff_id_only_when_asked() {
        let tar = layer_tar(&noise(5 << 20));
        let limits = Limits::default();
        for (name, stored) in [
            ("gzip", {
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                gz.write_all(&tar).expect("gzip");
                gz.finish().expect("gzip")
            }),
            ("plain", tar.clone()),
        ] {
            for asked in [false, true] {
                let walked =
                    walk_layer(stored.as_slice(), &all(&limits, asked), &Budget::default())
                        .expect(name);
                assert_eq!(walked.entries.len(), 1, "{name}");
                // A plain layer's diff_id is its stored digest: the caller computes it.
                let want = (asked && name == "gzip").then(|| sha(&tar));
                assert_eq!(walked.diff_id, want, "{name}, asked {asked}");
            }
        }
    }

    /// A seekable reader that counts the bytes handed out, to show what the walk skips.
    struct CountingCursor {
        inner: io::Cursor<Vec<u8>>,
        read: u64,
    }

    impl Read for CountingCursor {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read += n as u64;
            Ok(n)
        }
    }

    impl Seek for CountingCursor {
        fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
            self.inner.seek(pos)
        }
    }

    #[test]
    fn a_plain_layer_is_walked_by_seeking_over_unwanted_data() {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, content) in [
            ("big/blob", noise(3 << 20)),
            ("etc/wanted", b"kept content".to_vec()),
            ("big/other", noise(1 << 20)),
        ] {
            let mut header = tar::Header::new_gnu();
            header.set_size(content.len() as u64);
            header.set_mode(0o644);
            header.set_entry_type(tar::EntryType::Regular);
            builder
                .append_data(&mut header, path, content.as_slice())
                .expect("append");
        }
        let tar = builder.into_inner().expect("tar");
        let size = tar.len() as u64;
        let mut reader = CountingCursor {
            inner: io::Cursor::new(tar),
            read: 0,
        };
        let wanted = |p: &str, _: u64| p == "/etc/wanted";
        let limits = Limits::default();
        let options = WalkOptions {
            wanted: &wanted,
            defer: None,
            limits: &limits,
            diff_id: true,
        };
        let walked = walk_layer_seekable(&mut reader, size, &options, &Budget::default())
            .expect("plain layer");
        let paths: Vec<(&str, u64, bool)> = walked
            .entries
            .iter()
            .map(|e| (e.path.as_str(), e.entry.size, e.entry.content.is_some()))
            .collect();
        assert_eq!(
            paths,
            [
                ("/big/blob", 3 << 20, false),
                ("/etc/wanted", 12, true),
                ("/big/other", 1 << 20, false)
            ]
        );
        assert_eq!(walked.compression, "tar");
        assert!(
            reader.read < 64 * 1024,
            "read {} of {size} bytes: the unwanted data is skipped",
            reader.read
        );
        // Declared larger than the stream: a truncated layer is an error, not an early end.
        let mut cut = io::Cursor::new(reader.inner.into_inner());
        cut.get_mut().truncate(2 << 20);
        let truncated = RegionLike(cut);
        let err = walk_layer_seekable(truncated, 2 << 20, &options, &Budget::default())
            .expect_err("truncated layer");
        assert!(
            err.contains("truncated")
                || err.contains("unexpected EOF")
                || err.contains("failed to"),
            "{err}"
        );
    }

    /// A cursor that refuses to seek past its end, as the store's region readers do.
    struct RegionLike(io::Cursor<Vec<u8>>);

    impl Read for RegionLike {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.0.read(buf)
        }
    }

    impl Seek for RegionLike {
        fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
            let end = self.0.get_ref().len() as u64;
            let at = self.0.seek(pos)?;
            if at > end {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "truncated"));
            }
            Ok(at)
        }
    }
}
