//! The sans-IO core of a Hetzner Cloud API client.
//!
//! Everything here is pure: no sockets, no clocks, no threads, no async runtime. It compiles
//! for `wasm32-unknown-unknown` and behaves the same on every run.
//!
//! - An [`Operation`] is one API call as a value: [`Operation::to_request`] builds an
//!   [`http::Request`], [`Operation::parse`] turns an [`http::Response`] into typed values or
//!   a typed [`Error`].
//! - A [`Machine`] is anything that needs several exchanges or waiting: [`Retrying`] (every
//!   call), [`Paginator`] (every list), [`ActionWaiter`] and [`PollUntil`] (every wait),
//!   [`Recover`] (a create whose answer may be lost). The driver polls it for a [`Step`],
//!   performs the IO, and reports back. Time is passed in as a [`Timestamp`] and jitter comes
//!   from a seed, so every timing decision is testable in virtual time.
//!
//! The blocking and async clients are thin drivers of these machines; any other runtime can
//! drive them the same way with the loop shown in [`machine`].
//!
//! # Layout
//!
//! The crate has two halves that meet only at the [`Operation`] trait:
//!
//! - **The machinery**, written by hand and independent of any resource: [`config`],
//!   [`wire`], [`error`], [`validate`], [`operation`], [`trace`], and the machines [`retry`],
//!   [`paginate`], [`wait`] and [`recover`].
//! - **The API description**, one module per resource ([`servers`], [`volumes`],
//!   [`load_balancers`], …), generated from the official OpenAPI document by
//!   `hcloud-codegen` and checked in. Each module holds the resource's models, its list
//!   filters and sort fields, and one type per operation; hand-written extras (constructors,
//!   rules, helpers) sit beside the generated file. Typed ids live in [`ids`].
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
#![doc = "\n# Every endpoint\n\nEach of the API's operations, by method and path, with the type that performs it and its page in the API reference.\n"]
#![doc = include_str!("api/endpoints.md")]

mod api;
mod runtime;

#[cfg(feature = "dynamic")]
pub use api::dynamic;
pub use api::{
    actions, catalog, certificates, common, datacenters, firewalls, floating_ips, ids, images, isos,
    load_balancer_types, load_balancers, locations, metrics, networks, placement_groups, pricing,
    primary_ips, server_types, servers, ssh_keys, volumes, zones,
};
pub(crate) use runtime::open_enum;
pub use runtime::{
    client_error, config, error, machine, meta, operation, paginate, raw, recover, retry, secret, selector,
    sort, trace, validate, wait, wire,
};

pub use actions::{Action, ActionStatus, ActionStatusWait, HasActions};
pub use client_error::{ClientError, TransportError};
pub use config::{Config, Token, DEFAULT_ENDPOINT, DEFAULT_MAX_PAGES};
pub use error::{
    ApiError, DecodeError, Error, ErrorCode, ErrorDetails, InputError, ResponseBody, TransportFailure,
    TransportFailureKind, WaitLimit,
};
pub use ids::*;
pub use machine::{Early, Machine, Step, TimeLeft, Timestamp};
pub use meta::{Pagination, RateLimit};
pub use operation::{Endpoint, Operation};
pub use paginate::{Page, PageCursor, Paged, Paginator};
pub use raw::RawRequest;
pub use recover::{CreateOutcome, Difference, Found, Recover, Recoverable, Recovered, RecoveryPolicy};
pub use retry::{RetryPolicy, Retrying};
pub use secret::{RootPassword, Secret};
pub use selector::LabelSelector;
pub use servers::{Server, ServerStatus, ServerStatusWait};
pub use sort::{Sort, SortDirection};
pub use wait::{ActionWaiter, PollUntil, WaitPolicy};
pub use wire::{HttpRequest, HttpResponse};

/// What programs using the API need most, in one `use`: every resource module (so
/// `volumes::CreateVolume` reads as it should), every typed id, and the common types. Both
/// clients re-export it in their own `prelude`, beside their `Client`.
pub mod prelude {
    pub use crate::ids::*;
    pub use crate::{
        actions, certificates, common, datacenters, firewalls, floating_ips, images, isos,
        load_balancer_types, load_balancers, locations, metrics, networks, placement_groups, pricing,
        primary_ips, server_types, servers, ssh_keys, volumes, zones,
    };
    pub use crate::{
        Action, ActionStatus, ApiError, Config, ErrorCode, HasActions, LabelSelector, PageCursor, RateLimit,
        RawRequest, RetryPolicy, RootPassword, Secret, Server, ServerStatus, Sort, SortDirection, WaitPolicy,
    };
}
