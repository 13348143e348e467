//! Builders of real layer tars and image archives for the tests.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

/// One member of a layer to build.
pub enum M<'a> {
    File(&'a str, &'a [u8]),
    Dir(&'a str),
    Symlink(&'a str, &'a str),
    Hardlink(&'a str, &'a str),
    /// A name written byte for byte (no validation), for hostile names.
    RawFile(&'a [u8], &'a [u8]),
    /// A PAX `path` record followed by a file with a short placeholder name.
    PaxFile(&'a str, &'a [u8]),
}

fn raw_header(name: &[u8], kind: tar::EntryType, size: u64, link: Option<&[u8]>) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    let old = h.as_old_mut();
    let n = name.len().min(100);
    old.name[..n].copy_from_slice(&name[..n]);
    if let Some(l) = link {
        let n = l.len().min(100);
        old.linkname[..n].copy_from_slice(&l[..n]);
    }
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(if kind == tar::EntryType::Directory {
        0o755
    } else {
        0o644
    });
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(0);
    h.set_cksum();
    h
}

/// A plain layer tar.
pub fn layer(members: &[M<'_>]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for m in members {
        match *m {
            M::File(name, data) => {
                let mut h = tar::Header::new_gnu();
                h.set_size(data.len() as u64);
                h.set_mode(0o644);
                b.append_data(&mut h, name, data).unwrap();
            }
            M::Dir(name) => {
                b.append(
                    &raw_header(name.as_bytes(), tar::EntryType::Directory, 0, None),
                    &[][..],
                )
                .unwrap();
            }
            M::Symlink(name, target) => {
                let h = raw_header(
                    name.as_bytes(),
                    tar::EntryType::Symlink,
                    0,
                    Some(target.as_bytes()),
                );
                b.append(&h, &[][..]).unwrap();
            }
            M::Hardlink(name, target) => {
                let h = raw_header(
                    name.as_bytes(),
                    tar::EntryType::Link,
                    0,
                    Some(target.as_bytes()),
                );
                b.append(&h, &[][..]).unwrap();
            }
            M::RawFile(name, data) => {
                b.append(
                    &raw_header(name, tar::EntryType::Regular, data.len() as u64, None),
                    data,
                )
                .unwrap();
            }
            M::PaxFile(name, data) => {
                let body = pax_record("path", name);
                let h = raw_header(
                    b"PaxHeaders/x",
                    tar::EntryType::XHeader,
                    body.len() as u64,
                    None,
                );
                b.append(&h, body.as_slice()).unwrap();
                b.append(
                    &raw_header(
                        b"placeholder",
                        tar::EntryType::Regular,
                        data.len() as u64,
                        None,
                    ),
                    data,
                )
                .unwrap();
            }
        }
    }
    b.into_inner().unwrap()
}

fn pax_record(key: &str, value: &str) -> Vec<u8> {
    let rest = format!(" {key}={value}\n");
    let mut len = rest.len() + 1;
    while format!("{len}{rest}").len() != len {
        len += 1;
    }
    format!("{len}{rest}").into_bytes()
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

pub fn sha(data: &[u8]) -> String {
    format!(
        "sha256:{}",
        Sha256::digest(data).iter().fold(String::new(), |mut s, b| {
            use std::fmt::Write;
            let _ = write!(s, "{b:02x}");
            s
        })
    )
}

fn hex(digest: &str) -> &str {
    digest.trim_start_matches("sha256:")
}

/// A layer blob as stored plus its uncompressed tar (for the diff_id).
pub struct Blob {
    pub stored: Vec<u8>,
    pub tar: Vec<u8>,
    pub media_type: &'static str,
}

pub fn plain(tar: Vec<u8>) -> Blob {
    Blob {
        stored: tar.clone(),
        tar,
        media_type: "application/vnd.oci.image.layer.v1.tar",
    }
}
pub fn gz(tar: Vec<u8>) -> Blob {
    Blob {
        stored: gzip(&tar),
        tar,
        media_type: "application/vnd.oci.image.layer.v1.tar+gzip",
    }
}
pub fn zst(tar: Vec<u8>) -> Blob {
    Blob {
        stored: zstd(&tar),
        tar,
        media_type: "application/vnd.oci.image.layer.v1.tar+zstd",
    }
}

pub fn config_json(arch: &str, layers: &[Blob]) -> Vec<u8> {
    let diff_ids: Vec<String> = layers.iter().map(|l| sha(&l.tar)).collect();
    let history: Vec<serde_json::Value> = (0..layers.len())
        .map(|i| serde_json::json!({"created_by": format!("step {i}")}))
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "os": "linux", "architecture": arch,
        "config": {"User": "app", "Env": ["PATH=/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }))
    .unwrap()
}

/// Writes a docker-save tar (legacy layout: `<n>/layer.tar`).
pub fn docker_archive(path: &Path, layers: &[Blob]) {
    let config = config_json("amd64", layers);
    let config_name = format!("{}.json", hex(&sha(&config)));
    let names: Vec<String> = (0..layers.len())
        .map(|i| format!("l{i}/layer.tar"))
        .collect();
    let manifest = serde_json::to_vec(&serde_json::json!([
        {"Config": config_name, "RepoTags": ["test:latest"], "Layers": names}
    ]))
    .unwrap();
    let mut b = tar::Builder::new(std::fs::File::create(path).unwrap());
    let mut add = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, data).unwrap();
    };
    add("manifest.json", &manifest);
    add(&config_name, &config);
    for (name, l) in names.iter().zip(layers) {
        add(name, &l.stored);
    }
    b.into_inner().unwrap().flush().unwrap();
}

/// Writes blobs of an OCI layout into `dir`; returns the manifest descriptor.
pub fn oci_image(dir: &Path, arch: &str, layers: &[Blob]) -> serde_json::Value {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let put = |data: &[u8]| {
        let d = sha(data);
        std::fs::write(blobs.join(hex(&d)), data).unwrap();
        d
    };
    let config = config_json(arch, layers);
    let layer_descs: Vec<serde_json::Value> = layers
        .iter()
        .map(|l| serde_json::json!({"mediaType": l.media_type, "digest": put(&l.stored), "size": l.stored.len()}))
        .collect();
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(&config), "size": config.len()},
        "layers": layer_descs,
    }))
    .unwrap();
    serde_json::json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": put(&manifest), "size": manifest.len(),
        "platform": {"os": "linux", "architecture": arch},
        "annotations": {"org.opencontainers.image.ref.name": format!("test-{arch}")}
    })
}

pub fn oci_index(dir: &Path, manifests: &[serde_json::Value]) {
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let index = serde_json::json!({"schemaVersion": 2, "manifests": manifests});
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
}

/// Tars a directory (for the OCI-layout-as-tar case).
pub fn tar_dir(dir: &Path, out: &Path) {
    let mut b = tar::Builder::new(std::fs::File::create(out).unwrap());
    b.append_dir_all(".", dir).unwrap();
    b.into_inner().unwrap().flush().unwrap();
}

pub fn content(image: &dockward_oci::Image, path: &str) -> Option<String> {
    let e = image.files.get(path)?;
    String::from_utf8(e.content.as_deref()?.to_vec()).ok()
}
