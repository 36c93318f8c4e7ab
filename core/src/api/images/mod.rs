//! Images: system images, snapshots and backups that servers boot from.

mod generated;

pub use generated::*;
