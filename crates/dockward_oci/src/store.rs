//! Where blobs and archive members come from: a directory, or a tar file whose
//! members are indexed once and then opened by seeking (so several layers can
//! be read at the same time).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::OciError;
use crate::path::{normalize, parent};

/// A regular member of an outer tar.
#[derive(Debug, Clone, Copy)]
struct Member {
    offset: u64,
    size: u64,
}

/// A directory or an indexed tar file.
#[derive(Debug)]
pub enum Store {
    /// An OCI layout directory (canonical path).
    Dir(PathBuf),
    /// A tar file and its regular members by normalized name (`/manifest.json`).
    Tar {
        path: PathBuf,
        members: HashMap<String, (u64, u64)>,
    },
}

/// The most members (and links) an outer archive may have.
const MAX_MEMBERS: usize = 200_000;

impl Store {
    /// Indexes a tar file: one pass, seeking over member data.
    pub fn index_tar(path: &Path) -> Result<Store, OciError> {
        let file = File::open(path).map_err(|e| OciError::io(path, e))?;
        let file_len = file.metadata().map_err(|e| OciError::io(path, e))?.len();
        let mut archive = tar::Archive::new(BufReader::new(file));
        let not_an_image = |reason: String| OciError::NotAnImage {
            path: path.to_owned(),
            reason,
        };
        // The tar crate's messages quote the raw header bytes: keep only printable text.
        let not_tar = |read: usize, last: &str, e: &io::Error| {
            let detail: String = e
                .to_string()
                .chars()
                .take_while(|c| c.is_ascii_graphic() || *c == ' ')
                .take(80)
                .collect();
            not_an_image(if read == 0 {
                format!(
                    "not a tar archive (its first header is invalid: {})",
                    detail.trim()
                )
            } else {
                format!(
                    "a corrupt tar header after member {read} (`{last}`): {}",
                    detail.trim()
                )
            })
        };
        let mut regular: HashMap<String, Member> = HashMap::new();
        let mut links: HashMap<String, String> = HashMap::new();
        let mut last = String::new();
        let entries = archive
            .entries_with_seek()
            .map_err(|e| not_tar(0, &last, &e))?;
        for (n, item) in entries.enumerate() {
            if n >= MAX_MEMBERS {
                return Err(OciError::Limit(format!(
                    "{}: more than {MAX_MEMBERS} archive members",
                    path.display()
                )));
            }
            let entry = item.map_err(|e| not_tar(n, &last, &e))?;
            let (Some(name), _) = normalize(&entry.path_bytes()) else {
                continue;
            };
            // Seeking past the end of a file is not an error: a cut archive ends early
            // without one, so check that each member's data is all there.
            let end = entry.raw_file_position().saturating_add(entry.size());
            if end > file_len {
                return Err(not_an_image(format!(
                    "truncated: member `{}` ends at byte {end}, past the end of the file ({file_len} bytes)",
                    name.trim_start_matches('/')
                )));
            }
            last.clone_from(&name);
            let link = entry.link_name_bytes().map(std::borrow::Cow::into_owned);
            match entry.header().entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    regular.insert(
                        name,
                        Member {
                            offset: entry.raw_file_position(),
                            size: entry.size(),
                        },
                    );
                }
                tar::EntryType::Symlink => {
                    let target = String::from_utf8_lossy(&link.unwrap_or_default()).into_owned();
                    let full = if target.starts_with('/') {
                        target
                    } else {
                        format!("{}/{target}", parent(&name))
                    };
                    if let (Some(t), _) = normalize(full.as_bytes()) {
                        links.insert(name, t);
                    }
                }
                tar::EntryType::Link => {
                    if let (Some(t), _) = normalize(&link.unwrap_or_default()) {
                        links.insert(name, t);
                    }
                }
                _ => {}
            }
        }
        // Legacy `docker save` links identical layers (`<id>/layer.tar -> ../<id2>/layer.tar`).
        for (name, mut target) in links.clone() {
            for _ in 0..40 {
                if let Some(m) = regular.get(&target).copied() {
                    regular.insert(name.clone(), m);
                    break;
                }
                match links.get(&target) {
                    Some(t) => target.clone_from(t),
                    None => break,
                }
            }
        }
        let members = regular
            .into_iter()
            .map(|(k, m)| (k, (m.offset, m.size)))
            .collect();
        Ok(Store::Tar {
            path: path.to_owned(),
            members,
        })
    }

    /// A directory store.
    pub fn dir(path: &Path) -> Result<Store, OciError> {
        Ok(Store::Dir(
            path.canonicalize().map_err(|e| OciError::io(path, e))?,
        ))
    }

    /// Whether `name` exists.
    pub fn has(&self, name: &str) -> bool {
        match self {
            Store::Dir(_) => self.locate(name).is_ok(),
            Store::Tar { members, .. } => normalize(name.as_bytes())
                .0
                .is_some_and(|n| members.contains_key(&n)),
        }
    }

    fn locate(&self, name: &str) -> Result<PathBuf, OciError> {
        let Store::Dir(root) = self else {
            return Err(OciError::Missing(name.to_owned()));
        };
        let (Some(n), false) = normalize(name.as_bytes()) else {
            return Err(OciError::Missing(name.to_owned()));
        };
        let full = root.join(n.trim_start_matches('/'));
        let canon = full
            .canonicalize()
            .map_err(|_| OciError::Missing(name.to_owned()))?;
        if !canon.starts_with(root) || !canon.is_file() {
            return Err(OciError::Missing(name.to_owned()));
        }
        Ok(canon)
    }

    /// Opens a member or blob for streaming; also returns its size.
    pub fn open(&self, name: &str) -> Result<(Box<dyn Read + Send>, u64), OciError> {
        match self {
            Store::Dir(_) => {
                let p = self.locate(name)?;
                let f = File::open(&p).map_err(|e| OciError::io(&p, e))?;
                let size = f.metadata().map_or(0, |m| m.len());
                Ok((Box::new(f), size))
            }
            Store::Tar { path, members } => {
                let key = normalize(name.as_bytes()).0.unwrap_or_default();
                let &(offset, size) = members
                    .get(&key)
                    .ok_or_else(|| OciError::Missing(name.to_owned()))?;
                let mut f = File::open(path).map_err(|e| OciError::io(path, e))?;
                f.seek(SeekFrom::Start(offset))
                    .map_err(|e| OciError::io(path, e))?;
                Ok((Box::new(f.take(size)), size))
            }
        }
    }

    /// A member or blob as a byte range of an open file, for positioned reads: several
    /// readers (the layer walker, the digest check) can share it without seeking.
    pub fn region(&self, name: &str) -> Result<Region, OciError> {
        let (path, offset, size) = match self {
            Store::Dir(_) => {
                let p = self.locate(name)?;
                (p, 0, None)
            }
            Store::Tar { path, members } => {
                let key = normalize(name.as_bytes()).0.unwrap_or_default();
                let &(offset, size) = members
                    .get(&key)
                    .ok_or_else(|| OciError::Missing(name.to_owned()))?;
                (path.clone(), offset, Some(size))
            }
        };
        let file = File::open(&path).map_err(|e| OciError::io(&path, e))?;
        let size = match size {
            Some(s) => s,
            None => file.metadata().map_err(|e| OciError::io(&path, e))?.len(),
        };
        Ok(Region {
            file: Arc::new(file),
            offset,
            size,
        })
    }

    /// Reads a small JSON document (at most `max` bytes); returns it and the
    /// `sha256:` digest of its bytes.
    pub fn json(&self, name: &str, max: u64) -> Result<(Value, String), OciError> {
        let (reader, size) = self.open(name)?;
        if size > max {
            return Err(OciError::json(
                name,
                format!("{size} bytes, over the {max} byte limit"),
            ));
        }
        let mut bytes = Vec::new();
        reader
            .take(max)
            .read_to_end(&mut bytes)
            .map_err(|e| OciError::json(name, e.to_string()))?;
        let value = serde_json::from_slice(&bytes)
            .map_err(|e| OciError::json(name, format!("invalid JSON: {e}")))?;
        let digest = crate::walk::sha256_hex(&Sha256::digest(&bytes));
        Ok((value, digest))
    }
}

/// A byte range of an open file (a layer blob, or a member of an outer tar).
#[derive(Debug, Clone)]
pub struct Region {
    file: Arc<File>,
    offset: u64,
    size: u64,
}

impl Region {
    /// The length of the range.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Reads at `at` (relative to the range) into `buf`, never past the range's end;
    /// returns the number of bytes read (0 at the end).
    pub fn read_at(&self, at: u64, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.size.saturating_sub(at);
        let n = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        let Some(buf) = buf.get_mut(..n) else {
            return Ok(0);
        };
        if n == 0 {
            return Ok(0);
        }
        let pos = self
            .offset
            .checked_add(at)
            .ok_or_else(|| io::Error::other("offset out of range"))?;
        self.file.read_at(buf, pos)
    }

    /// A buffered reader over the range that also seeks (cheaply within its buffer),
    /// so a tar walk can skip member data it does not need.
    pub fn reader(&self) -> RegionReader {
        RegionReader {
            region: self.clone(),
            pos: 0,
            buf: vec![0; REGION_BUFFER].into_boxed_slice(),
            start: 0,
            end: 0,
        }
    }
}

/// The read size of a [`RegionReader`].
const REGION_BUFFER: usize = 16 * 1024;

/// A buffered, seekable reader over a [`Region`]. Unlike `BufReader`, seeking forward
/// within the buffered bytes keeps the buffer, and seeking past the end of the range
/// is an error (a truncated member), not a silent end of data.
#[derive(Debug)]
pub struct RegionReader {
    region: Region,
    /// Position in the range of `buf[end]` (the next byte to fetch).
    pos: u64,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
}

impl RegionReader {
    /// The position in the range of the next byte `read` returns.
    fn position(&self) -> u64 {
        self.pos - (self.end - self.start) as u64
    }
}

impl Read for RegionReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.start == self.end {
            if out.len() >= self.buf.len() {
                // Large reads bypass the buffer.
                let n = self.region.read_at(self.pos, out)?;
                self.pos += n as u64;
                return Ok(n);
            }
            let n = self.region.read_at(self.pos, &mut self.buf)?;
            self.pos += n as u64;
            self.start = 0;
            self.end = n;
        }
        let available = self.buf.get(self.start..self.end).unwrap_or_default();
        let n = available.len().min(out.len());
        if let (Some(to), Some(from)) = (out.get_mut(..n), available.get(..n)) {
            to.copy_from_slice(from);
        }
        self.start += n;
        Ok(n)
    }
}

impl Seek for RegionReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let here = self.position();
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => here.checked_add_signed(d),
            SeekFrom::End(d) => self.region.size.checked_add_signed(d),
        }
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek out of range"))?;
        if target > self.region.size {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "truncated: seek to byte {target} of a {} byte stream",
                    self.region.size
                ),
            ));
        }
        if target >= here && target <= self.pos {
            // Within the buffer.
            self.start += usize::try_from(target - here).unwrap_or(0);
        } else {
            self.pos = target;
            self.start = 0;
            self.end = 0;
        }
        Ok(target)
    }
}

/// The blob path of a digest (`sha256:ab..` → `blobs/sha256/ab..`), after
/// checking it is one algorithm word and hex, so it cannot name another path.
pub fn blob_path(digest: &str) -> Result<String, OciError> {
    let bad = || OciError::json("digest", format!("invalid digest {digest:?}"));
    let (alg, hex) = digest.split_once(':').ok_or_else(bad)?;
    let alg_ok = !alg.is_empty()
        && alg.bytes().all(|b| {
            b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || b == b'+'
                || b == b'_'
                || b == b'-'
                || b == b'.'
        });
    let hex_ok = !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    if !alg_ok || !hex_ok {
        return Err(bad());
    }
    Ok(format!("blobs/{alg}/{hex}"))
}
