//! The JSON that crosses the boundary: steps and typed errors out, responses in.
//!
//! A step is one of:
//!
//! ```json
//! {"step": "send", "method": "GET", "url": "...", "headers": [["accept", "application/json"]], "body": null}
//! {"step": "sleep", "ms": 1000}
//! {"step": "done", "output": {...}, "last": true}
//! {"step": "failed", "error": {"kind": "api", "code": "not_found", "status": 404, "message": "..."}}
//! ```
//!
//! Any step may also carry `progress` (actions whose state changed since the last poll) and
//! `rate_limit` (the `RateLimit-*` headers of the latest response).
//!
//! Objects are written field by field into a byte buffer ([`JsonObject`]) rather than built
//! as [`serde_json::Value`] trees: it is less code, and outputs that are already JSON text
//! are spliced in as they are.

use std::time::Duration;

use hcloud_core::error::ErrorDetails;
use hcloud_core::{
    Error, HttpRequest, HttpResponse, InputError, Timestamp, TransportFailure, TransportFailureKind,
    WaitLimit,
};
use serde::Serialize;

/// A JSON object written field by field.
#[derive(Debug)]
pub struct JsonObject(Vec<u8>);

impl Default for JsonObject {
    fn default() -> Self {
        Self(vec![b'{'])
    }
}

impl JsonObject {
    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(b',');
        }
        self.put(key);
        self.0.push(b':');
    }

    fn put(&mut self, value: &(impl Serialize + ?Sized)) {
        // Only serde_json's own writer runs here, into memory: it fails only for maps with
        // keys that are not strings, which no value written here has.
        if serde_json::to_writer(&mut self.0, value).is_err() {
            self.0.extend_from_slice(b"null");
        }
    }

    /// Adds a field with a serializable value.
    pub fn field(&mut self, key: &str, value: &(impl Serialize + ?Sized)) -> &mut Self {
        self.key(key);
        self.put(value);
        self
    }

    /// Adds a field whose value is already JSON text.
    pub fn raw(&mut self, key: &str, json: &[u8]) -> &mut Self {
        self.key(key);
        self.0.extend_from_slice(json);
        self
    }

    /// Adds a field whose value is another object.
    pub fn object(&mut self, key: &str, object: JsonObject) -> &mut Self {
        self.raw(key, &object.finish())
    }

    /// Closes the object and returns its text.
    pub fn finish(mut self) -> Vec<u8> {
        self.0.push(b'}');
        self.0
    }
}

/// Converts the host's clock reading in milliseconds (`performance.now()`) to a
/// [`Timestamp`]. Negative or non-finite readings count as the epoch.
pub fn timestamp(now_ms: f64) -> Timestamp {
    if now_ms.is_finite() && now_ms > 0.0 {
        // Microsecond resolution; u64 microseconds cover half a million years.
        Timestamp::from_elapsed(Duration::from_micros((now_ms * 1000.0) as u64))
    } else {
        Timestamp::ZERO
    }
}

/// A duration in (fractional) milliseconds, as `setTimeout` takes it.
pub fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A `send` step. The body is text: the core only ever sends JSON bodies.
pub fn send_step(request: &HttpRequest) -> JsonObject {
    let headers: Vec<(&str, &str)> = request
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str(), value.to_str().unwrap_or_default()))
        .collect();
    let body = (!request.body().is_empty()).then(|| String::from_utf8_lossy(request.body()));
    let mut step = JsonObject::default();
    step.field("step", "send")
        .field("method", request.method().as_str())
        .field("url", &request.uri().to_string())
        .field("headers", &headers)
        .field("body", &body);
    step
}

/// A `sleep` step.
pub fn sleep_step(duration: Duration) -> JsonObject {
    let mut step = JsonObject::default();
    step.field("step", "sleep").field("ms", &millis(duration));
    step
}

/// A `failed` step carrying an error object.
pub fn failed_step(error: JsonObject) -> JsonObject {
    let mut step = JsonObject::default();
    step.field("step", "failed").object("error", error);
    step
}

/// An error this crate raises itself, outside the core: a malformed spec (`spec`), a
/// malformed response from the host (`driver`), an unknown handle (`unknown_handle`).
pub fn local_error(kind: &str, message: String) -> JsonObject {
    let mut error = JsonObject::default();
    error.field("kind", kind).field("code", kind).field("message", &message).field("retryable", &false);
    error
}

/// An input error from this crate's own checks, shaped like the core's.
pub fn input_error(field: &str, reason: String) -> Error {
    Error::Input(InputError { field: field.to_owned(), reason })
}

fn details(error: &mut JsonObject, details: &ErrorDetails) {
    match details {
        ErrorDetails::Fields(fields) => error.field("fields", fields),
        ErrorDetails::Limits(limits) => error.field("limits", limits),
        ErrorDetails::Announcement(text) => error.field("announcement", text),
        ErrorDetails::Other(value) => error.field("details", value),
        _ => error,
    };
}

/// A typed error as JSON.
///
/// Always present: `kind` (`api`, `unexpected_response`, `decode`, `input`, `transport`,
/// `action_failed`, `wait_exhausted`, `missing_actions`, `pagination_stalled`, `misuse`),
/// `code` (the API's error code such as `not_found` or `rate_limit_exceeded` for `api`, the
/// action's code for `action_failed`, otherwise the kind), `message` (the whole error as
/// text) and `retryable`. `status` and `correlation_id` come with errors a response was
/// behind, and each kind adds its own fields.
pub fn error_json(error: &Error) -> JsonObject {
    let mut out = JsonObject::default();
    let (kind, code) = match error {
        Error::Api(api) => {
            out.field("api_message", &api.message);
            if let Some(found) = &api.details {
                details(&mut out, found);
            }
            ("api", api.code.as_str())
        }
        Error::UnexpectedResponse { excerpt, .. } => {
            out.field("excerpt", excerpt);
            ("unexpected_response", "unexpected_response")
        }
        Error::Decode(decode) => {
            out.field("path", &decode.path).field("decode_message", &decode.message);
            ("decode", "decode")
        }
        Error::Input(input) => {
            out.field("field", &input.field).field("reason", &input.reason);
            ("input", "input")
        }
        Error::Transport(TransportFailure { kind, maybe_sent }) => {
            let kind = match kind {
                TransportFailureKind::Connect => "connect",
                TransportFailureKind::Timeout => "timeout",
                _ => "other",
            };
            out.field("transport", kind).field("maybe_sent", maybe_sent);
            ("transport", "transport")
        }
        Error::ActionFailed { id, command, code, message } => {
            out.field("action_id", id).field("command", command).field("action_message", message);
            ("action_failed", code.as_str())
        }
        Error::WaitExhausted { what, attempts, limit } => {
            let limit = match limit {
                WaitLimit::Attempts(_) => "attempts",
                WaitLimit::Deadline => "deadline",
                _ => "other",
            };
            out.field("what", what).field("attempts", attempts).field("limit", limit);
            ("wait_exhausted", "wait_exhausted")
        }
        Error::MissingActions(ids) => {
            out.field("action_ids", ids);
            ("missing_actions", "missing_actions")
        }
        Error::PaginationStalled { page, next } => {
            out.field("page", page).field("next_page", next);
            ("pagination_stalled", "pagination_stalled")
        }
        Error::Misuse(_) => ("misuse", "misuse"),
        _ => ("other", "other"),
    };
    out.field("kind", kind).field("code", code).field("message", &error.to_string());
    out.field("retryable", &error.is_retryable());
    if let Some(status) = error.status() {
        out.field("status", &status.as_u16());
    }
    if let Some(id) = error.correlation_id() {
        out.field("correlation_id", id);
    }
    out
}

/// Assembles a response from its status, its headers as text (`name: value` lines, as
/// HTTP/1.1 writes them) and its raw body.
pub fn response(status: u16, headers: &[u8], body: &[u8]) -> Result<HttpResponse, String> {
    let mut builder = http::Response::builder().status(status);
    for line in headers.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let colon = line.iter().position(|&b| b == b':').ok_or("a header line has no colon")?;
        let value = &line[colon + 1..];
        let start = value.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(value.len());
        builder = builder.header(&line[..colon], &value[start..]);
    }
    builder.body(body.to_vec()).map_err(|e| format!("the response is not valid: {e}"))
}

/// Reads the host's transport failure code: 0 connect, 1 timeout, anything else other.
pub fn transport_failure(kind: u32, maybe_sent: bool) -> TransportFailure {
    let kind = match kind {
        0 => TransportFailureKind::Connect,
        1 => TransportFailureKind::Timeout,
        _ => TransportFailureKind::Other,
    };
    TransportFailure { kind, maybe_sent }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcloud_core::{ApiError, ErrorCode};
    use serde_json::Value;

    fn parse(object: JsonObject) -> Value {
        serde_json::from_slice(&object.finish()).unwrap()
    }

    #[test]
    fn api_errors_carry_their_code_and_status() {
        let error = Error::Api(ApiError {
            status: http::StatusCode::NOT_FOUND,
            code: ErrorCode::NotFound,
            message: "server not found".into(),
            details: None,
            correlation_id: Some("abc".into()),
        });
        let value = parse(error_json(&error));
        assert_eq!(value["kind"], "api");
        assert_eq!(value["code"], "not_found");
        assert_eq!(value["status"], 404);
        assert_eq!(value["correlation_id"], "abc");
        assert_eq!(value["retryable"], false);
        assert_eq!(value["message"], error.to_string());
    }

    #[test]
    fn errors_without_a_code_use_their_kind() {
        let value = parse(error_json(&Error::Transport(TransportFailure::timeout())));
        assert_eq!(value["kind"], "transport");
        assert_eq!(value["code"], "transport");
        assert_eq!(value["transport"], "timeout");
        assert_eq!(value["maybe_sent"], true);
        assert_eq!(value["retryable"], true);
    }

    #[test]
    fn responses_are_assembled_from_status_headers_and_body() {
        let head = b"retry-after: 2\r\nx-a:1\nx-a: 2\n\n";
        let resp = response(429, head, b"{}").unwrap();
        assert_eq!(resp.status(), 429);
        assert_eq!(resp.headers()["retry-after"], "2");
        assert_eq!(resp.headers().get_all("x-a").iter().count(), 2);
        assert_eq!(resp.body(), b"{}");
        assert!(response(1000, b"", b"").is_err());
        assert!(response(200, b"no colon", b"").is_err());
        assert!(response(200, b"bad name: 1", b"").is_err());
    }

    #[test]
    fn objects_are_written_in_order() {
        let mut inner = JsonObject::default();
        inner.field("a", &1);
        let mut outer = JsonObject::default();
        outer.field("s", "x\"y").raw("r", b"[1,2]").object("o", inner);
        assert_eq!(outer.finish(), br#"{"s":"x\"y","r":[1,2],"o":{"a":1}}"#);
    }

    #[test]
    fn clock_readings_become_timestamps() {
        assert_eq!(timestamp(1500.5), Timestamp::from_elapsed(Duration::from_micros(1_500_500)));
        assert_eq!(timestamp(-1.0), Timestamp::ZERO);
        assert_eq!(timestamp(f64::NAN), Timestamp::ZERO);
        assert_eq!(millis(Duration::from_micros(2500)), 2.5);
    }
}
