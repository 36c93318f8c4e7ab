//! What the clients' method-level tests share: typical arguments taken from the API
//! document, and an in-memory API that checks every request against the document and answers
//! with a typical answer built from it.
//!
//! Each client's `tests/facade.rs` (generated from the same template as the facades) calls
//! every facade method through a transport that hands requests to [`Harness::answer`].

use std::sync::{Arc, Mutex};

use hcloud_core::{HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::conformance::{self, BASE_PATH};
use crate::spec::{operation, subset};
use crate::synth::{self, Fill};

/// A typical value of the input field `wire` of operation `op_id`, as the document gives it.
pub fn arg<T: DeserializeOwned>(op_id: &str, wire: &str) -> T {
    let input = synth::input(operation(op_id), Fill::Maximal);
    let value = input.get(wire).cloned().unwrap_or_else(|| panic!("{op_id} has no input {wire}"));
    serde_json::from_value(value).unwrap_or_else(|e| panic!("{op_id}.{wire}: {e}"))
}

/// A typical timestamp for the input field `wire` of operation `op_id`.
pub fn time_arg(op_id: &str, wire: &str) -> time::OffsetDateTime {
    let text: String = arg(op_id, wire);
    time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{op_id}.{wire}: {e}"))
}

/// The whole operation `op_id` with every optional field set, built from the document.
pub fn maximal<T: DeserializeOwned>(op_id: &str) -> T {
    let input = synth::input(operation(op_id), Fill::Maximal);
    serde_json::from_value(input.clone()).unwrap_or_else(|e| panic!("{op_id}: {e}\ninput: {input}"))
}

/// The operation a request is for: by method and path template, a literal segment winning
/// over a parameter (`/servers/actions` over `/servers/{id}`).
pub fn operation_of(request: &HttpRequest) -> Option<&'static str> {
    let path = request.uri().path().strip_prefix(BASE_PATH)?;
    let sent: Vec<&str> = path.split('/').collect();
    let mut best: Option<(&'static str, usize)> = None;
    for (id, op) in subset()["operations"].as_object()? {
        if op["method"] != request.method().as_str() {
            continue;
        }
        let template: Vec<&str> = op["path"].as_str().unwrap_or_default().split('/').collect();
        if template.len() != sent.len() {
            continue;
        }
        let fits = template.iter().zip(&sent).all(|(t, s)| t.starts_with('{') || t == s);
        let literals = template.iter().filter(|t| !t.starts_with('{')).count();
        if fits && best.is_none_or(|(_, n)| literals > n) {
            best = Some((id.as_str(), literals));
        }
    }
    best.map(|(id, _)| id)
}

/// What the in-memory API saw since it was last asked.
#[derive(Debug, Default)]
pub struct Seen {
    /// The operations requested, in order.
    pub operations: Vec<&'static str>,
    /// Everything wrong with the requests, against the document.
    pub problems: Vec<String>,
}

/// An in-memory API: every request is checked against the document and answered with a
/// typical answer of its operation (a list's last page, so walks end).
#[derive(Clone, Debug, Default)]
pub struct Harness {
    seen: Arc<Mutex<Seen>>,
}

impl Harness {
    /// A fresh API that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers one request.
    pub fn answer(&self, request: &HttpRequest) -> HttpResponse {
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(id) = operation_of(request) else {
            seen.problems.push(format!(
                "{} {} is no operation of the document",
                request.method(),
                request.uri()
            ));
            return http::Response::builder().status(404).body(Vec::new()).expect("a valid response");
        };
        seen.operations.push(id);
        let op = operation(id);
        seen.problems.extend(conformance::problems(op, request).into_iter().map(|p| format!("{id}: {p}")));
        let status = op["success_status"].as_u64().unwrap_or(200) as u16;
        let body = match &op["response_schema"] {
            Value::Null => Vec::new(),
            schema => {
                let mut answer = synth::value(schema, Fill::Maximal);
                if let Some(pagination) = answer.pointer_mut("/meta/pagination") {
                    pagination["page"] = 1.into();
                    pagination["next_page"] = Value::Null;
                    pagination["previous_page"] = Value::Null;
                }
                serde_json::to_vec(&answer).expect("JSON serializes")
            }
        };
        http::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(body)
            .expect("a valid response")
    }

    /// What was seen since the last call, and forgets it.
    pub fn take(&self) -> Seen {
        std::mem::take(&mut *self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

/// Checks one method's call: it succeeded, requested `expected` (and only documented
/// operations), and every request conformed. `Err` says what went wrong.
pub fn check(label: &str, expected: &str, outcome: Result<(), String>, seen: Seen) -> Result<(), String> {
    outcome.map_err(|e| format!("{label}: {e}"))?;
    if !seen.problems.is_empty() {
        return Err(format!("{label}: {}", seen.problems.join("; ")));
    }
    if !seen.operations.contains(&expected) {
        return Err(format!("{label}: sent {:?}, not {expected}", seen.operations));
    }
    Ok(())
}
