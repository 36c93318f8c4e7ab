//! Fault injection: rules that make chosen requests fail the way real networks,
//! proxies and overloaded backends do.

use std::time::Duration;

use http::{Method, Response};

/// What goes wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// `502 Bad Gateway` with an HTML body, as a load balancer in front of the API
    /// would send it. The request does not reach the API.
    BadGateway,
    /// `503` with the JSON error envelope, code `unavailable`. Not processed.
    Unavailable,
    /// `504` with the JSON error envelope, code `timeout`. Not processed.
    Timeout,
    /// Any JSON error envelope with the given status and code. Not processed.
    Error {
        /// HTTP status code.
        status: u16,
        /// Value of `error.code`.
        code: String,
        /// Value of `error.message`.
        message: String,
    },
    /// The request is processed normally, but the answer is held back this long.
    /// [`Simulator::handle_with_fault`](crate::Simulator::handle_with_fault) returns
    /// the delay as data; only the HTTP server really waits.
    Delay(Duration),
    /// The request is processed, then the answer is cut: the HTTP server announces
    /// the full `Content-Length`, writes half the body and closes the connection.
    Truncate,
    /// The connection is closed without an answer; the request is *not* processed.
    Drop,
    /// The request *is* processed (state changes), then the connection is closed
    /// without an answer: the case that makes retrying non-idempotent calls unsafe.
    DropAfterProcessing,
}

/// A rule selecting which requests suffer a [`FaultKind`].
///
/// ```
/// use hcloud_sim::{FaultKind, FaultRule};
/// use http::Method;
/// // The second POST to /servers (and only that one) gets a 503.
/// let rule = FaultRule::new(FaultKind::Unavailable)
///     .method(Method::POST)
///     .path("/servers")
///     .after(1)
///     .times(1);
/// # let _ = rule;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// The fault to inject.
    pub kind: FaultKind,
    /// Only requests with this method match (any when `None`).
    pub method: Option<Method>,
    /// Only requests whose path, after the API prefix, starts with this match
    /// (e.g. `/servers`); the empty string matches every path.
    pub path_prefix: String,
    /// Matching requests to let through untouched before the rule fires.
    pub skip: u32,
    /// How many times the rule fires before it is removed (`None`: forever).
    pub remaining: Option<u32>,
}

impl FaultRule {
    /// A rule that fires on every request, forever.
    pub fn new(kind: FaultKind) -> Self {
        Self { kind, method: None, path_prefix: String::new(), skip: 0, remaining: None }
    }

    /// Restricts the rule to one method.
    pub fn method(mut self, method: Method) -> Self {
        self.method = Some(method);
        self
    }

    /// Restricts the rule to paths (after the API prefix) starting with `prefix`.
    pub fn path(mut self, prefix: impl Into<String>) -> Self {
        self.path_prefix = prefix.into();
        self
    }

    /// Lets the first `n` matching requests through before firing.
    pub fn after(mut self, n: u32) -> Self {
        self.skip = n;
        self
    }

    /// Fires for the next `n` matching requests only.
    pub fn times(mut self, n: u32) -> Self {
        self.remaining = Some(n);
        self
    }

    pub(crate) fn matches(&self, method: &Method, path: &str) -> bool {
        self.method.as_ref().is_none_or(|m| m == method) && path.starts_with(&self.path_prefix)
    }
}

/// What the transport should do with one request, as decided by the simulator.
#[derive(Debug)]
pub enum Reply {
    /// Send this response.
    Respond(Response<Vec<u8>>),
    /// Wait, then send this response.
    Delay(Duration, Response<Vec<u8>>),
    /// Announce this response's full length, send half of its body, close.
    Truncate(Response<Vec<u8>>),
    /// Close the connection without answering.
    Drop,
}

impl Reply {
    /// Folds the transport-level fault into a plain response, for in-process use:
    /// a delay is ignored, a truncated reply keeps half of its body while its
    /// `Content-Length` header still announces the whole, and a dropped connection
    /// becomes an empty `502` carrying the header `X-Sim-Fault: drop`.
    pub fn into_response(self) -> Response<Vec<u8>> {
        match self {
            Reply::Respond(r) | Reply::Delay(_, r) => r,
            Reply::Truncate(r) => {
                let (mut parts, mut body) = r.into_parts();
                let full = body.len();
                body.truncate(full / 2);
                parts.headers.insert(http::header::CONTENT_LENGTH, full.into());
                parts.headers.insert("x-sim-fault", http::HeaderValue::from_static("truncate"));
                Response::from_parts(parts, body)
            }
            Reply::Drop => {
                let mut r = Response::new(Vec::new());
                *r.status_mut() = http::StatusCode::BAD_GATEWAY;
                r.headers_mut().insert("x-sim-fault", http::HeaderValue::from_static("drop"));
                r
            }
        }
    }

    /// The response, unless the connection is to be dropped.
    pub fn response(&self) -> Option<&Response<Vec<u8>>> {
        match self {
            Reply::Respond(r) | Reply::Delay(_, r) | Reply::Truncate(r) => Some(r),
            Reply::Drop => None,
        }
    }
}
