//! The OpenAPI document as a list of operations in document order, each with its parameters,
//! request body and success response normalized.

use crate::json::Json;
use crate::schema::{read, Components, Node};

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Path,
    Query,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub place: Place,
    pub required: bool,
    pub node: Node,
}

#[derive(Clone, Debug)]
pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub tag: String,
    pub params: Vec<Param>,
    pub body: Option<Node>,
    pub response: Option<Node>,
    /// The status and code pairs the operation's own error table lists.
    pub errors: Vec<(u16, String)>,
}

pub struct Spec {
    pub operations: Vec<Operation>,
}

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

impl Spec {
    pub fn parse(text: &str) -> Result<Spec, String> {
        let root = Json::parse(text).map_err(|e| format!("the document is not JSON: {e}"))?;
        let components = root.pointer("/components/schemas").and_then(Json::members).unwrap_or(&[]);
        let paths = root.get("paths").and_then(Json::members).ok_or("the document has no paths")?;
        let mut operations = Vec::new();
        for (path, item) in paths {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let id =
                    op["operationId"].as_str().ok_or_else(|| format!("{method} {path}: no operationId"))?;
                let parsed =
                    operation(id, method, path, item, op, components).map_err(|e| format!("{id}: {e}"))?;
                operations.push(parsed);
            }
        }
        Ok(Spec { operations })
    }
}

fn operation(
    id: &str,
    method: &str,
    path: &str,
    item: &Json,
    op: &Json,
    components: &Components,
) -> Result<Operation, String> {
    let mut params = Vec::new();
    let shared = item.get("parameters").and_then(Json::as_array).into_iter().flatten();
    let own = op.get("parameters").and_then(Json::as_array).into_iter().flatten();
    for param in shared.chain(own) {
        let name = param["name"].as_str().ok_or("a parameter without a name")?.to_owned();
        let place = match param["in"].as_str() {
            Some("path") => Place::Path,
            Some("query") => Place::Query,
            other => return Err(format!("parameter {name} in {other:?} is not supported")),
        };
        let node = read(&param["schema"], components).map_err(|e| format!("parameter {name}: {e}"))?;
        let required = param["required"].as_bool().unwrap_or(false) || place == Place::Path;
        params.push(Param { name, place, required, node });
    }
    let body = match op.pointer("/requestBody/content/application~1json/schema") {
        Some(schema) => Some(read(schema, components).map_err(|e| format!("request body: {e}"))?),
        None => None,
    };
    let responses = op.get("responses").and_then(Json::members).ok_or("no responses")?;
    let (_, response) =
        responses.iter().find(|(status, _)| status.starts_with('2')).ok_or("no success response")?;
    let response = match response.pointer("/content/application~1json/schema") {
        Some(schema) => Some(read(schema, components).map_err(|e| format!("response: {e}"))?),
        None => None,
    };
    let tag = op["tags"][0].as_str().ok_or("no tag")?.to_owned();
    let errors = error_table(op.get("description").and_then(Json::as_str).unwrap_or(""));
    Ok(Operation {
        id: id.to_owned(),
        method: method.to_uppercase(),
        path: path.to_owned(),
        tag,
        params,
        body,
        response,
        errors,
    })
}

/// Rows `| `412` | `code` | … |` of an operation's error table: facts only, never its prose.
fn error_table(description: &str) -> Vec<(u16, String)> {
    let mut rows = Vec::new();
    for line in description.lines() {
        let cells: Vec<&str> =
            line.trim().trim_matches('|').split('|').map(|c| c.trim().trim_matches('`')).collect();
        if let [status, code, ..] = cells.as_slice() {
            if let Ok(status) = status.parse::<u16>() {
                if !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    rows.push((status, (*code).to_owned()));
                }
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_rows_are_read_from_markdown_tables() {
        let text = "x\n| Status | Code | Description |\n| --- | --- | --- |\n| `412` | `primary_ip_version_mismatch` | Wrong |\n| `422` | `placement_error` | Bad |";
        assert_eq!(
            error_table(text),
            [(412, "primary_ip_version_mismatch".to_owned()), (422, "placement_error".to_owned())]
        );
    }
}
