//! The sans-IO simulator: state, request dispatch and the response envelope.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use http::header::{HeaderName, HeaderValue, ALLOW, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use serde::Serialize;
use serde_json::{json, Value};

use crate::actions::Action;
use crate::config::SimConfig;
use crate::faults::{FaultKind, FaultRule, Reply};
use crate::rng::SplitMix64;
use crate::store::{Kind, Store};
use crate::util::Query;

const EXPOSED_HEADERS: &str = "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, X-Correlation-Id, Link";

/// A stateful, deterministic model of the Hetzner Cloud API: every operation of the
/// official spec, over resources kept as JSON objects.
///
/// It performs no I/O and reads no clock: the caller passes the current virtual
/// time into every call, so tests can jump through minutes of action progress in
/// microseconds. Two simulators built from equal configs and fed equal requests at
/// equal times answer byte for byte the same.
///
/// ```
/// use std::time::Duration;
/// use hcloud_sim::{SimConfig, Simulator};
///
/// let mut sim = Simulator::new(SimConfig::default());
/// let req = http::Request::post("/v1/servers")
///     .header("Authorization", "Bearer sim-token")
///     .body(br#"{"name":"web-1","server_type":"cx22","image":"ubuntu-24.04"}"#.to_vec())
///     .unwrap();
/// let resp = sim.handle(Duration::ZERO, req);
/// assert_eq!(resp.status(), 201);
///
/// let req = http::Request::get("/v1/servers?name=web-1")
///     .header("Authorization", "Bearer sim-token")
///     .body(Vec::new())
///     .unwrap();
/// let resp = sim.handle(Duration::from_secs(10), req);
/// let body: serde_json::Value = serde_json::from_slice(resp.body()).unwrap();
/// assert_eq!(body["servers"][0]["status"], "running");
/// ```
#[derive(Debug)]
pub struct Simulator {
    pub(crate) config: SimConfig,
    pub(crate) prefix: String,
    /// UNIX time of virtual time zero, for every timestamp the simulator writes.
    pub(crate) epoch: i64,
    pub(crate) now: Duration,
    pub(crate) store: Store,
    pub(crate) actions: BTreeMap<u64, Action>,
    /// Unfinished actions ordered by (finish time, id), so settling is cheap.
    pub(crate) pending: BTreeSet<(Duration, u64)>,
    pub(crate) next_action_id: u64,
    /// RRsets of all zones, by (zone, name, type).
    pub(crate) rrsets: BTreeMap<crate::resources::zones::RrsetKey, crate::store::Obj>,
    /// Counter behind every public address handed out.
    pub(crate) ip_counter: u64,
    /// While seeding, actions finish at once and never fail.
    pub(crate) instant: bool,
    pub(crate) secrets: SplitMix64,
    correlation: SplitMix64,
    bucket_tokens: f64,
    bucket_at: Duration,
    faults: Vec<FaultRule>,
}

/// An error answer in the API's envelope `{"error":{code,message,details}}`.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Option<Value>,
    /// Methods for the `Allow` header of a 405.
    pub allow: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), details: None, allow: None }
    }

    pub(crate) fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
    }

    /// `invalid_input` naming each offending field.
    pub(crate) fn invalid(fields: &[(String, String)]) -> Self {
        let names: Vec<String> = fields.iter().map(|(f, _)| format!("'{f}'")).collect();
        let message = match fields {
            [(f, m)] => format!("invalid input in field '{f}': {m}"),
            _ => format!("invalid input in fields {}", names.join(", ")),
        };
        // Group messages per field, keeping first-seen order.
        let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
        for (f, m) in fields {
            match grouped.iter_mut().find(|(g, _)| g == f) {
                Some((_, ms)) => ms.push(m.clone()),
                None => grouped.push((f.clone(), vec![m.clone()])),
            }
        }
        let details = json!({
            "fields": grouped
                .into_iter()
                .map(|(name, messages)| json!({"name": name, "messages": messages}))
                .collect::<Vec<_>>()
        });
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_input",
            message,
            details: Some(details),
            allow: None,
        }
    }

    /// `404 not_found` for a missing resource of a kind.
    pub(crate) fn missing(kind: Kind, id: u64) -> Self {
        Self::not_found(&format!("{} with ID '{id}'", kind.title()))
    }

    /// An error with a code of its own (`server_not_stopped`, `protected`, …).
    pub(crate) fn code(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY), code, message)
    }

    /// `409 uniqueness_error` naming the field.
    pub(crate) fn taken(field: &str, value: &str) -> Self {
        let mut e =
            Self::new(StatusCode::CONFLICT, "uniqueness_error", format!("{field} '{value}' is already used"));
        e.details = Some(json!({"fields": [{"name": field}]}));
        e
    }

    pub(crate) fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::invalid(&[(field.to_owned(), message.into())])
    }

    pub(crate) fn body(&self) -> Vec<u8> {
        to_json(&json!({
            "error": {"code": self.code, "message": self.message, "details": self.details}
        }))
    }
}

/// A successful answer before the envelope headers are added.
#[derive(Debug)]
pub(crate) struct Out {
    pub status: StatusCode,
    pub body: Vec<u8>,
    pub link: Option<String>,
}

impl Out {
    pub(crate) fn body<T: Serialize>(status: StatusCode, value: &T) -> Self {
        Self { status, body: to_json(value), link: None }
    }

    /// `204 No Content`.
    pub(crate) fn empty() -> Self {
        Self { status: StatusCode::NO_CONTENT, body: Vec::new(), link: None }
    }
}

pub(crate) type Handled = Result<Out, ApiError>;

pub(crate) fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    // Our views contain only string-keyed maps and finite numbers, so this
    // cannot fail; an empty object keeps the process alive if it ever did.
    serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec())
}

/// What a handler needs to know about the request.
pub(crate) struct Ctx<'a> {
    pub method: &'a Method,
    /// Path below the API prefix, e.g. `/servers/4`.
    pub path: &'a str,
    /// Full request path, e.g. `/v1/servers/4`, for building links.
    pub full_path: &'a str,
    pub query: Query,
    pub host: String,
    pub body: &'a [u8],
}

impl Default for Simulator {
    fn default() -> Self {
        Self::new(SimConfig::default())
    }
}

impl Simulator {
    /// A simulator with no servers and no actions, at virtual time zero.
    pub fn new(config: SimConfig) -> Self {
        let prefix = config.normalized_prefix();
        let bucket_tokens = f64::from(config.rate_limit_capacity);
        let mut sim = Self {
            prefix,
            epoch: config.epoch_unix.unwrap_or(crate::config::DEFAULT_EPOCH_UNIX),
            now: Duration::ZERO,
            store: Store::default(),
            actions: BTreeMap::new(),
            pending: BTreeSet::new(),
            next_action_id: 1,
            rrsets: BTreeMap::new(),
            ip_counter: 0,
            instant: false,
            // Distinct streams: an extra request must not change the next password.
            secrets: SplitMix64::new(config.seed ^ 0x5EC2_E75E_C2E7_5EC2),
            correlation: SplitMix64::new(config.seed ^ 0xC022_E1A7_10C0_22E1),
            bucket_tokens,
            bucket_at: Duration::ZERO,
            faults: Vec::new(),
            config,
        };
        crate::catalog::install(&mut sim.store);
        sim
    }

    /// The configuration this simulator was built with.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The latest virtual time seen (time never moves backwards).
    pub fn now(&self) -> Duration {
        self.now
    }

    /// Number of servers currently stored.
    pub fn server_count(&self) -> usize {
        self.store.len(Kind::Server)
    }

    /// Number of stored resources of a kind, by its collection name (`"volumes"`),
    /// or `None` for an unknown collection.
    pub fn count(&self, collection: &str) -> Option<usize> {
        Kind::from_plural(collection).map(|k| self.store.len(k))
    }

    /// UNIX time that virtual time zero stands for.
    pub fn epoch_unix(&self) -> i64 {
        self.epoch
    }

    /// Sets the UNIX time of virtual time zero (a server with a real clock uses
    /// the wall clock at its start). Timestamps already written keep their value.
    pub fn set_epoch_unix(&mut self, epoch: i64) {
        self.epoch = epoch;
    }

    /// Moves virtual time forward and applies the effects of actions that finished
    /// meanwhile, without a request. Earlier times are ignored.
    pub fn advance_to(&mut self, now: Duration) {
        self.now = self.now.max(now);
        self.settle();
    }

    /// Adds a fault rule; rules are tried in insertion order, first match wins.
    pub fn inject_fault(&mut self, rule: FaultRule) {
        self.faults.push(rule);
    }

    /// Removes all fault rules.
    pub fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// Fault rules still active (rules with a `times` budget vanish once spent).
    pub fn faults(&self) -> &[FaultRule] {
        &self.faults
    }

    /// Answers one request at virtual time `now`, folding transport-level faults
    /// into the response as described in [`Reply::into_response`].
    pub fn handle(&mut self, now: Duration, req: Request<Vec<u8>>) -> Response<Vec<u8>> {
        self.handle_with_fault(now, req).into_response()
    }

    /// Answers one request at virtual time `now`, telling the transport about
    /// injected delays, truncations and dropped connections.
    pub fn handle_with_fault(&mut self, now: Duration, req: Request<Vec<u8>>) -> Reply {
        self.advance_to(now);
        let correlation_id = self.correlation.uuid();
        let (parts, body) = req.into_parts();
        let full_path = parts.uri.path().to_owned();
        if let Some(rest) = crate::control::below_control(&full_path) {
            let mut r = self.control(&parts.method, rest, parts.uri.query(), &body);
            decorate(&mut r, &correlation_id);
            return Reply::Respond(r);
        }
        let below_prefix = self.below_prefix(&full_path).map(str::to_owned);
        let fault_path = below_prefix.as_deref().unwrap_or(&full_path);

        let fault = self.take_fault(&parts.method, fault_path);
        let early = |status: StatusCode, code: &'static str, msg: &str| {
            let mut r = error_response(&ApiError::new(status, code, msg));
            decorate(&mut r, &correlation_id);
            Reply::Respond(r)
        };
        match fault {
            Some(FaultKind::BadGateway) => {
                let html = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";
                let mut r = Response::new(html.to_vec());
                *r.status_mut() = StatusCode::BAD_GATEWAY;
                r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
                decorate(&mut r, &correlation_id);
                return Reply::Respond(r);
            }
            Some(FaultKind::Unavailable) => {
                return early(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "service is currently not available",
                )
            }
            Some(FaultKind::Timeout) => {
                return early(
                    StatusCode::GATEWAY_TIMEOUT,
                    "timeout",
                    "the request could not be answered in time, please retry",
                )
            }
            Some(FaultKind::Error { status, code, message }) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                // Rendered directly because the code is caller-chosen, not one of ours.
                let mut r = Response::new(to_json(&json!({
                    "error": {"code": code, "message": message, "details": null}
                })));
                *r.status_mut() = status;
                r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                decorate(&mut r, &correlation_id);
                return Reply::Respond(r);
            }
            Some(FaultKind::Drop) => return Reply::Drop,
            _ => {}
        }

        let host = parts
            .headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned)
            .or_else(|| parts.uri.authority().map(|a| a.to_string()))
            .unwrap_or_else(|| "localhost".to_owned());
        let ctx = Ctx {
            method: &parts.method,
            path: below_prefix.as_deref().unwrap_or(""),
            full_path: &full_path,
            query: Query::parse(parts.uri.query()),
            host,
            body: &body,
        };
        let mut resp = self.respond(&ctx, &parts.headers, below_prefix.is_some());
        decorate(&mut resp, &correlation_id);
        match fault {
            Some(FaultKind::Delay(d)) => Reply::Delay(d, resp),
            Some(FaultKind::Truncate) => Reply::Truncate(resp),
            Some(FaultKind::DropAfterProcessing) => Reply::Drop,
            _ => Reply::Respond(resp),
        }
    }

    /// The path below the API prefix, if the path is inside it.
    fn below_prefix<'p>(&self, path: &'p str) -> Option<&'p str> {
        let rest = path.strip_prefix(self.prefix.as_str())?;
        (rest.is_empty() || rest.starts_with('/')).then_some(rest)
    }

    fn take_fault(&mut self, method: &Method, path: &str) -> Option<FaultKind> {
        // A rule built with `times(0)` is spent before it starts.
        self.faults.retain(|r| r.remaining != Some(0));
        for i in 0..self.faults.len() {
            let rule = &mut self.faults[i];
            if !rule.matches(method, path) {
                continue;
            }
            if rule.skip > 0 {
                rule.skip -= 1;
                continue;
            }
            let kind = rule.kind.clone();
            if let Some(n) = rule.remaining.as_mut() {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.faults.remove(i);
                }
            }
            return Some(kind);
        }
        None
    }

    /// Preflight, rate limit, authentication, routing; adds rate-limit headers.
    fn respond(&mut self, ctx: &Ctx<'_>, headers: &http::HeaderMap, in_prefix: bool) -> Response<Vec<u8>> {
        if ctx.method == Method::OPTIONS {
            let mut r = Response::new(Vec::new());
            *r.status_mut() = StatusCode::NO_CONTENT;
            let h = r.headers_mut();
            h.insert(
                "access-control-allow-methods",
                HeaderValue::from_static("GET, POST, PUT, DELETE, OPTIONS"),
            );
            h.insert("access-control-allow-headers", HeaderValue::from_static("Authorization, Content-Type"));
            h.insert("access-control-max-age", HeaderValue::from_static("600"));
            return r;
        }

        let (allowed, remaining, reset) = self.take_token();
        let result = if !allowed {
            Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_exceeded",
                "limit of requests per hour reached",
            ))
        } else if !self.authorized(headers) {
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "unable to authenticate"))
        } else if !in_prefix {
            Err(ApiError::not_found("resource"))
        } else {
            self.route(ctx)
        };

        let mut resp = match result {
            Ok(out) => {
                let mut r = Response::new(out.body);
                *r.status_mut() = out.status;
                // A 204 has no body, so no content type either (clients parse JSON by it).
                if out.status != StatusCode::NO_CONTENT {
                    r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                }
                if let Some(link) = out.link.and_then(|l| HeaderValue::from_str(&l).ok()) {
                    r.headers_mut().insert(http::header::LINK, link);
                }
                r
            }
            Err(e) => error_response(&e),
        };
        let h = resp.headers_mut();
        h.insert("ratelimit-limit", self.config.rate_limit_capacity.into());
        h.insert("ratelimit-remaining", remaining.into());
        h.insert("ratelimit-reset", reset.into());
        resp
    }

    /// Refills the rate-limit bucket, e.g. after its size changed.
    pub(crate) fn reset_bucket(&mut self, capacity: u32) {
        self.bucket_tokens = f64::from(capacity);
        self.bucket_at = self.now;
    }

    fn authorized(&self, headers: &http::HeaderMap) -> bool {
        headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| t.trim() == self.config.token)
    }

    /// Token bucket: refills continuously; returns (allowed, remaining, reset as UNIX time).
    fn take_token(&mut self) -> (bool, u32, i64) {
        let capacity = f64::from(self.config.rate_limit_capacity);
        let rate = self.config.rate_limit_refill_per_sec;
        let elapsed = self.now.saturating_sub(self.bucket_at).as_secs_f64();
        if rate > 0.0 {
            self.bucket_tokens = (self.bucket_tokens + elapsed * rate).min(capacity);
        }
        self.bucket_at = self.now;
        let allowed = self.bucket_tokens >= 1.0;
        if allowed {
            self.bucket_tokens -= 1.0;
        }
        let missing = (capacity - self.bucket_tokens).max(0.0);
        let until_full = if missing == 0.0 {
            0.0
        } else if rate > 0.0 {
            missing / rate
        } else {
            // Never refills: report a far-future reset rather than a lie.
            1e9
        };
        let reset = self.epoch + (self.now.as_secs_f64() + until_full).ceil() as i64;
        (allowed, self.bucket_tokens.floor() as u32, reset)
    }
}

pub(crate) fn method_not_allowed_for(allow: String) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "the request method is not allowed for this resource",
    );
    e.allow = Some(allow);
    e
}

/// Ids must be positive integers; anything else is an input error, not a miss.
pub(crate) fn parse_id(s: &str) -> Result<u64, ApiError> {
    match s.parse::<u64>() {
        Ok(id) if id >= 1 => Ok(id),
        _ => Err(ApiError::invalid_field("id", format!("'{s}' is not a valid ID"))),
    }
}

pub(crate) fn error_response(e: &ApiError) -> Response<Vec<u8>> {
    let mut r = Response::new(e.body());
    *r.status_mut() = e.status;
    r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(allow) = e.allow.as_deref().and_then(|a| HeaderValue::from_str(a).ok()) {
        r.headers_mut().insert(ALLOW, allow);
    }
    r
}

/// Headers every answer carries, faults included.
fn decorate(r: &mut Response<Vec<u8>>, correlation_id: &str) {
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(correlation_id) {
        h.insert(HeaderName::from_static("x-correlation-id"), v);
    }
    h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    h.insert("access-control-expose-headers", HeaderValue::from_static(EXPOSED_HEADERS));
}
