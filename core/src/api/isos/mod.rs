//! ISOs: installation media that can be attached to a server's virtual drive.

mod generated;

use time::OffsetDateTime;

pub use generated::*;

impl Iso {
    /// Whether the ISO is deprecated.
    pub fn is_deprecated(&self) -> bool {
        self.deprecation.is_some()
    }

    /// When the ISO stops being attachable, if that is announced.
    pub fn unavailable_after(&self) -> Option<OffsetDateTime> {
        self.deprecation.as_ref().map(|d| d.unavailable_after)
    }
}
