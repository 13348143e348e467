//! rpm: header blobs from `rpmdb.sqlite` (Fedora 33+, RHEL 9+: the `Packages` table) and from
//! BerkeleyDB hash `Packages` files (RHEL ≤ 8, CentOS, Amazon Linux 2). NDB `Packages.db`
//! (SUSE) is not read (a warning says so).

use super::{Ctx, Found};
use crate::{Package, PackageKind, purl};

const SQLITE_PATHS: [&str; 3] = [
    "/var/lib/rpm/rpmdb.sqlite",
    "/usr/lib/sysimage/rpm/rpmdb.sqlite",
    "/usr/share/rpm/rpmdb.sqlite",
];
const BDB_PATHS: [&str; 2] = ["/var/lib/rpm/Packages", "/usr/lib/sysimage/rpm/Packages"];
const NDB_PATHS: [&str; 2] = [
    "/var/lib/rpm/Packages.db",
    "/usr/lib/sysimage/rpm/Packages.db",
];

pub(crate) fn is_rpmdb(path: &str) -> bool {
    SQLITE_PATHS.contains(&path) || BDB_PATHS.contains(&path) || NDB_PATHS.contains(&path)
}

const NAME: u32 = 1000;
const VERSION: u32 = 1001;
const RELEASE: u32 = 1002;
const EPOCH: u32 = 1003;
const LICENSE: u32 = 1014;
const ARCH: u32 = 1022;
const SOURCERPM: u32 = 1044;
const DIRINDEXES: u32 = 1116;
const BASENAMES: u32 = 1117;
const DIRNAMES: u32 = 1118;

/// The tags of one rpm header that the cataloger uses.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Header {
    pub name: String,
    pub version: String,
    pub release: String,
    pub epoch: Option<u32>,
    pub arch: String,
    pub license: String,
    pub sourcerpm: String,
    pub files: Vec<String>,
}

fn be32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Parses an rpm header blob (`il`, `dl`, index entries, data store), with or without the
/// 8-byte header magic.
pub(crate) fn parse_header(blob: &[u8]) -> Option<Header> {
    let blob = blob
        .strip_prefix(b"\x8e\xad\xe8\x01\0\0\0\0")
        .unwrap_or(blob);
    let il = be32(blob, 0)? as usize;
    let dl = be32(blob, 4)? as usize;
    let store_start = 8usize.checked_add(il.checked_mul(16)?)?;
    let store = blob.get(store_start..store_start.checked_add(dl)?)?;
    let mut h = Header::default();
    let mut dirindexes = Vec::new();
    let mut basenames = Vec::new();
    let mut dirnames = Vec::new();
    for i in 0..il {
        let e = 8 + i * 16;
        let (tag, ty, off, count) = (
            be32(blob, e)?,
            be32(blob, e + 4)?,
            be32(blob, e + 8)? as usize,
            be32(blob, e + 12)? as usize,
        );
        let strings = |n: usize| -> Vec<String> {
            let mut out = Vec::new();
            let mut rest = store.get(off..).unwrap_or_default();
            for _ in 0..n.min(1_000_000) {
                let Some(end) = rest.iter().position(|&b| b == 0) else {
                    break;
                };
                out.push(String::from_utf8_lossy(&rest[..end]).into_owned());
                rest = &rest[end + 1..];
            }
            out
        };
        let first = || strings(1).into_iter().next().unwrap_or_default();
        match (tag, ty) {
            (NAME, 6 | 9) => h.name = first(),
            (VERSION, 6 | 9) => h.version = first(),
            (RELEASE, 6 | 9) => h.release = first(),
            (LICENSE, 6 | 9) => h.license = first(),
            (ARCH, 6 | 9) => h.arch = first(),
            (SOURCERPM, 6 | 9) => h.sourcerpm = first(),
            (EPOCH, 4) => h.epoch = be32(store, off),
            (DIRINDEXES, 4) => {
                dirindexes = (0..count.min(1_000_000))
                    .map_while(|k| be32(store, off + 4 * k))
                    .collect();
            }
            (BASENAMES, 8) => basenames = strings(count),
            (DIRNAMES, 8) => dirnames = strings(count),
            _ => {}
        }
    }
    for (b, d) in basenames.iter().zip(&dirindexes) {
        if let Some(dir) = dirnames.get(*d as usize) {
            h.files.push(format!("{dir}{b}"));
        }
    }
    (!h.name.is_empty()).then_some(h)
}

/// `openssl-3.0.7-27.el9.src.rpm` → `openssl`.
fn source_name(srpm: &str) -> Option<String> {
    let base = srpm.strip_suffix(".rpm")?;
    let base = base.rsplit_once('.')?.0; // drop arch (src/nosrc)
    let base = base.rsplit_once('-')?.0; // drop release
    Some(base.rsplit_once('-')?.0.to_owned()) // drop version
}

fn source_version(srpm: &str) -> Option<String> {
    let base = srpm.strip_suffix(".rpm")?.rsplit_once('.')?.0;
    let (rest, release) = base.rsplit_once('-')?;
    let version = rest.rsplit_once('-')?.1;
    Some(format!("{version}-{release}"))
}

/// BerkeleyDB hash file: the values of every key/value pair, which rpm stores as off-page
/// (overflow) items. Layout from the Berkeley DB page formats (`dbinc/db_page.h`): a
/// metadata page 0 (magic at 12, page size at 20, last page number at 32), pages with a
/// 26-byte header (next page at 16, entry count at 20, high-free offset at 22, type at 25).
pub(crate) fn bdb_blobs(db: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    const HASH_MAGIC: u32 = 0x0006_1561;
    const P_HASH_UNSORTED: u8 = 2;
    const P_HASH: u8 = 13;
    const P_OVERFLOW: u8 = 7;
    const H_OFFPAGE: u8 = 3;
    const H_KEYDATA: u8 = 1;
    let le = |b: &[u8], off: usize, w: usize| -> Option<u32> {
        let s = b.get(off..off.checked_add(w)?)?;
        Some(s.iter().rev().fold(0u32, |a, &x| (a << 8) | u32::from(x)))
    };
    let be = |b: &[u8], off: usize, w: usize| -> Option<u32> {
        let s = b.get(off..off.checked_add(w)?)?;
        Some(s.iter().fold(0u32, |a, &x| (a << 8) | u32::from(x)))
    };
    let big = match (le(db, 12, 4), be(db, 12, 4)) {
        (Some(HASH_MAGIC), _) => false,
        (_, Some(HASH_MAGIC)) => true,
        _ => return Err("not a BerkeleyDB hash file".into()),
    };
    let rd = |b: &[u8], off: usize, w: usize| if big { be(b, off, w) } else { le(b, off, w) };
    let page_size = rd(db, 20, 4).ok_or("truncated metadata page")? as usize;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(format!("implausible page size {page_size}"));
    }
    let last = rd(db, 32, 4).ok_or("truncated metadata page")? as usize;
    let page = |n: usize| -> Option<&[u8]> {
        let start = n.checked_mul(page_size)?;
        db.get(start..start.checked_add(page_size)?)
    };
    let mut out = Vec::new();
    for n in 1..=last.min(db.len() / page_size) {
        let Some(p) = page(n) else { break };
        if !matches!(p.get(25), Some(&P_HASH_UNSORTED | &P_HASH)) {
            continue;
        }
        let entries = rd(p, 20, 2).unwrap_or(0) as usize;
        // Entries alternate key, value; values are at odd indexes.
        for i in (1..entries).step_by(2) {
            let Some(off) = rd(p, 26 + 2 * i, 2) else {
                break;
            };
            let off = off as usize;
            if p.get(off) == Some(&H_KEYDATA) {
                // On-page item: it ends where the previous item starts.
                let end = rd(p, 26 + 2 * (i - 1), 2).map_or(page_size, |e| e as usize);
                if let Some(d) = p.get(off + 1..end) {
                    out.push(d.to_vec());
                }
                continue;
            }
            if p.get(off) != Some(&H_OFFPAGE) {
                continue;
            }
            let (Some(mut next), Some(len)) = (rd(p, off + 4, 4), rd(p, off + 8, 4)) else {
                continue;
            };
            let len = len as usize;
            let mut blob = Vec::with_capacity(len.min(16 << 20));
            let mut hops = 0;
            while next != 0 && blob.len() < len && hops <= last {
                let Some(op) = page(next as usize) else { break };
                if op.get(25) != Some(&P_OVERFLOW) {
                    break;
                }
                let used = rd(op, 22, 2).unwrap_or(0) as usize;
                let Some(data) = op.get(26..26usize.saturating_add(used).min(page_size)) else {
                    break;
                };
                blob.extend_from_slice(data);
                next = rd(op, 16, 4).unwrap_or(0);
                hops += 1;
            }
            blob.truncate(len);
            out.push(blob);
        }
    }
    Ok(out)
}

fn blobs(db: &[u8]) -> Result<Vec<Vec<u8>>, rusqlite::Error> {
    let mut conn = rusqlite::Connection::open_in_memory()?;
    // WAL-mode files (the rpmdb default) cannot be deserialized; mark them rollback-journal.
    let mut bytes = db.to_vec();
    if bytes.len() > 19 && bytes[18] == 2 && bytes[19] == 2 {
        bytes[18] = 1;
        bytes[19] = 1;
    }
    conn.deserialize_read_exact(rusqlite::MAIN_DB, bytes.as_slice(), bytes.len(), true)?;
    let mut stmt = conn.prepare("SELECT blob FROM Packages")?;
    let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
    rows.collect()
}

pub(crate) fn catalog(ctx: &mut Ctx<'_>) -> Vec<Found> {
    let mut out = Vec::new();
    for p in NDB_PATHS {
        if ctx.tree.get(p).is_some() {
            ctx.warn(format!(
                "{p}: NDB rpm databases are not read yet; rpm packages may be missing"
            ));
        }
    }
    for path in SQLITE_PATHS.iter().chain(&BDB_PATHS) {
        let path = *path;
        let Some(db) = super::content(ctx.tree, path) else {
            continue;
        };
        let read = if path.ends_with(".sqlite") {
            blobs(db).map_err(|e| format!("not a readable rpm sqlite database: {e}"))
        } else {
            bdb_blobs(db).map_err(|e| format!("not a readable BerkeleyDB rpm database: {e}"))
        };
        let blobs = match read {
            Ok(b) => b,
            Err(e) => {
                ctx.warn(format!("{path}: {e}"));
                continue;
            }
        };
        let (vendor, distro) = match ctx.os {
            Some(o) => (
                match o.id.as_str() {
                    "rhel" => "redhat".to_owned(),
                    id => id.to_owned(),
                },
                format!("{}-{}", o.id, o.version_id.clone().unwrap_or_default()),
            ),
            None => (String::new(), String::new()),
        };
        for blob in blobs {
            let Some(h) = parse_header(&blob) else {
                ctx.warn(format!("{path}: an rpm header could not be parsed"));
                continue;
            };
            ctx.owned.extend(h.files.iter().cloned());
            if h.name == "gpg-pubkey" {
                continue;
            }
            let vr = format!("{}-{}", h.version, h.release);
            let version = match h.epoch {
                Some(e) => format!("{e}:{vr}"),
                None => vr.clone(),
            };
            let epoch = h.epoch.map(|e| e.to_string()).unwrap_or_default();
            let src = source_name(&h.sourcerpm);
            let upstream = src.clone().filter(|s| *s != h.name).unwrap_or_default();
            let purl = purl::build(
                "rpm",
                Some(&vendor),
                &h.name,
                Some(&vr),
                &[
                    ("arch", &h.arch),
                    ("distro", &distro),
                    ("epoch", &epoch),
                    ("upstream", &upstream),
                ],
            );
            out.push(Found {
                pkg: Package {
                    source_version: source_version(&h.sourcerpm).map(|v| match h.epoch {
                        Some(e) => format!("{e}:{v}"),
                        None => v,
                    }),
                    source_name: src,
                    name: h.name,
                    version,
                    ecosystem: ctx.ecosystem(PackageKind::Rpm),
                    kind: PackageKind::Rpm,
                    purl,
                    licenses: (!h.license.is_empty())
                        .then_some(h.license)
                        .into_iter()
                        .collect(),
                    locations: vec![path.to_owned()],
                    layer: ctx.layer(path),
                    dependencies: Vec::new(),
                },
                dep_names: Vec::new(),
            });
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a header blob from (tag, type, data, count) entries.
    pub fn header(entries: &[(u32, u32, Vec<u8>, u32)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut store = Vec::new();
        for (tag, ty, data, count) in entries {
            while *ty == 4 && store.len() % 4 != 0 {
                store.push(0);
            }
            for v in [*tag, *ty, store.len() as u32, *count] {
                index.extend_from_slice(&v.to_be_bytes());
            }
            store.extend_from_slice(data);
        }
        let mut out = (entries.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(&(store.len() as u32).to_be_bytes());
        out.extend(index);
        out.extend(store);
        out
    }

    pub fn sample() -> Vec<u8> {
        let s = |x: &str| format!("{x}\0").into_bytes();
        header(&[
            (NAME, 6, s("openssl-libs"), 1),
            (VERSION, 6, s("3.0.7"), 1),
            (RELEASE, 6, s("27.el9"), 1),
            (EPOCH, 4, 1u32.to_be_bytes().to_vec(), 1),
            (ARCH, 6, s("x86_64"), 1),
            (SOURCERPM, 6, s("openssl-3.0.7-27.el9.src.rpm"), 1),
            (
                DIRINDEXES,
                4,
                [0u32, 0].iter().flat_map(|v| v.to_be_bytes()).collect(),
                2,
            ),
            (
                BASENAMES,
                8,
                [s("libssl.so.3"), s("libcrypto.so.3")].concat(),
                2,
            ),
            (DIRNAMES, 8, s("/usr/lib64/"), 1),
        ])
    }

    #[test]
    fn parses_header_tags_and_file_list() {
        let h = parse_header(&sample()).unwrap();
        assert_eq!(h.name, "openssl-libs");
        assert_eq!(h.epoch, Some(1));
        assert_eq!(
            h.files,
            vec!["/usr/lib64/libssl.so.3", "/usr/lib64/libcrypto.so.3"]
        );
        assert_eq!(source_name(&h.sourcerpm).as_deref(), Some("openssl"));
        assert_eq!(
            source_version(&h.sourcerpm).as_deref(),
            Some("3.0.7-27.el9")
        );
        let b = sample();
        for cut in 0..b.len() {
            let _ = parse_header(&b[..cut]);
        }
        assert!(parse_header(&[0xff; 16]).is_none());
    }

    #[test]
    fn reads_a_real_sqlite_database() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("rpmdb.sqlite");
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);").unwrap();
        c.execute("INSERT INTO Packages (blob) VALUES (?1)", [sample()])
            .unwrap();
        drop(c);
        let bytes = std::fs::read(&p).unwrap();
        let b = blobs(&bytes).unwrap();
        assert_eq!(b.len(), 1);
        assert!(blobs(b"SQLite format 3\0garbage").is_err());
    }
}
