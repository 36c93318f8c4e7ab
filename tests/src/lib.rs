//! Test material shared by every crate of the workspace: the exchange vectors under
//! `tests/vectors/`, the table pairing each with an operation and its expected outcome, and
//! the spec subset under `tests/spec/`.
//!
//! A driver proves it keeps every method, header and byte by implementing [`Runner`] with an
//! in-memory transport and getting the same [`Outcome`] for every [`Case`] as the core alone.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod conformance;
pub mod early;
pub mod errors;
pub mod facade;
pub mod hostile;
pub mod json;
pub mod spec;
pub mod synth;
pub mod transcript;
pub mod vectors;

pub use vectors::{cases, Case, Expect, Outcome, Runner, Vector};

/// The README's code blocks, compiled (and, unless marked `no_run`, run) as doctests so the
/// README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeSnippets;
