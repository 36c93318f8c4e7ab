//! Rendering stored objects into response bodies without copying them.

use std::borrow::Cow;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::store::Obj;

/// A stored object as the API shows it: private `_` fields hidden and some
/// fields replaced by derived values (embedded catalog entries, `locked`, …).
#[derive(Debug)]
pub(crate) struct View<'a> {
    pub base: &'a Obj,
    pub over: Vec<(&'static str, Over<'a>)>,
}

/// A replacement value: computed, or another stored object embedded as is.
#[derive(Debug)]
pub(crate) enum Over<'a> {
    Value(Cow<'a, Value>),
    Obj(&'a Obj),
}

impl Serialize for Over<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Over::Value(v) => v.serialize(s),
            Over::Obj(o) => View::plain(o).serialize(s),
        }
    }
}

impl<'a> View<'a> {
    pub(crate) fn plain(base: &'a Obj) -> Self {
        Self { base, over: Vec::new() }
    }

    pub(crate) fn set(&mut self, key: &'static str, value: Value) {
        self.over.push((key, Over::Value(Cow::Owned(value))));
    }

    #[cfg(test)]
    pub(crate) fn borrow(&mut self, key: &'static str, value: &'a Value) {
        self.over.push((key, Over::Value(Cow::Borrowed(value))));
    }

    /// Embeds another stored object, or `null` when there is none.
    pub(crate) fn embed(&mut self, key: &'static str, obj: Option<&'a Obj>) {
        match obj {
            Some(o) => self.over.push((key, Over::Obj(o))),
            None => self.set(key, Value::Null),
        }
    }
}

impl Serialize for View<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (k, v) in self.base {
            if k.starts_with('_') {
                continue;
            }
            match self.over.iter().find(|(o, _)| o == k) {
                Some((_, replaced)) => map.serialize_entry(k, replaced)?,
                None => map.serialize_entry(k, v)?,
            }
        }
        for (k, v) in &self.over {
            if !self.base.contains_key(*k) {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
}

/// One top-level member of a response body.
#[derive(Debug)]
pub(crate) enum Part<'a> {
    One(View<'a>),
    Many(Vec<View<'a>>),
    Value(Value),
}

impl Serialize for Part<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Part::One(v) => v.serialize(s),
            Part::Many(vs) => vs.serialize(s),
            Part::Value(v) => v.serialize(s),
        }
    }
}

/// A response body: an object with members in order.
#[derive(Debug, Default)]
pub(crate) struct Body<'a>(pub Vec<(&'static str, Part<'a>)>);

impl<'a> Body<'a> {
    pub(crate) fn new() -> Self {
        Self(Vec::new())
    }

    pub(crate) fn with(mut self, key: &'static str, part: Part<'a>) -> Self {
        self.0.push((key, part));
        self
    }

    pub(crate) fn value(self, key: &'static str, value: Value) -> Self {
        self.with(key, Part::Value(value))
    }
}

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hides_private_fields_and_applies_overrides_in_place() {
        let base = json!({"id": 1, "_secret": "x", "locked": false, "name": "a"});
        let base = base.as_object().unwrap();
        let extra = json!({"id": 9});
        let mut v = View::plain(base);
        v.set("locked", json!(true));
        v.borrow("placement_group", &extra);
        let text = serde_json::to_string(&v).unwrap();
        assert_eq!(text, r#"{"id":1,"locked":true,"name":"a","placement_group":{"id":9}}"#);
        let body = Body::new().with("server", Part::One(v)).value("action", Value::Null);
        assert_eq!(serde_json::to_value(&body).unwrap()["action"], Value::Null);
    }
}
