//! A blocking client for the [Hetzner Cloud API](https://docs.hetzner.cloud/), built on
//! [`ureq`].
//!
//! It is a thin driver of the sans-IO [`hcloud_core`]: the core builds every request, parses
//! every response, and decides every retry, page and poll; this crate only performs the
//! HTTP exchanges and sleeps, in [`Client::run`].
//!
//! ```no_run
//! use hcloud_blocking::{Client, CreateServer, ListServers, ServerStatus};
//!
//! # fn main() -> hcloud_blocking::Result<()> {
//! // HCLOUD_TOKEN (required) and HCLOUD_ENDPOINT (optional).
//! let client = Client::from_env()?;
//!
//! let mut request = CreateServer::new("web-1", "cpx22", "ubuntu-24.04");
//! request.location = Some("fsn1".into());
//! let created = client.servers().create(request)?;
//! println!("root password: {:?}", created.root_password); // redacted in Debug output
//!
//! let actions = created.all_actions().cloned().collect::<Vec<_>>();
//! client.actions().wait_for_with_progress(actions, |action| {
//!     println!("{} {}%", action.command, action.progress);
//! })?;
//! let server = client.server(created.server.id).wait_until_status_is(ServerStatus::Running)?;
//!
//! for listed in client.servers().get_all(ListServers::by_name("web-1")) {
//!     let listed = listed?;
//!     println!("{} is {}", listed.name, listed.status);
//! }
//!
//! match client.server(server.id).delete() {
//!     Ok(action) => { client.actions().wait_for([action])?; }
//!     Err(error) if error.is_not_found() => println!("already gone"),
//!     Err(error) => return Err(error),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Which crate
//!
//! This one is for synchronous code: scripts, command-line tools, anything without an async
//! runtime. A tokio service wants [`hcloud-async`](https://docs.rs/hcloud-async); your own
//! runtime, another HTTP stack or WebAssembly drive the machines of [`hcloud_core`]
//! directly; tests of code that calls the API can point it at
//! [`hcloud-sim`](https://docs.rs/hcloud-sim), a simulated API on loopback.
//!
//! ```toml
//! [dependencies]
//! hcloud-blocking = "0.1"
//! ```
//!
//! # TLS
//!
//! The `rustls` feature (on by default) uses rustls with the Mozilla root certificates
//! compiled in. The `native-tls` feature uses the platform's TLS library and root
//! certificates instead (OpenSSL on Linux, Secure Transport on macOS, SChannel on Windows),
//! and wins when both are on:
//!
//! ```toml
//! [dependencies]
//! hcloud-blocking = { version = "0.1", default-features = false, features = ["native-tls"] }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The package README's snippets, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod actions;
pub mod client;
pub mod error;
mod resolver;
pub mod servers;
pub mod transport;

pub use actions::{ActionHandle, Actions};
pub use client::{Client, ClientBuilder};
pub use error::{Error, Result};
pub use servers::{ServerHandle, ServerIter, Servers};
pub use transport::{Transport, TransportError, UreqTransport};

pub use hcloud_core;
pub use hcloud_core::servers::{
    CreatePublicNet, CreateServer, CreatedServer, ListServers, RescueEnabled, RescueType, Sort,
    SortDirection, SortField,
};
pub use hcloud_core::{
    Action, ActionId, ActionStatus, Config, HttpRequest, HttpResponse, PageCursor, RateLimit, RetryPolicy,
    RootPassword, Server, ServerId, ServerStatus, SshKeyId, TransportFailure, TransportFailureKind,
    WaitPolicy,
};
