//! Reading OSV records from a path into the store (`dockward db import PATH`).
//!
//! Accepted inputs:
//! - a `.json` file holding one record, a JSON array of records, or an
//!   osv.dev query answer (`{"vulns": [...]}`);
//! - a `.zip` of `.json` members (OSV's per-ecosystem `all.zip`); nothing is
//!   extracted to disk, members and the total are size-bounded;
//! - a directory tree of `.json` and `.zip` files, which covers osv-scanner's
//!   offline layout `{Ecosystem}/all.zip`. Files are visited in name order;
//!   symlinked directories are not followed.
//!
//! Invalid records are skipped and reported; they never stop the import.
//! JSON objects without an `id` (a `schema.json` next to the zips) are
//! ignored with a warning.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::db::{DbError, ImportStats, ReplaceStats, Store, StoredRecord};
use crate::osv::{OsvError, parse_record};

/// Size bounds for reading.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest single record file or zip member, uncompressed.
    pub max_record_bytes: u64,
    /// Largest total of uncompressed bytes read per import.
    pub max_total_bytes: u64,
    /// Records per store transaction.
    pub batch_size: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_record_bytes: 32 * 1024 * 1024,
            max_total_bytes: 8 * 1024 * 1024 * 1024,
            batch_size: 2000,
        }
    }
}

/// Import errors that stop the import.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a readable zip archive: {message}")]
    Zip { path: PathBuf, message: String },
    #[error("{path}: more than {limit} bytes of advisory data in one import")]
    TotalTooLarge { path: PathBuf, limit: u64 },
    #[error("{path}: {message}")]
    Member { path: PathBuf, message: String },
    #[error("{path}: no OSV record in the archive")]
    Empty { path: PathBuf },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Progress reports for the binary.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// Starting a file or archive.
    Source { path: &'a Path },
    /// A batch was stored; `records` so far in this import.
    Stored { records: usize },
}

/// What an import read and did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Records read and valid.
    pub records: usize,
    /// Records skipped as invalid (see `errors`).
    pub skipped: usize,
    pub stats: ImportStats,
    /// Soft problems in loaded records, and ignored files.
    pub warnings: Vec<String>,
    /// Why each skipped record or file was skipped.
    pub errors: Vec<String>,
    /// Sources read (files and archives).
    pub sources: usize,
}

struct Importer<'s, 'p> {
    store: &'s mut Store,
    /// An unreadable archive member stops the import (downloads), instead of
    /// being reported and skipped (`db import`).
    strict: bool,
    limits: Limits,
    imported_at: i64,
    progress: &'p mut dyn FnMut(Progress<'_>),
    batch: Vec<StoredRecord>,
    total_bytes: u64,
    report: ImportReport,
}

/// Imports everything under `path`. `imported_at` is the unix time recorded
/// as the import time (the caller reads the clock).
pub fn import_path(
    store: &mut Store,
    path: &Path,
    limits: Limits,
    imported_at: i64,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<ImportReport, ImportError> {
    let mut imp = Importer {
        store,
        strict: false,
        limits,
        imported_at,
        progress,
        batch: Vec::new(),
        total_bytes: 0,
        report: ImportReport::default(),
    };
    let meta = std::fs::metadata(path).map_err(|source| ImportError::Io {
        path: path.to_owned(),
        source,
    })?;
    if meta.is_dir() {
        imp.dir(path)?;
    } else {
        imp.file(path)?;
    }
    imp.flush()?;
    Ok(imp.report)
}

/// What [`import_update`] read and did.
#[derive(Debug, Default)]
pub struct UpdateReport {
    pub import: ImportReport,
    pub replace: ReplaceStats,
}

/// Replaces the records of the ecosystem export `ecosystem` (`PyPI`,
/// `AlmaLinux`) with those of the downloaded archive `zip`, in one
/// transaction ([`Store::replace_source`]); `source` (the URL) and
/// `updated_at` go into the update log.
///
/// Stricter than [`import_path`]: an archive that cannot be read, a member
/// that cannot be decompressed (truncated download, bad CRC) or an archive
/// without any valid record stops the update and leaves the store unchanged.
/// Invalid records are still skipped and reported; when their id can be
/// read, the stored version of that record is kept.
pub fn import_update(
    store: &mut Store,
    ecosystem: &str,
    source: &str,
    zip: &Path,
    limits: Limits,
    updated_at: i64,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<UpdateReport, ImportError> {
    let (import, replace) = store.replace_source(ecosystem, source, updated_at, |store| {
        let mut imp = Importer {
            store,
            strict: true,
            limits,
            imported_at: updated_at,
            progress,
            batch: Vec::new(),
            total_bytes: 0,
            report: ImportReport::default(),
        };
        (imp.progress)(Progress::Source { path: zip });
        imp.report.sources += 1;
        imp.zip(zip)?;
        imp.flush()?;
        if imp.report.records == 0 {
            return Err(ImportError::Empty {
                path: zip.to_owned(),
            });
        }
        Ok::<_, ImportError>(imp.report)
    })?;
    Ok(UpdateReport { import, replace })
}

fn is_ext(path: &Path, ext: &str) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

impl Importer<'_, '_> {
    fn io(path: &Path) -> impl Fn(std::io::Error) -> ImportError + '_ {
        move |source| ImportError::Io {
            path: path.to_owned(),
            source,
        }
    }

    fn dir(&mut self, dir: &Path) -> Result<(), ImportError> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(Self::io(dir))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(Self::io(dir))?;
        entries.sort();
        for p in entries {
            let lmeta = std::fs::symlink_metadata(&p).map_err(Self::io(&p))?;
            if lmeta.is_dir() {
                self.dir(&p)?;
            } else if is_ext(&p, "json") || is_ext(&p, "zip") {
                // Symlinked files are followed; symlinked directories are not.
                match std::fs::metadata(&p) {
                    Ok(m) if m.is_file() => self.file(&p)?,
                    Ok(_) => self
                        .report
                        .warnings
                        .push(format!("{}: not a regular file; ignored", p.display())),
                    Err(e) => self.report.errors.push(format!("{}: {e}", p.display())),
                }
            }
        }
        Ok(())
    }

    fn file(&mut self, path: &Path) -> Result<(), ImportError> {
        (self.progress)(Progress::Source { path });
        self.report.sources += 1;
        let mut f = std::fs::File::open(path).map_err(Self::io(path))?;
        let mut magic = [0u8; 4];
        let n = f.read(&mut magic).map_err(Self::io(path))?;
        drop(f);
        if is_ext(path, "zip") || (n == 4 && magic == *b"PK\x03\x04") {
            return self.zip(path);
        }
        let len = std::fs::metadata(path).map_err(Self::io(path))?.len();
        if len > self.limits.max_record_bytes {
            self.report.skipped += 1;
            self.report.errors.push(format!(
                "{}: {len} bytes is over the {} byte limit for one file; skipped",
                path.display(),
                self.limits.max_record_bytes
            ));
            return Ok(());
        }
        self.count_bytes(path, len)?;
        let bytes = std::fs::read(path).map_err(Self::io(path))?;
        self.document(&bytes, &path.display().to_string())
    }

    fn count_bytes(&mut self, path: &Path, n: u64) -> Result<(), ImportError> {
        self.total_bytes = self.total_bytes.saturating_add(n);
        if self.total_bytes > self.limits.max_total_bytes {
            return Err(ImportError::TotalTooLarge {
                path: path.to_owned(),
                limit: self.limits.max_total_bytes,
            });
        }
        Ok(())
    }

    fn zip(&mut self, path: &Path) -> Result<(), ImportError> {
        let f = std::fs::File::open(path).map_err(Self::io(path))?;
        let zerr = |e: zip::result::ZipError| ImportError::Zip {
            path: path.to_owned(),
            message: e.to_string(),
        };
        let mut archive = zip::ZipArchive::new(std::io::BufReader::new(f)).map_err(zerr)?;
        for i in 0..archive.len() {
            let mut member = match archive.by_index(i) {
                Ok(m) => m,
                Err(e) if self.strict => {
                    return Err(ImportError::Member {
                        path: path.to_owned(),
                        message: format!("member #{i}: {e}"),
                    });
                }
                Err(e) => {
                    self.report.skipped += 1;
                    self.report
                        .errors
                        .push(format!("{}: member #{i}: {e}", path.display()));
                    continue;
                }
            };
            let name = match member.name() {
                Ok(n) => n.into_owned(),
                Err(e) => {
                    self.report.skipped += 1;
                    self.report
                        .errors
                        .push(format!("{}: member #{i}: {e}", path.display()));
                    continue;
                }
            };
            if member.is_dir() || !is_ext(Path::new(&name), "json") {
                continue;
            }
            let source = format!("{}!{name}", path.display());
            if member.size() > self.limits.max_record_bytes {
                self.report.skipped += 1;
                self.report.errors.push(format!(
                    "{source}: {} bytes is over the {} byte limit for one record; skipped",
                    member.size(),
                    self.limits.max_record_bytes
                ));
                continue;
            }
            // The header size may lie: read at most one byte past the limit.
            let mut bytes = Vec::with_capacity(usize::try_from(member.size()).unwrap_or(0));
            let read = (&mut member)
                .take(self.limits.max_record_bytes + 1)
                .read_to_end(&mut bytes);
            drop(member);
            if let (Err(e), true) = (&read, self.strict) {
                return Err(ImportError::Member {
                    path: path.to_owned(),
                    message: format!("{name}: {e}"),
                });
            }
            if let Err(e) = read {
                self.report.skipped += 1;
                self.report.errors.push(format!("{source}: {e}"));
                continue;
            }
            if bytes.len() as u64 > self.limits.max_record_bytes {
                self.report.skipped += 1;
                self.report.errors.push(format!(
                    "{source}: more than {} bytes uncompressed; skipped",
                    self.limits.max_record_bytes
                ));
                continue;
            }
            self.count_bytes(path, bytes.len() as u64)?;
            self.document(&bytes, &source)?;
        }
        Ok(())
    }

    /// One JSON document: a record, an array of records, or `{"vulns": [...]}`.
    fn document(&mut self, bytes: &[u8], source: &str) -> Result<(), ImportError> {
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
        let is_container = match first {
            Some(b'[') => true,
            Some(b'{') => {
                // Cheap check before a full parse: records always have an id.
                !bytes.windows(4).any(|w| w == b"\"id\"")
                    && bytes.windows(7).any(|w| w == b"\"vulns\"")
            }
            _ => false,
        };
        if !is_container {
            return self.record(bytes.to_vec(), source);
        }
        let items = match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Array(items)) => items,
            Ok(Value::Object(mut o)) => match o.remove("vulns") {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            },
            Ok(_) => Vec::new(),
            Err(e) => {
                self.report.skipped += 1;
                self.report
                    .errors
                    .push(format!("{source}: not valid JSON: {e}"));
                return Ok(());
            }
        };
        for (i, item) in items.into_iter().enumerate() {
            let raw = serde_json::to_vec(&item).unwrap_or_default();
            self.record(raw, &format!("{source}[{i}]"))?;
        }
        Ok(())
    }

    fn record(&mut self, raw: Vec<u8>, source: &str) -> Result<(), ImportError> {
        match parse_record(&raw, source) {
            Ok((vuln, warnings)) => {
                self.report.records += 1;
                self.report
                    .warnings
                    .extend(warnings.iter().map(ToString::to_string));
                self.batch.push(StoredRecord { vuln, raw });
                if self.batch.len() >= self.limits.batch_size {
                    self.flush()?;
                }
            }
            Err(e) => {
                if let OsvError::Json { id: None, .. } = &e
                    && let Ok(Value::Object(o)) = serde_json::from_slice::<Value>(&raw)
                    && !o.contains_key("id")
                {
                    // Other JSON next to the records (schema.json, metadata).
                    self.report.warnings.push(format!(
                        "{source}: a JSON object without `id`, not an OSV record; ignored"
                    ));
                    return Ok(());
                }
                self.report.skipped += 1;
                self.report.errors.push(skip_message(&e));
                // An update keeps the stored version of a record whose new
                // version is invalid, rather than deleting it.
                if self.strict
                    && let Some(id) = e.id()
                {
                    self.store.keep(id)?;
                }
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ImportError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        let stats = self.store.import_batch(&batch, self.imported_at)?;
        self.report.stats.add(stats);
        (self.progress)(Progress::Stored {
            records: self.report.records,
        });
        Ok(())
    }
}

fn skip_message(e: &OsvError) -> String {
    format!("{e}; record skipped")
}
