//! SSH keys: public keys installed into new servers and rescue systems.

mod generated;

pub use generated::*;
