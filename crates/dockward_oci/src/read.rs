//! Reading docker-save archives and OCI layouts.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;

use serde_json::Value;

use crate::config::{ImageConfig, Platform};
use crate::error::OciError;
use crate::store::{Store, blob_path};
use crate::tree::FileTree;
use crate::walk::{Budget, LayerEntries, apply_layer, walk_layer};
use crate::{Image, LayerInfo, ReadOptions};

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
    let (files, walked) = walk_all(store, jobs, options)?;
    let diff_ids = config.diff_ids();
    let history = config.layer_history();
    let mut layers = Vec::with_capacity(jobs.len());
    for (i, (job, (size, entries))) in jobs.iter().zip(walked).enumerate() {
        if let Some(expected) = &job.digest
            && *expected != entries.digest
        {
            warnings.push(format!(
                "layer {i} ({}): content digest is {}",
                job.name, entries.digest
            ));
        }
        if let Some(expected) = diff_ids.get(i)
            && *expected != entries.diff_id
        {
            warnings.push(format!(
                "layer {i} ({}): diff_id is {}, the config says {expected}",
                job.name, entries.diff_id
            ));
        }
        warnings.extend(entries.warnings.iter().map(|w| format!("layer {i}: {w}")));
        layers.push(LayerInfo {
            digest: job.digest.clone().unwrap_or_else(|| entries.digest.clone()),
            diff_id: Some(entries.diff_id.clone()),
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
    })
}

/// What is left of a walked layer once applied: its stored size, and the
/// entries list emptied of entries (digests, warnings).
type Walked = (u64, LayerEntries);

/// Walks every layer on worker threads and applies them in order as they come in.
fn walk_all(
    store: &Store,
    jobs: &[Job],
    options: &ReadOptions<'_>,
) -> Result<(FileTree, Vec<Walked>), OciError> {
    let budget = Budget::default();
    let meter = options.progress.map(|report| Meter {
        report,
        layers: jobs.len(),
        bytes_total: jobs
            .iter()
            .filter_map(|job| store.open(&job.name).ok().map(|(_, size)| size))
            .sum(),
        bytes_read: AtomicU64::new(0),
        layers_done: AtomicUsize::new(0),
    });
    if let Some(meter) = &meter {
        meter.send();
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(jobs.len())
        .max(1);
    let (tx, rx) = mpsc::channel::<(usize, Result<Walked, OciError>)>();
    let mut tree = FileTree::new();
    let mut done: Vec<Walked> = Vec::with_capacity(jobs.len());
    let mut first_error: Option<OciError> = None;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop, budget, meter) = (&next, &stop, &budget, meter.as_ref());
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let result = store.open(&job.name).and_then(|(reader, size)| {
                        let reader = Counting {
                            inner: reader,
                            meter,
                            unreported: 0,
                        };
                        walk_layer(reader, options.wanted, &options.limits, budget)
                            .map(|e| (size, e))
                            .map_err(|reason| OciError::Layer {
                                index: i,
                                name: job.name.clone(),
                                reason,
                            })
                    });
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
        let mut pending: BTreeMap<usize, Walked> = BTreeMap::new();
        for (i, result) in rx {
            match result {
                Ok(w) => {
                    pending.insert(i, w);
                }
                Err(e) => {
                    stop.store(true, Ordering::Relaxed);
                    // Keep the error of the lowest layer for a stable message.
                    if first_error
                        .as_ref()
                        .is_none_or(|f| matches!(f, OciError::Layer { index, .. } if *index > i))
                    {
                        first_error = Some(e);
                    }
                }
            }
            while let Some((size, mut entries)) = pending.remove(&done.len()) {
                let layer = done.len();
                let list = std::mem::take(&mut entries.entries);
                apply_layer(
                    &mut tree,
                    layer,
                    LayerEntries {
                        entries: list,
                        ..take_marks(&mut entries)
                    },
                );
                done.push((size, entries));
                if let Some(meter) = &meter {
                    meter.layers_done.store(done.len(), Ordering::Relaxed);
                    meter.send();
                }
            }
        }
    });
    if let Some(e) = first_error {
        return Err(e);
    }
    Ok((tree, done))
}

/// Progress shared by the reading threads.
struct Meter<'a> {
    report: crate::Progress<'a>,
    layers: usize,
    bytes_total: u64,
    bytes_read: AtomicU64,
    layers_done: AtomicUsize,
}

impl Meter<'_> {
    fn send(&self) {
        (self.report)(crate::ReadProgress {
            layers_done: self.layers_done.load(Ordering::Relaxed),
            layers: self.layers,
            bytes_read: self
                .bytes_read
                .load(Ordering::Relaxed)
                .min(self.bytes_total),
            bytes_total: self.bytes_total,
        });
    }
}

/// A layer's stored stream, counting what is consumed for the [`Meter`].
struct Counting<'a, R> {
    inner: R,
    meter: Option<&'a Meter<'a>>,
    /// Bytes read since the last report.
    unreported: u64,
}

/// Bytes read between two progress reports of one layer.
const REPORT_EVERY: u64 = 1 << 20;

impl<R> Drop for Counting<'_, R> {
    fn drop(&mut self) {
        if let Some(meter) = self.meter
            && self.unreported > 0
        {
            meter
                .bytes_read
                .fetch_add(self.unreported, Ordering::Relaxed);
            meter.send();
        }
    }
}

impl<R: std::io::Read> std::io::Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(meter) = self.meter {
            self.unreported += u64::try_from(n).unwrap_or(0);
            if self.unreported >= REPORT_EVERY {
                meter
                    .bytes_read
                    .fetch_add(self.unreported, Ordering::Relaxed);
                self.unreported = 0;
                meter.send();
            }
        }
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
