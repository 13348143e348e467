//! A minimal ELF section-table reader (ELF32/ELF64, either byte order). Only what the Go and
//! Rust binary catalogers need: section names, addresses and file ranges.

use thiserror::Error;

/// Why a file could not be read as ELF.
#[derive(Debug, Clone, Copy, Error, PartialEq, Eq)]
pub(crate) enum ElfError {
    #[error("not an ELF file")]
    NotElf,
    #[error("ELF header or section table is truncated")]
    Truncated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    pub name: String,
    pub ty: u32,
    pub addr: u64,
    pub offset: u64,
    pub size: u64,
}

const SHT_NOBITS: u32 = 8;

#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    pub data: &'a [u8],
    pub big: bool,
}

impl Reader<'_> {
    pub fn uint(&self, off: usize, width: usize) -> Option<u64> {
        let b = self.data.get(off..off.checked_add(width)?)?;
        let mut v: u64 = 0;
        for i in 0..width {
            let byte = if self.big { b[i] } else { b[width - 1 - i] };
            v = (v << 8) | u64::from(byte);
        }
        Some(v)
    }
}

/// The section headers of an ELF file.
pub(crate) fn sections(data: &[u8]) -> Result<(Vec<Section>, bool, usize), ElfError> {
    if !data.starts_with(b"\x7fELF") {
        return Err(ElfError::NotElf);
    }
    let class64 = match data.get(4) {
        Some(1) => false,
        Some(2) => true,
        _ => return Err(ElfError::NotElf),
    };
    let big = match data.get(5) {
        Some(1) => false,
        Some(2) => true,
        _ => return Err(ElfError::NotElf),
    };
    let r = Reader { data, big };
    let w = if class64 { 8 } else { 4 };
    let t = ElfError::Truncated;
    let (shoff, shentsize, shnum, shstrndx) = if class64 {
        (
            r.uint(0x28, 8).ok_or(t)?,
            r.uint(0x3A, 2).ok_or(t)?,
            r.uint(0x3C, 2).ok_or(t)?,
            r.uint(0x3E, 2).ok_or(t)?,
        )
    } else {
        (
            r.uint(0x20, 4).ok_or(t)?,
            r.uint(0x2E, 2).ok_or(t)?,
            r.uint(0x30, 2).ok_or(t)?,
            r.uint(0x32, 2).ok_or(t)?,
        )
    };
    let min_ent = if class64 { 64 } else { 40 };
    if shentsize < min_ent {
        return Err(t);
    }
    let mut raw = Vec::new();
    for i in 0..shnum {
        let base = i
            .checked_mul(shentsize)
            .and_then(|x| x.checked_add(shoff))
            .and_then(|x| usize::try_from(x).ok())
            .ok_or(t)?;
        let name = r.uint(base, 4).ok_or(t)?;
        let ty = r.uint(base.saturating_add(4), 4).ok_or(t)? as u32;
        let (addr, offset, size) = (
            r.uint(base.saturating_add(8 + w), w).ok_or(t)?,
            r.uint(base.saturating_add(8 + 2 * w), w).ok_or(t)?,
            r.uint(base.saturating_add(8 + 3 * w), w).ok_or(t)?,
        );
        raw.push((name, ty, addr, offset, size));
    }
    let strtab = raw
        .get(usize::try_from(shstrndx).unwrap_or(usize::MAX))
        .and_then(|s| slice(data, s.3, s.4));
    let out = raw
        .into_iter()
        .map(|(name, ty, addr, offset, size)| Section {
            name: strtab
                .and_then(|st| st.get(usize::try_from(name).ok()?..))
                .map(|s| {
                    let end = s.iter().position(|&b| b == 0).unwrap_or(s.len());
                    String::from_utf8_lossy(&s[..end]).into_owned()
                })
                .unwrap_or_default(),
            ty,
            addr,
            offset,
            size,
        })
        .collect();
    Ok((out, big, w))
}

/// `data[off..off+len]`, or `None` when out of range.
pub(crate) fn slice(data: &[u8], off: u64, len: u64) -> Option<&[u8]> {
    let start = usize::try_from(off).ok()?;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    data.get(start..end)
}

/// The file bytes of a section (none for `SHT_NOBITS`).
pub(crate) fn section_data<'a>(data: &'a [u8], s: &Section) -> Option<&'a [u8]> {
    if s.ty == SHT_NOBITS {
        return None;
    }
    slice(data, s.offset, s.size)
}

/// Reads `len` bytes at virtual address `addr`, through the section table.
pub(crate) fn read_vaddr<'a>(
    data: &'a [u8],
    secs: &[Section],
    addr: u64,
    len: u64,
) -> Option<&'a [u8]> {
    let s = secs.iter().find(|s| {
        s.ty != SHT_NOBITS
            && s.addr != 0
            && addr >= s.addr
            && addr
                .checked_add(len)
                .is_some_and(|e| s.addr.checked_add(s.size).is_some_and(|end| e <= end))
    })?;
    slice(data, s.offset.checked_add(addr - s.addr)?, len)
}

#[cfg(test)]
pub(crate) mod build {
    //! Builds small ELF64 little-endian files for tests.

    /// An ELF64 LE file with the given (name, addr, content) PROGBITS sections.
    pub fn elf64(sections: &[(&str, u64, &[u8])]) -> Vec<u8> {
        let mut out = vec![0u8; 64];
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = 2;
        out[5] = 1;
        out[6] = 1;
        let mut shstr = vec![0u8];
        let mut placed = Vec::new();
        for (name, addr, content) in sections {
            let name_off = shstr.len();
            shstr.extend_from_slice(name.as_bytes());
            shstr.push(0);
            let off = out.len();
            out.extend_from_slice(content);
            placed.push((name_off, *addr, off, content.len()));
        }
        let shstr_name = shstr.len();
        shstr.extend_from_slice(b".shstrtab\0");
        let shstr_off = out.len();
        out.extend_from_slice(&shstr);
        while !out.len().is_multiple_of(8) {
            out.push(0);
        }
        let shoff = out.len();
        out.extend_from_slice(&[0u8; 64]); // null section
        let push = |out: &mut Vec<u8>, name: usize, ty: u32, addr: u64, off: usize, size: usize| {
            let mut h = [0u8; 64];
            h[0..4].copy_from_slice(&(name as u32).to_le_bytes());
            h[4..8].copy_from_slice(&ty.to_le_bytes());
            h[16..24].copy_from_slice(&addr.to_le_bytes());
            h[24..32].copy_from_slice(&(off as u64).to_le_bytes());
            h[32..40].copy_from_slice(&(size as u64).to_le_bytes());
            out.extend_from_slice(&h);
        };
        for (name, addr, off, size) in &placed {
            push(&mut out, *name, 1, *addr, *off, *size);
        }
        push(&mut out, shstr_name, 3, 0, shstr_off, shstr.len());
        let n = placed.len() as u16 + 2;
        out[0x28..0x30].copy_from_slice(&(shoff as u64).to_le_bytes());
        out[0x3A..0x3C].copy_from_slice(&64u16.to_le_bytes());
        out[0x3C..0x3E].copy_from_slice(&n.to_le_bytes());
        out[0x3E..0x40].copy_from_slice(&(n - 1).to_le_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_constructed_sections_and_rejects_truncation() {
        let f = build::elf64(&[(".dep-v0", 0, b"hello"), (".data", 0x1000, b"abcdef")]);
        let (secs, big, w) = sections(&f).unwrap();
        assert!(!big);
        assert_eq!(w, 8);
        let dep = secs.iter().find(|s| s.name == ".dep-v0").unwrap();
        assert_eq!(section_data(&f, dep), Some(&b"hello"[..]));
        assert_eq!(read_vaddr(&f, &secs, 0x1002, 3), Some(&b"cde"[..]));
        assert_eq!(read_vaddr(&f, &secs, 0x1004, 3), None);
        for cut in [3, 20, 63, f.len() - 1] {
            let _ = sections(&f[..cut]);
        }
        assert_eq!(sections(&f[..30]), Err(ElfError::Truncated));
    }
}
