//! Reading generated images: formats, whiteouts, links and hostile archives.

mod common;

use std::io::Write;

use common::*;
use dockward_oci::{
    EntryKind, Limits, OciError, Platform, ReadOptions, Source, Verify, detect, read,
};

fn all(_: &str, _: u64) -> bool {
    true
}

fn opts() -> ReadOptions<'static> {
    ReadOptions {
        wanted: &all,
        platform: None,
        limits: Limits::default(),
        progress: None,
        verify: dockward_oci::Verify::default(),
        defer: None,
    }
}

#[test]
fn removed_and_replaced_files_with_kept_content_are_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let base = layer(&[
        M::File("app/a", b"a"),
        M::File("app/kept", b"k"),
        M::File("srv/nm/x/package.json", b"x0"),
        M::File("dir/sub/f", b"f"),
        M::File("etc/conf", b"c0"),
    ]);
    let upper = layer(&[
        M::File("app/.wh.a", b""),
        M::File("srv/nm/.wh..wh..opq", b""),
        M::File("dir", b"now a file"),
        M::File("etc/conf", b"c1"),
    ]);
    let path = dir.path().join("image.tar");
    docker_archive(&path, &[plain(base), plain(upper)]);
    let want_all_but_kept = |p: &str, _: u64| p != "/dir/sub/f";
    let options = ReadOptions {
        wanted: &want_all_but_kept,
        ..opts()
    };
    let image = read(&detect(&path).unwrap(), &options).unwrap();
    let removed: Vec<(&str, usize, usize)> = image
        .files
        .removed()
        .iter()
        .map(|r| (r.path.as_str(), r.entry.layer, r.removed_in))
        .collect();
    // `/dir/sub/f` had no kept content: not remembered.
    assert_eq!(
        removed,
        [
            ("/srv/nm/x/package.json", 0, 1),
            ("/app/a", 0, 1),
            ("/etc/conf", 0, 1)
        ]
    );
    let conf = &image.files.removed()[2];
    assert_eq!(conf.entry.content.as_deref(), Some(&b"c0"[..]));
}

#[test]
fn docker_archive_whiteouts_and_opaque_dirs() {
    let dir = tempfile::tempdir().unwrap();
    let base = layer(&[
        M::Dir("etc"),
        M::File("etc/os-release", b"ID=test\n"),
        M::File("app/a", b"a"),
        M::File("app/b", b"b"),
        M::File("srv/nm/x/package.json", b"x0"),
        M::File("srv/nm/y/package.json", b"y0"),
        M::File("dir/sub/f", b"f"),
    ]);
    let upper = layer(&[
        M::File("app/.wh.a", b""),
        // Listed before the opaque marker of its directory: the same layer's entries stay.
        M::File("srv/nm/y/package.json", b"y1"),
        M::File("srv/nm/.wh..wh..opq", b""),
        M::File("dir", b"now a file"),
        M::File("etc/.wh.", b""),
    ]);
    let path = dir.path().join("image.tar");
    docker_archive(&path, &[plain(base), plain(upper)]);
    let source = detect(&path).unwrap();
    assert_eq!(source, Source::DockerArchive(path.clone()));
    // Verifying: the plain layers match their config diff_ids, or the read would fail.
    let image = read(&source, &verifying()).unwrap();
    let f = &image.files;
    assert!(f.get("/app/a").is_none(), "whiteout removes the lower file");
    assert_eq!(content(&image, "/app/b").as_deref(), Some("b"));
    assert!(
        f.get("/srv/nm/x/package.json").is_none(),
        "opaque dir hides lower children"
    );
    assert_eq!(
        content(&image, "/srv/nm/y/package.json").as_deref(),
        Some("y1")
    );
    assert_eq!(f.get("/srv/nm/y/package.json").unwrap().layer, 1);
    assert_eq!(f.get("/dir").unwrap().kind, EntryKind::File);
    assert!(
        f.get("/dir/sub/f").is_none(),
        "a file replacing a directory removes its subtree: {:?}",
        f.iter().map(|(p, e)| (p, e.layer)).collect::<Vec<_>>()
    );
    assert_eq!(
        content(&image, "/etc/os-release").as_deref(),
        Some("ID=test\n")
    );
    assert!(
        f.iter().all(|(p, _)| !p.contains(".wh.")),
        "markers are not entries"
    );
    assert!(
        image
            .warnings
            .iter()
            .any(|w| w.contains("ignored whiteout marker /etc/.wh.")),
        "{:?}",
        image.warnings
    );
    assert_eq!(image.config.user.as_deref(), Some("app"));
    assert_eq!(image.config.repo_tags, ["test:latest"]);
    assert_eq!(image.layers.len(), 2);
    assert_eq!(image.layers[1].created_by.as_deref(), Some("step 1"));
    assert_eq!(
        image.layers[0].diff_id.as_deref(),
        Some(image.layers[0].digest.as_str())
    );
}

#[test]
fn symlinks_resolve_inside_the_image_only() {
    let dir = tempfile::tempdir().unwrap();
    let l = layer(&[
        M::File("etc/shadow", b"image-shadow"),
        M::Symlink("etc/rel", "../../../../../etc/shadow"),
        M::Symlink("abs", "/etc/shadow"),
        M::Symlink("loop/a", "b"),
        M::Symlink("loop/b", "a"),
        M::Symlink("lib", "usr/lib"),
        M::File("usr/lib/libc.so", b"libc"),
        M::Symlink("chain", "abs"),
        M::Symlink("dangling", "/nonexistent"),
    ]);
    let path = dir.path().join("image.tar");
    docker_archive(&path, &[gz(l)]);
    let image = read(&detect(&path).unwrap(), &opts()).unwrap();
    let f = &image.files;
    assert_eq!(
        f.get("/abs").unwrap().kind,
        EntryKind::Symlink("/etc/shadow".into())
    );
    assert_eq!(f.resolve("/etc/rel").as_deref(), Some("/etc/shadow"));
    assert_eq!(f.resolve("/abs").as_deref(), Some("/etc/shadow"));
    assert_eq!(f.resolve("/chain").as_deref(), Some("/etc/shadow"));
    assert_eq!(
        f.resolve("/lib/libc.so").as_deref(),
        Some("/usr/lib/libc.so")
    );
    assert_eq!(f.resolve("/loop/a"), None, "a loop gives up");
    assert_eq!(f.resolve("/dangling"), None);
    let (p, e) = f.get_resolved("/etc/rel").unwrap();
    assert_eq!(
        (p.as_str(), e.content.as_deref()),
        ("/etc/shadow", Some(&b"image-shadow"[..]))
    );
}

#[test]
fn hard_links_share_content_and_pax_long_names() {
    let dir = tempfile::tempdir().unwrap();
    let long_gnu = format!("opt/{}/gnu.txt", "g".repeat(120));
    let long_pax = format!("opt/{}/pax.txt", "p".repeat(150));
    let l = layer(&[
        M::File("bin/busybox", b"BUSYBOX"),
        M::Hardlink("bin/sh", "bin/busybox"),
        M::File(&long_gnu, b"gnu"),
        M::PaxFile(&long_pax, b"pax"),
    ]);
    let path = dir.path().join("image.tar");
    docker_archive(&path, &[zst(l)]);
    let image = read(&detect(&path).unwrap(), &opts()).unwrap();
    let sh = image.files.get("/bin/sh").unwrap();
    assert_eq!(sh.kind, EntryKind::Hardlink("/bin/busybox".into()));
    assert_eq!(sh.content.as_deref(), Some(&b"BUSYBOX"[..]));
    assert_eq!(sh.size, 7);
    assert_eq!(
        content(&image, &format!("/{long_gnu}")).as_deref(),
        Some("gnu")
    );
    assert_eq!(
        content(&image, &format!("/{long_pax}")).as_deref(),
        Some("pax")
    );
    assert!(image.files.get("/placeholder").is_none());
    assert_eq!(
        image.layers[0].media_type,
        "application/vnd.oci.image.layer.v1.tar+zstd"
    );
}

#[test]
fn traversal_and_absolute_members_are_clamped_to_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let l = layer(&[
        M::RawFile(b"../../../../evil-oci-test", b"x"),
        M::RawFile(b"/abs/file", b"y"),
        M::RawFile(b"./a/../../b", b"z"),
        M::RawFile(b"bad\xffname", b"w"),
    ]);
    let path = dir.path().join("image.tar");
    docker_archive(&path, &[plain(l)]);
    let image = read(&detect(&path).unwrap(), &opts()).unwrap();
    assert_eq!(content(&image, "/evil-oci-test").as_deref(), Some("x"));
    assert_eq!(content(&image, "/abs/file").as_deref(), Some("y"));
    assert_eq!(content(&image, "/b").as_deref(), Some("z"));
    assert!(image.files.get("/bad\u{fffd}name").is_some());
    assert!(
        image
            .warnings
            .iter()
            .any(|w| w.contains("2 member name(s) climbed above the root")),
        "{:?}",
        image.warnings
    );
    assert!(!dir.path().parent().unwrap().join("evil-oci-test").exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing written next to the archive"
    );
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn decompression_bomb_streams_within_the_memory_cap() {
    const GIB: u64 = 1 << 30;
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    let mut h = tar::Header::new_gnu();
    h.set_size(GIB);
    h.set_mode(0o644);
    builder
        .append_data(&mut h, "zeros", std::io::repeat(0).take_bytes(GIB))
        .unwrap();
    let mut h = tar::Header::new_gnu();
    h.set_size(2);
    h.set_mode(0o644);
    builder.append_data(&mut h, "after", &b"ok"[..]).unwrap();
    let stored = builder.into_inner().unwrap().finish().unwrap();
    assert!(
        stored.len() < 16 << 20,
        "the bomb is small: {}",
        stored.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.tar");
    let blob = Blob {
        stored,
        tar: Vec::new(),
        media_type: "",
    };
    docker_archive(&path, &[blob]);
    let image = read(&detect(&path).unwrap(), &opts()).unwrap();
    let zeros = image.files.get("/zeros").unwrap();
    assert_eq!(zeros.size, GIB);
    assert!(zeros.content.is_none(), "over max_kept_file: not kept");
    assert_eq!(content(&image, "/after").as_deref(), Some("ok"));
    assert!(
        image
            .warnings
            .iter()
            .any(|w| w.contains("/zeros: 1073741824 bytes, over"))
    );
    if let Some(kib) = vm_hwm_kib() {
        assert!(kib < 256 * 1024, "peak resident memory {kib} KiB");
    }
    let small = ReadOptions {
        limits: Limits {
            max_layer_bytes: 64 << 20,
            ..Limits::default()
        },
        ..opts()
    };
    let err = read(&detect(&path).unwrap(), &small).unwrap_err();
    assert!(
        matches!(&err, OciError::Layer { index: 0, reason, .. } if reason.contains("exceeds the limit")),
        "{err}"
    );
}

trait TakeBytes: std::io::Read + Sized {
    fn take_bytes(self, n: u64) -> std::io::Take<Self> {
        std::io::Read::take(self, n)
    }
}
impl<R: std::io::Read> TakeBytes for R {}

#[test]
fn progress_is_reported_per_mebibyte_and_per_layer() {
    let dir = tempfile::tempdir().unwrap();
    // Plain layers: the 3 MiB one is reported while it is read.
    let big: Vec<u8> = (0..3u32 << 20).map(|i| (i % 251) as u8).collect();
    let desc = oci_image(
        dir.path(),
        "amd64",
        &[
            plain(layer(&[M::File("a", b"a")])),
            plain(layer(&[M::File("big", &big)])),
            gz(layer(&[M::File("c", b"c")])),
        ],
    );
    oci_index(dir.path(), &[desc]);
    let seen = std::sync::Mutex::new(Vec::new());
    let report = |p: dockward_oci::ReadProgress| seen.lock().unwrap().push(p);
    let options = ReadOptions {
        platform: Some(Platform::parse("linux/amd64").unwrap()),
        progress: Some(&report),
        ..opts()
    };
    let image = read(&detect(dir.path()).unwrap(), &options).unwrap();
    let seen = seen.into_inner().unwrap();
    let total: u64 = image.layers.iter().map(|l| l.size).sum();
    assert_eq!(seen[0].layers_done, 0);
    assert_eq!(seen[0].bytes_read, 0);
    assert!(seen.iter().all(|p| p.layers == 3 && p.bytes_total == total));
    assert!(
        seen.iter()
            .any(|p| p.layers_done < 3 && p.bytes_read >= 1 << 20),
        "reports while the big layer is read: {seen:?}"
    );
    let last = seen.last().unwrap();
    assert_eq!((last.layers_done, last.bytes_read), (3, total));
}

#[test]
fn thousands_of_layers() {
    let dir = tempfile::tempdir().unwrap();
    let layers: Vec<Blob> = (0..2000)
        .map(|i| {
            plain(layer(&[M::File(
                &format!("layers/{i}"),
                format!("{i}").as_bytes(),
            )]))
        })
        .collect();
    let desc = oci_image(dir.path(), "amd64", &layers);
    oci_index(dir.path(), &[desc]);
    let source = detect(dir.path()).unwrap();
    assert_eq!(source, Source::OciLayout(dir.path().to_owned()));
    let err = read(&source, &opts()).unwrap_err();
    assert!(
        matches!(&err, OciError::Limit(m) if m.contains("2000 layers")),
        "{err}"
    );
    let more = ReadOptions {
        limits: Limits {
            max_layers: 5000,
            ..Limits::default()
        },
        ..opts()
    };
    let image = read(&source, &more).unwrap();
    assert_eq!(image.layers.len(), 2000);
    assert_eq!(image.files.get("/layers/1999").unwrap().layer, 1999);
    assert_eq!(content(&image, "/layers/7").as_deref(), Some("7"));
}

#[test]
fn truncated_layer_names_the_layer() {
    let dir = tempfile::tempdir().unwrap();
    let big: Vec<u8> = (0..200_000u32).flat_map(u32::to_le_bytes).collect();
    let mut blob = gz(layer(&[M::File("data", &big)]));
    blob.stored.truncate(blob.stored.len() / 2);
    let ok = gz(layer(&[M::File("fine", b"1")]));
    let path = dir.path().join("image.tar");
    docker_archive(&path, &[ok, blob]);
    let err = read(&detect(&path).unwrap(), &opts()).unwrap_err();
    assert!(
        matches!(&err, OciError::Layer { index: 1, name, .. } if name == "l1/layer.tar"),
        "{err}"
    );
    // A plain layer cut inside a member's data the walk does not want (so it seeks over
    // it): the seek past the end is the error, not a quiet end of the layer.
    let mut cut = plain(layer(&[M::File("data", &big), M::File("after", b"x")]));
    cut.stored.truncate(cut.stored.len() / 2);
    let path = dir.path().join("plain.tar");
    docker_archive(&path, &[plain(layer(&[M::File("fine", b"1")])), cut]);
    let skip_data = |p: &str, _: u64| p != "/data";
    let options = ReadOptions {
        wanted: &skip_data,
        ..opts()
    };
    let err = read(&detect(&path).unwrap(), &options).unwrap_err();
    assert!(
        matches!(&err, OciError::Layer { index: 1, reason, .. } if reason.contains("truncated")),
        "{err}"
    );
}

#[test]
fn invalid_manifest_json_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.tar");
    let mut b = tar::Builder::new(std::fs::File::create(&path).unwrap());
    let mut h = tar::Header::new_gnu();
    h.set_size(9);
    h.set_mode(0o644);
    b.append_data(&mut h, "manifest.json", &b"[{\"Config"[..])
        .unwrap();
    b.into_inner().unwrap().flush().unwrap();
    let err = read(&detect(&path).unwrap(), &opts()).unwrap_err();
    assert!(
        matches!(&err, OciError::Json { name, reason } if name == "manifest.json" && reason.contains("invalid JSON")),
        "{err}"
    );
    std::fs::write(
        dir.path().join("junk"),
        b"not a tar at all, just text that is long enough",
    )
    .unwrap();
    assert!(matches!(
        detect(&dir.path().join("junk")),
        Err(OciError::NotAnImage { .. })
    ));
    // Random bytes: the message says what it is and quotes none of them.
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    let noise: Vec<u8> = (0..100_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(dir.path().join("noise"), &noise).unwrap();
    let err = detect(&dir.path().join("noise")).unwrap_err().to_string();
    assert!(
        err.contains("not a tar archive (its first header is invalid"),
        "{err}"
    );
    assert!(
        err.chars().all(|c| c.is_ascii_graphic() || c == ' '),
        "{err}"
    );
    // An archive cut inside a member (here the layer, before manifest.json).
    let whole = dir.path().join("whole.tar");
    let big: Vec<u8> = (0..100_000u32).flat_map(u32::to_le_bytes).collect();
    docker_archive(&whole, &[plain(layer(&[M::File("big", &big)]))]);
    let bytes = std::fs::read(&whole).unwrap();
    let cut = dir.path().join("cut.tar");
    let keep = bytes.len() / 2;
    std::fs::write(&cut, &bytes[..keep]).unwrap();
    let err = detect(&cut).unwrap_err().to_string();
    assert!(
        err.contains("truncated: member `l0/layer.tar` ends at byte")
            && err.contains(&format!("past the end of the file ({keep} bytes)")),
        "{err}"
    );
}

#[test]
fn oci_layout_multi_platform_gzip_and_zstd() {
    let dir = tempfile::tempdir().unwrap();
    let amd = oci_image(
        dir.path(),
        "amd64",
        &[
            gz(layer(&[M::File("arch", b"amd64")])),
            zst(layer(&[M::File("z", b"zstd")])),
        ],
    );
    let arm = oci_image(
        dir.path(),
        "arm64",
        &[zst(layer(&[M::File("arch", b"arm64")]))],
    );
    oci_index(dir.path(), &[amd, arm]);
    let want = |p: &str| ReadOptions {
        platform: Some(Platform::parse(p).unwrap()),
        ..opts()
    };
    let source = detect(dir.path()).unwrap();
    let image = read(&source, &want("linux/arm64/v8")).unwrap();
    assert_eq!(content(&image, "/arch").as_deref(), Some("arm64"));
    assert_eq!(image.config.architecture, "arm64");
    assert_eq!(image.config.repo_tags, ["test-arm64"]);
    let image = read(&source, &want("linux/amd64")).unwrap();
    assert_eq!(content(&image, "/arch").as_deref(), Some("amd64"));
    assert_eq!(content(&image, "/z").as_deref(), Some("zstd"));
    assert!(image.warnings.is_empty(), "{:?}", image.warnings);
    assert_eq!(
        image.layers[0].media_type,
        "application/vnd.oci.image.layer.v1.tar+gzip"
    );
    let err = read(&source, &want("linux/s390x")).unwrap_err();
    assert!(
        matches!(&err, OciError::Platform { available, .. } if available == "linux/amd64, linux/arm64"),
        "{err}"
    );
    // The same layout as a tar.
    let tar_path = dir.path().with_extension("oci.tar");
    tar_dir(dir.path(), &tar_path);
    let source = detect(&tar_path).unwrap();
    assert_eq!(source, Source::OciLayout(tar_path.clone()));
    let image = read(&source, &want("linux/arm64")).unwrap();
    assert_eq!(content(&image, "/arch").as_deref(), Some("arm64"));
    std::fs::remove_file(&tar_path).unwrap();
}

#[test]
fn oci_digest_cannot_name_another_path() {
    let dir = tempfile::tempdir().unwrap();
    let desc = serde_json::json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:../../../etc/passwd", "size": 1});
    oci_index(dir.path(), &[desc]);
    let err = read(&detect(dir.path()).unwrap(), &opts()).unwrap_err();
    assert!(
        matches!(&err, OciError::Json { reason, .. } if reason.contains("invalid digest")),
        "{err}"
    );
}

#[test]
fn rootfs_directory_does_not_follow_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(root.join("etc/os-release"), "ID=rootfs\n").unwrap();
    std::os::unix::fs::symlink("/etc", root.join("hostetc")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", root.join("etc/passwd")).unwrap();
    let wanted = |p: &str, _: u64| p.starts_with("/etc/");
    let options = ReadOptions {
        wanted: &wanted,
        platform: None,
        limits: Limits::default(),
        progress: None,
        verify: dockward_oci::Verify::default(),
        defer: None,
    };
    let image = read(&detect(root).unwrap(), &options).unwrap();
    assert_eq!(
        content(&image, "/etc/os-release").as_deref(),
        Some("ID=rootfs\n")
    );
    assert_eq!(
        image.files.get("/etc/passwd").unwrap().kind,
        EntryKind::Symlink("/etc/passwd".into())
    );
    assert!(image.files.get("/etc/passwd").unwrap().content.is_none());
    assert!(
        image.files.under("/hostetc").next().is_none(),
        "the host's /etc is not walked"
    );
    assert_eq!(
        image.files.resolve("/etc/passwd"),
        None,
        "a link to itself inside the image, never the host file"
    );
}

#[test]
fn kept_total_budget_skips_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.tar");
    docker_archive(
        &path,
        &[plain(layer(&[
            M::File("a", &[1; 600]),
            M::File("b", &[2; 600]),
        ]))],
    );
    let options = ReadOptions {
        limits: Limits {
            max_kept_total: 1000,
            ..Limits::default()
        },
        ..opts()
    };
    let image = read(&detect(&path).unwrap(), &options).unwrap();
    assert!(image.files.get("/a").unwrap().content.is_some());
    assert!(image.files.get("/b").unwrap().content.is_none());
    assert!(
        image
            .warnings
            .iter()
            .any(|w| w.contains("/b: content not read"))
    );
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(b"trailing").unwrap();
}

/// A zstd layer of several frames (the tar split across them, with skippable
/// frames between, as `pzstd` and seekable-format writers produce): every
/// frame is decoded, and the diff_id covers the whole stream.
#[test]
fn zstd_layer_with_several_frames_and_skippable_frames() {
    let dir = tempfile::tempdir().unwrap();
    let big: Vec<u8> = (0..50_000u32).flat_map(u32::to_le_bytes).collect();
    let tar = layer(&[
        M::File("first", b"in frame one"),
        M::File("big", &big),
        M::File("last", b"in the last frame"),
    ]);
    let (head, rest) = tar.split_at(tar.len() / 3);
    let (middle, tail) = rest.split_at(rest.len() / 2);
    let mut stored = zstd(head);
    stored.extend([0x5e, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4]);
    stored.extend(zstd(middle));
    stored.extend(zstd(tail));
    let blob = Blob {
        stored,
        tar: tar.clone(),
        media_type: "application/vnd.oci.image.layer.v1.tar+zstd",
    };
    let mut layers = vec![blob];
    // The `zstd` tool's own output for two inputs, concatenated, when installed.
    let has_cli = std::process::Command::new("zstd")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if has_cli {
        let second = layer(&[M::File("cli", b"made by the zstd tool")]);
        let (one, two) = second.split_at(700);
        let mut out = Vec::new();
        for part in [one, two] {
            let mut c = std::process::Command::new("zstd")
                .args(["-q", "-c", "-"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            c.stdin.take().unwrap().write_all(part).unwrap();
            let o = c.wait_with_output().unwrap();
            assert!(o.status.success());
            out.extend(o.stdout);
        }
        layers.push(Blob {
            stored: out,
            tar: second,
            media_type: "application/vnd.oci.image.layer.v1.tar+zstd",
        });
    }
    let n = layers.len();
    let path = dir.path().join("image.tar");
    docker_archive(&path, &layers);
    // Verifying: the diff_id is computed over every frame and matches the config.
    let image = read(&detect(&path).unwrap(), &verifying()).unwrap();
    assert_eq!(content(&image, "/first").as_deref(), Some("in frame one"));
    assert_eq!(
        content(&image, "/last").as_deref(),
        Some("in the last frame")
    );
    assert_eq!(image.files.get("/big").unwrap().size, big.len() as u64);
    assert_eq!(image.layers.len(), n);
    assert_eq!(image.layers[0].diff_id.as_deref(), Some(sha(&tar).as_str()));
    if n == 2 {
        assert_eq!(
            content(&image, "/cli").as_deref(),
            Some("made by the zstd tool")
        );
    }
}

fn verifying() -> ReadOptions<'static> {
    ReadOptions {
        verify: Verify::Layers,
        ..opts()
    }
}

/// The digest error of a read, as (what, expected, actual).
fn digest_error(result: Result<dockward_oci::Image, OciError>) -> (String, String, String) {
    match result {
        Err(OciError::Digest {
            what,
            expected,
            actual,
            ..
        }) => (what.to_owned(), expected, actual),
        other => panic!("expected a digest error, got {other:?}"),
    }
}

/// By default layers are not hashed: digests and diff_ids are reported as the manifest
/// and config state them. With `Verify::Layers` a compressed blob is checked against its
/// manifest digest and its tar against the config's diff_id, a plain layer against the
/// config's diff_id, and a mismatch fails the read.
#[test]
fn layer_digests_are_checked_when_asked_and_a_mismatch_fails() {
    let real = layer(&[M::File("etc/os-release", b"ID=real\n")]);
    let claimed = layer(&[M::File("etc/os-release", b"ID=claimed\n")]);
    let dir = tempfile::tempdir().unwrap();

    // OCI: the blob digest is right, the config's diff_id is not.
    let oci = dir.path().join("oci");
    let lying = Blob {
        stored: gzip(&real),
        tar: claimed.clone(),
        media_type: "application/vnd.oci.image.layer.v1.tar+gzip",
    };
    let desc = oci_image(&oci, "amd64", &[lying]);
    oci_index(&oci, &[desc]);
    let image = read(&detect(&oci).unwrap(), &opts()).unwrap();
    assert_eq!(image.warnings, Vec::<String>::new());
    assert_eq!(
        image.layers[0].diff_id.as_deref(),
        Some(sha(&claimed).as_str())
    );
    assert_eq!(image.layers[0].digest, sha(&gzip(&real)));
    assert_eq!(
        digest_error(read(&detect(&oci).unwrap(), &verifying())),
        ("diff_id".to_owned(), sha(&claimed), sha(&real))
    );

    // OCI: a blob replaced after the manifest was written.
    let blob = oci
        .join("blobs/sha256")
        .join(sha(&gzip(&real)).trim_start_matches("sha256:"));
    std::fs::write(&blob, gzip(&claimed)).unwrap();
    let image = read(&detect(&oci).unwrap(), &opts()).unwrap();
    assert_eq!(
        content(&image, "/etc/os-release").as_deref(),
        Some("ID=claimed\n")
    );
    let err = read(&detect(&oci).unwrap(), &verifying()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "layer 0 (blobs/sha256/{}): blob digest is {}, but {} was expected",
            sha(&gzip(&real)).trim_start_matches("sha256:"),
            sha(&gzip(&claimed)),
            sha(&gzip(&real)),
        )
    );

    // docker-save: a plain layer is named by its config diff_id.
    let archive = dir.path().join("image.tar");
    docker_archive(
        &archive,
        &[Blob {
            stored: real.clone(),
            tar: claimed.clone(),
            media_type: "application/vnd.oci.image.layer.v1.tar",
        }],
    );
    let image = read(&detect(&archive).unwrap(), &opts()).unwrap();
    assert_eq!(
        image.layers[0].diff_id.as_deref(),
        Some(sha(&claimed).as_str())
    );
    assert_eq!(image.layers[0].digest, sha(&claimed));
    assert_eq!(
        digest_error(read(&detect(&archive).unwrap(), &verifying())),
        ("diff_id".to_owned(), sha(&claimed), sha(&real))
    );

    // docker-save with a gzip layer.tar: nothing names the stored bytes, so they are
    // hashed to name the layer even when not verifying.
    let archive = dir.path().join("gzip.tar");
    docker_archive(&archive, &[gz(real.clone())]);
    for options in [opts(), verifying()] {
        let image = read(&detect(&archive).unwrap(), &options).unwrap();
        assert_eq!(image.layers[0].digest, sha(&gzip(&real)));
        assert_eq!(
            image.layers[0].diff_id.as_deref(),
            Some(sha(&real).as_str())
        );
    }
}

/// Files to defer are left in a plain layer (their place recorded) and read by
/// `load_deferred` only if still in the merged tree as their layer wrote them and the
/// caller keeps them; in a compressed layer they are read with the walk.
#[test]
fn deferred_files_are_read_on_request_from_plain_layers_only() {
    let dir = tempfile::tempdir().unwrap();
    let base = layer(&[
        M::File("usr/bin/owned", b"owned by a package"),
        M::File("usr/local/bin/tool", b"a Go binary, say"),
        M::File("usr/local/bin/replaced", b"old"),
        M::Hardlink("usr/local/bin/alias", "usr/local/bin/tool"),
        M::File("etc/os-release", b"ID=test\n"),
    ]);
    let upper = layer(&[M::File("usr/local/bin/replaced", b"new")]);
    let compressed = layer(&[M::File("usr/local/bin/zipped", b"in a gzip layer")]);
    let path = dir.path().join("image.tar");
    docker_archive(&path, &[plain(base), plain(upper), gz(compressed)]);
    let bins = |p: &str, _: u64| p.contains("/bin/");
    let options = ReadOptions {
        defer: Some(&bins),
        ..opts()
    };
    let mut image = read(&detect(&path).unwrap(), &options).unwrap();
    assert_eq!(
        content(&image, "/etc/os-release").as_deref(),
        Some("ID=test\n")
    );
    for deferred in [
        "/usr/bin/owned",
        "/usr/local/bin/tool",
        "/usr/local/bin/replaced",
    ] {
        assert_eq!(
            content(&image, deferred),
            None,
            "{deferred} is not read yet"
        );
    }
    assert_eq!(
        content(&image, "/usr/local/bin/zipped").as_deref(),
        Some("in a gzip layer"),
        "a compressed layer cannot be read later"
    );
    let asked = std::sync::Mutex::new(Vec::new());
    let keep = |p: &str, _: u64| {
        asked.lock().unwrap().push(p.to_owned());
        p != "/usr/bin/owned"
    };
    assert_eq!(image.load_deferred(&keep).unwrap(), 2);
    assert_eq!(content(&image, "/usr/bin/owned"), None);
    assert_eq!(
        content(&image, "/usr/local/bin/tool").as_deref(),
        Some("a Go binary, say")
    );
    assert_eq!(
        content(&image, "/usr/local/bin/replaced").as_deref(),
        Some("new")
    );
    let mut asked = asked.into_inner().unwrap();
    asked.sort();
    // The lower `replaced` is not offered: a later layer replaced it.
    assert_eq!(
        asked,
        [
            "/usr/bin/owned",
            "/usr/local/bin/replaced",
            "/usr/local/bin/tool"
        ]
    );
    // Deferred files are offered once.
    assert_eq!(image.load_deferred(&|_, _| true).unwrap(), 0);
}
