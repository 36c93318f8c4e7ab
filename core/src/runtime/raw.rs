//! The escape hatch: any endpoint, including ones this version does not describe yet, through
//! the same headers, retries, rate-limit handling and error mapping as every operation.

use http::Method;

use crate::config::Config;
use crate::error::{Error, InputError};
use crate::operation::Operation;
use crate::wire::{self, HttpRequest, HttpResponse, Query};

/// A request built by hand: a method, a path below the API's base URL (with its query, if
/// any) and an optional JSON body. The answer is handed back as JSON (`null` when it has no
/// body); error answers become the same typed errors as for every operation.
///
/// `GET`, `PUT` and `DELETE` count as idempotent (resent after an ambiguous failure), `POST`
/// and the rest do not.
///
/// ```
/// use hcloud_core::raw::RawRequest;
/// use hcloud_core::{Config, Operation};
///
/// let op = RawRequest::get("/servers?name=web-1");
/// let request = op.to_request(&Config::new("token")?)?;
/// assert_eq!(request.uri(), "https://api.hetzner.cloud/v1/servers?name=web-1");
///
/// let post = RawRequest::post("/servers/42/actions/poweron", None);
/// assert!(!post.idempotent());
/// # Ok::<(), hcloud_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RawRequest {
    /// The HTTP method.
    pub method: Method,
    /// The path below the base URL, starting with `/`, such as `/servers/42`; it may carry a
    /// query string.
    pub path: String,
    /// The JSON body, if any.
    pub body: Option<serde_json::Value>,
}

impl RawRequest {
    /// Any method.
    pub fn new(method: Method, path: impl Into<String>, body: Option<serde_json::Value>) -> Self {
        Self { method, path: path.into(), body }
    }

    /// A `GET`.
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path, None)
    }

    /// A `POST`, with or without a body.
    pub fn post(path: impl Into<String>, body: Option<serde_json::Value>) -> Self {
        Self::new(Method::POST, path, body)
    }

    /// A `PUT` with a body.
    pub fn put(path: impl Into<String>, body: serde_json::Value) -> Self {
        Self::new(Method::PUT, path, Some(body))
    }

    /// A `DELETE`.
    pub fn delete(path: impl Into<String>) -> Self {
        Self::new(Method::DELETE, path, None)
    }
}

impl Operation for RawRequest {
    type Output = serde_json::Value;

    fn to_request(&self, cfg: &Config) -> Result<HttpRequest, Error> {
        if !self.path.starts_with('/') || self.path.starts_with("//") || self.path.contains('#') {
            return Err(InputError::new(
                "path",
                "must be a path below the API's base URL, such as /servers/42",
            )
            .into());
        }
        wire::build(cfg, self.method.clone(), &self.path, &Query::default(), self.body.as_ref())
    }

    fn parse(&self, resp: HttpResponse) -> Result<serde_json::Value, Error> {
        if resp.status().is_success() && resp.body().iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        wire::decode(&resp)
    }

    fn idempotent(&self) -> bool {
        matches!(self.method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        Config::new("token").unwrap()
    }

    #[test]
    fn bodies_headers_and_answers() {
        let op = RawRequest::put("/volumes/7", serde_json::json!({"name": "data"}));
        let request = op.to_request(&cfg()).unwrap();
        assert_eq!(request.method(), Method::PUT);
        assert_eq!(request.headers()["content-type"], "application/json");
        assert_eq!(request.body(), br#"{"name":"data"}"#);
        let answer =
            http::Response::builder().status(200).body(br#"{"volume": {"id": 7}}"#.to_vec()).unwrap();
        assert_eq!(op.parse(answer).unwrap()["volume"]["id"], 7);
        let empty = http::Response::builder().status(204).body(Vec::new()).unwrap();
        assert_eq!(RawRequest::delete("/volumes/7").parse(empty).unwrap(), serde_json::Value::Null);
        let error = http::Response::builder()
            .status(404)
            .body(br#"{"error": {"code": "not_found", "message": "x"}}"#.to_vec())
            .unwrap();
        assert!(RawRequest::get("/volumes/7").parse(error).unwrap_err().is_not_found());
    }

    #[test]
    fn only_paths_below_the_base_url() {
        for bad in ["servers", "//evil.example/x", "https://evil.example/x", "/servers#x"] {
            assert!(RawRequest::get(bad).to_request(&cfg()).is_err(), "{bad}");
        }
        assert!(RawRequest::get("/servers").idempotent() && !RawRequest::post("/servers", None).idempotent());
    }
}
