//! Datacenters: the sites within a location. Servers are placed by location; datacenters
//! remain readable for what they support.

mod generated;

pub use generated::*;
