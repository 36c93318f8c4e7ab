//! The sans-IO core of a Hetzner Cloud API client.
//!
//! Everything here is pure: no sockets, no clocks, no threads, no async runtime. It compiles
//! for `wasm32-unknown-unknown` and behaves the same on every run.
//!
//! - An [`Operation`] is one API call as a value: [`Operation::to_request`] builds an
//!   [`http::Request`], [`Operation::parse`] turns an [`http::Response`] into typed values or
//!   a typed [`Error`].
//! - A [`Machine`] is anything that needs several exchanges or waiting: [`Retrying`] (every
//!   call), [`Paginator`] (every list), [`ActionWaiter`] and [`PollUntil`] (every wait). The
//!   driver polls it for a [`Step`], performs the IO, and reports back. Time is passed in as
//!   a [`Timestamp`] and jitter comes from a seed, so every timing decision is testable in
//!   virtual time.
//!
//! The blocking and async clients are thin drivers of these machines; any other runtime can
//! drive them the same way with the loop shown in [`machine`].
//!
//! ```
//! use hcloud_core::{servers::GetServer, Config, Operation, ServerId};
//!
//! let cfg = Config::new("my-token")?;
//! let request = GetServer { id: ServerId(42) }.to_request(&cfg)?;
//! assert_eq!(request.uri(), "https://api.hetzner.cloud/v1/servers/42");
//! assert_eq!(request.headers()["authorization"], "Bearer my-token");
//! # Ok::<(), hcloud_core::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod actions;
pub mod catalog;
pub mod client_error;
pub mod config;
pub mod error;
pub mod ids;
pub mod machine;
pub mod meta;
mod open_enum;
pub mod operation;
pub mod paginate;
pub mod retry;
pub mod servers;
pub mod validate;
pub mod wait;
pub mod wire;

pub use actions::{Action, ActionStatus};
pub use client_error::{ClientError, TransportError};
pub use config::{Config, Token, DEFAULT_ENDPOINT};
pub use error::{
    ApiError, DecodeError, Error, ErrorCode, ErrorDetails, InputError, TransportFailure,
    TransportFailureKind, WaitLimit,
};
pub use ids::*;
pub use machine::{Machine, Step, Timestamp};
pub use meta::{Pagination, RateLimit};
pub use operation::Operation;
pub use paginate::{Page, PageCursor, Paged, Paginator};
pub use retry::{RetryPolicy, Retrying};
pub use servers::{RootPassword, Server, ServerStatus};
pub use wait::{ActionStatusWait, ActionWaiter, PollUntil, ServerStatusWait, WaitPolicy};
pub use wire::{HttpRequest, HttpResponse};
