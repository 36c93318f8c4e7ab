//! What typed ids are made of: the macro that defines one per resource, and [`IdOrName`] for
//! the places where the API takes either.

use std::fmt;

/// Defines one id type per resource: a transparent `u64` newtype, so that a server id can
/// never be passed where a volume id is expected.
macro_rules! typed_id {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl $name {
            /// The raw integer value.
            pub const fn get(self) -> u64 {
                self.0
            }
        }

        impl From<u64> for $name {
            fn from(raw: u64) -> Self {
                Self(raw)
            }
        }

        impl From<$name> for u64 {
            fn from(id: $name) -> u64 {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl $crate::runtime::id::TypedId for $name {}
    )*};
}

pub(crate) use typed_id;

/// Implemented by every typed id.
pub trait TypedId: Copy + Into<u64> + fmt::Display {}

/// A resource given by id or by name, where the API accepts either: a JSON integer or a
/// string on the wire, and either in a path.
///
/// ```
/// use hcloud_core::{IdOrName, ZoneId};
///
/// let by_id: IdOrName<ZoneId> = ZoneId(7).into();
/// let by_name: IdOrName<ZoneId> = "example.com".into();
/// assert_eq!(by_id.to_string(), "7");
/// assert_eq!(by_name.to_string(), "example.com");
/// assert_eq!(serde_json::to_string(&by_id).unwrap(), "7");
/// assert_eq!(serde_json::to_string(&by_name).unwrap(), "\"example.com\"");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum IdOrName<I> {
    /// By id.
    Id(I),
    /// By name.
    Name(String),
}

impl<I: Copy + Into<u64>> IdOrName<I> {
    /// The id, if it is given by id.
    pub fn id(&self) -> Option<I> {
        match self {
            IdOrName::Id(id) => Some(*id),
            IdOrName::Name(_) => None,
        }
    }

    /// Checks it before it is sent: ids are positive and names are not empty.
    pub(crate) fn check(&self, field: &str) -> Result<(), crate::error::InputError> {
        match self {
            IdOrName::Id(id) => crate::validate::id(field, (*id).into()),
            IdOrName::Name(name) => crate::validate::not_empty(field, name),
        }
    }
}

impl<I: fmt::Display> fmt::Display for IdOrName<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdOrName::Id(id) => id.fmt(f),
            IdOrName::Name(name) => f.write_str(name),
        }
    }
}

impl<I> From<&str> for IdOrName<I> {
    fn from(name: &str) -> Self {
        IdOrName::Name(name.to_owned())
    }
}

impl<I> From<String> for IdOrName<I> {
    fn from(name: String) -> Self {
        IdOrName::Name(name)
    }
}

impl<I: TypedId> From<I> for IdOrName<I> {
    fn from(id: I) -> Self {
        IdOrName::Id(id)
    }
}
