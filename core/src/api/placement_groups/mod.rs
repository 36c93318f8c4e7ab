//! Placement groups: keep servers apart on different hosts (`spread`).

mod generated;

pub use generated::*;
