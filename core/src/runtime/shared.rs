//! Catalogue values that repeat across the items of one answer, decoded once and shared.
//!
//! Every server on a page carries its whole server type, location and image; on a page of fifty
//! servers these are mostly the same few objects, written out again and again. While an answer
//! is decoded ([`sharing`]), a field held as `Arc<T>` compares the JSON text of its value with
//! the texts it has already decoded in this answer and, on a match, hands out the value decoded
//! the first time. The decoded result is the same as decoding every copy: equal texts decode to
//! equal values. Outside an answer's decoding (a value read with `serde_json::from_value`, or in
//! another format) the field decodes as usual, one copy each.
//!
//! Where values do not repeat, sharing stops early: a type whose values keep differing (more
//! than [`MAX_MISSES`] misses, outnumbering the hits) decodes plainly for the rest of the
//! answer, so a page of all-different values costs about what it would without sharing. The
//! memory of one decoding is bounded too: at most [`MAX_ENTRIES`] distinct texts per type are
//! kept, and all are dropped when the decoding ends.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::sync::Arc;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// How many distinct values of one type a decoding remembers.
pub const MAX_ENTRIES: usize = 16;

/// How many misses a type may have before sharing it stops, unless hits outnumber them.
pub const MAX_MISSES: u32 = 8;

/// What one decoding knows of one shared type.
struct Kind {
    ty: TypeId,
    hits: u32,
    misses: u32,
    entries: Vec<(Box<str>, Arc<dyn Any + Send + Sync>)>,
}

impl Kind {
    fn worth_it(&self) -> bool {
        self.misses <= MAX_MISSES || self.hits >= self.misses
    }
}

thread_local! {
    /// The values seen in the decoding under way on this thread; `None` outside one.
    static SEEN: RefCell<Option<Vec<Kind>>> = const { RefCell::new(None) };
}

/// Runs `decode` with sharing on; a decoding nested in it starts afresh and leaves the outer one
/// as it was.
pub(crate) fn sharing<R>(decode: impl FnOnce() -> R) -> R {
    struct Restore(Option<Vec<Kind>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = self.0.take();
            // Ignoring the error is right: it only fails while the thread is being torn down.
            let _ = SEEN.try_with(|seen| *seen.borrow_mut() = outer);
        }
    }
    let _restore = Restore(SEEN.with(|seen| seen.borrow_mut().replace(Vec::new())));
    decode()
}

/// Runs `f` on what this decoding knows of `T`, or answers `None` outside a decoding.
fn with_kind<T: 'static, R>(f: impl FnOnce(&mut Kind) -> R) -> Option<R> {
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        let kinds = seen.as_mut()?;
        let at = match kinds.iter().position(|k| k.ty == TypeId::of::<T>()) {
            Some(at) => at,
            None => {
                kinds.push(Kind { ty: TypeId::of::<T>(), hits: 0, misses: 0, entries: Vec::new() });
                kinds.len() - 1
            }
        };
        Some(f(&mut kinds[at]))
    })
}

fn lookup<T: Send + Sync + 'static>(text: &str) -> Option<Arc<T>> {
    with_kind::<T, _>(|kind| {
        let found = kind.entries.iter().find(|(seen, _)| **seen == *text).map(|(_, value)| Arc::clone(value));
        match found {
            Some(value) => {
                kind.hits += 1;
                value.downcast::<T>().ok()
            }
            None => {
                kind.misses += 1;
                None
            }
        }
    })
    .flatten()
}

fn remember<T: Send + Sync + 'static>(text: &str, value: &Arc<T>) {
    with_kind::<T, _>(|kind| {
        if kind.entries.len() < MAX_ENTRIES {
            kind.entries.push((text.into(), Arc::clone(value) as _));
        }
    });
}

/// Decodes a shared field (serde `with`).
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Arc<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Send + Sync + 'static,
{
    if !with_kind::<T, _>(|kind| kind.worth_it()).unwrap_or(false) {
        return T::deserialize(deserializer).map(Arc::new);
    }
    let raw = <&'de RawValue>::deserialize(deserializer)?;
    let text = raw.get();
    if let Some(value) = lookup::<T>(text) {
        return Ok(value);
    }
    let value = Arc::new(serde_json::from_str::<T>(text).map_err(D::Error::custom)?);
    remember(text, &value);
    Ok(value)
}

/// Encodes a shared field as its value (serde `with`).
pub fn serialize<S: Serializer, T: Serialize>(value: &Arc<T>, serializer: S) -> Result<S::Ok, S::Error> {
    T::serialize(value, serializer)
}

/// The same for a field that may be `null`.
pub mod option {
    use super::*;

    /// Decodes a shared field that may be `null` (serde `with`).
    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Option<Arc<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: DeserializeOwned + Send + Sync + 'static,
    {
        struct Field<T>(Arc<T>);
        impl<'de, T: DeserializeOwned + Send + Sync + 'static> Deserialize<'de> for Field<T> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::deserialize(deserializer).map(Field)
            }
        }
        Ok(Option::<Field<T>>::deserialize(deserializer)?.map(|field| field.0))
    }

    /// Encodes a shared field that may be `null` as its value or `null` (serde `with`).
    pub fn serialize<S: Serializer, T: Serialize>(
        value: &Option<Arc<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.as_deref().serialize(serializer)
    }
}
