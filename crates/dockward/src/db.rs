//! `dockward db`: import OSV files (`import`), download the OSV ecosystem
//! exports (`update`), and show what the database holds (`status`).
//!
//! `update` fetches `{base}/{Ecosystem}/all.zip` per ecosystem (base
//! [`OSV_BASE`], or `--mirror`), streams it to a temporary file next to the
//! database (bounded by [`MAX_DOWNLOAD`]), then replaces that ecosystem's
//! records in one transaction ([`dockward_vuln::import::import_update`]): a
//! failed or damaged download leaves the ecosystem as it was. Ecosystems are
//! independent: one failing does not stop the others; the command then exits
//! 2 after updating the rest.

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use dockward_vuln::db::{Store, UpdateStatus};

use crate::Status;
use crate::cli::{DbArgs, DbCommand};
use crate::printer::{self, Printer};

/// Where OSV publishes one zip of all records per ecosystem.
pub const OSV_BASE: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// The ecosystems `db update` fetches by default: those the catalogers
/// produce, by their OSV export names.
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "Debian",
    "Alpine",
    "Ubuntu",
    "AlmaLinux",
    "Rocky Linux",
    "PyPI",
    "npm",
    "Go",
    "crates.io",
    "Maven",
    "RubyGems",
    "Packagist",
];

/// Largest export downloaded (the biggest OSV exports are a few hundred MiB).
pub const MAX_DOWNLOAD: u64 = 2 * 1024 * 1024 * 1024;

/// An ecosystem whose last update is older than this is reported as stale.
pub const STALE_AFTER_SECS: i64 = 7 * 86_400;

/// Runs `dockward db`.
pub fn run(args: &DbArgs) -> anyhow::Result<Status> {
    match &args.command {
        DbCommand::Import { paths, db } => import(paths, db.as_deref()),
        DbCommand::Update {
            db,
            ecosystems,
            mirror,
            ca_file,
        } => update(
            db.as_deref(),
            ecosystems,
            mirror.as_deref(),
            ca_file.as_deref(),
        ),
        DbCommand::Status { db, json } => status(db.as_deref(), *json),
    }
}

/// The database path: `--db`, else `$XDG_CACHE_HOME/dockward/vuln.db`, else
/// `~/.cache/dockward/vuln.db`.
pub(crate) fn db_path(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(path) = explicit {
        return Ok(path.to_owned());
    }
    let xdg = std::env::var("XDG_CACHE_HOME").ok();
    let home = std::env::var("HOME").ok();
    dockward_vuln::db::default_path(xdg.as_deref(), home.as_deref()).ok_or_else(|| {
        anyhow::anyhow!("cannot find a cache directory: set XDG_CACHE_HOME or HOME, or pass --db")
    })
}

fn open_for_writing(path: &Path) -> anyhow::Result<Store> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
    }
    Store::open(path).with_context(|| format!("cannot open the database `{}`", path.display()))
}

fn import(paths: &[PathBuf], db: Option<&Path>) -> anyhow::Result<Status> {
    let path = db_path(db)?;
    let mut store = open_for_writing(&path)?;
    let now = crate::clock::now();
    let mut out = String::new();
    for source in paths {
        let report = dockward_vuln::import::import_path(
            &mut store,
            source,
            dockward_vuln::import::Limits::default(),
            now,
            &mut |_| {},
        )
        .with_context(|| format!("cannot import `{}`", source.display()))?;
        for error in &report.errors {
            printer::warning(error);
        }
        let _ = writeln!(
            out,
            "{}: {} records imported from {} sources, {} skipped",
            source.display(),
            report.records,
            report.sources,
            report.skipped
        );
    }
    let _ = writeln!(out, "database: {}", path.display());
    Printer::new(None).result(&out)?;
    Ok(Status::Success)
}

/// The export name for `--ecosystem NAME` (case-insensitive): one the
/// matcher knows, without a release suffix.
fn export_name(name: &str) -> Option<String> {
    let known = DEFAULT_ECOSYSTEMS.iter().copied().chain(["Red Hat"]);
    known
        .into_iter()
        .find(|k| k.eq_ignore_ascii_case(name.trim()))
        .map(str::to_owned)
}

/// How the base URL is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Access {
    /// Plain `http://` (loopback only).
    plain: bool,
    /// A loopback host: never through a proxy.
    loopback: bool,
}

fn is_loopback(rest: &str) -> bool {
    let authority = rest.split('/').next().unwrap_or_default();
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    matches!(host, "127.0.0.1" | "localhost" | "::1")
}

/// The base URL: `OSV_BASE`, or a mirror. `http://` only for loopback hosts
/// (tests, local mirrors); otherwise `https://`.
fn base_url(mirror: Option<&str>) -> anyhow::Result<(String, Access)> {
    let Some(mirror) = mirror else {
        let access = Access {
            plain: false,
            loopback: false,
        };
        return Ok((OSV_BASE.to_owned(), access));
    };
    let base = mirror.trim().trim_end_matches('/');
    if let Some(rest) = base.strip_prefix("http://") {
        if is_loopback(rest) {
            let access = Access {
                plain: true,
                loopback: true,
            };
            return Ok((base.to_owned(), access));
        }
        bail!(
            "--mirror {mirror}: plain http:// is accepted only for 127.0.0.1, ::1 and localhost; use https://"
        );
    }
    if let Some(rest) = base.strip_prefix("https://").filter(|r| !r.is_empty()) {
        let access = Access {
            plain: false,
            loopback: is_loopback(rest),
        };
        return Ok((base.to_owned(), access));
    }
    bail!("--mirror {mirror}: not an https:// URL")
}

/// The CA certificates of a PEM file (`--ca-file`).
fn ca_roots(path: &Path) -> anyhow::Result<ureq::tls::RootCerts> {
    let pem = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        if let ureq::tls::PemItem::Certificate(c) =
            item.with_context(|| format!("`{}` is not valid PEM", path.display()))?
        {
            certs.push(c);
        }
    }
    if certs.is_empty() {
        bail!("`{}` holds no PEM certificate", path.display());
    }
    Ok(ureq::tls::RootCerts::new_with_certs(&certs))
}

/// `{base}/{Ecosystem}/all.zip`, the name percent-encoded (`Rocky%20Linux`).
fn export_url(base: &str, ecosystem: &str) -> String {
    let mut name = String::new();
    for b in ecosystem.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            name.push(char::from(b));
        } else {
            let _ = write!(name, "%{b:02X}");
        }
    }
    format!("{base}/{name}/all.zip")
}

fn agent(access: Access, roots: Option<ureq::tls::RootCerts>) -> ureq::Agent {
    let mut tls = ureq::tls::TlsConfig::builder();
    if let Some(roots) = roots {
        tls = tls.root_certs(roots);
    }
    let config = ureq::Agent::config_builder()
        .tls_config(tls.build())
        .http_status_as_error(false)
        .https_only(!access.plain)
        .user_agent(format!("dockward/{}", env!("CARGO_PKG_VERSION")))
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_recv_response(Some(Duration::from_mins(1)))
        .timeout_per_read(Some(Duration::from_mins(1)));
    // A loopback mirror is never reached through a proxy; otherwise
    // ALL_PROXY / HTTPS_PROXY / HTTP_PROXY (and NO_PROXY) apply, as ureq reads them.
    let config = if access.loopback {
        config.proxy(None)
    } else {
        config
    };
    config.build().new_agent()
}

/// A downloaded file; removed when dropped, whatever happened.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Removes downloads left by `db update` processes that no longer run
/// (killed, or interrupted with ctrl-c, which skips destructors). Best effort.
fn remove_stale_downloads(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(".download-")?.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Streams `url` into `dest` (at most `cap` bytes). Returns the byte count.
fn download(agent: &ureq::Agent, url: &str, dest: &Path, cap: u64) -> anyhow::Result<u64> {
    let mut response = agent
        .get(url)
        .call()
        .with_context(|| format!("cannot download {url}"))?;
    let status = response.status().as_u16();
    if status == 404 {
        bail!("{url}: HTTP 404 Not Found (no export of that name there)");
    }
    if status != 200 {
        bail!(
            "{url}: HTTP {status} {}",
            response.status().canonical_reason().unwrap_or_default()
        );
    }
    if let Some(length) = response.body().content_length()
        && length > cap
    {
        bail!("{url}: {length} bytes is over the {cap} byte limit");
    }
    let mut file = std::fs::File::create(dest)
        .with_context(|| format!("cannot create `{}`", dest.display()))?;
    let mut reader = response.body_mut().as_reader().take(cap + 1);
    let n = std::io::copy(&mut reader, &mut file)
        .with_context(|| format!("{url}: download interrupted"))?;
    if n > cap {
        bail!("{url}: more than {cap} bytes");
    }
    file.flush()
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write `{}`", dest.display()))?;
    Ok(n)
}

/// One ecosystem: download, then replace its records.
fn update_one(
    store: &mut Store,
    agent: &ureq::Agent,
    base: &str,
    ecosystem: &str,
    dir: &Path,
) -> anyhow::Result<String> {
    let url = export_url(base, ecosystem);
    let started = Instant::now();
    let file_name: String = ecosystem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let temp = TempFile(dir.join(format!(".download-{}-{file_name}.zip", std::process::id())));
    let bytes = download(agent, &url, &temp.0, MAX_DOWNLOAD)?;
    let report = dockward_vuln::import::import_update(
        store,
        ecosystem,
        &url,
        &temp.0,
        dockward_vuln::import::Limits::default(),
        crate::clock::now(),
        &mut |_| {},
    )
    .with_context(|| format!("{url}: cannot import the download; {ecosystem} is unchanged"))?;
    drop(temp);
    for error in &report.import.errors {
        printer::warning(error);
    }
    let stats = report.import.stats;
    Ok(format!(
        "{ecosystem}: {} records ({} new, {} changed, {} removed, {} skipped as invalid), {:.1} MiB in {:.1} s",
        report.replace.records,
        stats.inserted,
        stats.replaced,
        report.replace.removed,
        report.import.skipped,
        // Display only, to the KiB.
        f64::from(u32::try_from(bytes >> 10).unwrap_or(u32::MAX)) / 1024.0,
        started.elapsed().as_secs_f64()
    ))
}

fn update(
    db: Option<&Path>,
    names: &[String],
    mirror: Option<&str>,
    ca_file: Option<&Path>,
) -> anyhow::Result<Status> {
    let mut ecosystems = Vec::new();
    for name in names {
        let Some(export) = export_name(name) else {
            bail!(
                "--ecosystem {name}: unknown; use one of {}, Red Hat",
                DEFAULT_ECOSYSTEMS.join(", ")
            );
        };
        if !ecosystems.contains(&export) {
            ecosystems.push(export);
        }
    }
    if ecosystems.is_empty() {
        ecosystems = DEFAULT_ECOSYSTEMS.iter().map(|&e| e.to_owned()).collect();
    }
    let (base, access) = base_url(mirror)?;
    let roots = ca_file.map(ca_roots).transpose()?;
    let path = db_path(db)?;
    let mut store = open_for_writing(&path)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_owned);
    remove_stale_downloads(&dir);
    let agent = agent(access, roots);
    let mut out = String::new();
    let mut failed = 0;
    for ecosystem in &ecosystems {
        match update_one(&mut store, &agent, &base, ecosystem, &dir) {
            Ok(line) => {
                let _ = writeln!(out, "{line}");
            }
            Err(error) => {
                failed += 1;
                printer::error_chain(&error.context(format!("{ecosystem}: update failed")));
            }
        }
    }
    let _ = writeln!(
        out,
        "{} of {} ecosystems updated; database: {}",
        ecosystems.len() - failed,
        ecosystems.len(),
        path.display()
    );
    Printer::new(None).result(&out)?;
    Ok(if failed == 0 {
        Status::Success
    } else {
        Status::Error
    })
}

/// "just now", "5 minutes ago", "1 hour ago", "3 days ago".
pub fn age_text(seconds: i64) -> String {
    if seconds < 0 {
        return "in the future (check the clock)".to_owned();
    }
    let (n, unit) = match seconds {
        0..60 => return "just now".to_owned(),
        60..3_600 => (seconds / 60, "minute"),
        3_600..86_400 => (seconds / 3_600, "hour"),
        _ => (seconds / 86_400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// Warns on standard error for each of `ecosystems` whose last `db update` is
/// older than [`STALE_AFTER_SECS`]. Ecosystems only ever imported by hand have
/// no update time and are not judged; a status that cannot be read is ignored
/// (the scan goes on with what the database holds).
pub fn warn_if_stale(store: &Store, ecosystems: &[dockward_vuln::ecosystem::Ecosystem]) {
    // Only the update log: `status()` counts every table, which reads the whole store.
    let Ok(updates) = store.updates() else {
        return;
    };
    let now = crate::clock::now();
    for u in updates.iter().filter(|u| stale(u, now)) {
        if ecosystems
            .iter()
            .any(|e| e.osv_name().split(':').next() == Some(u.ecosystem.as_str()))
        {
            printer::warning(&format!(
                "the {} advisories were last updated {}: run `dockward db update`",
                u.ecosystem,
                age_text(now - u.updated_at)
            ));
        }
    }
}

fn stale(update: &UpdateStatus, now: i64) -> bool {
    now - update.updated_at > STALE_AFTER_SECS
}

fn status(db: Option<&Path>, json: bool) -> anyhow::Result<Status> {
    let path = db_path(db)?;
    if !path.exists() {
        bail!(
            "no vulnerability database at `{}`: run `dockward db update` or `dockward db import PATH` first",
            path.display()
        );
    }
    let store = Store::open_read_only(&path)
        .with_context(|| format!("cannot open the database `{}`", path.display()))?;
    let status = store.status().context("cannot read the database status")?;
    let now = crate::clock::now();
    for u in status.updates.iter().filter(|u| stale(u, now)) {
        printer::warning(&format!(
            "{} was last updated {}: run `dockward db update`",
            u.ecosystem,
            age_text(now - u.updated_at)
        ));
    }
    let text = if json {
        let ecosystems: Vec<serde_json::Value> = status
            .ecosystems
            .iter()
            .map(|e| {
                serde_json::json!({"ecosystem": e.ecosystem, "advisories": e.advisories, "withdrawn": e.withdrawn})
            })
            .collect();
        let updates: Vec<serde_json::Value> = status
            .updates
            .iter()
            .map(|u| {
                serde_json::json!({
                    "ecosystem": u.ecosystem,
                    "updated_at": crate::clock::rfc3339(u.updated_at),
                    "age_seconds": now - u.updated_at,
                    "stale": stale(u, now),
                    "source": u.source,
                    "records": u.records,
                })
            })
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({
            "path": status.path,
            "schema_version": status.schema_version,
            "advisories": status.advisories,
            "withdrawn": status.withdrawn,
            "aliases": status.aliases,
            "ecosystems": ecosystems,
            "updates": updates,
        }))? + "\n"
    } else {
        let mut t = format!(
            "database: {}\nadvisories: {} ({} withdrawn), aliases: {}\n",
            status.path.display(),
            status.advisories,
            status.withdrawn,
            status.aliases
        );
        for e in &status.ecosystems {
            let _ = writeln!(
                t,
                "  {:<16} {:>7} advisories, {:>5} withdrawn",
                e.ecosystem, e.advisories, e.withdrawn
            );
        }
        if status.updates.is_empty() {
            t.push_str("updates: none (imported with `dockward db import` only)\n");
        } else {
            t.push_str("updates:\n");
            for u in &status.updates {
                let _ = writeln!(
                    t,
                    "  {:<16} updated {} ({}), {} records from {}{}",
                    u.ecosystem,
                    age_text(now - u.updated_at),
                    crate::clock::rfc3339(u.updated_at),
                    u.records,
                    u.source,
                    if stale(u, now) { " [stale]" } else { "" }
                );
            }
        }
        t
    };
    Printer::new(None).result(&text)?;
    Ok(Status::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age_text(5), "just now");
        assert_eq!(age_text(60), "1 minute ago");
        assert_eq!(age_text(7_199), "1 hour ago");
        assert_eq!(age_text(7_200), "2 hours ago");
        assert_eq!(age_text(3 * 86_400 + 5), "3 days ago");
        assert_eq!(age_text(86_400), "1 day ago");
        assert!(age_text(-5).starts_with("in the future"));
    }

    #[test]
    fn mirrors_and_names() {
        let remote = Access {
            plain: false,
            loopback: false,
        };
        assert_eq!(base_url(None).unwrap(), (OSV_BASE.to_owned(), remote));
        assert_eq!(
            base_url(Some("http://127.0.0.1:8080/osv/")).unwrap(),
            (
                "http://127.0.0.1:8080/osv".to_owned(),
                Access {
                    plain: true,
                    loopback: true
                }
            )
        );
        assert!(base_url(Some("http://localhost")).unwrap().1.plain);
        assert!(base_url(Some("http://[::1]:9/")).unwrap().1.plain);
        assert!(base_url(Some("http://example.com")).is_err());
        assert!(base_url(Some("http://127.0.0.1.example.com")).is_err());
        assert!(base_url(Some("ftp://127.0.0.1")).is_err());
        assert_eq!(
            base_url(Some("https://mirror.example/osv")).unwrap(),
            ("https://mirror.example/osv".to_owned(), remote)
        );
        let local = base_url(Some("https://127.0.0.1:8443")).unwrap().1;
        assert!(local.loopback && !local.plain);
        assert_eq!(
            export_url(OSV_BASE, "Rocky Linux"),
            format!("{OSV_BASE}/Rocky%20Linux/all.zip")
        );
        assert_eq!(
            export_url("http://h", "crates.io"),
            "http://h/crates.io/all.zip"
        );
        assert_eq!(export_name("pypi").as_deref(), Some("PyPI"));
        assert_eq!(export_name("red hat").as_deref(), Some("Red Hat"));
        assert_eq!(export_name("Debian:12"), None);
        assert_eq!(export_name("NuGet"), None);
        // Every default name is one the matcher knows.
        for name in DEFAULT_ECOSYSTEMS {
            assert!(
                dockward_vuln::ecosystem::Ecosystem::from_osv(name).is_some(),
                "{name}"
            );
        }
    }
}
