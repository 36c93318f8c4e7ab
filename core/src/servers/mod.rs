//! Servers: the model and its operations.

mod model;
mod ops;

pub use model::*;
pub use ops::*;
