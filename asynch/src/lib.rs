//! An async client of the [Hetzner Cloud API](https://docs.hetzner.cloud/), on reqwest and
//! tokio.
//!
//! It is a thin driver of the sans-IO [`hcloud_core`]: every call runs the core's
//! [`Retrying`](hcloud_core::Retrying) machine, every list its
//! [`Paginator`](hcloud_core::Paginator), every wait its
//! [`ActionWaiter`](hcloud_core::ActionWaiter) or [`PollUntil`](hcloud_core::PollUntil). This
//! crate only performs the HTTP exchanges and the sleeps, in [`Client::run`].
//!
//! The [`Client`] is cheap to clone and `Send + Sync`; every future it returns owns what it
//! needs (`Send + 'static`), so calls can be spawned or joined freely.
//!
//! ```no_run
//! use hcloud_async::{Client, CreateServer, ListServers, ServerStatus};
//!
//! # async fn demo() -> hcloud_async::Result<()> {
//! let client = Client::from_env()?; // HCLOUD_TOKEN, optional HCLOUD_ENDPOINT
//!
//! let created = client
//!     .servers()
//!     .create(CreateServer {
//!         location: Some("fsn1".into()),
//!         ..CreateServer::new("web-1", "cpx22", "ubuntu-24.04")
//!     })
//!     .await?;
//! client.wait(&created).await?; // every action the create started
//! let server = client.server(created.server.id).wait_until_status_is(ServerStatus::Running).await?;
//! println!("{} is {}", server.name, server.status);
//!
//! let mut servers = client.servers().list(ListServers::all());
//! while let Some(server) = servers.next().await {
//!     let server = server?;
//!     println!("{} {}", server.id, server.name);
//! }
//!
//! match client.servers().get(hcloud_async::ServerId(1)).await {
//!     Err(e) if e.is_not_found() => println!("no such server"),
//!     other => println!("{other:?}"),
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
//! This one is for tokio services. Synchronous code (scripts, command-line tools) wants
//! [`hcloud-blocking`](https://docs.rs/hcloud-blocking); your own runtime, another HTTP stack
//! or WebAssembly drive the machines of [`hcloud_core`] directly; tests of code that calls the
//! API can point it at [`hcloud-sim`](https://docs.rs/hcloud-sim), a simulated API on
//! loopback.
//!
//! ```toml
//! [dependencies]
//! hcloud-async = "0.1"
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
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
//! hcloud-async = { version = "0.1", default-features = false, features = ["native-tls"] }
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
pub mod transport;

pub use client::{Client, ClientBuilder};
pub use error::{Error, Result};
pub use facade::*;
pub use pages::PageStream;
pub use transport::{ReqwestTransport, Transport, TransportError};

pub use futures_core::Stream;
pub use hcloud_core;
pub use hcloud_core::prelude::*;
pub use hcloud_core::servers::{
    CreatePublicNet, CreateServer, CreatedServer, ListServers, RescueEnabled, RescueType, Sort, SortField,
};
pub use hcloud_core::{HttpRequest, HttpResponse, TransportFailure, TransportFailureKind};

/// Everything most programs need: `use hcloud_async::prelude::*;` brings the client, its
/// error and every resource module, id and common type of the API.
pub mod prelude {
    pub use crate::{Client, ClientBuilder, Error, PageStream, Result};
    pub use hcloud_core::prelude::*;
}
