//! Images: system images, snapshots and backups that servers boot from.

mod generated;

use time::OffsetDateTime;

pub use generated::*;

impl Image {
    /// Whether the image is deprecated (it can still be used until it is removed).
    pub fn is_deprecated(&self) -> bool {
        self.deprecated.is_some()
    }

    /// Since when the image is deprecated.
    pub fn deprecated_since(&self) -> Option<OffsetDateTime> {
        self.deprecated
    }
}
