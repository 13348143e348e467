//! The advisory store: one SQLite file (bundled SQLite), schema versioned with
//! `PRAGMA user_version`.
//!
//! Schema (version 2; version 1 lacked `source` and `update_log` and is
//! migrated when opened for writing, read as is otherwise):
//! - `advisory(id PK, modified, published, withdrawn, summary, severity,
//!   score, vector, digest, raw)`: `raw` is the record's JSON, DEFLATE
//!   compressed; `digest` the SHA-256 of the uncompressed bytes.
//! - `affected(advisory_id, ecosystem, name, entry)`: one row per
//!   `affected[]` entry with a package; `name` normalised per ecosystem
//!   ([`normalize_name`]); `entry` the JSON of `{ranges, versions, severity}`.
//!   Indexed by `(ecosystem, name)`.
//! - `alias(advisory_id, alias)`: indexed both ways.
//! - `import_log(ecosystem PK, imported_at, records)`: last import per ecosystem.
//! - `source(advisory_id, ecosystem)`: which downloaded ecosystem exports
//!   (`dockward db update`; `PyPI`, `AlmaLinux`) hold each record.
//! - `update_log(ecosystem PK, updated_at, source, records)`: last successful
//!   download per ecosystem export, with the URL it came from.
//!
//! [`Store::replace_source`] replaces one ecosystem export in one
//! transaction: records of that ecosystem that the new export lacks are
//! deleted unless another export still holds them (see its docs).
//!
//! Imports are idempotent: a record replaces the stored one only if its
//! `modified` is newer, or equal with different bytes; otherwise it is
//! counted as unchanged. An unchanged record whose stored severity differs
//! from what this version computes (a store filled before CVSS v4.0 vectors
//! were scored) gets its severity columns rewritten and is counted as
//! rescored too.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::ecosystem::Ecosystem;
use crate::matcher::{AdvisoryInfo, Index, Query, normalize_name};
use crate::osv::{
    Affected, Severity, SeverityLevel, Vulnerability, compare_timestamps, record_severity,
};

/// The schema version written to `PRAGMA user_version`.
pub const SCHEMA_VERSION: i64 = 2;

/// The oldest schema version still readable (matching works on it; it has no
/// update log).
pub const OLDEST_READABLE_VERSION: i64 = 1;

/// Store errors.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("advisory database {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "advisory database {path} has schema version {found}; this dockward reads version {SCHEMA_VERSION} (run `dockward db update` or delete the file)"
    )]
    SchemaVersion { path: PathBuf, found: i64 },
    #[error("advisory database {path}: cannot create its directory: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("advisory database {path}: stored record {id} is corrupt: {message}")]
    Corrupt {
        path: PathBuf,
        id: String,
        message: String,
    },
}

/// The default DB path: `$XDG_CACHE_HOME/dockward/vuln.db`, else
/// `$HOME/.cache/dockward/vuln.db`. Empty or relative `XDG_CACHE_HOME` is
/// ignored, as the XDG spec requires. `None` when neither is usable.
pub fn default_path(xdg_cache_home: Option<&str>, home: Option<&str>) -> Option<PathBuf> {
    let base = match xdg_cache_home.filter(|x| Path::new(x).is_absolute()) {
        Some(x) => PathBuf::from(x),
        None => PathBuf::from(home.filter(|h| !h.is_empty())?).join(".cache"),
    };
    Some(base.join("dockward").join("vuln.db"))
}

/// One record ready to store: the parsed record and its original bytes.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    pub vuln: Vulnerability,
    pub raw: Vec<u8>,
}

/// `modified`, `digest`, `severity`, `score`, `vector` of a stored advisory.
type StoredHead = (String, String, String, Option<f64>, Option<String>);

/// What one import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportStats {
    pub inserted: usize,
    pub replaced: usize,
    pub unchanged: usize,
    /// Unchanged records whose stored severity was recomputed (also counted
    /// in `unchanged`).
    pub rescored: usize,
    /// Records whose stored `modified` is newer than the one offered.
    pub older: usize,
}

impl ImportStats {
    pub fn add(&mut self, o: ImportStats) {
        self.inserted += o.inserted;
        self.replaced += o.replaced;
        self.unchanged += o.unchanged;
        self.rescored += o.rescored;
        self.older += o.older;
    }
}

/// Per-ecosystem status row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcosystemStatus {
    /// OSV ecosystem string as stored (`AlmaLinux:9`, `PyPI`).
    pub ecosystem: String,
    /// Non-withdrawn records with an affected entry in this ecosystem.
    pub advisories: u64,
    /// Withdrawn records with an affected entry in this ecosystem.
    pub withdrawn: u64,
    /// Affected rows (packages) in this ecosystem.
    pub packages: u64,
    /// Unix seconds of the last import that touched this ecosystem.
    pub last_import: Option<i64>,
}

/// `dockward db status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub path: PathBuf,
    pub schema_version: i64,
    pub advisories: u64,
    pub withdrawn: u64,
    pub aliases: u64,
    pub ecosystems: Vec<EcosystemStatus>,
    /// Last download per ecosystem export, by ecosystem name.
    pub updates: Vec<UpdateStatus>,
}

/// Last successful download of one ecosystem export (`dockward db update`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateStatus {
    /// The export's ecosystem (`PyPI`, `AlmaLinux`).
    pub ecosystem: String,
    /// Unix seconds of the update.
    pub updated_at: i64,
    /// Where it was downloaded from.
    pub source: String,
    /// Records in the export.
    pub records: u64,
}

/// What [`Store::replace_source`] did besides the import itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplaceStats {
    /// Distinct records the new export holds.
    pub records: u64,
    /// Records deleted: in the ecosystem before, absent from the new export
    /// and from every other export.
    pub removed: u64,
}

/// An open store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The schema version of the file (older ones are read-only).
    version: i64,
    /// Inside [`Store::replace_source`]: record ids stored are noted in
    /// `temp.update_seen`.
    tracking: bool,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS advisory (
    id TEXT PRIMARY KEY NOT NULL,
    modified TEXT NOT NULL,
    published TEXT,
    withdrawn TEXT,
    summary TEXT,
    severity TEXT NOT NULL,
    score REAL,
    vector TEXT,
    digest TEXT NOT NULL,
    raw BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS affected (
    advisory_id TEXT NOT NULL,
    ecosystem TEXT NOT NULL,
    name TEXT NOT NULL,
    entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS affected_package ON affected(ecosystem, name);
CREATE INDEX IF NOT EXISTS affected_advisory ON affected(advisory_id);
CREATE TABLE IF NOT EXISTS alias (
    advisory_id TEXT NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (advisory_id, alias)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alias_alias ON alias(alias);
CREATE TABLE IF NOT EXISTS import_log (
    ecosystem TEXT PRIMARY KEY NOT NULL,
    imported_at INTEGER NOT NULL,
    records INTEGER NOT NULL
) WITHOUT ROWID;
";

/// Added in version 2 (also the migration from version 1).
const SCHEMA_V2: &str = "
CREATE TABLE IF NOT EXISTS source (
    advisory_id TEXT NOT NULL,
    ecosystem TEXT NOT NULL,
    PRIMARY KEY (advisory_id, ecosystem)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS source_ecosystem ON source(ecosystem);
CREATE TABLE IF NOT EXISTS update_log (
    ecosystem TEXT PRIMARY KEY NOT NULL,
    updated_at INTEGER NOT NULL,
    source TEXT NOT NULL,
    records INTEGER NOT NULL
) WITHOUT ROWID;
";

fn compress(raw: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(raw);
    enc.finish().unwrap_or_default()
}

fn decompress(blob: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(blob).read_to_end(&mut out)?;
    Ok(out)
}

fn hex_digest(raw: &[u8]) -> String {
    use std::fmt::Write as _;
    let d = Sha256::digest(raw);
    let mut s = String::with_capacity(64);
    for b in d {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[derive(serde::Serialize, serde::Deserialize)]
struct EntryJson {
    #[serde(default)]
    ranges: Vec<crate::osv::Range>,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    severity: Vec<crate::osv::SeverityEntry>,
}

impl Store {
    /// Opens (creating if needed) the store for writing.
    pub fn open(path: &Path) -> Result<Store, DbError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| DbError::CreateDir {
                path: path.to_owned(),
                source,
            })?;
        }
        let err = |source| DbError::Sqlite {
            path: path.to_owned(),
            source,
        };
        let conn = Connection::open(path).map_err(err)?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
            .map_err(err)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(err)?;
        match version {
            0 => {
                conn.execute_batch(SCHEMA).map_err(err)?;
                conn.execute_batch(SCHEMA_V2).map_err(err)?;
                conn.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
                    .map_err(err)?;
            }
            1 => {
                conn.execute_batch(&format!(
                    "BEGIN IMMEDIATE; {SCHEMA_V2} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
                ))
                .map_err(err)?;
            }
            SCHEMA_VERSION => {}
            found => {
                return Err(DbError::SchemaVersion {
                    path: path.to_owned(),
                    found,
                });
            }
        }
        Ok(Store {
            conn,
            path: path.to_owned(),
            version: SCHEMA_VERSION,
            tracking: false,
        })
    }

    /// Opens an existing store read-only (for matching).
    pub fn open_read_only(path: &Path) -> Result<Store, DbError> {
        let err = |source| DbError::Sqlite {
            path: path.to_owned(),
            source,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(err)?;
        // Loading an index reads much of the file: map it rather than
        // `pread` page by page, and keep more pages cached.
        conn.execute_batch("PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536;")
            .map_err(err)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(err)?;
        if !(OLDEST_READABLE_VERSION..=SCHEMA_VERSION).contains(&version) {
            return Err(DbError::SchemaVersion {
                path: path.to_owned(),
                found: version,
            });
        }
        Ok(Store {
            conn,
            path: path.to_owned(),
            version,
            tracking: false,
        })
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> DbError + '_ {
        |source| DbError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Stores a batch of records in one transaction. `imported_at` (unix
    /// seconds) is recorded per ecosystem touched.
    pub fn import_batch(
        &mut self,
        batch: &[StoredRecord],
        imported_at: i64,
    ) -> Result<ImportStats, DbError> {
        let path = self.path.clone();
        let err = |source| DbError::Sqlite {
            path: path.clone(),
            source,
        };
        let tracking = self.tracking;
        // A savepoint: its own transaction, or nested in `replace_source`'s.
        let tx = self.conn.savepoint().map_err(err)?;
        let mut stats = ImportStats::default();
        let mut touched: BTreeMap<String, i64> = BTreeMap::new();
        {
            let mut get = tx
                .prepare_cached(
                    "SELECT modified, digest, severity, score, vector FROM advisory WHERE id = ?1",
                )
                .map_err(err)?;
            let mut rescore = tx
                .prepare_cached(
                    "UPDATE advisory SET severity = ?2, score = ?3, vector = ?4 WHERE id = ?1",
                )
                .map_err(err)?;
            let mut del_adv = tx
                .prepare_cached("DELETE FROM advisory WHERE id = ?1")
                .map_err(err)?;
            let mut del_aff = tx
                .prepare_cached("DELETE FROM affected WHERE advisory_id = ?1")
                .map_err(err)?;
            let mut del_alias = tx
                .prepare_cached("DELETE FROM alias WHERE advisory_id = ?1")
                .map_err(err)?;
            let mut ins_adv = tx
                .prepare_cached(
                    "INSERT INTO advisory (id, modified, published, withdrawn, summary, severity, score, vector, digest, raw)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(err)?;
            let mut ins_aff = tx
                .prepare_cached("INSERT INTO affected (advisory_id, ecosystem, name, entry) VALUES (?1, ?2, ?3, ?4)")
                .map_err(err)?;
            let mut ins_alias = tx
                .prepare_cached("INSERT OR IGNORE INTO alias (advisory_id, alias) VALUES (?1, ?2)")
                .map_err(err)?;
            let mut seen = if tracking {
                Some(
                    tx.prepare_cached("INSERT OR IGNORE INTO temp.update_seen (id) VALUES (?1)")
                        .map_err(err)?,
                )
            } else {
                None
            };
            for rec in batch {
                let v = &rec.vuln;
                if let Some(seen) = seen.as_mut() {
                    seen.execute(params![v.id]).map_err(err)?;
                }
                let digest = hex_digest(&rec.raw);
                for a in &v.affected {
                    if let Some(p) = &a.package {
                        *touched.entry(p.ecosystem.clone()).or_default() += 1;
                    }
                }
                let existing: Option<StoredHead> = get
                    .query_row(params![v.id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                    })
                    .optional()
                    .map_err(err)?;
                if let Some((old_modified, old_digest, old_level, old_score, old_vector)) =
                    &existing
                {
                    match compare_timestamps(&v.modified, old_modified) {
                        std::cmp::Ordering::Less => {
                            stats.older += 1;
                            continue;
                        }
                        std::cmp::Ordering::Equal if *old_digest == digest => {
                            stats.unchanged += 1;
                            let sev = record_severity(v);
                            let now = (sev.level.as_str(), sev.score, sev.vector.as_deref());
                            if now != (old_level.as_str(), *old_score, old_vector.as_deref()) {
                                rescore
                                    .execute(params![v.id, now.0, now.1, now.2])
                                    .map_err(err)?;
                                stats.rescored += 1;
                            }
                            continue;
                        }
                        _ => {}
                    }
                    del_adv.execute(params![v.id]).map_err(err)?;
                    del_aff.execute(params![v.id]).map_err(err)?;
                    del_alias.execute(params![v.id]).map_err(err)?;
                    stats.replaced += 1;
                } else {
                    stats.inserted += 1;
                }
                let sev = record_severity(v);
                ins_adv
                    .execute(params![
                        v.id,
                        v.modified,
                        v.published,
                        v.withdrawn,
                        v.summary,
                        sev.level.as_str(),
                        sev.score,
                        sev.vector,
                        digest,
                        compress(&rec.raw),
                    ])
                    .map_err(err)?;
                for a in &v.affected {
                    let Some(p) = &a.package else { continue };
                    let entry = EntryJson {
                        ranges: a.ranges.clone(),
                        versions: a.versions.clone(),
                        severity: a.severity.clone(),
                    };
                    let entry = serde_json::to_string(&entry).unwrap_or_default();
                    ins_aff
                        .execute(params![
                            v.id,
                            p.ecosystem,
                            normalize_name(&p.ecosystem, &p.name),
                            entry
                        ])
                        .map_err(err)?;
                }
                for alias in &v.aliases {
                    ins_alias.execute(params![v.id, alias]).map_err(err)?;
                }
            }
            let mut log = tx
                .prepare_cached(
                    "INSERT INTO import_log (ecosystem, imported_at, records) VALUES (?1, ?2, ?3)
                     ON CONFLICT(ecosystem) DO UPDATE SET imported_at = excluded.imported_at, records = import_log.records + excluded.records",
                )
                .map_err(err)?;
            for (eco, n) in &touched {
                log.execute(params![eco, imported_at, n]).map_err(err)?;
            }
        }
        tx.commit().map_err(err)?;
        Ok(stats)
    }

    /// Per-ecosystem counts, last import times and the DB path.
    pub fn status(&self) -> Result<Status, DbError> {
        let err = self.err();
        let one = |sql: &str| -> Result<u64, DbError> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| u64::try_from(n).unwrap_or(0))
                .map_err(&err)
        };
        let advisories = one("SELECT COUNT(*) FROM advisory WHERE withdrawn IS NULL")?;
        let withdrawn = one("SELECT COUNT(*) FROM advisory WHERE withdrawn IS NOT NULL")?;
        let aliases = one("SELECT COUNT(*) FROM alias")?;
        let schema_version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(&err)?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT f.ecosystem,
                        COUNT(DISTINCT CASE WHEN a.withdrawn IS NULL THEN a.id END),
                        COUNT(DISTINCT CASE WHEN a.withdrawn IS NOT NULL THEN a.id END),
                        COUNT(*),
                        (SELECT imported_at FROM import_log l WHERE l.ecosystem = f.ecosystem)
                 FROM affected f JOIN advisory a ON a.id = f.advisory_id
                 GROUP BY f.ecosystem ORDER BY f.ecosystem",
            )
            .map_err(&err)?;
        let to_u = |n: i64| u64::try_from(n).unwrap_or(0);
        let ecosystems = stmt
            .query_map([], |r| {
                Ok(EcosystemStatus {
                    ecosystem: r.get(0)?,
                    advisories: to_u(r.get(1)?),
                    withdrawn: to_u(r.get(2)?),
                    packages: to_u(r.get(3)?),
                    last_import: r.get(4)?,
                })
            })
            .map_err(&err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(&err)?;
        Ok(Status {
            path: self.path.clone(),
            schema_version,
            advisories,
            withdrawn,
            aliases,
            ecosystems,
            updates: self.updates()?,
        })
    }

    /// The update log: last successful download per ecosystem export, by
    /// name. Empty for a version 1 store.
    pub fn updates(&self) -> Result<Vec<UpdateStatus>, DbError> {
        if self.version < 2 {
            return Ok(Vec::new());
        }
        let err = self.err();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT ecosystem, updated_at, source, records FROM update_log ORDER BY ecosystem",
            )
            .map_err(&err)?;
        stmt.query_map([], |r| {
            Ok(UpdateStatus {
                ecosystem: r.get(0)?,
                updated_at: r.get(1)?,
                source: r.get(2)?,
                records: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
            })
        })
        .map_err(&err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(&err)
    }

    /// Replaces the records of one ecosystem export (`ecosystem` is the
    /// export's name: `PyPI`, `AlmaLinux`) in one transaction.
    ///
    /// `fill` stores the new export's records through [`Store::import_batch`]
    /// (normally via [`crate::import::import_update`]); the id of every record
    /// it offers is noted, stored or not (and those passed to [`Store::keep`]).
    /// Then, in the same transaction:
    /// - records that the new export does not hold, and that either have an
    ///   affected entry in the ecosystem (`PyPI`; `AlmaLinux` and every
    ///   `AlmaLinux:<release>`) or were held by this export before, stop being
    ///   held by it; those no other export holds are deleted (removed
    ///   upstream, or imported by hand with `db import`). Records withdrawn
    ///   upstream stay in the exports with `withdrawn` set, are replaced like
    ///   any change, and are never matched;
    /// - the time and `source` (the URL) go into the update log.
    ///
    /// If `fill` or any step fails, the transaction is rolled back: the store
    /// is exactly as before.
    pub fn replace_source<T, E: From<DbError>>(
        &mut self,
        ecosystem: &str,
        source: &str,
        updated_at: i64,
        fill: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<(T, ReplaceStats), E> {
        if self.version < 2 {
            return Err(DbError::SchemaVersion {
                path: self.path.clone(),
                found: self.version,
            }
            .into());
        }
        self.conn
            .execute_batch(
                "BEGIN IMMEDIATE;
                 CREATE TEMP TABLE IF NOT EXISTS update_seen (id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                 DELETE FROM temp.update_seen;",
            )
            .map_err(self.err())?;
        self.tracking = true;
        let filled = fill(self);
        self.tracking = false;
        let finished = match filled {
            Ok(value) => self
                .finish_replace(ecosystem, source, updated_at)
                .and_then(|stats| {
                    self.conn.execute_batch("COMMIT").map_err(self.err())?;
                    Ok((value, stats))
                })
                .map_err(E::from),
            Err(e) => Err(e),
        };
        if finished.is_err() {
            // Nothing to do if the transaction is already gone.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        finished
    }

    /// Inside [`Store::replace_source`]: counts `id` as held by the new
    /// export although it was not stored (an invalid new version of it), so
    /// the stored version stays. Outside it, does nothing.
    pub fn keep(&mut self, id: &str) -> Result<(), DbError> {
        if self.tracking {
            self.conn
                .prepare_cached("INSERT OR IGNORE INTO temp.update_seen (id) VALUES (?1)")
                .and_then(|mut s| s.execute(params![id]))
                .map_err(self.err())?;
        }
        Ok(())
    }

    fn finish_replace(
        &mut self,
        ecosystem: &str,
        source: &str,
        updated_at: i64,
    ) -> Result<ReplaceStats, DbError> {
        let err = self.err();
        let records: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM temp.update_seen", [], |r| r.get(0))
            .map_err(&err)?;
        let stale: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT advisory_id FROM affected
                     WHERE (ecosystem = ?1 OR substr(ecosystem, 1, length(?1) + 1) = ?1 || ':')
                       AND advisory_id NOT IN (SELECT id FROM temp.update_seen)
                     UNION
                     SELECT advisory_id FROM source
                     WHERE ecosystem = ?1 AND advisory_id NOT IN (SELECT id FROM temp.update_seen)",
                )
                .map_err(&err)?;
            stmt.query_map(params![ecosystem], |r| r.get(0))
                .map_err(&err)?
                .collect::<Result<_, _>>()
                .map_err(&err)?
        };
        self.conn
            .execute(
                "DELETE FROM source WHERE ecosystem = ?1 AND advisory_id NOT IN (SELECT id FROM temp.update_seen)",
                params![ecosystem],
            )
            .map_err(&err)?;
        self.conn
            .execute(
                "INSERT OR IGNORE INTO source (advisory_id, ecosystem) SELECT id, ?1 FROM temp.update_seen",
                params![ecosystem],
            )
            .map_err(&err)?;
        let mut removed = 0u64;
        {
            let mut held = self
                .conn
                .prepare_cached("SELECT 1 FROM source WHERE advisory_id = ?1 LIMIT 1")
                .map_err(&err)?;
            for id in &stale {
                if held
                    .query_row(params![id], |_| Ok(()))
                    .optional()
                    .map_err(&err)?
                    .is_some()
                {
                    continue;
                }
                for sql in [
                    "DELETE FROM advisory WHERE id = ?1",
                    "DELETE FROM affected WHERE advisory_id = ?1",
                    "DELETE FROM alias WHERE advisory_id = ?1",
                ] {
                    self.conn
                        .prepare_cached(sql)
                        .and_then(|mut s| s.execute(params![id]))
                        .map_err(&err)?;
                }
                removed += 1;
            }
        }
        self.conn
            .execute(
                "INSERT INTO update_log (ecosystem, updated_at, source, records) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(ecosystem) DO UPDATE SET updated_at = excluded.updated_at,
                     source = excluded.source, records = excluded.records",
                params![ecosystem, updated_at, source, records],
            )
            .map_err(&err)?;
        self.conn
            .execute_batch("DELETE FROM temp.update_seen")
            .map_err(&err)?;
        Ok(ReplaceStats {
            records: u64::try_from(records).unwrap_or(0),
            removed,
        })
    }

    /// The stored JSON of a record, by id.
    pub fn raw_record(&self, id: &str) -> Result<Option<Vec<u8>>, DbError> {
        let blob: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT raw FROM advisory WHERE id = ?1", params![id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(self.err())?;
        blob.map(|b| {
            decompress(&b).map_err(|e| DbError::Corrupt {
                path: self.path.clone(),
                id: id.to_owned(),
                message: e.to_string(),
            })
        })
        .transpose()
    }

    /// Ids of records that list `alias` among their aliases.
    pub fn ids_for_alias(&self, alias: &str) -> Result<Vec<String>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT advisory_id FROM alias WHERE alias = ?1 ORDER BY advisory_id")
            .map_err(self.err())?;
        stmt.query_map(params![alias], |r| r.get(0))
            .map_err(self.err())?
            .collect::<Result<Vec<String>, _>>()
            .map_err(self.err())
    }

    /// Loads every non-withdrawn affected row of the given ecosystems into an
    /// in-memory [`Index`] (one query per ecosystem). Rows whose stored JSON
    /// is unreadable are skipped and counted in the second value.
    pub fn load_index(&self, ecosystems: &[Ecosystem]) -> Result<(Index, usize), DbError> {
        let mut names: Vec<String> = ecosystems.iter().map(Ecosystem::osv_name).collect();
        names.sort();
        names.dedup();
        let mut loader = IndexLoader::new(self);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT a.id, a.summary, a.severity, a.score, a.vector, f.ecosystem, f.name, f.entry
                 FROM affected f JOIN advisory a ON a.id = f.advisory_id
                 WHERE f.ecosystem = ?1 AND a.withdrawn IS NULL",
            )
            .map_err(self.err())?;
        for eco in &names {
            loader.add_rows(&mut stmt, params![eco])?;
        }
        Ok(loader.finish())
    }

    /// Loads only the rows that can match `queries`: per ecosystem, the stored
    /// package names (read from the `(ecosystem, name)` index alone) are
    /// normalised as the matcher does and the rows of those equal to a queried
    /// name are fetched through the index. An image's hundred packages touch a
    /// few pages of the store instead of every record of their ecosystems, so a
    /// scan's time and memory no longer grow with the size of the database.
    /// Matching against the result gives the same findings as against
    /// [`Store::load_index`] of the same ecosystems.
    pub fn load_index_for(&self, queries: &[Query]) -> Result<(Index, usize), DbError> {
        let err = self.err();
        let mut wanted: BTreeMap<String, std::collections::HashSet<String>> = BTreeMap::new();
        for q in queries {
            let eco = q.ecosystem.osv_name();
            let name = normalize_name(&eco, &q.name);
            wanted.entry(eco).or_default().insert(name);
        }
        let mut loader = IndexLoader::new(self);
        let mut names_stmt = self
            .conn
            .prepare("SELECT DISTINCT name FROM affected WHERE ecosystem = ?1")
            .map_err(&err)?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT a.id, a.summary, a.severity, a.score, a.vector, f.ecosystem, f.name, f.entry
                 FROM affected f JOIN advisory a ON a.id = f.advisory_id
                 WHERE f.ecosystem = ?1 AND f.name = ?2 AND a.withdrawn IS NULL",
            )
            .map_err(&err)?;
        for (eco, names) in &wanted {
            let stored: Vec<String> = names_stmt
                .query_map(params![eco], |r| r.get(0))
                .map_err(&err)?
                .collect::<Result<_, _>>()
                .map_err(&err)?;
            for raw in stored
                .iter()
                .filter(|raw| names.contains(&normalize_name(eco, raw)))
            {
                loader.add_rows(&mut stmt, params![eco, raw])?;
            }
        }
        Ok(loader.finish())
    }

    /// Ecosystem strings present in the store.
    pub fn ecosystems(&self) -> Result<Vec<String>, DbError> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT ecosystem FROM affected ORDER BY ecosystem")
            .map_err(self.err())?;
        stmt.query_map([], |r| r.get(0))
            .map_err(self.err())?
            .collect::<Result<Vec<String>, _>>()
            .map_err(self.err())
    }

    /// SHA-256 over the advisory, affected and alias tables in a canonical
    /// order (not the import log): equal hashes mean equal content.
    pub fn content_hash(&self) -> Result<String, DbError> {
        let err = self.err();
        let mut h = Sha256::new();
        for sql in [
            "SELECT id || '|' || modified || '|' || digest || '|' || severity FROM advisory ORDER BY id",
            "SELECT advisory_id || '|' || ecosystem || '|' || name || '|' || entry FROM affected ORDER BY advisory_id, ecosystem, name, entry",
            "SELECT advisory_id || '|' || alias FROM alias ORDER BY advisory_id, alias",
        ] {
            let mut stmt = self.conn.prepare(sql).map_err(&err)?;
            let mut rows = stmt.query([]).map_err(&err)?;
            while let Some(r) = rows.next().map_err(&err)? {
                let s: String = r.get(0).map_err(&err)?;
                h.update(s.as_bytes());
                h.update(b"\n");
            }
            h.update(b"--\n");
        }
        Ok(hex_digest(&h.finalize()))
    }
}

/// Builds an [`Index`] from `advisory JOIN affected` rows (`id, summary,
/// severity, score, vector, ecosystem, name, entry`), one advisory per id.
struct IndexLoader<'s> {
    store: &'s Store,
    index: Index,
    handles: std::collections::HashMap<String, usize>,
    bad: usize,
}

impl<'s> IndexLoader<'s> {
    fn new(store: &'s Store) -> Self {
        IndexLoader {
            store,
            index: Index::new(),
            handles: std::collections::HashMap::new(),
            bad: 0,
        }
    }

    fn add_rows(
        &mut self,
        stmt: &mut rusqlite::Statement<'_>,
        args: impl rusqlite::Params,
    ) -> Result<(), DbError> {
        let err = self.store.err();
        let mut alias_stmt = self
            .store
            .conn
            .prepare_cached("SELECT alias FROM alias WHERE advisory_id = ?1 ORDER BY alias")
            .map_err(&err)?;
        let mut rows = stmt.query(args).map_err(&err)?;
        while let Some(row) = rows.next().map_err(&err)? {
            let id: String = row.get(0).map_err(&err)?;
            let entry: String = row.get(7).map_err(&err)?;
            let Ok(entry) = serde_json::from_str::<EntryJson>(&entry) else {
                self.bad += 1;
                continue;
            };
            let handle = if let Some(&h) = self.handles.get(&id) {
                h
            } else {
                let level: String = row.get(2).map_err(&err)?;
                let aliases = alias_stmt
                    .query_map(params![id], |r| r.get(0))
                    .map_err(&err)?
                    .collect::<Result<Vec<String>, _>>()
                    .map_err(&err)?;
                let h = self.index.add_advisory(AdvisoryInfo {
                    id: id.clone(),
                    aliases,
                    summary: row.get(1).map_err(&err)?,
                    severity: Severity {
                        level: SeverityLevel::parse(&level).unwrap_or(SeverityLevel::Unknown),
                        score: row.get(3).map_err(&err)?,
                        vector: row.get(4).map_err(&err)?,
                    },
                });
                self.handles.insert(id, h);
                h
            };
            let affected = Affected {
                package: Some(crate::osv::Package {
                    ecosystem: row.get(5).map_err(&err)?,
                    name: row.get(6).map_err(&err)?,
                    purl: None,
                }),
                severity: entry.severity,
                ranges: entry.ranges,
                versions: entry.versions,
                ecosystem_specific: None,
                database_specific: None,
            };
            self.index.add_entry(handle, &affected);
        }
        Ok(())
    }

    fn finish(self) -> (Index, usize) {
        (self.index, self.bad)
    }
}
