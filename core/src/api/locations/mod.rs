//! Locations: the sites where resources live, such as `fsn1`.

mod generated;

pub use generated::*;
