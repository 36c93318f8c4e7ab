//! The machinery every operation shares, independent of any resource: configuration, the
//! wire format, errors, input checks, and the machines that retry, page and wait.

pub mod client_error;
pub mod config;
pub(crate) mod datetime;
pub mod error;
pub mod id;
pub mod machine;
pub mod meta;
pub(crate) mod open_enum;
pub mod operation;
pub mod paginate;
pub mod raw;
pub mod recover;
pub mod retry;
pub mod secret;
pub mod selector;
pub(crate) mod shared;
pub mod sort;
#[cfg(test)]
pub(crate) mod testing;
pub(crate) mod text;
pub mod trace;
pub mod validate;
pub mod wait;
pub mod wire;
