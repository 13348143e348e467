//! Package ecosystems, named as OSV names them.

/// An ecosystem: which version rules apply and which OSV records concern it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    /// `Debian:<release>` (`Debian:12`), dpkg versions, matched by source package.
    Debian(String),
    /// `Ubuntu:<release>`, dpkg versions.
    Ubuntu(String),
    /// `Alpine:v<release>` (`Alpine:v3.20`), apk versions, matched by origin.
    Alpine(String),
    /// `AlmaLinux:<release>`, rpm EVR.
    AlmaLinux(String),
    /// `Rocky Linux:<release>`, rpm EVR.
    RockyLinux(String),
    /// `Red Hat:<product>`, rpm EVR.
    RedHat(String),
    /// `PyPI`, PEP 440.
    PyPi,
    /// `npm`, SemVer.
    Npm,
    /// `Go`, Go module versions (SemVer with `v`).
    Go,
    /// `crates.io`, SemVer.
    CratesIo,
    /// `Maven`, Maven versions.
    Maven,
    /// `RubyGems`, Gem versions.
    RubyGems,
    /// `Packagist`, Composer versions.
    Packagist,
}

impl Ecosystem {
    /// The OSV `affected[].package.ecosystem` string, e.g. `Debian:12`, `PyPI`.
    pub fn osv_name(&self) -> String {
        match self {
            Ecosystem::Debian(r) => format!("Debian:{r}"),
            Ecosystem::Ubuntu(r) => format!("Ubuntu:{r}"),
            Ecosystem::Alpine(r) => format!("Alpine:{r}"),
            Ecosystem::AlmaLinux(r) => format!("AlmaLinux:{r}"),
            Ecosystem::RockyLinux(r) => format!("Rocky Linux:{r}"),
            Ecosystem::RedHat(r) => format!("Red Hat:{r}"),
            Ecosystem::PyPi => "PyPI".to_owned(),
            Ecosystem::Npm => "npm".to_owned(),
            Ecosystem::Go => "Go".to_owned(),
            Ecosystem::CratesIo => "crates.io".to_owned(),
            Ecosystem::Maven => "Maven".to_owned(),
            Ecosystem::RubyGems => "RubyGems".to_owned(),
            Ecosystem::Packagist => "Packagist".to_owned(),
        }
    }

    /// Parses an OSV ecosystem string (`Debian:12`, `PyPI`, `Alpine:v3.20`).
    /// Unknown ecosystems are `None`.
    pub fn from_osv(name: &str) -> Option<Ecosystem> {
        let (base, release) = match name.split_once(':') {
            Some((b, r)) => (b, r.to_owned()),
            None => (name, String::new()),
        };
        Some(match base {
            "Debian" => Ecosystem::Debian(release),
            "Ubuntu" => Ecosystem::Ubuntu(release),
            "Alpine" => Ecosystem::Alpine(release),
            "AlmaLinux" => Ecosystem::AlmaLinux(release),
            "Rocky Linux" => Ecosystem::RockyLinux(release),
            "Red Hat" => Ecosystem::RedHat(release),
            "PyPI" => Ecosystem::PyPi,
            "npm" => Ecosystem::Npm,
            "Go" => Ecosystem::Go,
            "crates.io" => Ecosystem::CratesIo,
            "Maven" => Ecosystem::Maven,
            "RubyGems" => Ecosystem::RubyGems,
            "Packagist" => Ecosystem::Packagist,
            _ => return None,
        })
    }
}
