//! Rule identities, metadata and the registry shared by every engine.
//!
//! - [`Rule`] is the one code table: every rule of every engine has a variant,
//!   a code (`DF003`) and a kebab-case name (`from-latest-tag`).
//! - [`RuleMeta`] is what a rule declares about itself (severity, status,
//!   aliases, references, docs); engines declare it next to the rule's code
//!   with [`declare_rule!`].
//! - [`Registry`] holds the metadata of all rules the binary links and resolves
//!   user-given strings (codes, names, aliases) to rules.
//! - [`config`] reads `dockward.toml`, [`selection`] decides which rules run
//!   and at which severity, [`suppression`] parses inline pragmas.

mod codes;
pub mod config;
mod isolate;
mod meta;
mod registry;
pub mod selection;
pub mod suppression;

pub use codes::{Family, Rule};
pub use isolate::run_isolated;
pub use meta::{RuleMeta, Status};
pub use registry::{Registry, RegistryError};

#[doc(hidden)]
pub use dockward_diagnostics as __diagnostics;
