//! Load balancer types: the plans a load balancer is created with, and their prices.

mod generated;

pub use generated::*;
