//! What several resources share: CPU architectures and deprecation notices.

mod generated;

use time::OffsetDateTime;

pub use generated::*;

impl Deprecation {
    /// Whether the deprecated resource can no longer be used for new resources at `now`.
    pub fn is_unavailable_at(&self, now: OffsetDateTime) -> bool {
        now >= self.unavailable_after
    }
}
