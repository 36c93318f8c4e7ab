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
//! for listed in client.servers().list(ListServers::by_name("web-1")) {
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
//! # Every resource, one shape
//!
//! Each kind of resource has a collection on the client and, where single resources have
//! calls of their own, a handle: `client.volumes()` lists (lazily, every page), collects,
//! finds by name, creates and reads the kind's actions; `client.volume(id)` reads, updates
//! (`update(|changes| changes.name("x"))`, `rename`, `set_labels`), deletes and performs each
//! action (`attach(server)`, with `attach_with(server, |options| options.automount(true))`
//! for the optional fields). Calls that start actions answer with something
//! [`HasActions`], so `client.wait(&answer)` waits for them all.
//! `client.execute(op)` runs any operation of the core, `client.raw(..)` any endpoint at
//! all, and [`prelude`] brings the common names in one `use`.
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

mod client;
mod error;
mod facade;
mod pages;
mod resolver;
pub mod transport;

pub use client::{Client, ClientBuilder};
pub use error::{Error, Result};
pub use facade::*;
pub use pages::Pages;
pub use transport::{Transport, TransportError, UreqTransport};

pub use hcloud_core;
pub use hcloud_core::prelude::*;
pub use hcloud_core::servers::{
    CreatePublicNet, CreateServer, CreatedServer, ListServers, RescueEnabled, RescueType, Sort, SortField,
};
pub use hcloud_core::{HttpRequest, HttpResponse, TransportFailure, TransportFailureKind};

/// Everything most programs need: `use hcloud_blocking::prelude::*;` brings the client, its
/// error and every resource module, id and common type of the API.
pub mod prelude {
    pub use crate::{Client, ClientBuilder, Error, Pages, Result};
    pub use hcloud_core::prelude::*;
}
