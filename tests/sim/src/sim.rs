//! The sans-IO simulator: state, request dispatch and the response envelope.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use http::header::{HeaderName, HeaderValue, ALLOW, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use serde::Serialize;
use serde_json::{json, Value};

use crate::catalog::Catalog;
use crate::config::SimConfig;
use crate::faults::{FaultKind, FaultRule, Reply};
use crate::model::{Action, Effect, Pagination, Server, SERVER_STATUSES};
use crate::rng::SplitMix64;
use crate::util::{rfc3339, Query};

const EXPOSED_HEADERS: &str = "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, X-Correlation-Id, Link";

/// A stateful, deterministic model of the Hetzner Cloud API's servers and actions.
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
    pub(crate) catalog: Catalog,
    pub(crate) now: Duration,
    pub(crate) servers: BTreeMap<u64, Server>,
    pub(crate) names: HashMap<String, u64>,
    pub(crate) actions: BTreeMap<u64, Action>,
    /// Unfinished actions ordered by (finish time, id), so settling is cheap.
    pub(crate) pending: BTreeSet<(Duration, u64)>,
    pub(crate) placement_groups: BTreeMap<u64, Vec<u64>>,
    pub(crate) next_server_id: u64,
    pub(crate) next_action_id: u64,
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
    pub allow: Option<&'static str>,
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
    pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Self {
        Self { status, body: to_json(value), link: None }
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

/// Page selection shared by all list endpoints.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    pub page: u64,
    pub per_page: u64,
}

impl Paging {
    pub(crate) const MAX_PER_PAGE: u64 = 50;

    pub(crate) fn parse(q: &Query) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        let mut num = |key: &str, default: u64| match q.get(key) {
            None => default,
            Some(v) => match v.parse::<u64>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    errors.push((key.to_owned(), "must be a positive integer".to_owned()));
                    default
                }
            },
        };
        let page = num("page", 1);
        let per_page = num("per_page", 25);
        if per_page > Self::MAX_PER_PAGE {
            errors.push((
                "per_page".to_owned(),
                format!("must be less than or equal to {}", Self::MAX_PER_PAGE),
            ));
        }
        if errors.is_empty() {
            Ok(Self { page, per_page })
        } else {
            Err(ApiError::invalid(&errors))
        }
    }

    /// The index range of this page within `total` items, and its metadata.
    pub(crate) fn window(&self, total: usize) -> (std::ops::Range<usize>, Pagination) {
        let total_u = total as u64;
        let last = total_u.div_ceil(self.per_page).max(1);
        let start = (self.page - 1).saturating_mul(self.per_page).min(total_u) as usize;
        let end = (start as u64 + self.per_page).min(total_u) as usize;
        let meta = Pagination {
            page: self.page,
            per_page: self.per_page,
            previous_page: (self.page > 1).then(|| (self.page - 1).min(last)),
            next_page: (self.page < last).then_some(self.page + 1),
            last_page: Some(last),
            total_entries: Some(total_u),
        };
        (start..end, meta)
    }
}

/// Parses repeatable `sort=field[:asc|:desc]` parameters.
pub(crate) fn parse_sort<'q>(q: &'q Query, fields: &[&str]) -> Result<Vec<(&'q str, bool)>, ApiError> {
    q.all("sort")
        .map(|s| {
            let (field, desc) = match s.split_once(':') {
                None => (s, false),
                Some((f, "asc")) => (f, false),
                Some((f, "desc")) => (f, true),
                Some(_) => return Err(ApiError::invalid_field("sort", format!("invalid sort value '{s}'"))),
            };
            if fields.contains(&field) {
                Ok((field, desc))
            } else {
                Err(ApiError::invalid_field("sort", format!("invalid sort value '{s}'")))
            }
        })
        .collect()
}

/// Sorts `items` by the parsed `sort` keys in order, ties broken by id, as the API does.
/// `compare` orders two items by one named field.
pub(crate) fn sort_by_keys<T>(
    items: &mut [&T],
    sorts: &[(&str, bool)],
    compare: impl Fn(&T, &T, &str) -> std::cmp::Ordering,
    id: impl Fn(&T) -> u64,
) {
    if sorts.is_empty() {
        return;
    }
    items.sort_by(|a, b| {
        sorts
            .iter()
            .map(|&(field, desc)| {
                let ord = compare(a, b, field);
                if desc {
                    ord.reverse()
                } else {
                    ord
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or_else(|| id(a).cmp(&id(b)))
    });
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
        Self {
            prefix,
            catalog: Catalog::builtin(),
            now: Duration::ZERO,
            servers: BTreeMap::new(),
            names: HashMap::new(),
            actions: BTreeMap::new(),
            pending: BTreeSet::new(),
            placement_groups: BTreeMap::new(),
            next_server_id: 1,
            next_action_id: 1,
            // Distinct streams: an extra request must not change the next password.
            secrets: SplitMix64::new(config.seed ^ 0x5EC2_E75E_C2E7_5EC2),
            correlation: SplitMix64::new(config.seed ^ 0xC022_E1A7_10C0_22E1),
            bucket_tokens,
            bucket_at: Duration::ZERO,
            faults: Vec::new(),
            config,
        }
    }

    /// The configuration this simulator was built with.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The latest virtual time seen (time never moves backwards).
    pub fn now(&self) -> Duration {
        self.now
    }

    /// Number of servers currently stored (including ones being deleted).
    pub fn server_count(&self) -> usize {
        self.servers.len()
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
                r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
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
        let reset = self.config.epoch_unix + (self.now.as_secs_f64() + until_full).ceil() as i64;
        (allowed, self.bucket_tokens.floor() as u32, reset)
    }

    fn route(&mut self, ctx: &Ctx<'_>) -> Handled {
        let segments: Vec<&str> = ctx.path.trim_start_matches('/').split('/').collect();
        let m = ctx.method;
        match segments.as_slice() {
            ["servers"] => match *m {
                Method::GET => self.list_servers(ctx),
                Method::POST => self.create_server(ctx),
                _ => Err(method_not_allowed("GET, POST, OPTIONS")),
            },
            ["servers", "actions"] => match *m {
                Method::GET => self.list_actions(ctx, crate::actions::Scope::AllServers),
                _ => Err(method_not_allowed("GET, OPTIONS")),
            },
            ["servers", "actions", id] => match *m {
                Method::GET => self.get_action(parse_id(id)?, crate::actions::Scope::AllServers),
                _ => Err(method_not_allowed("GET, OPTIONS")),
            },
            ["servers", id] => {
                let id = parse_id(id)?;
                match *m {
                    Method::GET => self.get_server(id),
                    Method::PUT => self.update_server(ctx, id),
                    Method::DELETE => self.delete_server(id),
                    _ => Err(method_not_allowed("GET, PUT, DELETE, OPTIONS")),
                }
            }
            ["servers", id, "actions"] => {
                let id = parse_id(id)?;
                match *m {
                    Method::GET => {
                        self.server(id)?;
                        self.list_actions(ctx, crate::actions::Scope::Server(id))
                    }
                    _ => Err(method_not_allowed("GET, OPTIONS")),
                }
            }
            ["servers", id, "actions", action] if action.bytes().all(|b| b.is_ascii_digit()) => {
                let id = parse_id(id)?;
                match *m {
                    Method::GET => {
                        self.server(id)?;
                        self.get_action(parse_id(action)?, crate::actions::Scope::Server(id))
                    }
                    _ => Err(method_not_allowed("GET, OPTIONS")),
                }
            }
            ["servers", id, "actions", verb] => {
                let id = parse_id(id)?;
                self.server_action(ctx, id, verb)
            }
            ["actions"] => match *m {
                Method::GET => self.list_actions(ctx, crate::actions::Scope::ById),
                _ => Err(method_not_allowed("GET, OPTIONS")),
            },
            ["actions", id] => match *m {
                Method::GET => self.get_action(parse_id(id)?, crate::actions::Scope::Any),
                _ => Err(method_not_allowed("GET, OPTIONS")),
            },
            _ => Err(ApiError::not_found("resource")),
        }
    }

    pub(crate) fn server(&self, id: u64) -> Result<&Server, ApiError> {
        self.servers.get(&id).ok_or_else(|| ApiError::not_found(&format!("server with ID '{id}'")))
    }

    /// Applies, in finishing order, the effects of every action finished by `now`.
    pub(crate) fn settle(&mut self) {
        while let Some(&(finish, id)) = self.pending.first() {
            if finish > self.now {
                break;
            }
            self.pending.pop_first();
            let Some(action) = self.actions.get_mut(&id) else {
                continue;
            };
            action.done = true;
            let (server_id, effect, ok) = (action.server, action.effect.clone(), !action.fails);
            self.finish_effect(server_id, id, effect, ok);
        }
    }

    fn finish_effect(&mut self, server_id: u64, action_id: u64, effect: Effect, ok: bool) {
        let Some(server) = self.servers.get_mut(&server_id) else {
            return;
        };
        server.running.retain(|&a| a != action_id);
        match (effect, ok) {
            (Effect::Create { start: false }, true) => server.status = "off",
            (Effect::Create { .. }, false) => server.status = "off",
            (Effect::Start, true) => server.status = "running",
            (Effect::Start, false) => server.status = "off",
            (Effect::Stop { .. }, true) => server.status = "off",
            (Effect::Stop { previous }, false) => server.status = previous,
            (Effect::Delete { .. }, true) => self.remove_server(server_id),
            (Effect::Delete { previous }, false) => server.status = previous,
            (Effect::Rescue(on), true) => server.rescue_enabled = on,
            (Effect::Backup(window), true) => server.backup_window = window,
            _ => {}
        }
    }

    fn remove_server(&mut self, id: u64) {
        if let Some(server) = self.servers.remove(&id) {
            self.names.remove(&server.name);
            if let Some(pg) = server.placement_group {
                if let Some(members) = self.placement_groups.get_mut(&pg) {
                    members.retain(|&s| s != id);
                }
            }
        }
    }

    /// Registers a running action on a server; it finishes at `finish_at`.
    pub(crate) fn start_action(
        &mut self,
        command: &'static str,
        server: u64,
        finish_at: Duration,
        effect: Effect,
        fails: bool,
    ) -> u64 {
        let id = self.next_action_id;
        self.next_action_id += 1;
        self.actions.insert(
            id,
            Action {
                id,
                command,
                started_at: self.now,
                started: rfc3339(self.config.epoch_unix, self.now),
                finish_at,
                fails,
                server,
                effect,
                done: false,
            },
        );
        self.pending.insert((finish_at, id));
        if let Some(s) = self.servers.get_mut(&server) {
            s.running.push(id);
        }
        id
    }

    /// An action with the configured duration and failure setting of `command`.
    pub(crate) fn start_configured_action(
        &mut self,
        command: &'static str,
        server: u64,
        effect: Effect,
    ) -> u64 {
        let finish = self.now + self.config.duration_of(command);
        let fails = self.config.fails(command);
        self.start_action(command, server, finish, effect, fails)
    }
}

pub(crate) fn method_not_allowed(allow: &'static str) -> ApiError {
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

pub(crate) fn valid_server_status(s: &str) -> bool {
    SERVER_STATUSES.contains(&s)
}

fn error_response(e: &ApiError) -> Response<Vec<u8>> {
    let mut r = Response::new(e.body());
    *r.status_mut() = e.status;
    r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(allow) = e.allow {
        r.headers_mut().insert(ALLOW, HeaderValue::from_static(allow));
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
