//! Firewalls: inbound and outbound rules, applied to servers directly or through label
//! selectors.

mod generated;

pub use generated::*;
