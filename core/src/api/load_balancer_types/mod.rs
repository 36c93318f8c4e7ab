//! Load balancer types: the plans a load balancer is created with, and their prices.

mod generated;

use time::OffsetDateTime;

pub use generated::*;

impl LoadBalancerType {
    /// Whether the type is deprecated: a deprecation notice, or the API's date.
    pub fn is_deprecated(&self) -> bool {
        self.deprecation.is_some() || self.deprecated.is_some()
    }

    /// When the type stops being orderable, if that is announced.
    pub fn unavailable_after(&self) -> Option<OffsetDateTime> {
        self.deprecation.as_ref().map(|d| d.unavailable_after)
    }
}
