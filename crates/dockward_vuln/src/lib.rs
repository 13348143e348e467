//! Vulnerability matching: one version type per ecosystem, the OSV model, the
//! advisory store and the matcher.

pub mod cvss4;
pub mod db;
pub mod ecosystem;
pub mod import;
pub mod matcher;
pub mod osv;
pub mod rules;
pub mod version;
