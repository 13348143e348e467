//! Renderer tests: snapshots of every format, schema validation of the JSON
//! and SARIF output, GitHub's SARIF requirements, XML well-formedness, and
//! code-frame edge cases.

mod fixture;
mod human;
mod schemas;
mod snapshots;
mod xml;
