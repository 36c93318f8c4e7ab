//! What a driver reports about the calls it runs. With the `tracing` feature, each call is a
//! span (`hcloud.call`) and each exchange, backoff and pause between the rounds of a wait is
//! an event in it; without it, all of this compiles to nothing.
//!
//! Events carry the method, the path template (`/servers/{id}`, never the ids or names in the
//! path), the operation, the page, the attempt, the status, the error code and the
//! correlation id; backoffs and pauses their length and the round. Never a token, a password,
//! a query or a body: nothing here reads a header other than the correlation id, or a body
//! other than the code of an error envelope.
//!
//! Drivers call it from their loop; the core itself never emits anything, so a driver of
//! your own reports the same by calling the same methods.

use std::sync::OnceLock;
use std::time::Duration;

use crate::config::Config;
use crate::error::{Error, TransportFailure};
use crate::wire::{HttpRequest, HttpResponse};

/// One row of the endpoint table: method, path template split into segments, operationId.
type Row = (&'static str, Vec<&'static str>, &'static str);

/// Every endpoint of the API, read once from the table the generator writes for the docs.
fn endpoints() -> &'static [Row] {
    static TABLE: OnceLock<Vec<Row>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("../api/endpoints.md")
            .lines()
            .filter_map(|line| {
                let endpoint = line.strip_prefix("| `")?.split('`').next()?;
                let (method, path) = endpoint.split_once(' ')?;
                let operation = line.split("[`").nth(2)?.split('`').next()?;
                Some((method, path.split('/').filter(|s| !s.is_empty()).collect(), operation))
            })
            .collect()
    })
}

/// The operation a request performs and its path template, found from the request's method
/// and path below the configured endpoint: `("get_server", "/servers/{id}")`.
pub fn endpoint_of(cfg: &Config, request: &HttpRequest) -> Option<(&'static str, String)> {
    let base = cfg.endpoint().split_once("://").map_or("", |(_, rest)| rest);
    let base_path = base.find('/').map_or("", |at| &base[at..]);
    let path = request.uri().path().strip_prefix(base_path)?;
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let method = request.method().as_str();
    endpoints()
        .iter()
        .filter(|(m, template, _)| {
            *m == method
                && template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| t.starts_with('{') || t == s)
        })
        // `/servers/actions` over `/servers/{id}`: the most literal segments win.
        .max_by_key(|(_, template, _)| template.iter().filter(|t| !t.starts_with('{')).count())
        .map(|(_, template, operation)| (*operation, format!("/{}", template.join("/"))))
}

/// The `page` query parameter of a request.
fn page_of(request: &HttpRequest) -> Option<u64> {
    request.uri().query()?.split('&').find_map(|pair| pair.strip_prefix("page=")?.parse().ok())
}

/// Follows one call (one run of a machine) for reporting: the attempt of each request, the
/// rounds of a wait, and whether a pause is a backoff or a wait between rounds.
#[derive(Debug)]
pub struct CallTrace {
    #[cfg(feature = "tracing")]
    cfg: Config,
    last_uri: Option<String>,
    attempt: u32,
    last_failed: bool,
    round: u32,
    current: Option<Exchange>,
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

/// The call's span, entered until this is dropped; from [`CallTrace::entered`].
#[derive(Debug)]
#[must_use = "the span is left when this is dropped"]
pub struct Entered(
    // Held for its drop, which leaves the span.
    #[cfg(feature = "tracing")]
    #[allow(dead_code)]
    tracing::span::EnteredSpan,
    #[cfg(not(feature = "tracing"))] (),
);

/// Puts a future inside a call's span; from [`CallTrace::instrumenter`].
#[derive(Debug)]
pub struct Instrumenter {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

impl Instrumenter {
    /// `future`, run inside the call's span.
    pub fn instrument<F: std::future::Future>(
        self,
        future: F,
    ) -> impl std::future::Future<Output = F::Output> {
        #[cfg(feature = "tracing")]
        return tracing::Instrument::instrument(future, self.span);
        #[cfg(not(feature = "tracing"))]
        future
    }
}

/// What is known of the request in flight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// The HTTP method.
    pub method: String,
    /// The path template, such as `/servers/{id}`, or `?` for a path outside the API (empty
    /// without the `tracing` feature, which alone reports it).
    pub path: String,
    /// The operation's `operationId`, or `?` (always `?` without the `tracing` feature).
    pub operation: &'static str,
    /// The page asked for, for lists.
    pub page: Option<u64>,
    /// 1 for the first attempt of this request, 2 for its first retry, and so on.
    pub attempt: u32,
}

impl CallTrace {
    /// Starts following a call of `machine` (a type name, for the span).
    pub fn new(cfg: &Config, machine: &str) -> Self {
        let machine = short_type_name(machine);
        #[cfg(not(feature = "tracing"))]
        let _ = machine;
        #[cfg(not(feature = "tracing"))]
        let _ = cfg;
        Self {
            #[cfg(feature = "tracing")]
            cfg: cfg.clone(),
            last_uri: None,
            attempt: 0,
            last_failed: false,
            round: 0,
            current: None,
            #[cfg(feature = "tracing")]
            span: tracing::debug_span!(target: "hcloud", "hcloud.call", machine = %machine),
        }
    }

    /// The span of the call.
    #[cfg(feature = "tracing")]
    pub fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// Enters the call's span on this thread until the guard is dropped (for a blocking
    /// driver).
    pub fn entered(&self) -> Entered {
        #[cfg(feature = "tracing")]
        return Entered(self.span.clone().entered());
        #[cfg(not(feature = "tracing"))]
        Entered(())
    }

    /// What puts a future inside the call's span (for an async driver, whose loop is a
    /// future that owns this trace).
    pub fn instrumenter(&self) -> Instrumenter {
        Instrumenter {
            #[cfg(feature = "tracing")]
            span: self.span.clone(),
        }
    }

    /// A request is about to be sent.
    pub fn sending(&mut self, request: &HttpRequest) -> &Exchange {
        let uri = request.uri().to_string();
        if self.last_uri.as_deref() == Some(uri.as_str()) {
            self.attempt = self.attempt.saturating_add(1);
        } else {
            self.attempt = 1;
            self.last_uri = Some(uri);
        }
        // Finding the template costs a look through every endpoint: only when it is reported.
        #[cfg(feature = "tracing")]
        let (operation, path) = endpoint_of(&self.cfg, request).unwrap_or(("?", "?".to_owned()));
        #[cfg(not(feature = "tracing"))]
        let (operation, path) = ("?", String::new());
        self.current.insert(Exchange {
            method: request.method().as_str().to_owned(),
            path,
            operation,
            page: page_of(request),
            attempt: self.attempt,
        })
    }

    /// The request in flight was answered.
    pub fn answered(&mut self, response: &HttpResponse) {
        let status = response.status();
        self.last_failed = !status.is_success();
        let Some(exchange) = self.current.take() else { return };
        #[cfg(feature = "tracing")]
        {
            use crate::runtime::text::{capped, MAX_SHOWN_CHARS};
            let shown = |text: &str| capped(text, MAX_SHOWN_CHARS).into_owned();
            let correlation_id = crate::wire::correlation_id(response.headers()).map(|id| shown(&id));
            let code = (!status.is_success())
                .then(|| crate::wire::error_from(response).code().map(|code| shown(code.as_str())))
                .flatten();
            let answer = Outcome::Answer { status: status.as_u16(), code, correlation_id };
            report(&exchange, answer);
        }
        #[cfg(not(feature = "tracing"))]
        let _ = exchange;
    }

    /// The request in flight failed in transport.
    pub fn failed(&mut self, failure: TransportFailure) {
        self.last_failed = true;
        let Some(exchange) = self.current.take() else { return };
        #[cfg(feature = "tracing")]
        report(&exchange, Outcome::Failure(failure));
        #[cfg(not(feature = "tracing"))]
        let _ = (exchange, failure);
    }

    /// The machine asked to pause: a backoff after a failed exchange, otherwise a pause
    /// before the next round of a wait.
    pub fn sleeping(&mut self, duration: Duration) {
        let millis = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
        if self.last_failed {
            #[cfg(feature = "tracing")]
            tracing::debug!(target: "hcloud", backoff_ms = millis, attempt = self.attempt, "backing off");
        } else {
            self.round = self.round.saturating_add(1);
            #[cfg(feature = "tracing")]
            tracing::debug!(target: "hcloud", pause_ms = millis, round = self.round, "waiting");
        }
        #[cfg(not(feature = "tracing"))]
        let _ = millis;
    }

    /// The call ended, with `error` if it failed.
    pub fn finished(&mut self, error: Option<&Error>) {
        #[cfg(feature = "tracing")]
        match error {
            Some(error) => tracing::debug!(target: "hcloud", error = %error, "call failed"),
            None => tracing::debug!(target: "hcloud", "call done"),
        }
        #[cfg(not(feature = "tracing"))]
        let _ = error;
    }

    /// Pauses between rounds reported so far.
    pub fn rounds(&self) -> u32 {
        self.round
    }
}

/// How an exchange ended.
#[cfg(feature = "tracing")]
enum Outcome {
    Answer { status: u16, code: Option<String>, correlation_id: Option<String> },
    Failure(TransportFailure),
}

/// The one event per exchange.
#[cfg(feature = "tracing")]
fn report(exchange: &Exchange, outcome: Outcome) {
    let (status, code, correlation_id, failure) = match outcome {
        Outcome::Answer { status, code, correlation_id } => (Some(status), code, correlation_id, None),
        Outcome::Failure(failure) => (None, None, None, Some(failure.to_string())),
    };
    tracing::debug!(
        target: "hcloud",
        method = %exchange.method,
        path = %exchange.path,
        operation = exchange.operation,
        page = exchange.page,
        attempt = exchange.attempt,
        status,
        code = code.as_deref(),
        correlation_id = correlation_id.as_deref(),
        failure = failure.as_deref(),
        "exchange"
    );
}

/// `hcloud_core::retry::Retrying<hcloud_core::servers::GetServer>` → `Retrying<GetServer>`.
fn short_type_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut word = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
        } else {
            out.push_str(word.rsplit("::").next().unwrap_or(&word));
            word.clear();
            out.push(c);
        }
    }
    out.push_str(word.rsplit("::").next().unwrap_or(&word));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::Operation;

    fn request(method: &str, url: &str) -> HttpRequest {
        http::Request::builder().method(method).uri(url).body(Vec::new()).unwrap()
    }

    #[test]
    fn requests_map_to_their_operation_and_path_template() {
        let cfg = Config::new("t").unwrap();
        let of = |method, url| endpoint_of(&cfg, &request(method, url));
        assert_eq!(
            of("GET", "https://api.hetzner.cloud/v1/servers/42"),
            Some(("get_server", "/servers/{id}".into()))
        );
        assert_eq!(
            of("GET", "https://api.hetzner.cloud/v1/servers/actions?page=2"),
            Some(("list_servers_actions", "/servers/actions".into()))
        );
        assert_eq!(
            of("POST", "https://api.hetzner.cloud/v1/servers"),
            Some(("create_server", "/servers".into()))
        );
        assert_eq!(of("GET", "https://api.hetzner.cloud/v1/nope"), None);
        let local = Config::new("t").unwrap().with_endpoint("http://127.0.0.1:8080/prefix/v1").unwrap();
        let get = crate::servers::GetServer { id: crate::ServerId(7) }.to_request(&local).unwrap();
        assert_eq!(endpoint_of(&local, &get), Some(("get_server", "/servers/{id}".into())));
    }

    #[test]
    fn every_operation_of_the_table_is_found_by_its_own_path() {
        let rows = endpoints();
        assert!(rows.len() >= 180, "{}", rows.len());
        let cfg = Config::new("t").unwrap();
        for (method, template, operation) in rows {
            let path: Vec<String> = template
                .iter()
                .map(|s| if s.starts_with('{') { "x1".to_owned() } else { (*s).to_owned() })
                .collect();
            let url = format!("https://api.hetzner.cloud/v1/{}", path.join("/"));
            let found = endpoint_of(&cfg, &request(method, &url)).map(|(op, _)| op);
            assert_eq!(found, Some(*operation), "{method} {url}");
        }
    }

    #[test]
    fn attempts_count_resends_and_pauses_are_told_apart() {
        let cfg = Config::new("t").unwrap();
        let mut trace = CallTrace::new(&cfg, "hcloud_core::retry::Retrying<hcloud_core::servers::GetServer>");
        let get = request("GET", "https://api.hetzner.cloud/v1/servers?page=3");
        assert_eq!(trace.sending(&get).attempt, 1);
        assert_eq!(trace.sending(&get).page, Some(3));
        trace.failed(TransportFailure::timeout());
        trace.sleeping(Duration::from_secs(1));
        assert_eq!(trace.rounds(), 0, "a pause after a failure is a backoff");
        assert_eq!(trace.sending(&get).attempt, 3);
        trace.answered(&http::Response::builder().status(200).body(Vec::new()).unwrap());
        trace.sleeping(Duration::from_secs(1));
        assert_eq!(trace.rounds(), 1);
        assert_eq!(trace.sending(&request("GET", "https://api.hetzner.cloud/v1/servers/1")).attempt, 1);
        assert_eq!(
            short_type_name("hcloud_core::retry::Retrying<hcloud_core::servers::GetServer>"),
            "Retrying<GetServer>"
        );
    }
}
