//! `ContainerSpec`: one normalized description of a container's security-relevant
//! configuration, the model every container rule runs on.
//!
//! Builders:
//! - [`ContainerSpec::from_inspect`]: `GET /containers/{id}/json` (`docker inspect`),
//!   Engine API 1.41 and later.
//! - [`ContainerSpec::from_create_body`]: a `POST /containers/create` body decoded
//!   with the daemon's own rules (keys matched case-insensitively, the last
//!   duplicate wins, duplicate objects merge; see the `json` module).
//! - [`compose::load`]: each service of a compose file, with the span of every
//!   field it wrote (see the [`compose`] module).
//!
//! Both read the same Engine API fields (`Config.*` and `HostConfig.*`), so equal
//! configurations give equal specs. A create body leaves to the daemon what it
//! does not set (IPC and cgroup namespace modes, swap, log driver);
//! [`ContainerSpec::resolve_defaults`] fills those in as the daemon would.
//!
//! Pure: no IO. Never panics on any input.

pub mod compose;
mod decode;
mod json;
mod model;
mod origin;

pub use model::*;
pub use origin::{SpecField, SpecOrigins};

/// The largest `/containers/create` body [`ContainerSpec::from_create_body`] accepts.
pub const MAX_CREATE_BODY: usize = 4 * 1024 * 1024;

/// Why a spec could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// The body is larger than [`MAX_CREATE_BODY`].
    #[error("request body is {size} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// Size of the body in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The input is not valid JSON (or nests too deeply).
    #[error("invalid JSON: {0}")]
    Json(String),
    /// The top level is not a JSON object.
    #[error("expected a JSON object at the top level, found {0}")]
    NotAnObject(&'static str),
    /// A field has a JSON type the Engine API does not allow (the daemon answers 400).
    #[error("field {field}: expected {expected}, found {found}")]
    Type {
        /// Dotted path of the field, e.g. `HostConfig.Privileged`.
        field: String,
        /// The expected JSON type.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// A field has the right type but a value the daemon rejects.
    #[error("field {field}: invalid value {value:?}")]
    Value {
        /// Dotted path of the field.
        field: String,
        /// The offending value.
        value: String,
    },
}

impl ContainerSpec {
    /// Builds a spec from a `docker inspect` object (`GET /containers/{id}/json`).
    /// Missing and `null` fields mean "not set".
    pub fn from_inspect(value: &serde_json::Value) -> Result<ContainerSpec, SpecError> {
        let tree = json::Json::from_value(value);
        decode::from_inspect(&tree)
    }

    /// Builds a spec from a `POST /containers/create` body, decoded as the daemon
    /// decodes it. `name` is the `?name=` query parameter, if any.
    pub fn from_create_body(bytes: &[u8], name: Option<&str>) -> Result<ContainerSpec, SpecError> {
        if bytes.len() > MAX_CREATE_BODY {
            return Err(SpecError::TooLarge {
                size: bytes.len(),
                limit: MAX_CREATE_BODY,
            });
        }
        let tree: json::Json =
            serde_json::from_slice(bytes).map_err(|e| SpecError::Json(e.to_string()))?;
        decode::from_create(&tree, name)
    }
}
