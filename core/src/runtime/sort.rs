//! Sorting lists: a [`Sort`] key is a field of the listed resource and an optional direction,
//! sent as `sort=name:desc`.

use std::fmt;

/// The fields one list can be sorted by. Each list has its own enum (such as
/// [`ServerSortField`](crate::servers::ServerSortField)), made with `sort_field!`.
pub trait SortField: Copy + fmt::Debug + PartialEq + Eq + std::hash::Hash + 'static {
    /// Every field, in the API's order.
    const ALL: &'static [Self];

    /// The wire name.
    fn as_str(self) -> &'static str;
}

/// A sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortDirection {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// One `sort` key: a field and an optional direction (the API's default is ascending).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sort<F> {
    /// The field.
    pub field: F,
    /// The direction, if given.
    pub direction: Option<SortDirection>,
}

impl<F: SortField> Sort<F> {
    /// By `field`, in the API's default direction.
    pub const fn by(field: F) -> Self {
        Self { field, direction: None }
    }

    /// Ascending by `field`.
    pub const fn asc(field: F) -> Self {
        Self { field, direction: Some(SortDirection::Asc) }
    }

    /// Descending by `field`.
    pub const fn desc(field: F) -> Self {
        Self { field, direction: Some(SortDirection::Desc) }
    }

    /// Reads the wire form, such as `name:desc`; `None` for a field this list does not have.
    pub fn from_wire(text: &str) -> Option<Self> {
        let (name, direction) = match text.split_once(':') {
            Some((name, "asc")) => (name, Some(SortDirection::Asc)),
            Some((name, "desc")) => (name, Some(SortDirection::Desc)),
            Some(_) => return None,
            None => (text, None),
        };
        let field = F::ALL.iter().copied().find(|f| f.as_str() == name)?;
        Some(Self { field, direction })
    }
}

impl<F: SortField> From<F> for Sort<F> {
    fn from(field: F) -> Self {
        Self::by(field)
    }
}

impl<F: SortField> fmt::Display for Sort<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field.as_str())?;
        match self.direction {
            None => Ok(()),
            Some(SortDirection::Asc) => f.write_str(":asc"),
            Some(SortDirection::Desc) => f.write_str(":desc"),
        }
    }
}

impl<F: SortField> serde::Serialize for Sort<F> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, F: SortField> serde::Deserialize<'de> for Sort<F> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Sort::from_wire(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a sort key of this list")))
    }
}

/// Defines the sort fields of one list.
macro_rules! sort_field {
    (
        $(#[$doc:meta])*
        $name:ident { $( $(#[$vdoc:meta])* $variant:ident => $text:literal ),+ $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )+
        }

        impl $crate::runtime::sort::SortField for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];

            fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }
    };
}

pub(crate) use sort_field;

#[cfg(test)]
mod tests {
    use super::*;

    sort_field! {
        /// A test list.
        Field { A => "a", Created => "created" }
    }

    #[test]
    fn wire_forms_round_trip() {
        for (sort, text) in [
            (Sort::by(Field::A), "a"),
            (Sort::asc(Field::Created), "created:asc"),
            (Sort::desc(Field::Created), "created:desc"),
        ] {
            assert_eq!(sort.to_string(), text);
            assert_eq!(Sort::<Field>::from_wire(text), Some(sort));
        }
        assert_eq!(Sort::<Field>::from_wire("b"), None);
        assert_eq!(Sort::<Field>::from_wire("a:up"), None);
        let parsed: Sort<Field> = serde_json::from_str("\"a:desc\"").unwrap();
        assert_eq!(parsed, Sort::desc(Field::A));
        assert!(serde_json::from_str::<Sort<Field>>("\"nope\"").is_err());
    }
}
