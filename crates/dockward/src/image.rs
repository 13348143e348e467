//! `dockward sbom` and `dockward scan`: read an image (docker-save archive,
//! OCI layout, root filesystem directory), catalog its packages, and write an
//! SBOM or match the packages against the vulnerability database.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use dockward_diagnostics::{Diagnostic, Location, Report, Severity, Subject, ToolInfo};
use dockward_oci::{Image, Limits, Platform, ReadOptions, Verify};
use dockward_sbom::{Catalog, ImageMeta};
use dockward_vuln::db::Store;
use dockward_vuln::matcher::Query;
use dockward_vuln::osv::SeverityLevel;

use crate::Status;
use crate::cli::{SbomArgs, SbomFormat, ScanArgs};
use crate::printer::{self, Printer};

/// A docker-save archive exported from the daemon into the cache directory;
/// removed when dropped (also when the export fails halfway).
struct Exported(PathBuf);

impl Drop for Exported {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The largest image exported from the daemon; the body is streamed to a
/// file, so this bounds disk use, not memory.
const MAX_EXPORT: u64 = 32 * 1024 * 1024 * 1024;

/// Removes exports left by dockward processes that no longer run (killed,
/// or interrupted with ctrl-c, which skips destructors). Best effort.
fn remove_stale_exports(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("export-")?.strip_suffix(".tar"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// `GET /images/{reference}/get` from the daemon (`DOCKER_HOST`, else the
/// default socket), streamed to `$XDG_CACHE_HOME/dockward/images/`.
fn export_from_daemon(reference: &str) -> anyhow::Result<Exported> {
    use dockward_probe::engine::{Client, EngineError, resolve_endpoint};
    let docker_host = std::env::var("DOCKER_HOST").ok();
    let tls = std::env::var("DOCKER_TLS_VERIFY").is_ok_and(|v| !v.is_empty());
    let runtime = std::env::var("XDG_RUNTIME_DIR").ok();
    let endpoint = resolve_endpoint(
        docker_host.as_deref(),
        tls,
        Path::new("/"),
        runtime.as_deref(),
    )
    .context("cannot tell which Docker daemon to ask")?;
    let mut client = Client::new(endpoint, std::time::Duration::from_mins(2));
    client.negotiate().with_context(|| {
        format!("`{reference}` is not a file, and the Docker daemon cannot be reached to export it")
    })?;
    let encoded: String = reference
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~:@".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let version = client.api_version().unwrap_or("1.41").to_owned();
    let xdg = std::env::var("XDG_CACHE_HOME").ok();
    let home = std::env::var("HOME").ok();
    let dir = dockward_vuln::db::default_path(xdg.as_deref(), home.as_deref())
        .and_then(|db| db.parent().map(|d| d.join("images")))
        .ok_or_else(|| anyhow!("cannot find a cache directory: set XDG_CACHE_HOME or HOME"))?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    remove_stale_exports(&dir);
    let path = dir.join(format!("export-{}.tar", std::process::id()));
    let file = std::fs::File::create(&path)
        .with_context(|| format!("cannot create `{}`", path.display()))?;
    let exported = Exported(path);
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    match client.get_to_writer(
        &format!("/v{version}/images/{encoded}/get"),
        &mut out,
        MAX_EXPORT,
    ) {
        Ok(_) => {}
        Err(EngineError::Status {
            status, message, ..
        }) => bail!("the daemon cannot export `{reference}` (HTTP {status}): {message}"),
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!(
                "cannot export `{reference}` from the daemon into `{}`",
                exported.0.display()
            )));
        }
    }
    std::io::Write::flush(&mut out)
        .with_context(|| format!("cannot write `{}`", exported.0.display()))?;
    Ok(exported)
}

/// Reads `target` keeping only what the catalogers need: a path, else an
/// image name or ID exported from the daemon.
///
/// A progress bar is drawn on standard error while the layers are read,
/// when it is a terminal and not `quiet`.
fn read_image(
    target: &Path,
    platform: Option<&str>,
    verify: Verify,
    quiet: bool,
) -> anyhow::Result<Image> {
    let exported;
    let path = if target.exists() {
        target
    } else {
        let reference = target.to_string_lossy();
        // An image reference never starts with `/` or `.`: such a target is a missing file.
        if reference.starts_with('/') || reference.starts_with('.') {
            bail!("`{reference}` does not exist (neither a file nor a directory)");
        }
        exported = export_from_daemon(&reference)?;
        exported.0.as_path()
    };
    let bar = printer::ProgressBar::stderr("reading layers", quiet);
    let report = |p: dockward_oci::ReadProgress| {
        bar.update(
            p.bytes_read,
            p.bytes_total,
            &format!(
                "{}/{} layers, {:.1}/{:.1} MiB",
                p.layers_done,
                p.layers,
                mib(p.bytes_read),
                mib(p.bytes_total)
            ),
        );
    };
    let source = dockward_oci::detect(path)
        .with_context(|| format!("cannot read `{}` as an image", target.display()))?;
    let platform = platform
        .map(|p| Platform::parse(p).map_err(|e| anyhow!("--platform {p}: {e}")))
        .transpose()?;
    // The catalogers' files, and the small files the image rules read for credentials (IM006).
    let wanted = |path: &str, size: u64| {
        dockward_sbom::wanted(path, size) || dockward_secrets::files::wants_content(path, size)
    };
    // Executables are read only for Go/Rust data, and only when no OS package owns them:
    // in a plain layer they are left in place until the OS databases have been read.
    let defer = |path: &str, size: u64| {
        dockward_sbom::executable_candidate(path, size)
            && !dockward_secrets::files::wants_content(path, size)
    };
    let options = ReadOptions {
        wanted: &wanted,
        defer: Some(&defer),
        platform,
        limits: Limits::default(),
        progress: Some(&report),
        verify,
    };
    let image = dockward_oci::read(&source, &options);
    bar.finish();
    let mut image =
        image.with_context(|| format!("cannot read the image `{}`", target.display()))?;
    if !target.exists() && image.config.repo_tags.is_empty() {
        image
            .config
            .repo_tags
            .push(target.to_string_lossy().into_owned());
    }
    for warning in &image.warnings {
        printer::warning(warning);
    }
    Ok(image)
}

/// Catalogs an image read by [`read_image`]: the OS packages first, then the executables
/// the reader deferred are read if no OS package owns them, then the language packages.
fn catalog_image(image: &mut Image, target: &Path) -> anyhow::Result<Catalog> {
    let os_packages = dockward_sbom::OsPackages::read(&image.files);
    image
        .load_deferred(&|path, _| !os_packages.owns(path))
        .with_context(|| format!("cannot read the image `{}`", target.display()))?;
    Ok(os_packages.catalog(&image.files))
}

/// The digest checks asked for on the command line.
fn verify(layers: bool) -> Verify {
    if layers { Verify::Layers } else { Verify::Off }
}

/// Bytes as MiB, for display.
#[allow(clippy::cast_precision_loss)] // display only
fn mib(bytes: u64) -> f64 {
    bytes as f64 / f64::from(1u32 << 20)
}

fn meta(target: &Path, image: &Image) -> ImageMeta {
    ImageMeta {
        name: image
            .config
            .repo_tags
            .first()
            .cloned()
            .unwrap_or_else(|| target.display().to_string()),
        digest: image.config.id.clone(),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// Runs `dockward sbom`.
pub fn sbom(args: &SbomArgs) -> anyhow::Result<Status> {
    let mut image = read_image(
        &args.target,
        args.platform.as_deref(),
        verify(args.verify_layers),
        false,
    )?;
    let catalog = catalog_image(&mut image, &args.target)?;
    for warning in &catalog.warnings {
        printer::warning(warning);
    }
    let meta = meta(&args.target, &image);
    let document = match args.format {
        SbomFormat::Cyclonedx => dockward_sbom::cyclonedx(&meta, &catalog),
        SbomFormat::SpdxJson => {
            let created = crate::clock::rfc3339_now();
            dockward_sbom::spdx(&meta, &catalog, &meta.name, &created)
        }
    };
    let text = serde_json::to_string_pretty(&document).context("cannot serialize the SBOM")?;
    Printer::new(args.output.as_deref()).result(&(text + "\n"))?;
    Ok(Status::Success)
}

fn severity(level: SeverityLevel) -> Option<Severity> {
    match level {
        SeverityLevel::Critical => Some(Severity::Critical),
        SeverityLevel::High => Some(Severity::High),
        SeverityLevel::Medium => Some(Severity::Medium),
        SeverityLevel::Low => Some(Severity::Low),
        SeverityLevel::None => Some(Severity::Info),
        SeverityLevel::Unknown => None,
    }
}

/// The package queries of a catalog: OS packages by source name and version.
fn queries(catalog: &Catalog) -> Vec<(usize, Query)> {
    catalog
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (name, version) = if p.kind.is_os() {
                (
                    p.source_name.clone().unwrap_or_else(|| p.name.clone()),
                    p.source_version
                        .clone()
                        .unwrap_or_else(|| p.version.clone()),
                )
            } else {
                (p.name.clone(), p.version.clone())
            };
            (
                i,
                Query {
                    ecosystem: p.ecosystem.clone(),
                    name,
                    version,
                },
            )
        })
        .collect()
}

/// Runs `dockward scan`.
pub fn scan(args: &ScanArgs) -> anyhow::Result<Status> {
    let suppressors = crate::scan_report::Suppressors::load(args)?;
    let path = crate::db::db_path(args.db.as_deref())?;
    if !path.exists() {
        bail!(
            "no vulnerability database at `{}`: run `dockward db update` (downloads the OSV exports) or `dockward db import PATH` (OSV JSON files, zips or directories) first",
            path.display()
        );
    }
    let store = Store::open_read_only(&path)
        .with_context(|| format!("cannot open the database `{}`", path.display()))?;
    let mut image = read_image(
        &args.target,
        args.platform.as_deref(),
        verify(args.verify_layers),
        args.quiet,
    )?;
    let catalog = catalog_image(&mut image, &args.target)?;
    let ecosystems: Vec<_> = catalog
        .packages
        .iter()
        .map(|p| p.ecosystem.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let queries = queries(&catalog);
    let only_queries: Vec<Query> = queries.iter().map(|(_, q)| q.clone()).collect();
    let (index, _) = store
        .load_index_for(&only_queries)
        .context("cannot load advisories")?;
    crate::db::warn_if_stale(&store, &ecosystems);
    let registry = crate::lint::registry();
    let meta = registry
        .get(dockward_rules::Rule::VulnerablePackage)
        .ok_or_else(|| anyhow!("the vulnerability rule is not registered"))?;
    let mut vulns = Vec::new();
    let mut merged_ids = Vec::new();
    for (i, query) in queries {
        for m in index.matches_versions(&query) {
            if args.ignore_unfixed && !m.is_fixed() {
                continue;
            }
            let sev = severity(m.severity.level).unwrap_or(meta.descriptor.default_severity);
            if !args.severity.is_empty() && !args.severity.contains(&sev) {
                continue;
            }
            vulns.push(crate::scan_report::Vuln::new(i, &m, sev));
            merged_ids.push(m.advisory_ids.clone());
        }
    }
    crate::scan_report::enrich(&mut vulns, &merged_ids, &store);
    // The vulnerabilities come first, in the order of `vulns`.
    let mut diagnostics: Vec<Diagnostic> = vulns
        .iter()
        .map(|v| v.diagnostic(&meta.descriptor, &catalog.packages[v.package]))
        .collect();
    let registry_ref = &registry;
    let mut rules = vec![&meta.descriptor];
    for finding in image_findings(&args.target, &image) {
        let Some(im) = registry_ref.get(finding.rule) else {
            continue;
        };
        let sev = finding.severity.unwrap_or(im.descriptor.default_severity);
        if !args.severity.is_empty() && !args.severity.contains(&sev) {
            continue;
        }
        if !rules.iter().any(|r| r.code == im.descriptor.code) {
            rules.push(&im.descriptor);
        }
        diagnostics.push(Diagnostic {
            rule: &im.descriptor,
            severity: sev,
            message: finding.message,
            location: Location::Object {
                kind: "image".to_owned(),
                name: finding.object,
            },
            suppression: None,
            aliases: finding.aliases,
        });
    }
    let report = Report {
        tool: ToolInfo {
            name: "dockward".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        subjects: vec![Subject {
            kind: "image".to_owned(),
            name: meta_name(&args.target, &image),
        }],
        diagnostics,
        sources: Vec::new(),
        rules,
    };
    crate::scan_report::finish(
        args,
        &suppressors,
        crate::scan_report::Scan {
            report,
            vulns,
            catalog: &catalog,
            meta: self::meta(&args.target, &image),
            references: crate::scan_report::references(&args.target, &image.config.repo_tags),
        },
    )
}

/// The image configuration and layer checks (`IM`): the audit engine's image
/// rules over the image read from the archive, given as the facts an audit of
/// the daemon would record (`Config` as `docker inspect` shows it, the
/// config's history, and from the layers: setuid and setgid files and
/// world-writable directories of the merged tree, credential files of every
/// layer, including those a later layer removed).
fn image_findings(target: &Path, image: &Image) -> Vec<dockward_audit::AuditFinding> {
    use dockward_audit::facts::{
        Facts, HistoryStep, ImageFacts, SecretFile, SetuidFile, WorldWritableDir,
    };
    use dockward_oci::EntryKind;
    // A root filesystem directory has no configuration: only its files are checked.
    let has_config = image.config.raw.get("config").is_some();
    let config = image.config.raw.get("config").cloned().unwrap_or_default();
    let inspect = serde_json::json!({
        "Id": image.config.id.clone().unwrap_or_default(),
        "RepoTags": [meta_name(target, image)],
        "Config": config,
    });
    let setuid_files = image
        .files
        .iter()
        .filter(|(_, e)| e.kind == EntryKind::File && e.mode & 0o6000 != 0)
        .map(|(path, e)| SetuidFile {
            path: path.to_owned(),
            mode: e.mode,
        })
        .collect();
    let world_writable_dirs = image
        .files
        .iter()
        .filter(|(_, e)| e.kind == EntryKind::Directory && WorldWritableDir::qualifies(e.mode))
        .map(|(path, e)| WorldWritableDir {
            path: path.to_owned(),
            mode: e.mode,
        })
        .collect();
    // A root filesystem directory has no layers to name.
    let layer_of = |index: usize| image.layers.get(index).map(|l| (index, l.diff_id.clone()));
    let secret = |path: &str, entry: &dockward_oci::FileEntry, removed_in: Option<usize>| {
        if entry.kind != EntryKind::File
            || (entry.content.is_none() && dockward_secrets::files::credential_file(path).is_none())
        {
            return None;
        }
        let what = dockward_secrets::files::classify(path, entry.content.as_deref())?;
        let layer = layer_of(entry.layer);
        Some(SecretFile {
            path: path.to_owned(),
            what: what.to_owned(),
            layer: layer.as_ref().map(|l| l.0),
            diff_id: layer.and_then(|l| l.1),
            removed_in_layer: removed_in,
        })
    };
    let mut secret_files: Vec<SecretFile> = image
        .files
        .iter()
        .filter_map(|(path, e)| secret(path, e, None))
        .collect();
    secret_files.extend(
        image
            .files
            .removed()
            .iter()
            .filter_map(|r| secret(&r.path, &r.entry, Some(r.removed_in))),
    );
    let history = has_config.then(|| {
        image
            .config
            .history
            .iter()
            .map(|h| HistoryStep {
                created_by: h.created_by.clone().unwrap_or_default(),
                empty_layer: h.empty_layer,
            })
            .collect()
    });
    let facts = Facts {
        schema: dockward_audit::facts::FACTS_SCHEMA.to_owned(),
        images: vec![ImageFacts {
            inspect,
            setuid_files: Some(setuid_files),
            secret_files: Some(secret_files),
            world_writable_dirs: Some(world_writable_dirs),
            history,
        }],
        ..Facts::default()
    };
    let scope = dockward_audit::Scope {
        images: true,
        ..dockward_audit::Scope::default()
    };
    let file_rules = [
        dockward_rules::Rule::SetuidFileInImage,
        dockward_rules::Rule::SecretFileInImage,
        dockward_rules::Rule::WorldWritableDirInImage,
    ];
    dockward_audit::audit_scoped(
        &facts,
        &dockward_audit::AuditSettings::default(),
        &scope,
        &|rule| {
            rule.family() == dockward_rules::Family::Image
                && (has_config || file_rules.contains(&rule))
        },
    )
    .findings
}

fn meta_name(target: &Path, image: &Image) -> String {
    meta(target, image).name
}
