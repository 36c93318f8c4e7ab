//! Floating IPs: addresses that can be moved between servers of one network zone.

mod generated;

pub use generated::*;
