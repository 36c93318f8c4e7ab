//! Volumes: block storage that attaches to one server in the same location.

mod generated;

pub use generated::*;
