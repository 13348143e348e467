//! Image reading: every source (docker-save archive, OCI layout, daemon export,
//! root filesystem directory) becomes one [`tree::FileTree`], the merged view of
//! the image's layers after whiteouts, holding the content of only the files a
//! caller asked for.
//!
//! Formats: a `docker save` tar (legacy `manifest.json` + `<id>/layer.tar`,
//! including the Engine ≥ 25 variant whose layers are `blobs/sha256/*`), an OCI
//! image layout as a directory or a tar (`index.json`, nested indexes resolved
//! by platform), and a root filesystem directory. A daemon image is exported by
//! the caller (`GET /images/{name}/get` into a cache file) and read as a
//! [`Source::DockerArchive`].
//!
//! Layers are streamed, never unpacked: plain, gzip (every member) or zstd
//! (every frame, skippable frames skipped: [`zstd::ZstdFrames`]) tar, sniffed by
//! magic bytes. They are walked in parallel (one thread per core) and applied
//! in order (see [`walk::apply_layer`]). Nothing is written to disk.
//!
//! Hostile input, and what happens:
//! * `..` climbing above the root and absolute member names: clamped to the
//!   image root (`../../etc/passwd` → `/etc/passwd`), with a warning.
//! * Symlinks are stored, never followed while reading; [`tree::FileTree::resolve`]
//!   follows them inside the tree only, 40 hops at most (loops → `None`).
//! * Decompression bombs: streaming keeps memory flat; a layer whose
//!   decompressed stream exceeds [`Limits::max_layer_bytes`] is an error. There
//!   is no ratio limit: highly compressible layers (zeros, sparse files) are
//!   legitimate, and streaming costs only time.
//! * Kept content is capped per file and per image; entries and layers are
//!   counted. Truncated or corrupt layers are errors naming the layer.

pub mod config;
pub mod error;
pub mod path;
mod read;
mod rootfs;
pub mod store;
pub mod tree;
pub mod walk;
pub mod zstd;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use config::{HistoryEntry, ImageConfig, Platform};
pub use error::OciError;
pub use tree::{EntryKind, FileEntry, FileTree, RemovedFile};

/// Bounds against hostile or huge images. The defaults keep a read under
/// 256 MiB of memory: at most 192 MiB of kept content plus the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The most layers an image may have.
    pub max_layers: usize,
    /// The most entries (all layers together, whiteouts included).
    pub max_entries: usize,
    /// Wanted files larger than this are not read (a warning says so).
    pub max_kept_file: u64,
    /// The most content bytes kept for the whole image; later wanted files are skipped with a warning.
    pub max_kept_total: u64,
    /// The largest manifest, index or config document.
    pub max_json: u64,
    /// The largest decompressed stream of one layer.
    pub max_layer_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_layers: 1000,
            max_entries: 1_000_000,
            max_kept_file: 64 << 20,
            max_kept_total: 192 << 20,
            max_json: 8 << 20,
            max_layer_bytes: 64 << 30,
        }
    }
}

/// How to read an image.
pub struct ReadOptions<'a> {
    /// Which regular files' content to keep: `(normalized path, size) -> keep?`.
    pub wanted: walk::Wanted<'a>,
    /// The platform to pick from a multi-platform index; `None` = [`Platform::host`].
    pub platform: Option<Platform>,
    /// Bounds.
    pub limits: Limits,
    /// Called while the layers are read (from the reading threads), so a
    /// caller can show progress; `None` for no reports.
    pub progress: Option<Progress<'a>>,
    /// Whether layer content is checked against its digests.
    pub verify: Verify,
    /// Regular files whose content is read only on request ([`Image::load_deferred`]):
    /// in a plain layer their place is recorded instead. In a compressed layer, and in
    /// a root filesystem directory, they are read as if wanted.
    pub defer: Option<walk::Wanted<'a>>,
}

/// Whether layer content is checked against the digests that name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verify {
    /// Layers are not hashed: their digests and diff_ids are reported as the manifest
    /// and config state them, as Trivy, Syft and Grype do (`docker load` and containerd
    /// check them when they unpack). A layer that nothing names is hashed to name it.
    #[default]
    Off,
    /// Every layer's stored bytes against its blob digest (for a plain layer, the
    /// config's diff_id) and every compressed layer's tar against the config's diff_id.
    /// A mismatch fails the read ([`OciError::Digest`]). Costs one SHA-256 pass over the
    /// stored image, on threads beside the walk, plus one over each compressed layer's
    /// decompressed size.
    Layers,
}

/// Where the reading of an image's layers stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadProgress {
    /// Layers read and applied.
    pub layers_done: usize,
    /// Layers to read.
    pub layers: usize,
    /// Stored (compressed) bytes of the layers consumed so far.
    pub bytes_read: u64,
    /// Stored bytes of all the layers.
    pub bytes_total: u64,
}

/// A progress callback: called with the state after each MiB read and after
/// each layer applied, from any of the reading threads. It must be cheap;
/// throttling the display is the caller's business.
pub type Progress<'a> = &'a (dyn Fn(ReadProgress) + Sync);

impl std::fmt::Debug for ReadOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadOptions")
            .field("platform", &self.platform)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// One layer of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerInfo {
    /// The blob digest: as the manifest names it (a legacy docker-save layer: its
    /// diff_id if plain, else its computed sha256); checked with [`Verify::Layers`].
    pub digest: String,
    /// The sha256 of the decompressed tar, as the config states it; checked with
    /// [`Verify::Layers`].
    pub diff_id: Option<String>,
    /// The descriptor's media type, or one derived from the sniffed compression.
    pub media_type: String,
    /// The stored (compressed) size.
    pub size: u64,
    /// The `created_by` of the history step that made it.
    pub created_by: Option<String>,
}

/// A read image.
#[derive(Debug, Clone)]
pub struct Image {
    /// What was read (the path, and the platform for an index).
    pub source: String,
    /// The config.
    pub config: ImageConfig,
    /// The layers, base first.
    pub layers: Vec<LayerInfo>,
    /// The merged file tree.
    pub files: FileTree,
    /// Problems that did not stop the read.
    pub warnings: Vec<String>,
    /// Files whose content was left in their plain layer ([`ReadOptions::defer`]).
    deferred: Vec<Deferred>,
    /// Each layer's name and stored bytes (not for a root filesystem directory).
    stored: Vec<(String, store::Region)>,
    /// Content bytes kept so far.
    kept: u64,
    /// The bounds of the read, for content loaded later.
    limits: Limits,
}

/// A file whose content was not read with its layer.
#[derive(Debug, Clone)]
struct Deferred {
    path: String,
    layer: usize,
    /// Where its data starts in the layer's plain tar.
    offset: u64,
    size: u64,
}

impl Image {
    /// Reads the content of the files deferred by [`ReadOptions::defer`] for which
    /// `keep(path, size)` holds and that are still in the merged tree as their layer
    /// wrote them, within the read's content budget (a file past it gets a warning).
    /// Returns how many files were read.
    ///
    /// This is how a caller reads only what it still needs once it knows more than the
    /// walk did: the package catalogers read the executables that no OS package owns.
    pub fn load_deferred(&mut self, keep: &dyn Fn(&str, u64) -> bool) -> Result<usize, OciError> {
        let mut loaded = 0;
        for d in std::mem::take(&mut self.deferred) {
            let current = self.files.get(&d.path).is_some_and(|e| {
                e.kind == EntryKind::File
                    && e.layer == d.layer
                    && e.size == d.size
                    && e.content.is_none()
            });
            if !current || !keep(&d.path, d.size) {
                continue;
            }
            if d.size > self.limits.max_kept_file {
                self.warnings.push(format!(
                    "{}: {} bytes, over the {} byte limit; content not read",
                    d.path, d.size, self.limits.max_kept_file
                ));
                continue;
            }
            if self.kept.saturating_add(d.size) > self.limits.max_kept_total {
                self.warnings.push(format!(
                    "{}: content not read, the image's kept-content budget is spent",
                    d.path
                ));
                continue;
            }
            let Some((name, region)) = self.stored.get(d.layer) else {
                continue;
            };
            let layer_error = |reason: String| OciError::Layer {
                index: d.layer,
                name: name.clone(),
                reason,
            };
            let len = usize::try_from(d.size).map_err(|_| layer_error("file too large".into()))?;
            let mut buf = vec![0u8; len];
            let mut at = 0usize;
            while let Some(rest) = buf.get_mut(at..).filter(|r| !r.is_empty()) {
                let n = region
                    .read_at(d.offset + at as u64, rest)
                    .map_err(|e| layer_error(format!("{}: {e}", d.path)))?;
                if n == 0 {
                    return Err(layer_error(format!(
                        "{}: truncated ({at} of {} bytes)",
                        d.path, d.size
                    )));
                }
                at += n;
            }
            self.kept += d.size;
            if let Some(mut entry) = self.files.get(&d.path).cloned() {
                entry.content = Some(Arc::from(buf));
                self.files.insert(d.path.clone(), entry);
                loaded += 1;
            }
        }
        Ok(loaded)
    }
}

/// Where an image comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A `docker save` tar (also what the Engine API's image export returns).
    DockerArchive(PathBuf),
    /// An OCI image layout, a directory or a tar.
    OciLayout(PathBuf),
    /// A root filesystem directory.
    Rootfs(PathBuf),
}

/// Tells what `path` is: a directory with `index.json` and `oci-layout` is an OCI
/// layout, any other directory a root filesystem; a tar with `manifest.json` is a
/// docker-save archive, a tar with `index.json` or `oci-layout` an OCI layout.
pub fn detect(path: &Path) -> Result<Source, OciError> {
    let meta = std::fs::metadata(path).map_err(|e| OciError::io(path, e))?;
    if meta.is_dir() {
        if path.join("index.json").is_file() && path.join("oci-layout").is_file() {
            return Ok(Source::OciLayout(path.to_owned()));
        }
        return Ok(Source::Rootfs(path.to_owned()));
    }
    let store = store::Store::index_tar(path)?;
    if store.has("manifest.json") {
        Ok(Source::DockerArchive(path.to_owned()))
    } else if store.has("index.json") || store.has("oci-layout") {
        Ok(Source::OciLayout(path.to_owned()))
    } else {
        Err(OciError::NotAnImage {
            path: path.to_owned(),
            reason: "a tar without manifest.json, index.json or oci-layout".into(),
        })
    }
}

/// Reads an image.
pub fn read(source: &Source, options: &ReadOptions<'_>) -> Result<Image, OciError> {
    match source {
        Source::DockerArchive(path) => {
            let store = store::Store::index_tar(path)?;
            if store.has("manifest.json") {
                read::docker(&store, path, options)
            } else {
                read::oci(&store, path, options)
            }
        }
        Source::OciLayout(path) => {
            let store = if path.is_dir() {
                store::Store::dir(path)?
            } else {
                store::Store::index_tar(path)?
            };
            if !store.has("index.json") && store.has("manifest.json") {
                read::docker(&store, path, options)
            } else {
                read::oci(&store, path, options)
            }
        }
        Source::Rootfs(path) => rootfs::read(path, options),
    }
}

/// Reads a docker-save archive file: the daemon export path (write
/// `GET /images/{name}/get` to a cache file, then call this).
pub fn read_docker_archive(path: &Path, options: &ReadOptions<'_>) -> Result<Image, OciError> {
    read(&Source::DockerArchive(path.to_owned()), options)
}
