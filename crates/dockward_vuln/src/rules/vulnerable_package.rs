use dockward_rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a package in an image whose installed version an advisory of the
    /// vulnerability database (OSV records imported with `dockward db import`)
    /// says is affected. Each finding names the package, the installed version,
    /// the fixed version when there is one, and carries the advisory's own
    /// severity (from its CVSS vector where present: v3.x, else v4.0, else v2)
    /// and identifiers (CVE, GHSA, PYSEC, RUSTSEC, GO, ALSA, DSA...) as
    /// aliases, so `--ignore CVE-2023-4911` works.
    ///
    /// Distribution packages are matched by their source package and the
    /// distribution's version rules (dpkg, apk, rpm); language packages by the
    /// ecosystem's (PEP 440, SemVer, Go, Maven, RubyGems).
    ///
    /// ## Why is this bad?
    /// A known vulnerability in a shipped package is the most direct way into a
    /// container; most have a fixed version one rebuild away.
    ///
    /// ## Example
    /// ```console
    /// $ dockward scan app.tar
    /// VL001 [critical] smallvec 1.6.0 is affected by RUSTSEC-2021-0003 (CVE-2021-25900); fixed in 1.6.1
    /// ```
    ///
    /// Use instead: rebuild the image with the fixed version (upgrade the base
    /// image or the dependency), or record why it does not apply in an OpenVEX
    /// document.
    ///
    /// ## References
    /// - [OSV schema](https://ossf.github.io/osv-schema/)
    /// - [CVSS v3.1 specification](https://www.first.org/cvss/v3.1/specification-document)
    /// - [CVSS v4.0 specification](https://www.first.org/cvss/v4.0/specification-document)
    pub struct VulnerablePackage {
        severity: Medium,
        status: Stable,
        summary: "a package version is affected by a known vulnerability",
        aliases: [],
        references: [
            "https://ossf.github.io/osv-schema/",
            "https://www.first.org/cvss/v3.1/specification-document",
            "https://www.first.org/cvss/v4.0/specification-document",
        ],
    }
}
