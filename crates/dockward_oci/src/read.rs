//! Reading docker-save archives and OCI layouts.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;

use serde_json::Value;

use crate::config::{ImageConfig, Platform};
use crate::error::OciError;
use sha2::{Digest, Sha256};

use crate::store::{Region, Store, blob_path};
use crate::tree::FileTree;
use crate::walk::{
    Budget, LayerEntries, WalkOptions, apply_layer, sha256_hex, sniff, walk_layer_seekable,
};
use crate::{Deferred, Image, LayerInfo, ReadOptions, Verify};

/// A layer to read.
struct Job {
    name: String,
    digest: Option<String>,
    media_type: Option<String>,
}

pub(crate) fn docker(
    store: &Store,
    path: &Path,
    options: &ReadOptions<'_>,
) -> Result<Image, OciError> {
    let (manifest, _) = store.json("manifest.json", options.limits.max_json)?;
    let list = manifest
        .as_array()
        .ok_or_else(|| OciError::json("manifest.json", "not an array"))?;
    let first = list
        .first()
        .ok_or_else(|| OciError::json("manifest.json", "no image"))?;
    let mut warnings = Vec::new();
    if list.len() > 1 {
        warnings.push(format!(
            "the archive holds {} images; reading the first",
            list.len()
        ));
    }
    let config_name = first
        .get("Config")
        .and_then(Value::as_str)
        .ok_or_else(|| OciError::json("manifest.json", "no Config"))?;
    let (raw, id) = store.json(config_name, options.limits.max_json)?;
    let mut config = ImageConfig::from_json(raw);
    config.id = Some(id);
    config.repo_tags = first
        .get("RepoTags")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let layers = first
        .get("Layers")
        .and_then(Value::as_array)
        .ok_or_else(|| OciError::json("manifest.json", "no Layers"))?;
    let jobs = layers
        .iter()
        .map(|l| {
            let name = l
                .as_str()
                .ok_or_else(|| OciError::json("manifest.json", "a layer is not a string"))?;
            let digest = name
                .strip_prefix("blobs/sha256/")
                .map(|h| format!("sha256:{h}"));
            Ok(Job {
                name: name.to_owned(),
                digest,
                media_type: None,
            })
        })
        .collect::<Result<Vec<_>, OciError>>()?;
    finish(
        store,
        path.display().to_string(),
        config,
        &jobs,
        warnings,
        options,
    )
}

/// The manifest descriptors reachable from an index, with their platforms.
fn manifests(
    store: &Store,
    index: &Value,
    depth: usize,
    options: &ReadOptions<'_>,
    out: &mut Vec<(Value, Option<Platform>)>,
) -> Result<(), OciError> {
    let list = index
        .get("manifests")
        .and_then(Value::as_array)
        .ok_or_else(|| OciError::json("index", "no manifests"))?;
    for d in list {
        let media = d
            .get("mediaType")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if media.contains("index") || media.contains("manifest.list") {
            if depth >= 4 {
                return Err(OciError::json("index", "indexes nested too deep"));
            }
            let digest = d.get("digest").and_then(Value::as_str).unwrap_or_default();
            let (nested, _) = store.json(&blob_path(digest)?, options.limits.max_json)?;
            manifests(store, &nested, depth + 1, options, out)?;
        } else {
            out.push((d.clone(), d.get("platform").and_then(Platform::from_json)));
        }
    }
    Ok(())
}

pub(crate) fn oci(
    store: &Store,
    path: &Path,
    options: &ReadOptions<'_>,
) -> Result<Image, OciError> {
    let (index, _) = store.json("index.json", options.limits.max_json)?;
    let mut found = Vec::new();
    manifests(store, &index, 0, options, &mut found)?;
    // Attestation manifests carry platform unknown/unknown.
    found.retain(|(_, p)| p.as_ref().is_none_or(|p| p.os != "unknown"));
    let wanted = options.platform.clone().unwrap_or_else(Platform::host);
    let mut source = path.display().to_string();
    let chosen = if found.len() == 1 {
        found.first()
    } else {
        let hit = found
            .iter()
            .find(|(_, p)| p.as_ref().is_some_and(|p| wanted.matches(p)));
        if hit.is_some() {
            source = format!("{source} ({wanted})");
        }
        hit
    };
    let Some((desc, _)) = chosen else {
        let available: Vec<String> = found
            .iter()
            .map(|(_, p)| {
                p.as_ref()
                    .map_or_else(|| "unspecified".to_owned(), ToString::to_string)
            })
            .collect();
        return Err(OciError::Platform {
            wanted: wanted.to_string(),
            available: available.join(", "),
        });
    };
    let mut warnings = Vec::new();
    let digest = desc
        .get("digest")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (manifest, actual) = store.json(&blob_path(digest)?, options.limits.max_json)?;
    if actual != digest {
        warnings.push(format!("manifest {digest}: content digest is {actual}"));
    }
    let config_digest = manifest
        .get("config")
        .and_then(|c| c.get("digest"))
        .and_then(Value::as_str)
        .ok_or_else(|| OciError::json("manifest", "no config digest"))?;
    let (raw, actual) = store.json(&blob_path(config_digest)?, options.limits.max_json)?;
    if actual != config_digest {
        warnings.push(format!(
            "config {config_digest}: content digest is {actual}"
        ));
    }
    let mut config = ImageConfig::from_json(raw);
    config.id = Some(config_digest.to_owned());
    let annotations = desc.get("annotations");
    for key in [
        "io.containerd.image.name",
        "org.opencontainers.image.ref.name",
    ] {
        if let Some(name) = annotations.and_then(|a| a.get(key)).and_then(Value::as_str) {
            config.repo_tags.push(name.to_owned());
        }
    }
    let layers = manifest
        .get("layers")
        .and_then(Value::as_array)
        .ok_or_else(|| OciError::json("manifest", "no layers"))?;
    let jobs = layers
        .iter()
        .map(|l| {
            let digest = l.get("digest").and_then(Value::as_str).unwrap_or_default();
            Ok(Job {
                name: blob_path(digest)?,
                digest: Some(digest.to_owned()),
                media_type: l
                    .get("mediaType")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            })
        })
        .collect::<Result<Vec<_>, OciError>>()?;
    finish(store, source, config, &jobs, warnings, options)
}

fn finish(
    store: &Store,
    source: String,
    config: ImageConfig,
    jobs: &[Job],
    mut warnings: Vec<String>,
    options: &ReadOptions<'_>,
) -> Result<Image, OciError> {
    if jobs.len() > options.limits.max_layers {
        return Err(OciError::Limit(format!(
            "{} layers, over the limit of {}",
            jobs.len(),
            options.limits.max_layers
        )));
    }
    let diff_ids = config.diff_ids();
    let WalkedAll {
        tree: files,
        walked,
        kept,
        regions,
    } = walk_all(store, jobs, &diff_ids, options)?;
    let mut deferred = Vec::new();
    let history = config.layer_history();
    let mut layers = Vec::with_capacity(jobs.len());
    for (i, (job, walked)) in jobs.iter().zip(walked).enumerate() {
        let Walked {
            size,
            stored,
            entries,
        } = walked;
        let claimed = diff_ids.get(i);
        let mismatch = |what: &'static str, expected: &String, actual: &String| OciError::Digest {
            index: i,
            name: job.name.clone(),
            what,
            expected: expected.clone(),
            actual: actual.clone(),
        };
        if let (Some(expected), Some(actual)) = (&job.digest, &stored)
            && expected != actual
        {
            return Err(mismatch("blob digest", expected, actual));
        }
        // A plain layer's stored bytes are its tar: their digest is its diff_id.
        let computed = if entries.compression == "tar" {
            stored.clone()
        } else {
            entries.diff_id.clone()
        };
        if let (Some(expected), Some(actual)) = (claimed, &computed)
            && expected != actual
        {
            return Err(mismatch("diff_id", expected, actual));
        }
        let plain_diff_id = claimed.filter(|_| entries.compression == "tar");
        warnings.extend(entries.warnings.iter().map(|w| format!("layer {i}: {w}")));
        deferred.extend(
            entries
                .deferred
                .into_iter()
                .map(|(path, offset, size)| Deferred {
                    path,
                    layer: i,
                    offset,
                    size,
                }),
        );
        layers.push(LayerInfo {
            digest: job
                .digest
                .clone()
                .or(stored)
                .or_else(|| plain_diff_id.cloned())
                .unwrap_or_default(),
            diff_id: claimed.cloned().or(computed),
            media_type: job.media_type.clone().unwrap_or_else(|| {
                format!("application/vnd.oci.image.layer.v1.{}", entries.compression)
            }),
            size,
            created_by: history.get(i).cloned().flatten(),
        });
    }
    if !diff_ids.is_empty() && diff_ids.len() != jobs.len() {
        warnings.push(format!(
            "the config lists {} diff_ids for {} layers",
            diff_ids.len(),
            jobs.len()
        ));
    }
    Ok(Image {
        source,
        config,
        layers,
        files,
        warnings,
        deferred,
        stored: jobs.iter().map(|j| j.name.clone()).zip(regions).collect(),
        kept,
        limits: options.limits.clone(),
    })
}

/// What is left of a walked layer once applied.
struct Walked {
    /// The stored size.
    size: u64,
    /// `sha256:<hex>` of the stored bytes, when they were hashed.
    stored: Option<String>,
    /// The entries list emptied of entries (compression, diff_id, warnings).
    entries: LayerEntries,
}

/// The layers of an image, walked and applied.
struct WalkedAll {
    tree: FileTree,
    walked: Vec<Walked>,
    /// Content bytes kept.
    kept: u64,
    /// Each layer's stored bytes.
    regions: Vec<Region>,
}

/// Bytes per read when hashing a stored layer.
const VERIFY_CHUNK: usize = 1 << 20;

/// Walks every layer on worker threads and applies them in order as they come in.
///
/// A plain layer's walk seeks over the data it does not need. The stored bytes of the
/// layers to verify (and of those nothing names) are hashed beside the walkers, by as
/// many verifier threads, biggest first, with positioned reads of the same file.
fn walk_all(
    store: &Store,
    jobs: &[Job],
    diff_ids: &[String],
    options: &ReadOptions<'_>,
) -> Result<WalkedAll, OciError> {
    let regions = jobs
        .iter()
        .map(|job| store.region(&job.name))
        .collect::<Result<Vec<Region>, OciError>>()?;
    let compressed: Vec<bool> = regions
        .iter()
        .map(|r| {
            let mut magic = [0u8; 8];
            let n = r.read_at(0, &mut magic).unwrap_or(0);
            magic
                .get(..n)
                .is_some_and(|m| sniff(m).is_ok_and(|c| c != "tar"))
        })
        .collect();
    let budget = Budget::default();
    let meter = options.progress.map(|report| Meter {
        report,
        bytes_total: regions.iter().map(Region::size).sum(),
        positions: jobs.iter().map(|_| AtomicU64::new(0)).collect(),
        layers_done: AtomicUsize::new(0),
    });
    if let Some(meter) = &meter {
        meter.send();
    }
    let verify = options.verify == Verify::Layers;
    // Which stored streams to hash: all when verifying; else only those nothing names
    // (a legacy docker-save layer is named by its config diff_id only if it is plain).
    let hashed: Vec<bool> = jobs
        .iter()
        .zip(&compressed)
        .enumerate()
        .map(|(i, (job, &compressed))| {
            verify || (job.digest.is_none() && (compressed || diff_ids.get(i).is_none()))
        })
        .collect();
    let mut by_size: Vec<usize> = (0..jobs.len())
        .filter(|&i| hashed.get(i).copied().unwrap_or(false))
        .collect();
    by_size.sort_by_key(|&i| std::cmp::Reverse(regions.get(i).map_or(0, Region::size)));
    let walk = WalkOptions {
        wanted: options.wanted,
        defer: options.defer,
        limits: &options.limits,
        diff_id: verify,
    };
    let next = AtomicUsize::new(0);
    let next_verify = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(jobs.len())
        .max(1);
    let (tx, rx) = mpsc::channel::<(usize, Result<(u64, LayerEntries), OciError>)>();
    let (vtx, vrx) = mpsc::channel::<(usize, Result<String, OciError>)>();
    let mut tree = FileTree::new();
    let mut applied: Vec<(u64, LayerEntries)> = Vec::with_capacity(jobs.len());
    let mut first_error: Option<OciError> = None;
    let layer_error = |index: usize, reason: String| OciError::Layer {
        index,
        name: jobs.get(index).map(|j| j.name.clone()).unwrap_or_default(),
        reason,
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let vtx = vtx.clone();
            let (next_verify, stop, meter) = (&next_verify, &stop, meter.as_ref());
            let (regions, by_size, layer_error) = (&regions, &by_size, &layer_error);
            scope.spawn(move || {
                let mut buf = vec![0u8; VERIFY_CHUNK];
                loop {
                    let k = next_verify.fetch_add(1, Ordering::Relaxed);
                    let Some((&i, region)) = by_size
                        .get(k)
                        .and_then(|&i| Some((by_size.get(k)?, regions.get(i)?)))
                    else {
                        break;
                    };
                    let result = match hash_region(region, &mut buf, stop, meter.map(|m| (m, i))) {
                        // Another layer failed: its error is the one to report.
                        Err(reason) if reason == STOPPED => break,
                        other => other.map_err(|reason| layer_error(i, reason)),
                    };
                    if result.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    if vtx.send((i, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(vtx);
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop, budget, meter) = (&next, &stop, &budget, meter.as_ref());
            let (regions, layer_error, walk) = (&regions, &layer_error, &walk);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(region) = regions.get(i) else { break };
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let reader = Counting {
                        inner: region.reader(),
                        meter,
                        layer: i,
                        pos: 0,
                        reported: 0,
                    };
                    let result = walk_layer_seekable(reader, region.size(), walk, budget)
                        .map(|e| (region.size(), e))
                        .map_err(|reason| layer_error(i, reason));
                    if result.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    if tx.send((i, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut keep_first = |e: OciError, i: usize| {
            stop.store(true, Ordering::Relaxed);
            // Keep the error of the lowest layer for a stable message.
            if first_error
                .as_ref()
                .is_none_or(|f| matches!(f, OciError::Layer { index, .. } if *index > i))
            {
                first_error = Some(e);
            }
        };
        let mut pending: BTreeMap<usize, (u64, LayerEntries)> = BTreeMap::new();
        for (i, result) in rx {
            match result {
                Ok(w) => {
                    pending.insert(i, w);
                }
                Err(e) => keep_first(e, i),
            }
            while let Some((size, mut entries)) = pending.remove(&applied.len()) {
                let layer = applied.len();
                let list = std::mem::take(&mut entries.entries);
                apply_layer(
                    &mut tree,
                    layer,
                    LayerEntries {
                        entries: list,
                        ..take_marks(&mut entries)
                    },
                );
                applied.push((size, entries));
                if let Some(meter) = &meter {
                    meter.layers_done.store(applied.len(), Ordering::Relaxed);
                    meter.advance(layer, size);
                }
            }
        }
        let mut stored: Vec<Option<String>> = vec![None; jobs.len()];
        for (i, result) in vrx {
            match result {
                Ok(digest) => {
                    if let Some(slot) = stored.get_mut(i) {
                        *slot = Some(digest);
                    }
                }
                Err(e) => keep_first(e, i),
            }
        }
        if first_error.is_none() {
            let done = std::mem::take(&mut applied);
            let walked = done
                .into_iter()
                .zip(stored)
                .map(|((size, entries), stored)| Walked {
                    size,
                    stored,
                    entries,
                })
                .collect();
            return Ok(WalkedAll {
                tree,
                walked,
                kept: budget.kept.load(Ordering::Relaxed),
                regions: regions.clone(),
            });
        }
        Err(())
    })
    .map_err(|()| first_error.unwrap_or_else(|| OciError::Limit("reading stopped".into())))
}

/// Regions up to this size are read and hashed on one thread; bigger ones are read
/// on a second thread while the first hashes, so the copy out of the page cache does
/// not add to the hashing.
const PIPELINE_FROM: u64 = 8 << 20;

/// What [`hash_region`] returns when it stopped because another layer failed.
const STOPPED: &str = "stopped";

/// Buffers in flight between the reading and the hashing thread.
const PIPELINE_BUFFERS: usize = 3;

/// `sha256:<hex>` of a region's bytes, read in chunks; stops early when `stop` is set.
fn hash_region(
    region: &Region,
    buf: &mut [u8],
    stop: &AtomicBool,
    meter: Option<(&Meter<'_>, usize)>,
) -> Result<String, String> {
    let size = region.size();
    let truncated = |at: u64| format!("truncated: {at} of {size} stored bytes");
    let mut hash = Sha256::new();
    let mut done = 0u64;
    let mut count = |n: usize| {
        done += n as u64;
        if let Some((meter, layer)) = meter {
            meter.advance(layer, done);
        }
    };
    if size < PIPELINE_FROM {
        let mut at = 0u64;
        while at < size {
            if stop.load(Ordering::Relaxed) {
                return Err(STOPPED.into());
            }
            let n = region.read_at(at, buf).map_err(|e| e.to_string())?;
            let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
                return Err(truncated(at));
            };
            hash.update(chunk);
            at += n as u64;
            count(n);
        }
        return Ok(sha256_hex(&hash.finalize()));
    }
    let (full_tx, full_rx) = mpsc::sync_channel::<(Vec<u8>, usize)>(PIPELINE_BUFFERS);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
    for _ in 0..PIPELINE_BUFFERS {
        let _ = empty_tx.send(vec![0u8; buf.len()]);
    }
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || -> Result<(), String> {
            let mut at = 0u64;
            while at < size {
                if stop.load(Ordering::Relaxed) {
                    return Err(STOPPED.into());
                }
                // The hashing side hung up: it failed or stopped.
                let Ok(mut chunk) = empty_rx.recv() else {
                    return Ok(());
                };
                let n = region.read_at(at, &mut chunk).map_err(|e| e.to_string())?;
                if n == 0 {
                    return Err(truncated(at));
                }
                at += n as u64;
                if full_tx.send((chunk, n)).is_err() {
                    return Ok(());
                }
            }
            Ok(())
        });
        for (chunk, n) in full_rx {
            if let Some(data) = chunk.get(..n) {
                hash.update(data);
            }
            count(n);
            let _ = empty_tx.send(chunk);
        }
        reader
            .join()
            .map_err(|_| "the reading thread failed".to_owned())?
    })?;
    Ok(sha256_hex(&hash.finalize()))
}

/// Progress shared by the reading threads: how far into each layer's stored bytes the
/// walk or the digest check has come, whichever is further.
struct Meter<'a> {
    report: crate::Progress<'a>,
    bytes_total: u64,
    positions: Vec<AtomicU64>,
    layers_done: AtomicUsize,
}

impl Meter<'_> {
    /// Records that `layer` has been read up to `pos` and reports.
    fn advance(&self, layer: usize, pos: u64) {
        if let Some(p) = self.positions.get(layer) {
            p.fetch_max(pos, Ordering::Relaxed);
        }
        self.send();
    }

    fn send(&self) {
        let read: u64 = self
            .positions
            .iter()
            .map(|p| p.load(Ordering::Relaxed))
            .sum();
        (self.report)(crate::ReadProgress {
            layers_done: self.layers_done.load(Ordering::Relaxed),
            layers: self.positions.len(),
            bytes_read: read.min(self.bytes_total),
            bytes_total: self.bytes_total,
        });
    }
}

/// A layer's stored stream, reporting how far into it the walk is to the [`Meter`]
/// (a seek over unwanted data counts as reaching its end).
struct Counting<'a, R> {
    inner: R,
    meter: Option<&'a Meter<'a>>,
    layer: usize,
    /// The position in the stream.
    pos: u64,
    /// The position last reported.
    reported: u64,
}

/// Bytes between two progress reports of one layer.
const REPORT_EVERY: u64 = 1 << 20;

impl<R> Counting<'_, R> {
    fn moved(&mut self) {
        if let Some(meter) = self.meter
            && self.pos >= self.reported + REPORT_EVERY
        {
            self.reported = self.pos;
            meter.advance(self.layer, self.pos);
        }
    }
}

impl<R> Drop for Counting<'_, R> {
    fn drop(&mut self) {
        if let Some(meter) = self.meter
            && self.pos > self.reported
        {
            meter.advance(self.layer, self.pos);
        }
    }
}

impl<R: std::io::Seek> std::io::Seek for Counting<'_, R> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.pos = self.inner.seek(pos)?;
        self.moved();
        Ok(self.pos)
    }
}

impl<R: std::io::Read> std::io::Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        self.moved();
        Ok(n)
    }
}

fn take_marks(entries: &mut LayerEntries) -> LayerEntries {
    LayerEntries {
        whiteouts: std::mem::take(&mut entries.whiteouts),
        opaque: std::mem::take(&mut entries.opaque),
        ..LayerEntries::default()
    }
}
