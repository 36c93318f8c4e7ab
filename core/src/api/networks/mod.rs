//! Networks: private networks with subnets and routes that servers and load balancers
//! attach to.

mod generated;

pub use generated::*;
