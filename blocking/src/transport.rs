//! The transport: how one HTTP exchange is performed.
//!
//! The client hands every request the core builds to a [`Transport`] and gives the core
//! whatever comes back. The default is [`UreqTransport`], a [`ureq::Agent`] with the TLS the
//! crate's features pick (rustls by default, the platform's with `native-tls`); tests and
//! unusual environments plug in their own with
//! [`ClientBuilder::transport`](crate::ClientBuilder::transport).

use std::io;
use std::time::Duration;

pub use hcloud_core::TransportError;
#[cfg(any(feature = "rustls", feature = "native-tls"))]
use ureq::tls::{RootCerts, TlsConfig, TlsProvider};
use ureq::unversioned::transport::{ConnectionDetails, Connector, DefaultConnector};

use crate::resolver::{CachingResolver, LookupFailed, ADDRESS_TTL};
use hcloud_core::{HttpRequest, HttpResponse, TimeLeft, TransportFailure, TransportFailureKind};

/// The largest response body the default transport reads: 64 MiB.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The default time allowed to establish a connection (DNS, TCP and TLS): 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The default time allowed for one whole exchange, body included: 60 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Performs one HTTP exchange.
///
/// An implementation sends the request exactly as given (method, URL, every header including
/// repeated ones, every body byte) and returns the whole response, whatever its status: a
/// `404` or `500` is a response, not an error. Only a failure to complete the exchange is a
/// [`TransportError`], classified so the core can decide whether resending is safe.
///
/// Any `Fn(HttpRequest) -> Result<HttpResponse, TransportError>` closure is a transport,
/// which makes in-memory transports for tests one-liners.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and returns the complete response.
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

impl<F> Transport for F
where
    F: Fn(HttpRequest) -> Result<HttpResponse, TransportError> + Send + Sync + 'static,
{
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self(request)
    }
}

/// The default transport: a [`ureq::Agent`] using rustls, or the platform's TLS with the
/// `native-tls` feature.
///
/// Whatever agent it wraps, each request is configured so that 4xx and 5xx answers come back
/// as responses and redirects are not followed, so the core sees exactly what the server
/// said. Response bodies are read whole, up to [`MAX_BODY_BYTES`].
#[derive(Clone, Debug)]
pub struct UreqTransport {
    agent: ureq::Agent,
}

impl UreqTransport {
    /// A transport with a fresh agent using these timeouts (see [`default_agent`]).
    pub fn new(connect_timeout: Duration, timeout: Duration) -> Self {
        Self { agent: default_agent(connect_timeout, timeout) }
    }

    /// A transport over an agent you configured yourself (proxy, TLS roots, timeouts).
    ///
    /// Failures of its name lookups and connections are classified from ureq's error alone;
    /// the default agent's resolver and connector mark them, so that a TLS handshake that
    /// failed is known not to have sent the request. Build yours with
    /// `ureq::Agent::with_parts` if you need that too.
    pub fn with_agent(agent: ureq::Agent) -> Self {
        Self { agent }
    }

    /// The agent in use.
    pub fn agent(&self) -> &ureq::Agent {
        &self.agent
    }
}

impl Default for UreqTransport {
    /// [`DEFAULT_CONNECT_TIMEOUT`] and [`DEFAULT_TIMEOUT`].
    fn default() -> Self {
        Self::new(DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT)
    }
}

/// The agent the client builds by default: the TLS the features pick (see `tls_config`), the
/// given connect timeout (which also bounds the name lookup) and whole-call timeout, no
/// redirects, 4xx/5xx as responses. Failures while resolving or connecting (TCP, TLS) are
/// marked as such, so that they are classified as not sent.
pub fn default_agent(connect_timeout: Duration, timeout: Duration) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_resolve(Some(connect_timeout))
        .timeout_connect(Some(connect_timeout))
        .timeout_global(Some(timeout));
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    let config = config.tls_config(tls_config());
    let config = config.build();
    ureq::Agent::with_parts(config, ConnectPhase::default(), CachingResolver::new(ADDRESS_TTL))
}

/// ureq's connectors (TCP, TLS, proxies), with their failures marked as failures to connect:
/// nothing of the request has been written while a connection is being made, whatever the
/// error (a refused port, an untrusted certificate, a TLS handshake with a plain-text
/// server).
#[derive(Debug, Default)]
struct ConnectPhase(DefaultConnector);

impl Connector<()> for ConnectPhase {
    type Out = <DefaultConnector as Connector<()>>::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        self.0.connect(details, chained).map_err(|error| match error {
            ureq::Error::Timeout(_) => ureq::Error::Timeout(ureq::Timeout::Connect),
            other => {
                let kind = match &other {
                    ureq::Error::Io(io) => io.kind(),
                    _ => io::ErrorKind::ConnectionAborted,
                };
                let target = details.uri.authority().map_or_else(String::new, |a| a.to_string());
                ureq::Error::Io(io::Error::new(kind, ConnectFailed { target, source: other }))
            }
        })
    }
}

/// Connecting (TCP, or the TLS handshake) failed: the request was not sent.
#[derive(Debug)]
pub struct ConnectFailed {
    target: String,
    source: ureq::Error,
}

impl std::fmt::Display for ConnectFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not connect to {}: {}", self.target, self.source)
    }
}

impl std::error::Error for ConnectFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The TLS settings of [`default_agent`]: with the `native-tls` feature, the platform's TLS
/// library and its root certificates; otherwise rustls with the Mozilla roots compiled in.
///
/// ureq never picks native TLS on its own: an agent built without this setting panics at the
/// first `https://` request when only `native-tls` is compiled in. Without either feature
/// there is no TLS to configure, and `https://` requests fail, unsent.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
pub fn tls_config() -> TlsConfig {
    if cfg!(feature = "native-tls") {
        TlsConfig::builder().provider(TlsProvider::NativeTls).root_certs(RootCerts::PlatformVerifier).build()
    } else {
        TlsConfig::default()
    }
}

impl Transport for UreqTransport {
    /// Sends `request`. When it carries a [`TimeLeft`] (a wait with a deadline), the whole
    /// exchange may take no longer than that.
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let time_left = TimeLeft::of(&request);
        let response = match into_ureq_request(request) {
            OutgoingRequest::Empty(request) => self.agent.run(configure(&self.agent, request, time_left)),
            OutgoingRequest::WithBody(request) => self.agent.run(configure(&self.agent, request, time_left)),
        }
        .map_err(|error| TransportError::new(classify(&error), error))?;
        from_ureq_response(response).map_err(|error| {
            // The response head arrived, so the server has seen the request.
            let failure = match classify(&error).kind {
                kind @ (TransportFailureKind::Timeout | TransportFailureKind::TooLarge) => {
                    TransportFailure { kind, maybe_sent: true }
                }
                _ => TransportFailure::other(),
            };
            TransportError::new(failure, error)
        })
    }
}

/// Per-request settings that keep the exchange transparent whatever agent is used, and
/// bound it by the time left, if any.
fn configure<S: ureq::AsSendBody>(
    agent: &ureq::Agent,
    request: http::Request<S>,
    time_left: Option<Duration>,
) -> http::Request<S> {
    let configured = agent.configure_request(request).http_status_as_error(false).max_redirects(0);
    match time_left {
        Some(left) => {
            let own = agent.config().timeouts().global;
            configured.timeout_global(Some(own.map_or(left, |own| own.min(left)))).build()
        }
        None => configured.build(),
    }
}

/// A core request in the shape ureq needs; from [`into_ureq_request`].
#[derive(Debug)]
pub enum OutgoingRequest {
    /// No body bytes: sent without a body (no `Content-Length: 0` on a GET), except that
    /// ureq announces `Content-Length: 0` for POST, PUT and PATCH.
    Empty(http::Request<()>),
    /// The body bytes, sent as they are with their length.
    WithBody(http::Request<Vec<u8>>),
}

/// Converts a core request for ureq: method, URL, every header and every body byte unchanged.
pub fn into_ureq_request(request: HttpRequest) -> OutgoingRequest {
    let (parts, body) = request.into_parts();
    if body.is_empty() && !needs_body(&parts.method) {
        OutgoingRequest::Empty(http::Request::from_parts(parts, ()))
    } else {
        OutgoingRequest::WithBody(http::Request::from_parts(parts, body))
    }
}

fn needs_body(method: &http::Method) -> bool {
    method == http::Method::POST || method == http::Method::PUT || method == http::Method::PATCH
}

/// Converts ureq's response for the core: status, every header (repeated ones included) and
/// the whole body, up to [`MAX_BODY_BYTES`].
pub fn from_ureq_response(response: http::Response<ureq::Body>) -> Result<HttpResponse, ureq::Error> {
    use std::io::Read;
    let (parts, body) = response.into_parts();
    // Sized from Content-Length up front, so a page is not copied through growing buffers.
    let expected = body.content_length().unwrap_or(0).min(MAX_BODY_BYTES as u64);
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    body.into_with_config().limit(MAX_BODY_BYTES as u64).reader().read_to_end(&mut bytes)?;
    Ok(http::Response::from_parts(parts, bytes))
}

/// How the core should see a ureq error: connection, DNS and TLS failures are `Connect` (not
/// sent), connect and resolve timeouts too; other timeouts are `Timeout` (maybe sent); a body
/// over the limit is `TooLarge`; a request ureq could not even form is `Other` (not sent);
/// anything else is `Other` (maybe sent).
pub fn classify(error: &ureq::Error) -> TransportFailure {
    use ureq::Error as E;
    use ureq::Timeout as T;
    let nothing_sent = TransportFailure { kind: TransportFailureKind::Other, maybe_sent: false };
    match error {
        E::Timeout(T::Connect | T::Resolve) => TransportFailure::connect(),
        E::Timeout(_) => TransportFailure::timeout(),
        E::HostNotFound | E::ConnectionFailed | E::Tls(_) => TransportFailure::connect(),
        #[cfg(feature = "rustls")]
        E::Rustls(_) => TransportFailure::connect(),
        #[cfg(feature = "native-tls")]
        E::NativeTls(_) => TransportFailure::connect(),
        #[cfg(any(feature = "rustls", feature = "native-tls"))]
        E::Pem(_) => TransportFailure::connect(),
        E::Io(io) => classify_io(io),
        E::BodyExceedsLimit(_) => TransportFailure { kind: TransportFailureKind::TooLarge, maybe_sent: true },
        // The request could not even be formed: nothing left the process, and resending the
        // same request would fail the same way.
        // TlsRequired: an https URL with no TLS compiled in.
        E::Http(_) | E::BadUri(_) | E::InvalidProxyUrl | E::RequireHttpsOnly(_) | E::TlsRequired => {
            nothing_sent
        }
        _ => TransportFailure::other(),
    }
}

fn classify_io(error: &io::Error) -> TransportFailure {
    use io::ErrorKind as K;
    // Marked by this crate's resolver and connector: nothing was sent, whatever the kind.
    if error.get_ref().is_some_and(|inner| inner.is::<ConnectFailed>() || inner.is::<LookupFailed>()) {
        return TransportFailure::connect();
    }
    match error.kind() {
        K::ConnectionRefused
        | K::AddrNotAvailable
        | K::AddrInUse
        | K::HostUnreachable
        | K::NetworkUnreachable
        | K::NetworkDown
        | K::NotConnected => TransportFailure::connect(),
        K::TimedOut | K::WouldBlock => TransportFailure::timeout(),
        _ => TransportFailure::other(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, body: &[u8]) -> HttpRequest {
        http::Request::builder()
            .method(method)
            .uri("https://api.hetzner.cloud/v1/servers?name=a%20b&status=running&status=off")
            .header("authorization", "Bearer t")
            .header("x-repeated", "one")
            .header("x-repeated", "two")
            .header("user-agent", "hcloud-rust/0.1.0")
            .body(body.to_vec())
            .unwrap()
    }

    fn header_pairs(headers: &http::HeaderMap) -> Vec<(String, Vec<u8>)> {
        headers.iter().map(|(k, v)| (k.as_str().to_owned(), v.as_bytes().to_vec())).collect()
    }

    #[test]
    fn requests_with_a_body_keep_method_uri_headers_and_every_byte() {
        let bytes: Vec<u8> = (0..=255u8).chain(b"{\"name\":\"x\"}".iter().copied()).collect();
        let original = request("POST", &bytes);
        let want_headers = header_pairs(original.headers());
        match into_ureq_request(original) {
            OutgoingRequest::WithBody(converted) => {
                assert_eq!(converted.method(), http::Method::POST);
                assert_eq!(
                    converted.uri(),
                    "https://api.hetzner.cloud/v1/servers?name=a%20b&status=running&status=off"
                );
                assert_eq!(header_pairs(converted.headers()), want_headers);
                assert_eq!(converted.body(), &bytes);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn empty_bodies_are_sent_as_no_body_except_where_the_method_needs_one() {
        for method in ["GET", "DELETE"] {
            let original = request(method, b"");
            let want_headers = header_pairs(original.headers());
            match into_ureq_request(original) {
                OutgoingRequest::Empty(converted) => {
                    assert_eq!(converted.method().as_str(), method);
                    assert_eq!(header_pairs(converted.headers()), want_headers);
                }
                other => panic!("{method}: {other:?}"),
            }
        }
        for method in ["POST", "PUT"] {
            match into_ureq_request(request(method, b"")) {
                OutgoingRequest::WithBody(converted) => assert!(converted.body().is_empty()),
                other => panic!("{method}: {other:?}"),
            }
        }
        // A body on a GET is still passed on byte for byte.
        match into_ureq_request(request("GET", b"x")) {
            OutgoingRequest::WithBody(converted) => assert_eq!(converted.body(), b"x"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn responses_keep_status_every_header_and_every_byte() {
        let bytes: Vec<u8> = (0..=255u8).rev().collect();
        let response = http::Response::builder()
            .status(418)
            .header("ratelimit-limit", "3600")
            .header("set-cookie", "a=1")
            .header("set-cookie", "b=2")
            .header("x-correlation-id", "abc")
            .body(ureq::Body::builder().data(bytes.clone()))
            .unwrap();
        let want_headers = header_pairs(response.headers());
        let converted = from_ureq_response(response).unwrap();
        assert_eq!(converted.status(), 418);
        assert_eq!(header_pairs(converted.headers()), want_headers);
        assert_eq!(converted.headers().get_all("set-cookie").iter().count(), 2);
        assert_eq!(converted.body(), &bytes);
    }

    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    #[test]
    fn the_default_agent_uses_the_tls_the_features_pick() {
        let agent = default_agent(DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT);
        let want = if cfg!(feature = "native-tls") { TlsProvider::NativeTls } else { TlsProvider::Rustls };
        assert_eq!(agent.config().tls_config().provider(), want);
    }

    /// A loopback listener that reports the first byte a client sends it, then hangs up.
    fn first_byte_listener() -> (String, std::thread::JoinHandle<u8>) {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("https://{}/v1/servers", listener.local_addr().unwrap());
        let first_byte = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut first = [0u8; 1];
            socket.read_exact(&mut first).map(|()| first[0]).unwrap_or(0)
        });
        (url, first_byte)
    }

    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    #[test]
    fn https_requests_open_with_a_tls_handshake() {
        let (url, first_byte) = first_byte_listener();
        let result = UreqTransport::default().send(http::Request::get(url).body(Vec::new()).unwrap());
        // 22 opens a TLS handshake record (the ClientHello); plain HTTP would start with `G`.
        assert_eq!(first_byte.join().unwrap(), 22);
        assert!(result.is_err(), "the listener speaks no TLS");
    }

    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    #[test]
    fn without_tls_https_requests_fail_unsent() {
        let (url, first_byte) = first_byte_listener();
        let error =
            UreqTransport::default().send(http::Request::get(url).body(Vec::new()).unwrap()).unwrap_err();
        assert_eq!(first_byte.join().unwrap(), 0, "nothing was written");
        assert!(!error.failure.maybe_sent, "{error:?}");
    }

    #[test]
    fn the_default_agent_bounds_name_lookups_by_the_connect_timeout() {
        let agent = default_agent(Duration::from_secs(2), Duration::from_secs(5));
        assert_eq!(agent.config().timeouts().resolve, Some(Duration::from_secs(2)));
        assert_eq!(agent.config().timeouts().connect, Some(Duration::from_secs(2)));
    }

    #[test]
    fn failed_lookups_and_connections_were_not_sent() {
        let dns =
            crate::resolver::failed("api.example.test", ureq::Error::Io(io::Error::other("no such host")));
        assert_eq!(classify(&dns), TransportFailure::connect());
        let inner = ureq::Error::Io(io::Error::new(io::ErrorKind::InvalidData, "received corrupt message"));
        let tls = ureq::Error::Io(io::Error::new(
            io::ErrorKind::InvalidData,
            ConnectFailed { target: "127.0.0.1:9".into(), source: inner },
        ));
        assert_eq!(classify(&tls), TransportFailure::connect());
        assert!(tls.to_string().contains("could not connect to 127.0.0.1:9"), "{tls}");
        let too_long = classify(&ureq::Error::BodyExceedsLimit(10));
        assert_eq!((too_long.kind, too_long.maybe_sent), (TransportFailureKind::TooLarge, true));
    }

    #[test]
    fn ureq_errors_map_to_the_failure_kinds_the_core_expects() {
        let refused = ureq::Error::Io(io::Error::new(io::ErrorKind::ConnectionRefused, "refused"));
        assert_eq!(classify(&refused), TransportFailure::connect());
        assert_eq!(classify(&ureq::Error::HostNotFound), TransportFailure::connect());
        assert_eq!(classify(&ureq::Error::Tls("bad certificate")), TransportFailure::connect());
        assert_eq!(classify(&ureq::Error::Timeout(ureq::Timeout::Connect)), TransportFailure::connect());
        assert_eq!(classify(&ureq::Error::Timeout(ureq::Timeout::Resolve)), TransportFailure::connect());
        for timeout in [ureq::Timeout::Global, ureq::Timeout::RecvResponse, ureq::Timeout::RecvBody] {
            assert_eq!(classify(&ureq::Error::Timeout(timeout)), TransportFailure::timeout());
        }
        let reset = ureq::Error::Io(io::Error::new(io::ErrorKind::ConnectionReset, "reset"));
        assert_eq!(classify(&reset), TransportFailure::other());
        let eof = ureq::Error::Io(io::Error::new(io::ErrorKind::UnexpectedEof, "eof"));
        assert_eq!(classify(&eof), TransportFailure::other());
        let bad = classify(&ureq::Error::BadUri("nope".into()));
        assert_eq!((bad.kind, bad.maybe_sent), (TransportFailureKind::Other, false));
    }
}
