//! Package catalogers over an image's merged file tree, and the SBOM writers.
//!
//! [`wanted`] tells an image reader which files' content the catalogers need (of which
//! the [`executable_candidate`]s may be read later, once [`OsPackages`] has ruled out
//! those OS packages own); [`catalog`]
//! turns the resulting [`FileTree`] into a [`Catalog`]: the OS, the packages (OS packages
//! from dpkg/apk/rpm databases, language packages from Python, npm, Go and Rust binaries,
//! Cargo.lock, Java archives, gemspecs and Composer), and warnings about input that could not
//! be read. Nothing here panics on hostile input: a bad file becomes a warning.
//! [`cyclonedx`] and [`spdx`] write the catalog as CycloneDX 1.6 and SPDX 2.3 JSON.

mod catalog;
mod cyclonedx;
pub mod purl;
mod spdx;

use dockward_oci::tree::FileTree;
use dockward_vuln::ecosystem::Ecosystem;

pub use catalog::{OsPackages, executable_candidate, wanted};
pub use cyclonedx::cyclonedx;
pub use spdx::spdx;

/// Which package manager or format a package was found by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PackageKind {
    /// A Debian package (dpkg status or distroless `status.d`).
    Deb,
    /// An Alpine package (`lib/apk/db/installed`).
    Apk,
    /// An RPM package (rpmdb.sqlite).
    Rpm,
    /// A Python distribution (dist-info or egg-info).
    Python,
    /// An npm package (`node_modules/**/package.json`).
    Npm,
    /// A Go module linked into a binary (or the binary's main module).
    GoModule,
    /// The Go standard library a binary was built with.
    GoStdlib,
    /// A Rust crate (cargo-auditable data or Cargo.lock).
    Rust,
    /// A Java archive.
    Java,
    /// A Ruby gem.
    Gem,
    /// A PHP Composer package.
    Composer,
}

impl PackageKind {
    /// A short lower-case name (`deb`, `python`, `go-module`).
    pub fn as_str(self) -> &'static str {
        match self {
            PackageKind::Deb => "deb",
            PackageKind::Apk => "apk",
            PackageKind::Rpm => "rpm",
            PackageKind::Python => "python",
            PackageKind::Npm => "npm",
            PackageKind::GoModule => "go-module",
            PackageKind::GoStdlib => "go-stdlib",
            PackageKind::Rust => "rust",
            PackageKind::Java => "java",
            PackageKind::Gem => "gem",
            PackageKind::Composer => "composer",
        }
    }

    /// Whether the package comes from the OS package manager.
    pub fn is_os(self) -> bool {
        matches!(self, PackageKind::Deb | PackageKind::Apk | PackageKind::Rpm)
    }
}

/// One installed package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The name as the package manager writes it (`PyYAML`, `libc6`, `@types/node`).
    pub name: String,
    /// The installed version as written (dpkg: with epoch; Go: with the `v`).
    pub version: String,
    /// Which OSV ecosystem advisories for it live in (`Debian:12`, `PyPI`).
    pub ecosystem: Ecosystem,
    /// The format it was found by.
    pub kind: PackageKind,
    /// The source package (dpkg `Source`, apk origin, rpm SOURCERPM name).
    pub source_name: Option<String>,
    /// The source package's version.
    pub source_version: Option<String>,
    /// The package URL.
    pub purl: String,
    /// Licences as declared (SPDX ids or free text).
    pub licenses: Vec<String>,
    /// Files of the image the package was read from.
    pub locations: Vec<String>,
    /// The layer that last wrote its first location.
    pub layer: Option<usize>,
    /// purls of the packages it depends on, where known.
    pub dependencies: Vec<String>,
}

/// The operating system of an image.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Os {
    /// `ID` of os-release (`debian`, `alpine`, `rhel`).
    pub id: String,
    /// `VERSION_ID` (`12`, `3.20.3`); from `etc/debian_version` / `etc/alpine-release` when
    /// there is no os-release.
    pub version_id: Option<String>,
    /// `PRETTY_NAME`.
    pub pretty_name: Option<String>,
    /// `VERSION_CODENAME` (`bookworm`).
    pub codename: Option<String>,
}

/// What [`catalog`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    /// The OS, when os-release or a release file says.
    pub os: Option<Os>,
    /// Every package, OS packages first, in a stable order.
    pub packages: Vec<Package>,
    /// Input that could not be read, one sentence each.
    pub warnings: Vec<String>,
}

/// The image an SBOM describes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageMeta {
    /// The reference or name (`debian:12`, an archive's file name).
    pub name: String,
    /// The image digest or config id (`sha256:…`), when known.
    pub digest: Option<String>,
    /// The tool version written into the SBOM metadata.
    pub tool_version: String,
}

/// Catalogs the packages of an image.
pub fn catalog(tree: &FileTree) -> Catalog {
    OsPackages::read(tree).catalog(tree)
}
