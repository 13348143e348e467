//! A real `docker save`: an image made by `docker import` of the host's busybox.

use std::path::Path;
use std::process::Command;

use dockward_oci::{EntryKind, Limits, ReadOptions, Source, detect, read};

struct RemoveImage(String);

impl Drop for RemoveImage {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["image", "rm", "-f", &self.0])
            .output();
    }
}

fn docker_available() -> bool {
    let required = std::env::var("DOCKWARD_REQUIRE_DOCKER").is_ok_and(|v| v == "1");
    let present = Path::new("/var/run/docker.sock").exists();
    assert!(
        present || !required,
        "DOCKWARD_REQUIRE_DOCKER=1 but /var/run/docker.sock is missing"
    );
    present
}

#[test]
fn docker_save_of_an_imported_busybox() {
    if !docker_available() {
        return;
    }
    let busybox = ["/bin/busybox", "/usr/bin/busybox"]
        .into_iter()
        .find(|p| Path::new(p).is_file());
    let Some(busybox) = busybox else {
        assert!(
            std::env::var("DOCKWARD_REQUIRE_DOCKER").as_deref() != Ok("1"),
            "no busybox on the host"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let rootfs = dir.path().join("rootfs.tar");
    {
        let mut b = tar::Builder::new(std::fs::File::create(&rootfs).unwrap());
        b.append_path_with_name(busybox, "bin/busybox").unwrap();
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_size(0);
        h.set_mode(0o777);
        b.append_link(&mut h, "bin/sh", "busybox").unwrap();
        b.into_inner().unwrap();
    }
    let tag = format!("dockward-oci-test:{}", std::process::id());
    let out = Command::new("docker")
        .args([
            "import",
            "--change",
            "USER nobody",
            rootfs.to_str().unwrap(),
            &tag,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "docker import: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _guard = RemoveImage(tag.clone());
    let saved = dir.path().join("saved.tar");
    let out = Command::new("docker")
        .args(["save", "-o", saved.to_str().unwrap(), &tag])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "docker save: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let source = detect(&saved).unwrap();
    assert_eq!(source, Source::DockerArchive(saved.clone()));
    let wanted = |p: &str, _: u64| p == "/bin/busybox";
    let image = read(
        &source,
        &ReadOptions {
            wanted: &wanted,
            platform: None,
            limits: Limits::default(),
            progress: None,
            verify: dockward_oci::Verify::default(),
            defer: None,
        },
    )
    .unwrap();
    let host = std::fs::read(busybox).unwrap();
    let entry = image.files.get("/bin/busybox").unwrap();
    assert_eq!(entry.content.as_deref(), Some(host.as_slice()));
    assert_eq!(
        image.files.get("/bin/sh").unwrap().kind,
        EntryKind::Symlink("busybox".into())
    );
    assert_eq!(
        image.files.resolve("/bin/sh").as_deref(),
        Some("/bin/busybox")
    );
    assert_eq!(image.config.user.as_deref(), Some("nobody"));
    assert_eq!(image.config.repo_tags, [tag]);
    assert_eq!(image.layers.len(), 1);
    assert!(image.warnings.is_empty(), "{:?}", image.warnings);
}
