//! ISOs: installation media that can be attached to a server's virtual drive.

mod generated;

pub use generated::*;
