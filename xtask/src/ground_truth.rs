//! `cargo xtask ground-truth [--out DIR] [--force]`: builds the ground-truth test image of
//! the scan/SBOM reference (§7.1) from real packages, and writes what was installed.
//!
//! * `DIR/rootfs`: `debootstrap --variant=minbase bookworm` plus old Python packages
//!   (pip, from PyPI), an npm app whose `node_modules` come from Debian's `node-*` packages
//!   (unpacked with `dpkg-deb -x`, not registered in the image's dpkg database, so they are
//!   genuine language packages; the npm registry is not needed), a Rust program built
//!   with `cargo auditable build` from `xtask/ground-truth/rustdemo`, a Go program
//!   (`xtask/ground-truth/godemo`, standard library only) and a synthetic
//!   `log4j-core-2.14.1.jar` (only `pom.properties`, `MANIFEST.MF` and `pom.xml`).
//! * three layers: base (debootstrap), apps (python, npm, rust, go, java), whiteouts (Jinja2's
//!   dist-info and package directory whited out; an opaque `srv/app/node_modules` that
//!   re-adds only lodash).
//! * `DIR/image.docker.tar`: a `docker save` archive (uncompressed layers).
//! * `DIR/image.oci/`: an OCI layout, layer 1 gzip, layer 2 zstd (the `zstd` CLI), layer 3 gzip.
//! * `DIR/expected.json`: the dpkg packages as `dpkg-query -W` lists them, and the language
//!   packages installed, each with whether the layered image still has it.
//!
//! Layers are streamed from the staging directories to files while hashing; nothing holds
//! a whole layer in memory. The task is idempotent: an existing `DIR/expected.json` means
//! done (use `--force` to rebuild). It needs root (debootstrap), and fails naming any
//! missing tool.

use std::collections::HashMap;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context as _, anyhow, bail};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The usage line.
pub const USAGE: &str = "cargo xtask ground-truth [--out DIR] [--force]";

/// The Debian mirror debootstrap fetches from.
pub const MIRROR: &str = "http://deb.debian.org/debian";

/// The Python distributions installed with pip (`name==version`).
pub const PYTHON: &[&str] = &[
    "requests==2.19.1",
    "urllib3==1.24.1",
    "Jinja2==2.10",
    "PyYAML==5.3",
];

/// The Debian packages whose `usr/share/nodejs/<module>` becomes `node_modules/<module>`.
pub const NPM: &[(&str, &str)] = &[
    ("node-lodash", "lodash"),
    ("node-minimist", "minimist"),
    ("node-fetch", "node-fetch"),
];

/// The npm package the whiteout layer re-adds under its opaque `node_modules`.
pub const NPM_READDED: &str = "lodash";

const SITE: &str = "usr/local/lib/python3.11/dist-packages";
const JAR: &str = "opt/app/log4j-core-2.14.1.jar";
const APP: &str = "srv/app";
const IMAGE_NAME: &str = "dockward/ground-truth";
const CREATED: &str = "2026-01-01T00:00:00Z";

/// What to build, and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The output directory.
    pub out: PathBuf,
    /// Rebuild even when `expected.json` exists.
    pub force: bool,
}

impl Options {
    /// Parses `[--out DIR] [--force]`; the default directory is `<root>/target/ground-truth`.
    pub fn parse(root: &Path, args: &[String]) -> anyhow::Result<Options> {
        let mut out = root.join("target/ground-truth");
        let mut force = false;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--out" => {
                    out = PathBuf::from(it.next().ok_or_else(|| anyhow!("--out needs a DIR"))?);
                }
                "--force" => force = true,
                other => bail!("unknown argument `{other}`; usage: {USAGE}"),
            }
        }
        Ok(Options { out, force })
    }
}

/// One language package that was installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// The name as its metadata writes it.
    pub name: String,
    /// The version as its metadata writes it.
    pub version: String,
    /// The OSV ecosystem (`PyPI`, `npm`, `crates.io`).
    pub ecosystem: &'static str,
    /// The file it was read from, absolute inside the image.
    pub path: String,
    /// Whether the layered image (after the whiteout layer) still has it.
    pub in_layers: bool,
}

fn log(msg: &str, start: Instant) {
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "[ground-truth {:>5.1}s] {msg}",
            start.elapsed().as_secs_f64()
        );
    }
}

/// Builds the image into `options.out` unless it is there; returns a summary.
pub fn run(root: &Path, options: &Options) -> anyhow::Result<String> {
    let out = &options.out;
    let expected = out.join("expected.json");
    if expected.is_file() && !options.force {
        return Ok(format!(
            "{} exists: nothing to do (--force rebuilds)\n",
            expected.display()
        ));
    }
    check_tools()?;
    let start = Instant::now();
    if out.exists() {
        fs::remove_dir_all(out).with_context(|| format!("cannot remove {}", out.display()))?;
    }
    let rootfs = out.join("rootfs");
    let apps = out.join("work/apps");
    let layers_dir = out.join("work/layers");
    for d in [&apps, &layers_dir] {
        fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
    }

    log("debootstrap --variant=minbase bookworm", start);
    run_cmd(
        Command::new("debootstrap")
            .arg("--variant=minbase")
            .arg("bookworm")
            .arg(&rootfs)
            .arg(MIRROR),
        "debootstrap",
    )?;

    log("layer 1 (base)", start);
    let base_tar = layers_dir.join("1-base.tar");
    let mut packer = Packer::create(&base_tar)?;
    packer.tree(&rootfs, "", &|rel| {
        // Device nodes, /proc and /sys content stay out of image layers, as in `docker build`.
        !(rel.starts_with("dev/") || rel.starts_with("proc/") || rel.starts_with("sys/"))
    })?;
    let base_id = packer.finish()?;

    log("python (pip --target)", start);
    let site = apps.join(SITE);
    fs::create_dir_all(&site)?;
    run_cmd(
        Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-compile",
                "--target",
            ])
            .arg(&site)
            .args(PYTHON)
            .env("PIP_ROOT_USER_ACTION", "ignore"),
        "pip install",
    )?;

    log("npm app (node_modules from Debian node-* packages)", start);
    let npm = build_npm(out, &apps)?;

    log("rust (cargo auditable build)", start);
    let rust = build_rust(root, out, &apps)?;

    log("go (go build, standard library only)", start);
    let go = build_go(root, out, &apps)?;

    log("java (synthetic jar)", start);
    let java = write_jar(&apps)?;

    log("layer 2 (apps)", start);
    let apps_tar = layers_dir.join("2-apps.tar");
    let mut packer = Packer::create(&apps_tar)?;
    packer.tree(&apps, "", &|_| true)?;
    let apps_id = packer.finish()?;

    log("layer 3 (whiteouts)", start);
    let wh_tar = layers_dir.join("3-whiteouts.tar");
    let mut packer = Packer::create(&wh_tar)?;
    packer.parents(&apps, SITE)?;
    packer.dir_entry(&apps, SITE)?;
    packer.empty_file(&format!("{SITE}/.wh.Jinja2-2.10.dist-info"))?;
    packer.empty_file(&format!("{SITE}/.wh.jinja2"))?;
    let modules = format!("{APP}/node_modules");
    packer.parents(&apps, &modules)?;
    packer.dir_entry(&apps, &modules)?;
    packer.empty_file(&format!("{modules}/.wh..wh..opq"))?;
    packer.tree(&apps, &format!("{modules}/{NPM_READDED}"), &|_| true)?;
    let wh_id = packer.finish()?;

    log("rootfs = base + apps", start);
    run_cmd(
        Command::new("cp")
            .arg("-a")
            .arg(format!("{}/.", apps.display()))
            .arg(&rootfs),
        "cp -a",
    )?;

    let layers = [
        Layer {
            tar: base_tar,
            diff_id: base_id,
            compression: Compression::Gzip,
            created_by: "debootstrap --variant=minbase bookworm".into(),
        },
        Layer {
            tar: apps_tar,
            diff_id: apps_id,
            compression: Compression::Zstd,
            created_by: format!(
                "pip install --no-deps {}; /srv/app node_modules from {}; cargo auditable build rustdemo; go build godemo; {JAR}",
                PYTHON.join(" "),
                NPM.iter().map(|(d, _)| *d).collect::<Vec<_>>().join(" ")
            ),
        },
        Layer {
            tar: wh_tar,
            diff_id: wh_id,
            compression: Compression::Gzip,
            created_by: format!(
                "whiteout Jinja2-2.10.dist-info and jinja2; opaque {modules} re-adding {NPM_READDED}"
            ),
        },
    ];
    let config = config_json(&layers)?;

    log("docker-save archive", start);
    write_docker_archive(&out.join("image.docker.tar"), &config, &layers)?;
    log("OCI layout (gzip, zstd, gzip)", start);
    write_oci_layout(&out.join("image.oci"), &config, &layers)?;

    log("expected.json", start);
    let dpkg = dpkg_query(&rootfs)?;
    let mut language = python_installed(&apps)?;
    language.extend(npm);
    language.extend(rust);
    language.extend(go);
    language.push(java);
    let doc = json!({
        "description": "dockward ground-truth image (docs/reference scan-sbom §7.1), built by `cargo xtask ground-truth`",
        "rootfs": "rootfs",
        "docker_archive": "image.docker.tar",
        "oci_layout": "image.oci",
        "debian_version": fs::read_to_string(rootfs.join("etc/debian_version")).unwrap_or_default().trim(),
        "layers": layers.iter().map(|l| json!({
            "diff_id": l.diff_id,
            "oci_compression": l.compression.name(),
            "created_by": l.created_by,
        })).collect::<Vec<_>>(),
        "dpkg": dpkg,
        "language": language.iter().map(|p| json!({
            "name": p.name,
            "version": p.version,
            "ecosystem": p.ecosystem,
            "path": p.path,
            "in_layers": p.in_layers,
        })).collect::<Vec<_>>(),
    });
    // The staging area (layer tars, downloaded debs, build caches) is not needed any more.
    fs::remove_dir_all(out.join("work")).ok();
    let text = serde_json::to_string_pretty(&doc)? + "\n";
    let tmp = out.join("expected.json.tmp");
    fs::write(&tmp, text)?;
    fs::rename(&tmp, &expected)?;
    log("done", start);
    Ok(format!(
        "{}: {} dpkg packages, {} language packages, in {:.0} s\n",
        out.display(),
        doc["dpkg"].as_array().map_or(0, Vec::len),
        language.len(),
        start.elapsed().as_secs_f64()
    ))
}

/// Fails naming every missing tool and the Debian package that provides it.
fn check_tools() -> anyhow::Result<()> {
    let mut missing = Vec::new();
    for (tool, package) in [
        ("debootstrap", "debootstrap"),
        ("dpkg-query", "dpkg"),
        ("dpkg-deb", "dpkg"),
        ("apt-get", "apt"),
        ("zstd", "zstd"),
        ("go", "golang-go"),
        ("cp", "coreutils"),
    ] {
        if !on_path(tool) {
            missing.push(format!("`{tool}` (apt-get install {package})"));
        }
    }
    let pip = Command::new("python3")
        .args(["-m", "pip", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !pip {
        missing.push("`python3 -m pip` (apt-get install python3-pip)".into());
    }
    let auditable = Command::new("cargo")
        .args(["auditable", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !auditable {
        missing.push("`cargo auditable` (cargo install cargo-auditable --locked)".into());
    }
    if !missing.is_empty() {
        bail!(
            "ground-truth needs these tools, which are missing: {}",
            missing.join(", ")
        );
    }
    let uid = Command::new("id").arg("-u").output().ok();
    if uid.is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() != "0") {
        bail!("ground-truth runs debootstrap, which needs root");
    }
    Ok(())
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            dir.join(tool)
                .metadata()
                .is_ok_and(|m| m.is_file() && m.mode() & 0o111 != 0)
        })
    })
}

fn run_cmd(cmd: &mut Command, what: &str) -> anyhow::Result<()> {
    let output = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {what}"))?;
    if !output.status.success() {
        let tail = |b: &[u8]| {
            let s = String::from_utf8_lossy(b);
            let lines: Vec<&str> = s.lines().collect();
            lines[lines.len().saturating_sub(20)..].join("\n")
        };
        bail!(
            "{what} failed ({}):\n{}\n{}",
            output.status,
            tail(&output.stdout),
            tail(&output.stderr)
        );
    }
    Ok(())
}

/// The `/srv/app` npm application: `package.json` (`demo-app` 1.0.0) and `node_modules`
/// copied from Debian's `node-*` packages.
fn build_npm(out: &Path, apps: &Path) -> anyhow::Result<Vec<Installed>> {
    let debs = out.join("work/debs");
    fs::create_dir_all(&debs)?;
    run_cmd(
        Command::new("apt-get")
            .arg("download")
            .args(NPM.iter().map(|(d, _)| *d))
            .current_dir(&debs),
        "apt-get download (run `apt-get update` first if the packages are not found)",
    )?;
    let app = apps.join(APP);
    let modules = app.join("node_modules");
    fs::create_dir_all(&modules)?;
    let mut installed = Vec::new();
    let mut dependencies = serde_json::Map::new();
    for (deb, module) in NPM {
        let file = fs::read_dir(&debs)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.starts_with(&format!("{deb}_"))
                        && Path::new(n).extension().is_some_and(|e| e == "deb")
                })
            })
            .ok_or_else(|| anyhow!("apt-get download left no {deb}_*.deb"))?;
        let unpacked = debs.join(deb);
        run_cmd(
            Command::new("dpkg-deb").arg("-x").arg(&file).arg(&unpacked),
            "dpkg-deb -x",
        )?;
        let from = unpacked.join("usr/share/nodejs").join(module);
        let to = modules.join(module);
        run_cmd(
            Command::new("cp").arg("-a").arg(&from).arg(&to),
            "cp -a node module",
        )?;
        let manifest: Value = serde_json::from_slice(&fs::read(to.join("package.json"))?)
            .with_context(|| format!("{deb}: package.json is not JSON"))?;
        let name = manifest["name"].as_str().unwrap_or_default().to_owned();
        let version = manifest["version"].as_str().unwrap_or_default().to_owned();
        if name != *module || version.is_empty() {
            bail!("{deb}: package.json names `{name}` `{version}`, expected `{module}`");
        }
        dependencies.insert(name.clone(), json!(version));
        installed.push(Installed {
            in_layers: name == NPM_READDED,
            path: format!("/{APP}/node_modules/{module}/package.json"),
            name,
            version,
            ecosystem: "npm",
        });
    }
    let manifest = json!({
        "name": "demo-app",
        "version": "1.0.0",
        "private": true,
        "description": "dockward ground-truth npm application",
        "license": "MIT",
        "dependencies": dependencies,
    });
    fs::write(
        app.join("package.json"),
        serde_json::to_string_pretty(&manifest)? + "\n",
    )?;
    installed.insert(
        0,
        Installed {
            name: "demo-app".into(),
            version: "1.0.0".into(),
            ecosystem: "npm",
            path: format!("/{APP}/package.json"),
            in_layers: true,
        },
    );
    Ok(installed)
}

/// `cargo auditable build --release` of `xtask/ground-truth/rustdemo` (its committed
/// Cargo.lock pins the crates), installed as `/usr/local/bin/rustdemo`; the crates are
/// those of the lock file.
fn build_rust(root: &Path, out: &Path, apps: &Path) -> anyhow::Result<Vec<Installed>> {
    let krate = root.join("xtask/ground-truth/rustdemo");
    let target = out.join("work/cargo-target");
    run_cmd(
        Command::new("cargo")
            .args(["auditable", "build", "--release", "--locked", "--quiet"])
            .arg("--manifest-path")
            .arg(krate.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_BUILD_TARGET"),
        "cargo auditable build (rustdemo)",
    )?;
    let bin_dir = apps.join("usr/local/bin");
    fs::create_dir_all(&bin_dir)?;
    fs::copy(target.join("release/rustdemo"), bin_dir.join("rustdemo"))
        .context("cannot copy the rustdemo binary")?;
    let lock: toml::Table = fs::read_to_string(krate.join("Cargo.lock"))?
        .parse()
        .context("rustdemo Cargo.lock")?;
    let packages = lock
        .get("package")
        .and_then(toml::Value::as_array)
        .ok_or_else(|| anyhow!("rustdemo Cargo.lock has no packages"))?;
    let mut installed: Vec<Installed> = packages
        .iter()
        .map(|p| Installed {
            name: p["name"].as_str().unwrap_or_default().to_owned(),
            version: p["version"].as_str().unwrap_or_default().to_owned(),
            ecosystem: "crates.io",
            path: "/usr/local/bin/rustdemo".into(),
            in_layers: true,
        })
        .collect();
    installed.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(installed)
}

/// `go build` of `xtask/ground-truth/godemo` (copied out of the repository, so no VCS
/// information is stamped), installed as `/usr/local/bin/godemo`. What it contains is what
/// `go version -m` (the toolchain's own reader) says: the standard library of the toolchain
/// and the main module.
fn build_go(root: &Path, out: &Path, apps: &Path) -> anyhow::Result<Vec<Installed>> {
    let src = out.join("work/godemo");
    fs::create_dir_all(&src)?;
    for file in ["go.mod", "main.go"] {
        fs::copy(
            root.join("xtask/ground-truth/godemo").join(file),
            src.join(file),
        )?;
    }
    let bin = apps.join("usr/local/bin/godemo");
    fs::create_dir_all(bin.parent().unwrap_or(apps))?;
    run_cmd(
        Command::new("go")
            .args(["build", "-buildvcs=false", "-trimpath", "-o"])
            .arg(&bin)
            .arg(".")
            .current_dir(&src)
            .env("GOCACHE", out.join("work/gocache"))
            .env("GOPATH", out.join("work/gopath"))
            .env("GOFLAGS", "-mod=mod")
            .env("GOTOOLCHAIN", "local")
            .env("CGO_ENABLED", "0"),
        "go build (godemo)",
    )?;
    let output = Command::new("go")
        .args(["version", "-m"])
        .arg(&bin)
        .output()
        .context("cannot run go version -m")?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut installed = Vec::new();
    let path = "/usr/local/bin/godemo".to_owned();
    let go = text
        .lines()
        .next()
        .and_then(|l| l.rsplit_once(": go"))
        .map(|(_, v)| v.trim().to_owned())
        .ok_or_else(|| anyhow!("go version -m: no toolchain version in {text:?}"))?;
    installed.push(Installed {
        name: "stdlib".into(),
        version: go,
        ecosystem: "Go",
        path: path.clone(),
        in_layers: true,
    });
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        if let [_, "mod" | "dep", module, version, ..] = fields.as_slice() {
            installed.push(Installed {
                name: (*module).to_owned(),
                version: (*version).to_owned(),
                ecosystem: "Go",
                path: path.clone(),
                in_layers: true,
            });
        }
    }
    if installed.len() < 2 {
        bail!("go version -m: no main module in {text:?}");
    }
    Ok(installed)
}

/// A synthetic `log4j-core-2.14.1.jar`: the Maven coordinates a scanner reads
/// (`pom.properties`, `MANIFEST.MF`, `pom.xml`), no classes.
fn write_jar(apps: &Path) -> anyhow::Result<Installed> {
    use std::io::Write as _;
    let (group, artifact, version) = ("org.apache.logging.log4j", "log4j-core", "2.14.1");
    let path = apps.join(JAR);
    fs::create_dir_all(path.parent().unwrap_or(apps))?;
    let mut zip = zip::ZipWriter::new(fs::File::create(&path)?);
    let options = zip::write::SimpleFileOptions::default();
    let maven = format!("META-INF/maven/{group}/{artifact}");
    zip.start_file("META-INF/MANIFEST.MF", options)?;
    zip.write_all(
        format!(
            "Manifest-Version: 1.0\r\nImplementation-Title: Apache Log4j Core\r\n\
             Implementation-Version: {version}\r\nImplementation-Vendor-Id: {group}\r\n\
             Bundle-SymbolicName: {group}.core\r\nBundle-Version: {version}\r\n\r\n"
        )
        .as_bytes(),
    )?;
    zip.start_file(format!("{maven}/pom.properties"), options)?;
    zip.write_all(
        format!(
            "#Created by Apache Maven\ngroupId={group}\nartifactId={artifact}\nversion={version}\n"
        )
        .as_bytes(),
    )?;
    zip.start_file(format!("{maven}/pom.xml"), options)?;
    zip.write_all(
        format!(
            "<project><modelVersion>4.0.0</modelVersion><groupId>{group}</groupId>\
             <artifactId>{artifact}</artifactId><version>{version}</version></project>\n"
        )
        .as_bytes(),
    )?;
    zip.finish()?;
    Ok(Installed {
        name: format!("{group}:{artifact}"),
        version: version.into(),
        ecosystem: "Maven",
        path: format!("/{JAR}"),
        in_layers: true,
    })
}

/// The Python distributions in the staging site directory, from their metadata.
fn python_installed(apps: &Path) -> anyhow::Result<Vec<Installed>> {
    let site = apps.join(SITE);
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = fs::read_dir(&site)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "dist-info"))
        .collect();
    dirs.sort();
    for dir in dirs {
        let text = fs::read_to_string(dir.join("METADATA"))
            .with_context(|| format!("{}: no METADATA", dir.display()))?;
        let header = |key: &str| {
            text.lines()
                .take_while(|l| !l.is_empty())
                .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix(':')))
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let dir_name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = header("Name");
        out.push(Installed {
            in_layers: !name.eq_ignore_ascii_case("jinja2"),
            version: header("Version"),
            ecosystem: "PyPI",
            path: format!("/{SITE}/{dir_name}/METADATA"),
            name,
        });
    }
    if out.len() != PYTHON.len() {
        bail!(
            "pip installed {} distributions, expected {}",
            out.len(),
            PYTHON.len()
        );
    }
    Ok(out)
}

/// `dpkg-query -W` over the image's dpkg database.
fn dpkg_query(rootfs: &Path) -> anyhow::Result<Value> {
    let output = Command::new("dpkg-query")
        .arg(format!(
            "--admindir={}",
            rootfs.join("var/lib/dpkg").display()
        ))
        .args([
            "-W",
            "-f",
            "${Package}\t${Version}\t${source:Package}\t${source:Version}\t${db:Status-Abbrev}\n",
        ])
        .output()
        .context("cannot run dpkg-query")?;
    if !output.status.success() {
        bail!(
            "dpkg-query failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut list: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            (f.len() == 5).then(|| {
                json!({
                    "name": f[0],
                    "version": f[1],
                    "source_name": f[2],
                    "source_version": f[3],
                    "status": f[4].trim(),
                })
            })
        })
        .collect();
    list.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    if list.is_empty() {
        bail!("dpkg-query listed no packages");
    }
    Ok(Value::Array(list))
}

/// A writer that hashes and counts what passes through.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    size: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Hashing<W> {
    fn new(inner: W) -> Self {
        Hashing {
            inner,
            hash: Sha256::new(),
            size: 0,
        }
    }
    fn digest(self) -> (W, String, u64) {
        use std::fmt::Write as _;
        let mut digest = String::from("sha256:");
        for b in self.hash.finalize() {
            let _ = write!(digest, "{b:02x}");
        }
        (self.inner, digest, self.size)
    }
}

/// Writes one layer tar from staging directories, streaming.
struct Packer {
    builder: tar::Builder<Hashing<BufWriter<fs::File>>>,
    /// (device, inode) → the first path written, for hard links.
    links: HashMap<(u64, u64), String>,
}

impl Packer {
    fn create(path: &Path) -> anyhow::Result<Packer> {
        let file =
            fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut builder = tar::Builder::new(Hashing::new(BufWriter::with_capacity(1 << 20, file)));
        builder.mode(tar::HeaderMode::Complete);
        builder.follow_symlinks(false);
        Ok(Packer {
            builder,
            links: HashMap::new(),
        })
    }

    /// Finishes the tar; returns its diff_id.
    fn finish(self) -> anyhow::Result<String> {
        let hashing = self.builder.into_inner()?;
        let (mut writer, digest, _) = hashing.digest();
        writer.flush()?;
        Ok(digest)
    }

    /// Directory entries for every ancestor of `rel` (not `rel` itself), from `base`.
    fn parents(&mut self, base: &Path, rel: &str) -> anyhow::Result<()> {
        let parts: Vec<&str> = rel.split('/').filter(|s| !s.is_empty()).collect();
        for i in 1..parts.len() {
            self.dir_entry(base, &parts[..i].join("/"))?;
        }
        Ok(())
    }

    /// One directory entry `rel`, with the metadata of `base/rel`.
    fn dir_entry(&mut self, base: &Path, rel: &str) -> anyhow::Result<()> {
        let meta = fs::symlink_metadata(base.join(rel))?;
        let mut header = tar::Header::new_gnu();
        header.set_metadata_in_mode(&meta, tar::HeaderMode::Complete);
        header.set_size(0);
        self.builder
            .append_data(&mut header, format!("{rel}/"), io::empty())?;
        Ok(())
    }

    /// An empty regular file (a whiteout marker).
    fn empty_file(&mut self, rel: &str) -> anyhow::Result<()> {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(0o644);
        header.set_size(0);
        header.set_mtime(1_767_225_600);
        self.builder.append_data(&mut header, rel, io::empty())?;
        Ok(())
    }

    /// `base/start` and everything below it, sorted, named relative to `base`; `keep`
    /// filters relative paths. Device nodes, FIFOs and sockets are left out.
    fn tree(
        &mut self,
        base: &Path,
        start: &str,
        keep: &dyn Fn(&str) -> bool,
    ) -> anyhow::Result<()> {
        let walk = walkdir::WalkDir::new(base.join(start))
            .follow_links(false)
            .sort_by_file_name();
        for item in walk {
            let item = item?;
            let rel = item
                .path()
                .strip_prefix(base)?
                .to_string_lossy()
                .into_owned();
            if rel.is_empty() || !keep(&rel) {
                continue;
            }
            let meta = item.path().symlink_metadata()?;
            let ft = meta.file_type();
            if ft.is_block_device() || ft.is_char_device() || ft.is_fifo() || ft.is_socket() {
                continue;
            }
            let mut header = tar::Header::new_gnu();
            header.set_metadata_in_mode(&meta, tar::HeaderMode::Complete);
            if ft.is_dir() {
                header.set_size(0);
                self.builder
                    .append_data(&mut header, format!("{rel}/"), io::empty())?;
            } else if ft.is_symlink() {
                let target = fs::read_link(item.path())?;
                header.set_size(0);
                self.builder.append_link(&mut header, &rel, target)?;
            } else if meta.nlink() > 1
                && let Some(first) = self.links.get(&(meta.dev(), meta.ino()))
            {
                header.set_entry_type(tar::EntryType::Link);
                header.set_size(0);
                let first = first.clone();
                self.builder.append_link(&mut header, &rel, first)?;
            } else {
                if meta.nlink() > 1 {
                    self.links.insert((meta.dev(), meta.ino()), rel.clone());
                }
                let file = fs::File::open(item.path())?;
                self.builder.append_data(&mut header, &rel, file)?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
enum Compression {
    Gzip,
    Zstd,
}

impl Compression {
    fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
    fn media_type(self) -> &'static str {
        match self {
            Compression::Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
            Compression::Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
        }
    }
}

struct Layer {
    tar: PathBuf,
    diff_id: String,
    compression: Compression,
    created_by: String,
}

fn hex_of(digest: &str) -> &str {
    digest.strip_prefix("sha256:").unwrap_or(digest)
}

fn sha256(bytes: &[u8]) -> String {
    let mut h = Hashing::new(io::sink());
    let _ = h.write_all(bytes);
    h.digest().1
}

fn config_json(layers: &[Layer]) -> anyhow::Result<Vec<u8>> {
    let arch = Command::new("dpkg")
        .arg("--print-architecture")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| "amd64".into());
    let config = json!({
        "architecture": arch,
        "os": "linux",
        "created": CREATED,
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "Cmd": ["/bin/bash"],
            "WorkingDir": "/srv/app",
        },
        "rootfs": {
            "type": "layers",
            "diff_ids": layers.iter().map(|l| l.diff_id.clone()).collect::<Vec<_>>(),
        },
        "history": layers.iter().map(|l| json!({
            "created": CREATED,
            "created_by": l.created_by,
        })).collect::<Vec<_>>(),
    });
    Ok(serde_json::to_vec(&config)?)
}

fn append_bytes<W: Write>(
    builder: &mut tar::Builder<W>,
    name: &str,
    bytes: &[u8],
) -> anyhow::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Regular);
    header.set_mode(0o644);
    header.set_mtime(1_767_225_600);
    header.set_size(bytes.len() as u64);
    builder.append_data(&mut header, name, bytes)?;
    Ok(())
}

/// `manifest.json`, `<config>.json`, `<diff_id hex>/layer.tar` (uncompressed), `repositories`.
fn write_docker_archive(path: &Path, config: &[u8], layers: &[Layer]) -> anyhow::Result<()> {
    let file = BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
    let mut builder = tar::Builder::new(file);
    let config_digest = sha256(config);
    let config_name = format!("{}.json", hex_of(&config_digest));
    let mut names = Vec::new();
    for layer in layers {
        let dir = hex_of(&layer.diff_id).to_owned();
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Directory);
        header.set_mode(0o755);
        header.set_mtime(1_767_225_600);
        header.set_size(0);
        builder.append_data(&mut header, format!("{dir}/"), io::empty())?;
        append_bytes(&mut builder, &format!("{dir}/VERSION"), b"1.0")?;
        let name = format!("{dir}/layer.tar");
        let file = fs::File::open(&layer.tar)?;
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(0o644);
        header.set_mtime(1_767_225_600);
        header.set_size(file.metadata()?.len());
        builder.append_data(&mut header, &name, file)?;
        names.push(name);
    }
    append_bytes(&mut builder, &config_name, config)?;
    let manifest = json!([{
        "Config": config_name,
        "RepoTags": [format!("{IMAGE_NAME}:latest")],
        "Layers": names,
    }]);
    append_bytes(
        &mut builder,
        "manifest.json",
        &serde_json::to_vec(&manifest)?,
    )?;
    let top = layers.last().map_or("", |l| hex_of(&l.diff_id));
    let repositories = json!({ IMAGE_NAME: { "latest": top } });
    append_bytes(
        &mut builder,
        "repositories",
        &serde_json::to_vec(&repositories)?,
    )?;
    builder.into_inner()?.flush()?;
    Ok(())
}

/// Compresses `layer` into `blobs/sha256/`; returns (digest, size).
fn write_blob_compressed(blobs: &Path, layer: &Layer) -> anyhow::Result<(String, u64)> {
    let tmp = blobs.join("tmp-layer");
    let out = Hashing::new(BufWriter::with_capacity(1 << 20, fs::File::create(&tmp)?));
    let (mut writer, digest, size) = match layer.compression {
        Compression::Gzip => {
            let mut encoder = flate2::write::GzEncoder::new(out, flate2::Compression::default());
            io::copy(&mut fs::File::open(&layer.tar)?, &mut encoder)?;
            encoder.finish()?.digest()
        }
        Compression::Zstd => {
            let mut child = Command::new("zstd")
                .args(["-q", "-3", "-c"])
                .arg(&layer.tar)
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .context("cannot run zstd")?;
            let mut stdout = child.stdout.take().ok_or_else(|| anyhow!("zstd stdout"))?;
            let mut out = out;
            io::copy(&mut stdout, &mut out)?;
            if !child.wait()?.success() {
                bail!("zstd failed");
            }
            out.digest()
        }
    };
    writer.flush()?;
    drop(writer);
    fs::rename(&tmp, blobs.join(hex_of(&digest)))?;
    Ok((digest, size))
}

fn write_blob_bytes(blobs: &Path, bytes: &[u8]) -> anyhow::Result<String> {
    let digest = sha256(bytes);
    fs::write(blobs.join(hex_of(&digest)), bytes)?;
    Ok(digest)
}

/// `oci-layout`, `index.json` and `blobs/sha256/*` (layers gzip / zstd / gzip).
fn write_oci_layout(dir: &Path, config: &[u8], layers: &[Layer]) -> anyhow::Result<()> {
    let blobs = dir.join("blobs/sha256");
    fs::create_dir_all(&blobs)?;
    fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#)?;
    let mut descriptors = Vec::new();
    for layer in layers {
        let (digest, size) = write_blob_compressed(&blobs, layer)?;
        descriptors.push(json!({
            "mediaType": layer.compression.media_type(),
            "digest": digest,
            "size": size,
        }));
    }
    let config_digest = write_blob_bytes(&blobs, config)?;
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest,
            "size": config.len(),
        },
        "layers": descriptors,
    }))?;
    let manifest_digest = write_blob_bytes(&blobs, &manifest)?;
    let index = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest,
            "size": manifest.len(),
            "annotations": { "org.opencontainers.image.ref.name": "latest" },
        }],
    });
    fs::write(dir.join("index.json"), serde_json::to_vec_pretty(&index)?)?;
    Ok(())
}
