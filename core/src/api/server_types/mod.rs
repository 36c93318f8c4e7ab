//! Server types: the plans a server is created with (cores, memory, disk, prices per
//! location) and when they stop being offered.

mod generated;

pub use generated::*;
