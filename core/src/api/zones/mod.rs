//! Zones: DNS zones, primary or secondary, and their record sets (RRSets).

mod generated;

pub use generated::*;
