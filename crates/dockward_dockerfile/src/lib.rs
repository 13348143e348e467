//! A Dockerfile parser that follows BuildKit's behaviour
//! (`moby/buildkit/frontend/dockerfile/parser` and `instructions`).
//!
//! [`parse`] never fails: problems become [`ParseError`]s next to a partial
//! [`Dockerfile`], so linting continues past a bad line. Every node carries a
//! byte [`Span`] into the original text.
//!
//! RUN bodies are analysed as POSIX shell by [`shell`].

pub mod ast;
pub mod expand;
mod parser;
pub mod shell;

pub use ast::*;
pub use dockward_diagnostics::Span;
pub use parser::parse;
