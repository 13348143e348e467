//! Recognising credentials, shared by the Dockerfile rules (`dockward_lint`)
//! and the image rules (`dockward_audit`, through the facts the scan and the
//! probe collect):
//!
//! - [`names`]: names that suggest a secret (`DB_PASSWORD`, `apiKey`) and the
//!   ones that only point to one (`POSTGRES_PASSWORD_FILE`).
//! - [`tokens`]: credentials recognised by their format (`ghp_...`, `AKIA...`,
//!   PEM private keys), with a keyword pre-filter, as Trivy's secret rules do.
//! - [`files`]: files that usually hold credentials, by name and, when the
//!   content is at hand, by content.
//!
//! Pure: the caller reads the bytes and decides how much to read
//! ([`files::MAX_CONTENT`]). Nothing here returns a secret unmasked for
//! display: use [`mask`].

pub mod files;
pub mod names;
pub mod tokens;

/// A masked form of a secret for messages: its first characters (at most 4,
/// and at most a quarter of it, so a short password shows one or none)
/// followed by `***`.
pub fn mask(secret: &str) -> String {
    let len = secret.chars().count();
    let head: String = secret.chars().take((len / 4).min(4)).collect();
    format!("{head}***")
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_show_at_most_four_characters_and_a_quarter() {
        assert_eq!(mask("ghp_abcdefghijklmnop"), "ghp_***");
        assert_eq!(mask("hunter2"), "h***");
        assert_eq!(mask("ab"), "***");
        assert_eq!(mask(""), "***");
    }
}
