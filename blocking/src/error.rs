//! The client's error type. Both clients share it: it is [`hcloud_core::ClientError`], which
//! wraps what the core reports and the concrete error of a failed exchange.

pub use hcloud_core::ClientError as Error;

/// A specialized `Result` whose error defaults to [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
