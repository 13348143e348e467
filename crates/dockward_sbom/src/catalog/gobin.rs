//! Go binaries: the build information the Go linker embeds (`\xff Go buildinf:`), in both the
//! pointer format (Go < 1.18) and the inline format (Go ≥ 1.18).

use super::elf::{self, Reader, Section};
use super::{Ctx, Found};
use crate::{Package, PackageKind, purl};
use dockward_vuln::ecosystem::Ecosystem;

const MAGIC: &[u8] = b"\xff Go buildinf:";

/// What the build information says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct BuildInfo {
    /// `go1.19.8`.
    pub go_version: String,
    /// The main package path (`path` line).
    pub path: String,
    /// The main module and version (`mod` line).
    pub main: Option<(String, String)>,
    /// Dependencies after replacements.
    pub deps: Vec<(String, String)>,
}

fn find(data: &[u8]) -> Option<usize> {
    data.windows(MAGIC.len()).position(|w| w == MAGIC)
}

fn uvarint(b: &[u8]) -> Option<(u64, usize)> {
    let mut x: u64 = 0;
    for (i, &byte) in b.iter().enumerate().take(10) {
        x |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Some((x, i + 1));
        }
    }
    None
}

fn varint_string(b: &[u8]) -> Option<(&[u8], usize)> {
    let (n, used) = uvarint(b)?;
    let s = elf::slice(b, used as u64, n)?;
    Some((s, used + s.len()))
}

/// Reads a Go string header `{data *byte, len int}` at virtual address `addr`.
fn go_string<'a>(
    data: &'a [u8],
    secs: &[Section],
    r: Reader<'_>,
    addr: u64,
    w: usize,
) -> Option<&'a [u8]> {
    let hdr = elf::read_vaddr(data, secs, addr, 2 * w as u64)?;
    let hr = Reader {
        data: hdr,
        big: r.big,
    };
    let ptr = hr.uint(0, w)?;
    let len = hr.uint(w, w)?;
    if len > 16 << 20 {
        return None;
    }
    elf::read_vaddr(data, secs, ptr, len)
}

/// Parses the build information of a binary, `None` when it has none.
pub(crate) fn read(data: &[u8]) -> Option<BuildInfo> {
    let secs = elf::sections(data).map(|s| s.0).unwrap_or_default();
    let start = if secs.iter().any(|s| !s.name.is_empty()) {
        // An ELF file with a section table: Go's linker always writes `.go.buildinfo`
        // (also in stripped binaries), so other binaries are not scanned.
        let s = secs.iter().find(|s| s.name == ".go.buildinfo")?;
        let d = elf::section_data(data, s)?;
        if !d.starts_with(MAGIC) {
            return None;
        }
        usize::try_from(s.offset).ok()?
    } else {
        find(data)?
    };
    let hdr = data.get(start..)?;
    let ptr_size = usize::from(*hdr.get(14)?);
    let flags = *hdr.get(15)?;
    let (version, modinfo): (Vec<u8>, Vec<u8>) = if flags & 2 != 0 {
        let body = hdr.get(32..)?;
        let (v, used) = varint_string(body)?;
        let (m, _) = varint_string(body.get(used..)?)?;
        (v.to_vec(), m.to_vec())
    } else {
        if ptr_size != 4 && ptr_size != 8 {
            return None;
        }
        let r = Reader {
            data: hdr,
            big: flags & 1 != 0,
        };
        let vptr = r.uint(16, ptr_size)?;
        let mptr = r.uint(16 + ptr_size, ptr_size)?;
        let v = go_string(data, &secs, r, vptr, ptr_size)?;
        let m = go_string(data, &secs, r, mptr, ptr_size).unwrap_or_default();
        (v.to_vec(), m.to_vec())
    };
    let mut modinfo = modinfo.as_slice();
    if modinfo.len() >= 33 && modinfo.get(modinfo.len() - 17) == Some(&b'\n') {
        modinfo = &modinfo[16..modinfo.len() - 16];
    }
    let mut info = parse_modinfo(&String::from_utf8_lossy(modinfo));
    info.go_version = String::from_utf8_lossy(&version).into_owned();
    Some(info)
}

/// Parses the module-info text (`path`, `mod`, `dep`, `=>` lines, tab-separated).
pub(crate) fn parse_modinfo(s: &str) -> BuildInfo {
    let mut info = BuildInfo::default();
    for line in s.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["path", p, ..] => (*p).clone_into(&mut info.path),
            ["mod", p, v, ..] => info.main = Some(((*p).to_owned(), (*v).to_owned())),
            ["dep", p, v, ..] => info.deps.push(((*p).to_owned(), (*v).to_owned())),
            ["=>", p, v, ..] if !v.is_empty() => {
                if let Some(last) = info.deps.last_mut() {
                    *last = ((*p).to_owned(), (*v).to_owned());
                }
            }
            _ => {}
        }
    }
    info
}

fn go_purl(path: &str, version: &str) -> String {
    let (ns, name) = path
        .rsplit_once('/')
        .map_or((None, path), |(a, b)| (Some(a), b));
    let v = (version != "(devel)" && !version.is_empty()).then_some(version);
    purl::build("golang", ns, name, v, &[])
}

fn module(ctx: &Ctx<'_>, path: &str, name: &str, version: &str) -> Package {
    Package {
        name: name.to_owned(),
        version: version.to_owned(),
        ecosystem: Ecosystem::Go,
        kind: PackageKind::GoModule,
        source_name: None,
        source_version: None,
        purl: go_purl(name, version),
        licenses: Vec::new(),
        locations: vec![path.to_owned()],
        layer: ctx.layer(path),
        dependencies: Vec::new(),
    }
}

pub(crate) fn catalog(ctx: &mut Ctx<'_>, path: &str, data: &[u8]) -> Vec<Found> {
    let Some(info) = read(data) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut dep_purls = Vec::new();
    // `go1.22.1 X:boringcrypto` → `1.22.1`; `devel …` toolchains have no release version.
    let go = info.go_version.split_whitespace().next().unwrap_or("");
    if let Some(v) = go.strip_prefix("go").filter(|v| !v.is_empty()) {
        let mut p = module(ctx, path, "stdlib", v);
        p.kind = PackageKind::GoStdlib;
        p.purl = purl::build("golang", None, "stdlib", Some(v), &[]);
        dep_purls.push(p.purl.clone());
        out.push(p);
    }
    for (name, version) in &info.deps {
        let p = module(ctx, path, name, version);
        dep_purls.push(p.purl.clone());
        out.push(p);
    }
    if let Some((name, version)) = &info.main {
        let mut p = module(ctx, path, name, version);
        p.dependencies = dep_purls;
        out.insert(0, p);
    }
    out.into_iter()
        .map(|pkg| Found {
            pkg,
            dep_names: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline_blob(version: &str, modinfo: &str) -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.push(8);
        b.push(2);
        b.resize(32, 0);
        for s in [version, modinfo] {
            b.push(s.len() as u8);
            b.extend_from_slice(s.as_bytes());
        }
        b
    }

    #[test]
    fn inline_format_with_sentinels_and_replacement() {
        let sentinel_start = [
            0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6,
            0x18, 0xe6,
        ];
        let body = "path\texample.com/godemo\nmod\texample.com/godemo\t(devel)\t\ndep\tgolang.org/x/text\tv0.3.7\th1:abc\n=>\tgithub.com/fork/text\tv0.3.8\th1:def\ndep\tgithub.com/pkg/errors\tv0.9.1\th1:x\nbuild\t-compiler=gc\n";
        let mut mod_bytes = sentinel_start.to_vec();
        mod_bytes.extend_from_slice(body.as_bytes());
        mod_bytes.extend_from_slice(&[
            0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16,
            0xd8, 0xf2,
        ]);
        let mut data = vec![0u8; 100];
        data.extend(MAGIC);
        data.extend([8, 2]);
        data.resize(100 + 32, 0);
        data.push(8);
        data.extend_from_slice(b"go1.19.8");
        let mut n = mod_bytes.len();
        while n >= 0x80 {
            data.push((n as u8) | 0x80);
            n >>= 7;
        }
        data.push(n as u8);
        data.extend_from_slice(&mod_bytes);
        let info = read(&data).unwrap();
        assert_eq!(info.go_version, "go1.19.8");
        assert_eq!(info.path, "example.com/godemo");
        assert_eq!(
            info.main,
            Some(("example.com/godemo".into(), "(devel)".into()))
        );
        assert_eq!(
            info.deps,
            vec![
                ("github.com/fork/text".into(), "v0.3.8".into()),
                ("github.com/pkg/errors".into(), "v0.9.1".into())
            ]
        );
        assert_eq!(
            go_purl("example.com/godemo", "(devel)"),
            "pkg:golang/example.com/godemo"
        );
        assert_eq!(
            go_purl("github.com/pkg/errors", "v0.9.1"),
            "pkg:golang/github.com/pkg/errors@v0.9.1"
        );
    }

    #[test]
    fn pointer_format_through_sections() {
        // Go < 1.18: two pointers to string headers in .data.
        let version = b"go1.16.15";
        let mut rodata = version.to_vec();
        let mod_addr = 0x2000 + rodata.len() as u64;
        rodata.extend_from_slice(b"path\tcmd\n");
        let mut strs = Vec::new();
        for (ptr, len) in [(0x2000u64, version.len() as u64), (mod_addr, 9)] {
            strs.extend_from_slice(&ptr.to_le_bytes());
            strs.extend_from_slice(&len.to_le_bytes());
        }
        let mut hdr = MAGIC.to_vec();
        hdr.extend([8, 0]);
        hdr.extend_from_slice(&0x3000u64.to_le_bytes());
        hdr.extend_from_slice(&0x3010u64.to_le_bytes());
        hdr.resize(32, 0);
        let f = elf::build::elf64(&[
            (".go.buildinfo", 0x1000, &hdr),
            (".rodata", 0x2000, &rodata),
            (".data", 0x3000, &strs),
        ]);
        let info = read(&f).unwrap();
        assert_eq!(info.go_version, "go1.16.15");
        assert_eq!(info.path, "cmd");
    }

    #[test]
    fn hostile_headers_do_not_panic() {
        assert!(read(b"").is_none());
        let mut d = MAGIC.to_vec();
        d.extend([8, 2, 0xff, 0xff]);
        assert!(read(&d).is_none());
        let mut d = inline_blob("go1.21.0", "x");
        d.truncate(d.len() - 1);
        assert!(read(&d).is_none());
        let mut d = MAGIC.to_vec();
        d.extend([8, 0]);
        d.extend([0xff; 16]);
        assert!(read(&d).is_none());
    }

    /// The Docker CLI on this machine is a Go binary: read its buildinfo when present.
    #[test]
    fn real_go_binary_when_present() {
        let Ok(data) = std::fs::read("/usr/bin/docker") else {
            return;
        };
        let info = read(&data).expect("/usr/bin/docker has Go build information");
        assert!(info.go_version.starts_with("go1."), "{}", info.go_version);
        // Debian builds the CLI in GOPATH mode: a main package path, no module lines.
        assert_eq!(info.path, "github.com/docker/cli/cmd/docker");
    }
}
