//! File helpers shared by the host, daemon and inside probes. Every path is an
//! absolute path as seen on the probed system, read through `root`.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use dockward_audit::facts::{FileFacts, FileKind};

/// `root` joined with the absolute `path`.
pub fn under(root: &Path, path: &str) -> PathBuf {
    root.join(path.trim_start_matches('/'))
}

/// Reads a text file; `Ok(None)` when it does not exist. At most `limit` bytes
/// are read; a longer file is an error.
pub fn read_text_limited(root: &Path, path: &str, limit: u64) -> io::Result<Option<String>> {
    let file = match std::fs::File::open(under(root, path)) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {limit} bytes"),
        ));
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// Reads a small text file (≤ 4 MiB); `Ok(None)` when it does not exist.
pub fn read_text(root: &Path, path: &str) -> io::Result<Option<String>> {
    read_text_limited(root, path, 4 * 1024 * 1024)
}

/// Reads a small text file, trimmed; `None` when missing, unreadable or empty.
pub fn read_trimmed(root: &Path, path: &str) -> Option<String> {
    read_text(root, path)
        .ok()
        .flatten()
        .map(|s| s.trim().trim_end_matches('\0').to_owned())
        .filter(|s| !s.is_empty())
}

/// User and group names from `/etc/passwd` and `/etc/group` under `root`.
#[derive(Debug, Default, Clone)]
pub struct Accounts {
    /// uid → name.
    pub users: BTreeMap<u32, String>,
    /// gid → name.
    pub groups: BTreeMap<u32, String>,
    /// `/etc/passwd` entries: name, uid, primary gid, home.
    pub passwd: Vec<PasswdEntry>,
    /// `/etc/group` entries: name, gid, members.
    pub group_entries: Vec<GroupEntry>,
}

/// One `/etc/passwd` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswdEntry {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: String,
}

/// One `/etc/group` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupEntry {
    pub name: String,
    pub gid: u32,
    pub members: Vec<String>,
}

impl Accounts {
    /// Reads both files; missing or malformed lines are skipped.
    pub fn read(root: &Path) -> Self {
        let mut accounts = Self::default();
        for line in read_text(root, "/etc/passwd")
            .ok()
            .flatten()
            .unwrap_or_default()
            .lines()
        {
            let fields: Vec<&str> = line.split(':').collect();
            if let [name, _, uid, gid, _, home, ..] = fields.as_slice()
                && let (Ok(uid), Ok(gid)) = (uid.parse(), gid.parse())
            {
                accounts
                    .users
                    .entry(uid)
                    .or_insert_with(|| (*name).to_owned());
                accounts.passwd.push(PasswdEntry {
                    name: (*name).to_owned(),
                    uid,
                    gid,
                    home: (*home).to_owned(),
                });
            }
        }
        for line in read_text(root, "/etc/group")
            .ok()
            .flatten()
            .unwrap_or_default()
            .lines()
        {
            let fields: Vec<&str> = line.split(':').collect();
            if let [name, _, gid, rest @ ..] = fields.as_slice()
                && let Ok(gid) = gid.parse()
            {
                let members = rest
                    .first()
                    .map(|m| {
                        m.split(',')
                            .map(str::trim)
                            .filter(|m| !m.is_empty())
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                accounts
                    .groups
                    .entry(gid)
                    .or_insert_with(|| (*name).to_owned());
                accounts.group_entries.push(GroupEntry {
                    name: (*name).to_owned(),
                    gid,
                    members,
                });
            }
        }
        accounts
    }
}

/// `lstat` of one path, with names resolved through `accounts`.
pub fn file_facts(root: &Path, path: &str, accounts: &Accounts) -> FileFacts {
    let mut facts = FileFacts {
        path: path.to_owned(),
        kind: FileKind::Missing,
        uid: 0,
        gid: 0,
        owner: None,
        group: None,
        mode: 0,
        error: None,
    };
    match std::fs::symlink_metadata(under(root, path)) {
        Ok(meta) => {
            let ft = meta.file_type();
            facts.kind = if ft.is_symlink() {
                FileKind::Symlink
            } else if ft.is_dir() {
                FileKind::Directory
            } else if ft.is_file() {
                FileKind::File
            } else if ft.is_socket() {
                FileKind::Socket
            } else {
                FileKind::Other
            };
            facts.uid = meta.uid();
            facts.gid = meta.gid();
            facts.owner = accounts.users.get(&meta.uid()).cloned();
            facts.group = accounts.groups.get(&meta.gid()).cloned();
            facts.mode = meta.mode() & 0o7777;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => facts.error = Some(e.to_string()),
    }
    facts
}

/// Sorted names in a directory; empty when it cannot be read.
pub fn dir_names(root: &Path, path: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(under(root, path))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Decodes the octal escapes (`\040`) the kernel writes in mountinfo fields.
pub fn unescape_octal(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'\\'
            && let Some(digits) = bytes.get(i + 1..i + 4)
            && digits.iter().all(|d| (b'0'..=b'7').contains(d))
        {
            let value = digits
                .iter()
                .fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
            if let Ok(byte) = u8::try_from(value) {
                out.push(byte);
                i += 4;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One parsed mountinfo line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountInfo {
    pub root: String,
    pub mount_point: String,
    pub options: String,
    pub optional: Vec<String>,
    pub fs_type: String,
    pub source: String,
    pub super_options: String,
}

/// Parses `/proc/<pid>/mountinfo` text; malformed lines are skipped.
pub fn parse_mountinfo(text: &str) -> Vec<MountInfo> {
    let mut mounts = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(sep) = fields.iter().position(|f| *f == "-") else {
            continue;
        };
        let (Some(head), Some(tail)) = (fields.get(..sep), fields.get(sep + 1..)) else {
            continue;
        };
        let [_, _, _, root, mount_point, options, optional @ ..] = head else {
            continue;
        };
        let [fs_type, source, rest @ ..] = tail else {
            continue;
        };
        mounts.push(MountInfo {
            root: unescape_octal(root),
            mount_point: unescape_octal(mount_point),
            options: (*options).to_owned(),
            optional: optional.iter().map(|s| (*s).to_owned()).collect(),
            fs_type: unescape_octal(fs_type),
            source: unescape_octal(source),
            super_options: rest.first().map(|s| (*s).to_owned()).unwrap_or_default(),
        });
    }
    mounts
}

/// cgroup version and controllers under `root`: v2 when
/// `/sys/fs/cgroup/cgroup.controllers` exists, v1 when `/sys/fs/cgroup` holds
/// controller hierarchies.
pub fn cgroup_mode(root: &Path) -> (Option<u8>, Vec<String>) {
    if let Ok(Some(text)) = read_text(root, "/sys/fs/cgroup/cgroup.controllers") {
        return (
            Some(2),
            text.split_whitespace().map(str::to_owned).collect(),
        );
    }
    let mut controllers: Vec<String> = dir_names(root, "/sys/fs/cgroup")
        .iter()
        .filter(|name| {
            std::fs::metadata(under(root, &format!("/sys/fs/cgroup/{name}")))
                .is_ok_and(|m| m.is_dir())
        })
        .flat_map(|name| name.split(',').map(str::to_owned).collect::<Vec<_>>())
        .filter(|name| name != "unified" && name != "systemd" && !name.starts_with("name="))
        .collect();
    controllers.sort();
    controllers.dedup();
    if controllers.is_empty() {
        (None, controllers)
    } else {
        (Some(1), controllers)
    }
}

/// Value of one `Key:` line in a `/proc/<pid>/status` text.
pub fn status_field<'a>(status: &'a str, key: &str) -> Option<&'a str> {
    status.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k == key).then(|| v.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mountinfo_fields_and_escapes() {
        let text = "36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 shared:3 - ext3 /dev/root rw,errors=continue\n\
                    garbage line\n\
                    40 36 0:5 / /dev rw - devtmpfs udev rw\n";
        let mounts = parse_mountinfo(text);
        assert_eq!(mounts.len(), 2);
        assert_eq!(mounts[0].mount_point, "/mnt two");
        assert_eq!(mounts[0].root, "/mnt1");
        assert_eq!(mounts[0].optional, ["master:1", "shared:3"]);
        assert_eq!(mounts[0].fs_type, "ext3");
        assert_eq!(mounts[0].source, "/dev/root");
        assert_eq!(mounts[1].optional, Vec::<String>::new());
    }

    #[test]
    fn octal_unescape_keeps_invalid_sequences() {
        assert_eq!(unescape_octal("a\\011b\\134c"), "a\tb\\c");
        assert_eq!(unescape_octal("end\\04"), "end\\04");
        assert_eq!(unescape_octal("x\\999"), "x\\999");
    }

    #[test]
    fn status_fields() {
        let s = "Name:\tbash\nSeccomp:\t2\nCapEff:\t00000000a80425fb\n";
        assert_eq!(status_field(s, "Seccomp"), Some("2"));
        assert_eq!(status_field(s, "CapEff"), Some("00000000a80425fb"));
        assert_eq!(status_field(s, "Cap"), None);
    }
}
