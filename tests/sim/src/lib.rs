//! A stateful, deterministic simulator of the Hetzner Cloud API, for testing
//! clients without the network or a real account.
//!
//! The heart is sans-IO: [`Simulator::handle`] maps an [`http::Request`] and a
//! virtual time to an [`http::Response`], so tests drive hours of action progress
//! without sleeping. [`SimServer`] puts the same simulator on a loopback port for
//! clients that need a real socket, and the `hcloud-sim` binary does so from the
//! command line.
//!
//! It answers every operation of the official API document ([`operations`]
//! lists them), over resources kept as JSON objects per kind:
//!
//! - catalogs (locations, datacenters, server types with prices and
//!   deprecation, system and app images, ISOs, load balancer types, pricing);
//! - servers with every action, volumes, networks, firewalls, floating and
//!   primary IPs, placement groups, load balancers, certificates, images made
//!   from servers, DNS zones with RRsets, metrics;
//! - the API's semantics: "ID or name" fields as JSON integers or strings,
//!   missing references answering `404 not_found`, deletes visible at once,
//!   `locked` while an action runs (and `423 locked` for mutations), delete
//!   protection (`423 protected`), unique names, `per_page` of at most 50;
//! - filters, label selectors, sorting, pagination with `meta.pagination` and a
//!   `Link` header; actions whose progress rises linearly and that succeed or
//!   fail on command;
//! - a token-bucket rate limit with `RateLimit-*` headers and `429`; CORS;
//!   `X-Correlation-Id` on every answer; injected faults (502/503/504, delays,
//!   truncated bodies, dropped connections);
//! - a control endpoint under [`CONTROL_PREFIX`] for any client: settings,
//!   faults, seeding and the clock.
//!
//! ```
//! use std::time::Duration;
//! use hcloud_sim::{FaultKind, FaultRule, SimConfig, Simulator};
//!
//! let mut sim = Simulator::new(SimConfig::default().with_seed(42));
//! sim.inject_fault(FaultRule::new(FaultKind::Timeout).path("/servers").times(1));
//! let get = || {
//!     http::Request::get("/v1/servers")
//!         .header("Authorization", "Bearer sim-token")
//!         .body(Vec::new())
//!         .unwrap()
//! };
//! assert_eq!(sim.handle(Duration::ZERO, get()).status(), 504);
//! assert_eq!(sim.handle(Duration::from_secs(1), get()).status(), 200);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod actions;
mod catalog;
mod clock;
mod config;
mod control;
mod crypto;
mod faults;
mod input;
mod labels;
mod list;
mod render;
mod resources;
mod rng;
mod router;
mod server;
mod sim;
mod store;
mod util;
mod view;

pub use clock::Clock;
pub use config::{SimConfig, DEFAULT_EPOCH_UNIX};
pub use control::CONTROL_PREFIX;
pub use faults::{FaultKind, FaultRule, Reply};
pub use resources::servers::ServerSeed;
pub use router::operations;
pub use server::{ServerOptions, SimServer};
pub use sim::Simulator;
