//! Values built from the API document's schemas, independently of the SDK's types: typical
//! inputs for every operation (every optional field set, or only the required ones), and
//! answers to parse (typical, all nullable fields null, or drawn at random by proptest).
//!
//! Everything here reads `tests/spec/subset.json`; nothing looks at how the SDK models a value,
//! so a field the SDK names wrongly or drops shows up as a difference.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// How much of an object to fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// Every property, optional ones included.
    Maximal,
    /// Required properties only.
    Minimal,
}

/// The properties of an object schema, with `allOf` parts and `oneOf`/`anyOf` variants
/// united, and whether each is required (by the schema itself or every variant).
pub fn properties(schema: &Value) -> Vec<(String, Value, bool)> {
    let mut out: Vec<(String, Value, bool)> = Vec::new();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = schema["properties"].as_object() {
        for (name, prop) in props {
            out.push((name.clone(), prop.clone(), required.contains(&name.as_str())));
        }
    }
    let parts = schema["allOf"].as_array().map(Vec::as_slice).unwrap_or_default();
    for part in parts {
        for (name, prop, req) in properties(part) {
            match out.iter_mut().find(|(n, _, _)| *n == name) {
                Some(existing) => existing.2 |= req,
                None => out.push((name, prop, req)),
            }
        }
    }
    // A part may require what another part declares.
    for part in parts {
        for name in part["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if let Some(existing) = out.iter_mut().find(|(n, _, _)| n == name) {
                existing.2 = true;
            }
        }
    }
    let variants = schema["oneOf"].as_array().or_else(|| schema["anyOf"].as_array());
    if let Some(variants) = variants {
        let each: Vec<Vec<(String, Value, bool)>> = variants.iter().map(properties).collect();
        for variant in &each {
            for (name, prop, req) in variant {
                let in_all = each.iter().all(|v| v.iter().any(|(n, _, r)| n == name && *r));
                match out.iter_mut().find(|(n, _, _)| n == name) {
                    Some(existing) => existing.2 |= in_all && *req,
                    None => out.push((name.clone(), prop.clone(), in_all && *req)),
                }
            }
        }
    }
    out
}

/// The first type a schema allows other than `null`, and whether `null` is allowed.
pub fn type_of(schema: &Value) -> (Option<&str>, bool) {
    match &schema["type"] {
        Value::String(t) => (Some(t.as_str()), t == "null"),
        Value::Array(types) => {
            let nullable = types.iter().any(|t| t == "null");
            (types.iter().filter_map(Value::as_str).find(|t| *t != "null"), nullable)
        }
        _ if schema.get("properties").is_some() || schema.get("allOf").is_some() => (Some("object"), false),
        _ => (None, false),
    }
}

/// A typical value for `schema`: its example where it has one, else the smallest value its
/// limits allow.
pub fn value(schema: &Value, fill: Fill) -> Value {
    // Examples of objects often leave members out; objects are built member by member.
    let structured = matches!(type_of(schema).0, Some("object") | None)
        || (type_of(schema).0 == Some("array") && type_of(&schema["items"]).0 == Some("object"));
    // An empty example list says nothing about its items; lists get one.
    let empty = |e: &&Value| e.as_array().is_some_and(Vec::is_empty);
    if let Some(example) = schema.get("example").filter(|e| !structured && !empty(e)) {
        return example.clone();
    }
    if let Some(values) = schema["enum"].as_array() {
        return values.iter().find(|v| !v.is_null()).cloned().unwrap_or(Value::Null);
    }
    if let Some(variants) = schema["oneOf"].as_array().or_else(|| schema["anyOf"].as_array()) {
        if schema.get("properties").is_none() && variants.iter().all(|v| v.get("properties").is_none()) {
            return variants.first().map(|v| value(v, fill)).unwrap_or(Value::Null);
        }
        // A union of objects: the first variant, with what every variant shares.
        let mut merged = object(schema, fill);
        if let (Some(first), Value::Object(target)) = (variants.first(), &mut merged) {
            if let Value::Object(extra) = value(first, fill) {
                for (key, v) in extra {
                    target.entry(key).or_insert(v);
                }
            }
        }
        return merged;
    }
    match type_of(schema).0 {
        Some("boolean") => json!(true),
        Some("integer") => {
            let min = schema["minimum"].as_i64().unwrap_or(1).max(1);
            json!(min)
        }
        Some("number") => json!(schema["minimum"].as_f64().unwrap_or(1.5)),
        Some("string") => match schema["format"].as_str() {
            Some("date-time") => json!("2016-01-30T23:55:00Z"),
            Some("decimal") => json!("1.0000000000"),
            _ => {
                let min = schema["minLength"].as_u64().unwrap_or(1) as usize;
                let max = schema["maxLength"].as_u64().unwrap_or(64) as usize;
                let mut text = "example".to_owned();
                while text.len() < min {
                    text.push('x');
                }
                text.truncate(max.max(min));
                json!(text)
            }
        },
        Some("array") => {
            let items = schema.get("prefixItems").and_then(Value::as_array);
            match items {
                Some(items) => Value::Array(items.iter().map(|i| value(i, fill)).collect()),
                None => {
                    let count = schema["minItems"].as_u64().unwrap_or(1).max(1) as usize;
                    Value::Array(vec![value(&schema["items"], fill); count])
                }
            }
        }
        Some("object") | None => object(schema, fill),
        Some(_) => Value::Null,
    }
}

fn object(schema: &Value, fill: Fill) -> Value {
    let mut out = Map::new();
    for (name, prop, required) in properties(schema) {
        if required || fill == Fill::Maximal {
            out.insert(name, value(&prop, fill));
        }
    }
    if out.is_empty() {
        if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            out.insert("key".to_owned(), value(values, fill));
        }
    }
    Value::Object(out)
}

/// Parameters the document describes only in prose: metrics periods are ISO 8601 times, the
/// step is a number of seconds, and `bound_to` takes server ids.
static UNDOCUMENTED: std::sync::LazyLock<Vec<(&str, Value)>> = std::sync::LazyLock::new(|| {
    vec![
        ("start", json!("2017-01-01T00:00:00Z")),
        ("end", json!("2017-01-01T23:00:00Z")),
        ("step", json!(60)),
        // Images bound to a server, by the server's id.
        ("bound_to", json!([42])),
    ]
});

/// The input of an operation as [`hcloud_core::dynamic::operation`] reads it: path and query
/// parameters and body fields in one object, named as the API names them.
pub fn input(op: &Value, fill: Fill) -> Value {
    let mut out = Map::new();
    for param in op["parameters"].as_array().into_iter().flatten() {
        let required = param["required"].as_bool().unwrap_or(false) || param["in"] == "path";
        if !(required || fill == Fill::Maximal) {
            continue;
        }
        let name = param["name"].as_str().expect("parameters have names").to_owned();
        let schema = &param["schema"];
        let mut typical = param
            .get("example")
            .or_else(|| UNDOCUMENTED.iter().find(|(n, _)| *n == name.as_str()).map(|(_, v)| v))
            .cloned()
            .unwrap_or_else(|| value(schema, fill));
        // Repeated parameters get two values, so repetition is exercised.
        if fill == Fill::Maximal && schema["type"] == "array" {
            if let Some(values) = schema["items"]["enum"].as_array().filter(|v| v.len() > 1) {
                typical = Value::Array(values[..2].to_vec());
            }
        }
        out.insert(name, typical);
    }
    if let Some(body) = op.get("request_schema").filter(|b| !b.is_null()) {
        let mut fields = match value(body, fill) {
            Value::Object(fields) => fields,
            _ => Map::new(),
        };
        // An update that changes nothing is refused before sending; change the first field.
        if fields.is_empty() && op["method"] == "PUT" {
            if let Some((name, prop, _)) = properties(body).into_iter().next() {
                fields.insert(name, value(&prop, fill));
            }
        }
        out.extend(fields);
    }
    Value::Object(out)
}

/// What an answer may hold in place of a value the SDK knows: `null` where the schema allows
/// it, a value the SDK does not know yet for enums, or nothing for optional fields.
fn answer_strategy(schema: &Value, depth: usize) -> BoxedStrategy<Value> {
    let (kind, nullable) = type_of(schema);
    let base: BoxedStrategy<Value> = if let Some(values) = schema["enum"].as_array() {
        let known: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
        prop_oneof![
            3 => proptest::sample::select(known),
            1 => "[a-z][a-z_]{0,11}".prop_map(|s| Value::String(format!("zz_{s}"))),
        ]
        .boxed()
    } else if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
        Just(value(schema, Fill::Maximal)).boxed()
    } else {
        match kind {
            Some("object") | None if depth < 8 => object_strategy(schema, depth),
            Some("array") if depth < 8 && schema.get("prefixItems").is_none() => {
                proptest::collection::vec(answer_strategy(&schema["items"], depth + 1), 0..3)
                    .prop_map(Value::Array)
                    .boxed()
            }
            _ => Just(value(schema, Fill::Maximal)).boxed(),
        }
    };
    if nullable {
        prop_oneof![1 => Just(Value::Null), 3 => base].boxed()
    } else {
        base
    }
}

/// Members the API always sends although the document does not list them as required, by
/// the names of the object's members (sorted). The SDK reads them as required.
const ALWAYS_SENT: &[(&[&str], &[&str])] = &[
    // A firewall on a server's public interface.
    (&["id", "status"], &["id", "status"]),
    // A server's private network.
    (&["alias_ips", "ip", "mac_address", "network"], &["network", "ip"]),
];

fn object_strategy(schema: &Value, depth: usize) -> BoxedStrategy<Value> {
    let mut props = properties(schema);
    let mut names: Vec<&str> = props.iter().map(|(n, _, _)| n.as_str()).collect();
    names.sort_unstable();
    if let Some((_, always)) = ALWAYS_SENT.iter().find(|(shape, _)| *shape == names.as_slice()) {
        for prop in &mut props {
            prop.2 |= always.contains(&prop.0.as_str());
        }
    }
    if props.is_empty() {
        return Just(value(schema, Fill::Maximal)).boxed();
    }
    let members: Vec<BoxedStrategy<Option<(String, Value)>>> = props
        .into_iter()
        .map(|(name, prop, required)| {
            let inner = answer_strategy(&prop, depth + 1);
            if required {
                inner.prop_map(move |v| Some((name.clone(), v))).boxed()
            } else {
                proptest::option::of(inner).prop_map(move |v| v.map(|v| (name.clone(), v))).boxed()
            }
        })
        .collect();
    members.prop_map(|members| Value::Object(members.into_iter().flatten().collect())).boxed()
}

/// Answers an operation may get, drawn at random: optional members present or not, nullable
/// ones `null` or not, enums with values the SDK does not know.
pub fn answers(op: &Value) -> BoxedStrategy<Value> {
    // The API sends every member of an answer's top level; the document leaves `required`
    // off a few of them (`create_firewall`, `enable_server_rescue`, ...).
    let mut schema = op["response_schema"].clone();
    let members: Vec<Value> =
        properties(&schema).into_iter().map(|(name, _, _)| Value::String(name)).collect();
    if let Some(object) = schema.as_object_mut() {
        object.insert("required".to_owned(), Value::Array(members));
    }
    answer_strategy(&schema, 0)
}

/// The typical answer with every nullable member `null`, however deep.
pub fn nulls(schema: &Value) -> Value {
    let mut typical = value(schema, Fill::Maximal);
    null_out(schema, &mut typical);
    typical
}

fn null_out(schema: &Value, instance: &mut Value) {
    match instance {
        Value::Object(members) => {
            for (name, prop, _) in properties(schema) {
                if let Some(member) = members.get_mut(&name) {
                    if type_of(&prop).1 {
                        *member = Value::Null;
                    } else {
                        null_out(&prop, member);
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                null_out(&schema["items"], item);
            }
        }
        _ => {}
    }
}

/// The typical answer with every enum value replaced by one the SDK cannot know, however deep.
pub fn unknown_enums(schema: &Value) -> Value {
    let mut typical = value(schema, Fill::Maximal);
    replace_enums(schema, &mut typical);
    typical
}

fn replace_enums(schema: &Value, instance: &mut Value) {
    if schema["enum"].is_array() && instance.is_string() {
        *instance = Value::String("zz_value_from_the_future".to_owned());
        return;
    }
    match instance {
        Value::Object(members) => {
            for (name, prop, _) in properties(schema) {
                if let Some(member) = members.get_mut(&name) {
                    replace_enums(&prop, member);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                replace_enums(&schema["items"], item);
            }
        }
        _ => {}
    }
}
