//! Server types: the plans a server is created with (cores, memory, disk, prices per
//! location) and when they stop being offered.
//!
//! Deprecation is announced per location; [`ServerType::deprecation_in`] reads it.
//!
//! ```
//! use hcloud_core::server_types::ServerType;
//!
//! let server_type: ServerType = serde_json::from_str(r#"{
//!     "id": 1, "name": "cx22", "description": "CX22", "cores": 2, "memory": 4.0, "disk": 40,
//!     "deprecated": false, "prices": [], "storage_type": "local", "cpu_type": "shared",
//!     "architecture": "x86",
//!     "locations": [
//!         {"id": 1, "name": "fsn1", "deprecation": null, "recommended": true, "available": true},
//!         {"id": 2, "name": "ash", "recommended": false, "available": false,
//!          "deprecation": {"announced": "2026-01-01T00:00:00Z",
//!                          "unavailable_after": "2026-04-01T00:00:00Z"}}
//!     ]
//! }"#)?;
//! assert!(!server_type.is_deprecated());
//! assert!(server_type.deprecation_in("fsn1").is_none());
//! assert_eq!(server_type.deprecation_in("ash").unwrap().unavailable_after.month(), time::Month::April);
//! assert!(server_type.is_available_in("fsn1") && !server_type.is_available_in("ash"));
//! # Ok::<(), serde_json::Error>(())
//! ```

mod generated;

use time::OffsetDateTime;

pub use generated::*;

use crate::common::Deprecation;

impl ServerType {
    /// Whether the type as a whole is deprecated: the API's flag, or a deprecation notice.
    pub fn is_deprecated(&self) -> bool {
        self.deprecated == Some(true) || self.deprecation.is_some()
    }

    /// When the type as a whole stops being orderable, if that is announced.
    pub fn unavailable_after(&self) -> Option<OffsetDateTime> {
        self.deprecation.as_ref().map(|d| d.unavailable_after)
    }

    /// The deprecation that applies in `location` (by name): the location's own, or else the
    /// type-wide one.
    pub fn deprecation_in(&self, location: &str) -> Option<&Deprecation> {
        self.locations
            .iter()
            .find(|l| l.name == location)
            .and_then(|l| l.deprecation.as_ref())
            .or(self.deprecation.as_ref())
    }

    /// Whether the type can be ordered in `location` (by name) right now, as the API reports.
    pub fn is_available_in(&self, location: &str) -> bool {
        self.locations.iter().any(|l| l.name == location && l.available)
    }
}

impl ServerTypeLocation {
    /// Whether the type is deprecated in this location.
    pub fn is_deprecated(&self) -> bool {
        self.deprecation.is_some()
    }

    /// When the type stops being orderable in this location, if that is announced.
    pub fn unavailable_after(&self) -> Option<OffsetDateTime> {
        self.deprecation.as_ref().map(|d| d.unavailable_after)
    }
}
