//! Checks a request the SDK built against the API document: method, path and its
//! parameters, every query pair (declared, repeated only where the parameter is an array,
//! with a valid value, required ones present), and the body (valid against the request
//! schema, with no field the schema does not declare, however deep).

use std::borrow::Cow;

use hcloud_core::HttpRequest;
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::synth::{properties, type_of};

/// The base path every request carries before the operation's path.
pub const BASE_PATH: &str = "/v1";

/// Everything wrong with `request` as a request for `op` (a `tests/spec/subset.json` entry).
pub fn problems(op: &Value, request: &HttpRequest) -> Vec<String> {
    let mut found = Vec::new();
    if request.method().as_str() != op["method"] {
        found.push(format!("method {} instead of {}", request.method(), op["method"]));
    }
    let parameters: Vec<&Value> = op["parameters"].as_array().map(|p| p.iter().collect()).unwrap_or_default();
    check_path(op, &parameters, request.uri().path(), &mut found);
    check_query(&parameters, request.uri().query().unwrap_or(""), &mut found);
    check_body(op, request, &mut found);
    found
}

fn param<'a>(parameters: &[&'a Value], place: &str, name: &str) -> Option<&'a Value> {
    parameters.iter().copied().find(|p| p["in"] == place && p["name"] == name)
}

fn check_path(op: &Value, parameters: &[&Value], path: &str, found: &mut Vec<String>) {
    let Some(path) = path.strip_prefix(BASE_PATH) else {
        found.push(format!("path {path} is not below {BASE_PATH}"));
        return;
    };
    let template = op["path"].as_str().unwrap_or_default();
    let sent: Vec<&str> = path.split('/').collect();
    let want: Vec<&str> = template.split('/').collect();
    if sent.len() != want.len() {
        found.push(format!("path {path} does not fit {template}"));
        return;
    }
    for (segment, expected) in sent.iter().zip(&want) {
        match expected.strip_prefix('{').and_then(|e| e.strip_suffix('}')) {
            Some(name) => {
                let text = percent_decode_str(segment).decode_utf8_lossy();
                match param(parameters, "path", name) {
                    Some(p) => {
                        if let Err(problem) = valid_text(&p["schema"], &text) {
                            found.push(format!("path parameter {name} = {text:?}: {problem}"));
                        }
                    }
                    None => found.push(format!("path parameter {name} is not declared")),
                }
            }
            None if segment != expected => found.push(format!("path {path} does not fit {template}")),
            None => {}
        }
    }
}

fn check_query(parameters: &[&Value], query: &str, found: &mut Vec<String>) {
    let mut seen: Vec<String> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, raw) = pair.split_once('=').unwrap_or((pair, ""));
        let name: Cow<str> = percent_decode_str(name).decode_utf8_lossy();
        let text = percent_decode_str(raw).decode_utf8_lossy();
        let Some(declared) = param(parameters, "query", &name) else {
            found.push(format!("query parameter {name} is not declared"));
            continue;
        };
        let schema = &declared["schema"];
        let is_array = schema["type"] == "array";
        if seen.contains(&name.to_string()) && !is_array {
            found.push(format!("query parameter {name} is repeated but takes one value"));
        }
        seen.push(name.to_string());
        let item = if is_array { &schema["items"] } else { schema };
        if let Err(problem) = valid_text(item, &text) {
            found.push(format!("query parameter {name} = {text:?}: {problem}"));
        }
    }
    for declared in parameters.iter().filter(|p| p["in"] == "query" && p["required"] == true) {
        let name = declared["name"].as_str().unwrap_or_default();
        if !seen.iter().any(|s| s == name) {
            found.push(format!("required query parameter {name} is missing"));
        }
    }
}

/// Whether `text` (a path segment or query value) is a valid value of `schema`.
fn valid_text(schema: &Value, text: &str) -> Result<(), String> {
    let value = match type_of(schema).0 {
        Some("integer") => Value::from(text.parse::<i64>().map_err(|_| "not an integer".to_owned())?),
        Some("number") => Value::from(text.parse::<f64>().map_err(|_| "not a number".to_owned())?),
        Some("boolean") => Value::from(text.parse::<bool>().map_err(|_| "not a boolean".to_owned())?),
        _ => Value::String(text.to_owned()),
    };
    let errors = validation_errors(schema, &value);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

fn check_body(op: &Value, request: &HttpRequest, found: &mut Vec<String>) {
    let content_type = request.headers().get("content-type").map(|v| v.as_bytes());
    match &op["request_schema"] {
        Value::Null => {
            if !request.body().is_empty() || content_type.is_some() {
                found.push("a body was sent to an operation that takes none".into());
            }
        }
        schema => {
            if content_type != Some(b"application/json") {
                found.push(format!("content-type {content_type:?} instead of application/json"));
            }
            match serde_json::from_slice::<Value>(request.body()) {
                Err(e) => found.push(format!("the body is not JSON: {e}")),
                Ok(body) => {
                    found.extend(validation_errors(schema, &body).into_iter().map(|e| format!("body: {e}")));
                    found.extend(
                        undeclared(schema, &body, "$")
                            .into_iter()
                            .map(|f| format!("body: {f} is not declared")),
                    );
                }
            }
        }
    }
}

/// What the validator finds wrong with `instance` under `schema`.
pub fn validation_errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::draft202012::new(schema).expect("the document's schemas compile");
    validator.iter_errors(instance).map(|e| format!("{e} at {}", e.instance_path)).collect()
}

/// Members of `instance` that `schema` does not declare, at any depth: inside objects,
/// array items and the variants of `allOf`/`oneOf`/`anyOf`. The document's schemas allow
/// unknown members, so the validator alone would not notice a misspelt field.
pub fn undeclared(schema: &Value, instance: &Value, at: &str) -> Vec<String> {
    match instance {
        Value::Object(members) => {
            let declared = properties(schema);
            let values = schema.get("additionalProperties").filter(|v| v.is_object());
            members
                .iter()
                .flat_map(|(key, member)| {
                    let here = format!("{at}.{key}");
                    match (declared.iter().find(|(n, _, _)| n == key), values) {
                        (Some((_, inner, _)), _) => undeclared(inner, member, &here),
                        (None, Some(values)) => undeclared(values, member, &here),
                        (None, None) => vec![here],
                    }
                })
                .collect()
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .flat_map(|(index, item)| undeclared(&schema["items"], item, &format!("{at}[{index}]")))
            .collect(),
        _ => Vec::new(),
    }
}
