use dockward_rules::declare_rule;

use super::invalid_label_key::typed_labels;
use crate::{Context, LabelType, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a label that the label schema declares as `spdx` and whose value
    /// is not an SPDX license expression: license identifiers (optionally with
    /// `+`), `LicenseRef-...`, combined with `AND`, `OR`, `WITH <exception>`
    /// and parentheses, e.g. `Apache-2.0`, `MIT OR Apache-2.0`,
    /// `GPL-2.0-only WITH Classpath-exception-2.0`.
    ///
    /// ## Why is this bad?
    /// Licence labels (`org.opencontainers.image.licenses`) feed compliance
    /// tooling, which matches SPDX identifiers exactly. `Apache 2`, `GPLv3` or
    /// `BSD` are ambiguous and are not recognised.
    ///
    /// dockward embeds the SPDX identifiers most used in practice (about 150
    /// licenses and 25 exceptions, matched without regard to case), not the
    /// full SPDX list: a rare but valid identifier can be flagged; write it as
    /// `LicenseRef-<name>` or leave the label out of the schema. Values with
    /// variables and empty values (see `empty-label`) are not checked.
    ///
    /// ## Example
    /// With `org.opencontainers.image.licenses = "spdx"` in the schema:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.licenses="Apache 2"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.licenses="Apache-2.0"
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint's DL3054 checks a single identifier against the full SPDX
    /// list; dockward accepts whole expressions, as the OCI annotation asks,
    /// over a shorter list.
    ///
    /// ## References
    /// - [SPDX license list](https://spdx.org/licenses/)
    /// - [SPDX license expressions (Annex D)](https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/)
    /// - [OCI image annotations: licenses](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    pub struct LabelNotSpdx {
        severity: Medium,
        status: Stable,
        summary: "an `spdx` schema label is not an SPDX license expression",
        aliases: ["DL3054"],
        references: [
            "https://spdx.org/licenses/",
            "https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/",
            "https://github.com/opencontainers/image-spec/blob/main/annotations.md",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for label in typed_labels(ctx, LabelType::Spdx) {
        if !is_spdx_expression(label.value.as_str()) {
            out.push(Violation::new(
                LabelNotSpdx::META.rule,
                label.value.span,
                format!(
                    "label `{}` is `{}`, which is not an SPDX license expression (e.g. `Apache-2.0`, `MIT OR Apache-2.0`)",
                    label.key.as_str(),
                    label.value.as_str()
                ),
            ));
        }
    }
}

/// Common SPDX license identifiers (SPDX license list 3.x), deprecated
/// spellings such as `GPL-2.0` included because they are still valid.
const LICENSES: &[&str] = &[
    "0BSD",
    "AAL",
    "AFL-1.1",
    "AFL-2.0",
    "AFL-2.1",
    "AFL-3.0",
    "AGPL-1.0",
    "AGPL-1.0-only",
    "AGPL-1.0-or-later",
    "AGPL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.0",
    "Apache-1.1",
    "Apache-2.0",
    "APSL-1.0",
    "APSL-2.0",
    "Artistic-1.0",
    "Artistic-1.0-Perl",
    "Artistic-2.0",
    "Beerware",
    "BlueOak-1.0.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-2-Clause-Patent",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "BSD-3-Clause-LBNL",
    "BSD-4-Clause",
    "BSD-Source-Code",
    "BSL-1.0",
    "BUSL-1.1",
    "bzip2-1.0.6",
    "CAL-1.0",
    "CC-BY-1.0",
    "CC-BY-2.0",
    "CC-BY-2.5",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-SA-2.0",
    "CC-BY-SA-2.5",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CC-PDDC",
    "CC0-1.0",
    "CDDL-1.0",
    "CDDL-1.1",
    "CDLA-Permissive-2.0",
    "CECILL-2.1",
    "CECILL-B",
    "CECILL-C",
    "ClArtistic",
    "CNRI-Python",
    "CPAL-1.0",
    "CPL-1.0",
    "curl",
    "ECL-2.0",
    "EFL-2.0",
    "Elastic-2.0",
    "EPL-1.0",
    "EPL-2.0",
    "ErlPL-1.1",
    "EUDatagrid",
    "EUPL-1.1",
    "EUPL-1.2",
    "FSFAP",
    "FSFUL",
    "FSFULLR",
    "FTL",
    "GFDL-1.1-only",
    "GFDL-1.1-or-later",
    "GFDL-1.2-only",
    "GFDL-1.2-or-later",
    "GFDL-1.3-only",
    "GFDL-1.3-or-later",
    "GPL-1.0",
    "GPL-1.0-only",
    "GPL-1.0-or-later",
    "GPL-2.0",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "HPND",
    "ICU",
    "IJG",
    "ImageMagick",
    "Info-ZIP",
    "Intel",
    "IPA",
    "IPL-1.0",
    "ISC",
    "JasPer-2.0",
    "JSON",
    "LGPL-2.0",
    "LGPL-2.0-only",
    "LGPL-2.0-or-later",
    "LGPL-2.1",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "Libpng",
    "libpng-2.0",
    "libtiff",
    "LPL-1.02",
    "LPPL-1.3c",
    "MirOS",
    "MIT",
    "MIT-0",
    "MIT-CMU",
    "MIT-Modern-Variant",
    "MPL-1.0",
    "MPL-1.1",
    "MPL-2.0",
    "MPL-2.0-no-copyleft-exception",
    "MS-PL",
    "MS-RL",
    "MulanPSL-2.0",
    "Multics",
    "NCSA",
    "Net-SNMP",
    "NLPL",
    "Nokia",
    "NPL-1.1",
    "NTP",
    "OFL-1.0",
    "OFL-1.1",
    "OGL-UK-3.0",
    "OLDAP-2.8",
    "OpenSSL",
    "OSL-2.1",
    "OSL-3.0",
    "PHP-3.0",
    "PHP-3.01",
    "PostgreSQL",
    "PSF-2.0",
    "Python-2.0",
    "Python-2.0.1",
    "Qhull",
    "QPL-1.0",
    "Ruby",
    "SGI-B-2.0",
    "SISSL",
    "Sleepycat",
    "SMLNJ",
    "SPL-1.0",
    "SSPL-1.0",
    "TCL",
    "TOSL",
    "Unicode-3.0",
    "Unicode-DFS-2015",
    "Unicode-DFS-2016",
    "Unlicense",
    "UPL-1.0",
    "Vim",
    "W3C",
    "W3C-20150513",
    "WTFPL",
    "X11",
    "XFree86-1.1",
    "Xnet",
    "Zend-2.0",
    "Zlib",
    "zlib-acknowledgement",
    "ZPL-2.0",
    "ZPL-2.1",
];

/// Common SPDX license exception identifiers (after `WITH`).
const EXCEPTIONS: &[&str] = &[
    "389-exception",
    "Autoconf-exception-2.0",
    "Autoconf-exception-3.0",
    "Bison-exception-2.2",
    "Bootloader-exception",
    "Classpath-exception-2.0",
    "eCos-exception-2.0",
    "FLTK-exception",
    "Font-exception-2.0",
    "freertos-exception-2.0",
    "GCC-exception-2.0",
    "GCC-exception-3.1",
    "GPL-3.0-linking-exception",
    "LGPL-3.0-linking-exception",
    "Libtool-exception",
    "Linux-syscall-note",
    "LLVM-exception",
    "OCaml-LGPL-linking-exception",
    "OpenJDK-assembly-exception-1.0",
    "Qt-GPL-exception-1.0",
    "Qt-LGPL-exception-1.1",
    "Swift-exception",
    "u-boot-exception-2.0",
    "Universal-FOSS-exception-1.0",
    "WxWindows-exception-3.1",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Open,
    Close,
    Word(&'a str),
}

fn tokens(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    for chunk in s.split_whitespace() {
        let mut rest = chunk;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('(') {
                out.push(Token::Open);
                rest = r;
            } else if let Some(r) = rest.strip_prefix(')') {
                out.push(Token::Close);
                rest = r;
            } else {
                let end = rest.find(['(', ')']).unwrap_or(rest.len());
                out.push(Token::Word(&rest[..end]));
                rest = &rest[end..];
            }
        }
    }
    out
}

fn is_operator(word: &str, op: &str) -> bool {
    word == op || word == op.to_ascii_lowercase()
}

fn is_ref_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// A license: a known id (optionally `+`), `LicenseRef-x` or
/// `DocumentRef-x:LicenseRef-y`.
fn is_license(word: &str) -> bool {
    if let Some((doc, lic)) = word.split_once(':') {
        return doc.strip_prefix("DocumentRef-").is_some_and(is_ref_id)
            && lic.strip_prefix("LicenseRef-").is_some_and(is_ref_id);
    }
    if let Some(r) = word.strip_prefix("LicenseRef-") {
        return is_ref_id(r);
    }
    let id = word.strip_suffix('+').unwrap_or(word);
    LICENSES.iter().any(|l| l.eq_ignore_ascii_case(id))
}

fn is_exception(word: &str) -> bool {
    EXCEPTIONS.iter().any(|e| e.eq_ignore_ascii_case(word))
        || word.strip_prefix("AdditionRef-").is_some_and(is_ref_id)
}

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<Token<'a>> {
        let t = self.peek();
        self.pos += 1;
        t
    }

    /// `or-expression = and-expression *("OR" and-expression)`.
    fn or_expr(&mut self, depth: usize) -> Option<()> {
        self.and_expr(depth)?;
        while matches!(self.peek(), Some(Token::Word(w)) if is_operator(w, "OR")) {
            self.pos += 1;
            self.and_expr(depth)?;
        }
        Some(())
    }

    fn and_expr(&mut self, depth: usize) -> Option<()> {
        self.with_expr(depth)?;
        while matches!(self.peek(), Some(Token::Word(w)) if is_operator(w, "AND")) {
            self.pos += 1;
            self.with_expr(depth)?;
        }
        Some(())
    }

    fn with_expr(&mut self, depth: usize) -> Option<()> {
        match self.next()? {
            Token::Open => {
                if depth > 32 {
                    return None;
                }
                self.or_expr(depth + 1)?;
                (self.next()? == Token::Close).then_some(())
            }
            Token::Close => None,
            Token::Word(w) => {
                if !is_license(w) {
                    return None;
                }
                if matches!(self.peek(), Some(Token::Word(op)) if is_operator(op, "WITH")) {
                    self.pos += 1;
                    match self.next()? {
                        Token::Word(e) if is_exception(e) => {}
                        _ => return None,
                    }
                }
                Some(())
            }
        }
    }
}

fn is_spdx_expression(value: &str) -> bool {
    let mut parser = Parser {
        tokens: tokens(value),
        pos: 0,
    };
    parser.or_expr(0).is_some() && parser.pos == parser.tokens.len()
}

#[cfg(test)]
mod tests {
    use super::is_spdx_expression;

    #[test]
    fn expressions() {
        for good in [
            "Apache-2.0",
            "mit",
            "MIT OR Apache-2.0",
            "GPL-2.0-only WITH Classpath-exception-2.0",
            "(MIT AND BSD-3-Clause) OR GPL-3.0-or-later",
            "GPL-2.0+",
            "LicenseRef-Proprietary",
            "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
            "LGPL-2.1-only or MIT",
        ] {
            assert!(is_spdx_expression(good), "{good}");
        }
        for bad in [
            "Apache 2",
            "GPLv3",
            "BSD",
            "MIT OR",
            "(MIT",
            "MIT)",
            "MIT WITH Apache-2.0",
            "MIT And Apache-2.0",
            "",
            "LicenseRef-",
        ] {
            assert!(!is_spdx_expression(bad), "{bad}");
        }
    }
}
