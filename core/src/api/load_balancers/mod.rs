//! Load balancers: services that spread traffic over targets (servers, label selectors or
//! IPs), with health checks, certificates and private networks.

mod generated;

pub use generated::*;
