//! Primary IPs: the public addresses of servers, which can outlive the server and be
//! assigned to another.

mod generated;

pub use generated::*;
