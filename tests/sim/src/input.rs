//! Reading request bodies: JSON parsing and typed field access that collects
//! every problem, so one `422 invalid_input` can name all offending fields.

use std::collections::BTreeMap;

use http::StatusCode;
use serde_json::{Map, Value};

use crate::labels::validate_label;
use crate::sim::ApiError;

pub(crate) const MISSING: &str = "Missing data for required field.";

/// Parses a JSON object body; an empty body counts as `{}` when allowed.
pub(crate) fn parse_body(body: &[u8], empty_ok: bool) -> Result<Map<String, Value>, ApiError> {
    if empty_ok && body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => {
            Err(ApiError::new(StatusCode::BAD_REQUEST, "json_error", "request body must be a JSON object"))
        }
        Err(e) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "json_error",
            format!("invalid JSON in request body: {e}"),
        )),
    }
}

/// A reference the API accepts as an id or a name ("ID or name" fields): a JSON
/// integer, or a string holding a name or the decimal id.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum IdOrName {
    Id(u64),
    Name(String),
}

impl IdOrName {
    pub(crate) fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Number(n) => n.as_u64().filter(|&n| n >= 1).map(IdOrName::Id),
            Value::String(s) if !s.is_empty() => Some(IdOrName::Name(s.clone())),
            _ => None,
        }
    }

    /// The decimal id a string may hold.
    pub(crate) fn as_id(&self) -> Option<u64> {
        match self {
            IdOrName::Id(id) => Some(*id),
            IdOrName::Name(s) => s.parse().ok().filter(|&n| n >= 1),
        }
    }

    pub(crate) fn display(&self) -> String {
        match self {
            IdOrName::Id(id) => id.to_string(),
            IdOrName::Name(s) => s.clone(),
        }
    }
}

/// Typed access to body fields.
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
    errors: Vec<(String, String)>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(map: &'a Map<String, Value>) -> Self {
        Self { map, errors: Vec::new() }
    }

    pub(crate) fn err(&mut self, field: &str, msg: impl Into<String>) {
        self.errors.push((field.to_owned(), msg.into()));
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// `None` when absent or JSON `null`.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Whether the key is present at all, `null` included.
    pub(crate) fn present(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    fn missing(&mut self, key: &str, required: bool) {
        if required {
            self.err(key, MISSING);
        }
    }

    pub(crate) fn string(&mut self, key: &str, required: bool) -> Option<&'a str> {
        match self.get(key) {
            None => {
                self.missing(key, required);
                None
            }
            Some(Value::String(s)) => Some(s),
            Some(_) => {
                self.err(key, "Not a valid string.");
                None
            }
        }
    }

    pub(crate) fn boolean(&mut self, key: &str, required: bool) -> Option<bool> {
        match self.get(key) {
            None => {
                self.missing(key, required);
                None
            }
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.err(key, "Not a valid boolean.");
                None
            }
        }
    }

    /// An integer within `min..=max`.
    pub(crate) fn integer(&mut self, key: &str, required: bool, min: i64, max: i64) -> Option<i64> {
        match self.get(key) {
            None => {
                self.missing(key, required);
                None
            }
            Some(v) => match v.as_i64().or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            {
                Some(n) if (min..=max).contains(&n) => Some(n),
                Some(_) => {
                    self.err(key, format!("must be between {min} and {max}"));
                    None
                }
                None => {
                    self.err(key, "Not a valid integer.");
                    None
                }
            },
        }
    }

    /// A positive id.
    pub(crate) fn id(&mut self, key: &str, required: bool) -> Option<u64> {
        match self.get(key) {
            None => {
                self.missing(key, required);
                None
            }
            Some(v) => match v.as_u64().filter(|&n| n >= 1) {
                Some(n) => Some(n),
                None => {
                    self.err(key, "Not a valid integer.");
                    None
                }
            },
        }
    }

    /// An "ID or name" field: a JSON integer or a string.
    pub(crate) fn id_or_name(&mut self, key: &str, required: bool) -> Option<IdOrName> {
        match self.get(key) {
            None => {
                self.missing(key, required);
                None
            }
            Some(v) => {
                let r = IdOrName::from_value(v);
                if r.is_none() {
                    self.err(key, "Not a valid ID or name.");
                }
                r
            }
        }
    }

    pub(crate) fn id_list(&mut self, key: &str) -> Vec<u64> {
        match self.get(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let ids: Vec<u64> = items.iter().filter_map(|v| v.as_u64().filter(|&n| n >= 1)).collect();
                if ids.len() != items.len() {
                    self.err(key, "Not a valid list of integers.");
                }
                ids
            }
            Some(_) => {
                self.err(key, "Not a valid list.");
                Vec::new()
            }
        }
    }

    /// A list of "ID or name" values.
    pub(crate) fn id_or_name_list(&mut self, key: &str) -> Vec<IdOrName> {
        match self.get(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let refs: Vec<IdOrName> = items.iter().filter_map(IdOrName::from_value).collect();
                if refs.len() != items.len() {
                    self.err(key, "Not a valid list of IDs or names.");
                }
                refs
            }
            Some(_) => {
                self.err(key, "Not a valid list.");
                Vec::new()
            }
        }
    }

    pub(crate) fn string_list(&mut self, key: &str, required: bool) -> Option<Vec<String>> {
        match self.get(key) {
            None => {
                self.missing(key, required);
                None
            }
            Some(Value::Array(items)) => {
                let out: Vec<String> = items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
                if out.len() != items.len() {
                    self.err(key, "Not a valid list of strings.");
                }
                Some(out)
            }
            Some(_) => {
                self.err(key, "Not a valid list.");
                None
            }
        }
    }

    /// A list of objects, each handed back as a map.
    pub(crate) fn objects(&mut self, key: &str, required: bool) -> Option<Vec<&'a Map<String, Value>>> {
        match self.get(key) {
            None => {
                self.missing(key, required);
                None
            }
            Some(Value::Array(items)) => {
                let out: Vec<_> = items.iter().filter_map(Value::as_object).collect();
                if out.len() != items.len() {
                    self.err(key, "Not a valid list of objects.");
                }
                Some(out)
            }
            Some(_) => {
                self.err(key, "Not a valid list.");
                None
            }
        }
    }

    pub(crate) fn object(&mut self, key: &str, required: bool) -> Option<&'a Map<String, Value>> {
        match self.get(key) {
            None => {
                self.missing(key, required);
                None
            }
            Some(Value::Object(m)) => Some(m),
            Some(_) => {
                self.err(key, "Not a valid mapping type.");
                None
            }
        }
    }

    /// A string that must be one of `allowed`.
    pub(crate) fn choice(&mut self, key: &str, required: bool, allowed: &[&str]) -> Option<&'a str> {
        let s = self.string(key, required)?;
        if allowed.contains(&s) {
            Some(s)
        } else {
            self.err(key, format!("must be one of: {}", allowed.join(", ")));
            None
        }
    }

    pub(crate) fn labels(&mut self, key: &str) -> Option<BTreeMap<String, String>> {
        match self.get(key) {
            None => None,
            Some(Value::Object(map)) => {
                let mut labels = BTreeMap::new();
                for (k, v) in map {
                    match v.as_str() {
                        Some(s) => match validate_label(k, s) {
                            Ok(()) => {
                                labels.insert(k.clone(), s.to_owned());
                            }
                            Err(m) => self.err(key, m),
                        },
                        None => self.err(key, format!("value of label '{k}' must be a string")),
                    }
                }
                Some(labels)
            }
            Some(_) => {
                self.err(key, "Not a valid mapping type.");
                None
            }
        }
    }

    /// Takes over the problems of a nested object's fields, prefixing their names.
    pub(crate) fn absorb(&mut self, prefix: &str, nested: Fields<'_>) {
        for (field, message) in nested.errors {
            self.errors.push((join(prefix, &field), message));
        }
    }

    pub(crate) fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(&self.errors))
        }
    }
}

/// A nested field's name: `prefix.field`, or `field` alone at the top level.
pub(crate) fn join(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_owned()
    } else {
        format!("{prefix}.{field}")
    }
}

/// Labels as a JSON object.
pub(crate) fn labels_value(labels: Option<BTreeMap<String, String>>) -> Value {
    Value::Object(labels.unwrap_or_default().into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}
