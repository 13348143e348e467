//! Errors of the image readers.

use std::io;
use std::path::PathBuf;

/// Why an image could not be read. Problems that leave a usable image (a file
/// too large to keep, a clamped `..` path, a manifest or config whose content does
/// not match its digest) are warnings in [`crate::Image::warnings`], not errors; a
/// layer digest mismatch under [`crate::Verify::Layers`] is an error.
#[derive(Debug, thiserror::Error)]
pub enum OciError {
    /// The source path could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The path is not an image this crate reads.
    #[error("{}: {reason}", path.display())]
    NotAnImage {
        /// The path.
        path: PathBuf,
        /// What was found instead.
        reason: String,
    },
    /// A JSON document (manifest, index, config) is missing, too large or invalid.
    #[error("{name}: {reason}")]
    Json {
        /// The member or blob name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A blob or archive member named by a manifest is missing.
    #[error("missing blob or member: {0}")]
    Missing(String),
    /// No manifest of an index matches the requested platform.
    #[error("no manifest for platform {wanted}; available: {available}")]
    Platform {
        /// The requested platform.
        wanted: String,
        /// The platforms of the index, comma separated.
        available: String,
    },
    /// A layer could not be read: truncated, corrupt, not a tar, or over a limit.
    #[error("layer {index} ({name}): {reason}")]
    Layer {
        /// Index of the layer (0 = base).
        index: usize,
        /// Its member or blob name.
        name: String,
        /// What went wrong.
        reason: String,
    },
    /// A layer's content does not match a digest that names it ([`crate::Verify::Layers`]).
    #[error("layer {index} ({name}): {what} is {actual}, but {expected} was expected")]
    Digest {
        /// Index of the layer (0 = base).
        index: usize,
        /// Its member or blob name.
        name: String,
        /// `blob digest` (the stored bytes) or `diff_id` (the decompressed tar).
        what: &'static str,
        /// The digest the manifest or config states.
        expected: String,
        /// The digest of the content.
        actual: String,
    },
    /// A limit of [`crate::Limits`] was exceeded.
    #[error("limit exceeded: {0}")]
    Limit(String),
    /// An invalid `--platform` value.
    #[error("invalid platform {0:?}: expected os/arch[/variant]")]
    BadPlatform(String),
}

impl OciError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        OciError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn json(name: &str, reason: impl Into<String>) -> Self {
        OciError::Json {
            name: name.to_owned(),
            reason: reason.into(),
        }
    }
}
