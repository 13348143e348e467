//! Vulnerability matching: one version type per ecosystem, the OSV model, the
//! advisory store and the matcher.

pub mod ecosystem;
pub mod version;
