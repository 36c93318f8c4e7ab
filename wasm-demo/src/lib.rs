//! `hcloud-core` compiled to WebAssembly and driven by JavaScript.
//!
//! The core is sans-IO: its machines say what to send and how long to sleep, and the caller
//! does the IO. This crate hands those machines to JavaScript through a plain exported ABI
//! with JSON in and out, so `fetch` performs every [`Step::Send`](hcloud_core::Step::Send),
//! `setTimeout` every [`Step::Sleep`](hcloud_core::Step::Sleep), and `performance.now()`
//! supplies the clock. The retry, pagination and waiting logic is the very same code the
//! blocking and async Rust clients run.
//!
//! Layers, from the inside out:
//!
//! - [`lean`]: the core's operations, bundled into one type with a single-pass response
//!   decoder, to keep the module small.
//! - [`spec`]: the JSON a caller sends to create a machine (`{"kind":"list_servers",...}`),
//!   turned into one of the core's machines behind a uniform interface.
//! - [`json`]: steps and typed errors as JSON, and responses from the host.
//! - [`registry`]: a handle table of live machines, the whole API in safe Rust, usable
//!   (and tested) on any target.
//! - [`ffi`]: the `extern "C"` exports a WebAssembly host calls. It contains no `unsafe`
//!   block: the host writes into a buffer this crate owns and reads from another, both
//!   addressed by the pointers the exports return.
//!
//! The JavaScript side lives in `js/hcloud.mjs` beside this crate.
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod ffi;
pub mod json;
pub mod lean;
pub mod registry;
pub mod spec;

pub use registry::Registry;
