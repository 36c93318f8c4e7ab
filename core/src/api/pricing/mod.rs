//! Pricing: the prices of every resource, per location, with and without VAT, as exact
//! decimal strings.

mod generated;

pub use generated::*;
