//! The transport abstraction: how one HTTP exchange is performed.
//!
//! The client hands the transport the request exactly as the core built it and expects the
//! whole response back. [`ReqwestTransport`] is the default; tests and unusual setups can
//! plug in anything implementing [`Transport`] with
//! [`ClientBuilder::transport`](crate::ClientBuilder::transport).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

pub use hcloud_core::TransportError;
use hcloud_core::{HttpRequest, HttpResponse, TimeLeft, TransportFailure, TransportFailureKind};

/// The boxed, `Send` future a [`Transport`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The largest response body the default transport reads (64 MiB); anything longer is a
/// transport error rather than an unbounded allocation.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The default connect timeout: 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The default timeout of a whole exchange, from connecting to the last body byte: 60 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Performs one HTTP exchange.
///
/// Implementations must pass the method, URL, every header (including repeated ones) and
/// every body byte through unchanged in both directions, must return 4xx and 5xx answers as
/// responses (the core reads them), and must classify failures honestly: `maybe_sent:
/// false` only when the request certainly did not reach the server.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and reads the whole response.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        (**self).send(request)
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        (**self).send(request)
    }
}

/// The default transport: a [`reqwest::Client`] (HTTP/1.1; rustls, or the platform's TLS with
/// the `native-tls` feature).
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    /// The whole-exchange timeout the client was built with, when this crate built it.
    timeout: Option<Duration>,
}

impl ReqwestTransport {
    /// A reqwest client with the TLS the features pick, the given timeouts, and redirects
    /// turned off (so every answer reaches the core unchanged). `native-tls` takes precedence
    /// over `rustls` when both are on; with neither, only `http://` endpoints work.
    ///
    /// Errors: the reqwest error when the TLS backend cannot be initialized.
    pub fn new(connect_timeout: Duration, timeout: Duration) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none());
        #[cfg(feature = "native-tls")]
        let client = client.use_native_tls();
        #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
        let client = client.use_rustls_tls();
        let client = client.build()?;
        Ok(Self { client, timeout: Some(timeout) })
    }

    /// Wraps an existing client. Configure it not to follow redirects if every answer should
    /// reach the core unchanged.
    pub fn with_client(client: reqwest::Client) -> Self {
        Self { client, timeout: None }
    }

    /// The underlying reqwest client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

impl Transport for ReqwestTransport {
    /// Sends `request`. When it carries a [`TimeLeft`] (a wait with a deadline), the whole
    /// exchange may take no longer than that.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let time_left = TimeLeft::of(&request);
            let mut request = to_reqwest(request).map_err(|e| {
                // Nothing left the process: the URL could not be turned into a reqwest request.
                let failure = TransportFailure { kind: TransportFailureKind::Other, maybe_sent: false };
                TransportError::new(failure, e)
            })?;
            if let Some(left) = time_left {
                *request.timeout_mut() = Some(self.timeout.map_or(left, |own| own.min(left)));
            }
            let response = self.client.execute(request).await.map_err(map_reqwest_error)?;
            let response = from_reqwest(response).await;
            // The connection goes back to reqwest's pool from a task of its own, woken as the
            // body ended. Letting that task run before the caller sends again means the next
            // request finds the connection idle instead of opening a second one.
            tokio::task::yield_now().await;
            response
        })
    }
}

/// Converts a request as the core built it into a [`reqwest::Request`], keeping the method,
/// the URL, every header (including repeated ones), the HTTP version and the body bytes.
///
/// Errors: a builder error when the URL cannot be parsed as a [`reqwest::Url`].
pub fn to_reqwest(request: HttpRequest) -> Result<reqwest::Request, reqwest::Error> {
    reqwest::Request::try_from(request)
}

/// Reads a [`reqwest::Response`] whole into the response type the core takes: status,
/// version, every header (including repeated ones) and the body bytes, up to
/// [`MAX_BODY_BYTES`].
///
/// Errors: a transport error when reading the body fails (a reset connection, a truncated
/// transfer, a timeout) or the body is longer than [`MAX_BODY_BYTES`].
pub async fn from_reqwest(response: reqwest::Response) -> Result<HttpResponse, TransportError> {
    from_reqwest_limited(response, MAX_BODY_BYTES).await
}

/// [`from_reqwest`] with a custom body size limit.
///
/// Errors: as [`from_reqwest`].
pub async fn from_reqwest_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<HttpResponse, TransportError> {
    let mut builder = http::Response::builder().status(response.status()).version(response.version());
    if let Some(headers) = builder.headers_mut() {
        *headers = response.headers().clone();
    }
    let too_long = || {
        TransportError::new(
            TransportFailure { kind: TransportFailureKind::TooLarge, maybe_sent: true },
            format!("the response body is longer than the limit of {limit} bytes"),
        )
    };
    if response.content_length().is_some_and(|len| len > limit as u64) {
        return Err(too_long());
    }
    let mut body = Vec::with_capacity(response.content_length().map_or(0, |len| len as usize));
    while let Some(chunk) = response.chunk().await.map_err(map_reqwest_error)? {
        if body.len() + chunk.len() > limit {
            return Err(too_long());
        }
        body.extend_from_slice(&chunk);
    }
    builder.body(body).map_err(|e| TransportError::new(TransportFailure::other(), e))
}

/// Classifies a reqwest error for the core: no connection (refused, DNS, TLS, connect
/// timeout) is `Connect` and certainly not sent; other timeouts are `Timeout` and may have
/// been sent; everything else (resets, truncated bodies) is `Other` and may have been sent,
/// except errors building the request, which never left the process.
pub fn classify(error: &reqwest::Error) -> TransportFailure {
    if error.is_connect() {
        TransportFailure::connect()
    } else if error.is_builder() {
        TransportFailure { kind: TransportFailureKind::Other, maybe_sent: false }
    } else if error.is_timeout() {
        TransportFailure::timeout()
    } else {
        TransportFailure::other()
    }
}

/// Wraps a reqwest error with its classification.
pub fn map_reqwest_error(error: reqwest::Error) -> TransportError {
    TransportError::new(classify(&error), error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: http::Method, body: &[u8]) -> HttpRequest {
        http::Request::builder()
            .method(method)
            .uri("https://api.hetzner.cloud/v1/servers?label_selector=a%3Db&status=running&status=off")
            .header("authorization", "Bearer t")
            .header("x-repeated", "one")
            .header("x-repeated", "two")
            .header("content-type", "application/json")
            .body(body.to_vec())
            .unwrap()
    }

    #[test]
    fn to_reqwest_keeps_method_url_every_header_and_every_body_byte() {
        let body: Vec<u8> = (0..=255u8).chain(*b"{\"name\":\"\xc3\xa4\"}").collect();
        for method in [http::Method::GET, http::Method::POST, http::Method::PUT, http::Method::DELETE] {
            let converted = to_reqwest(request(method.clone(), &body)).unwrap();
            assert_eq!(converted.method(), method);
            assert_eq!(
                converted.url().as_str(),
                "https://api.hetzner.cloud/v1/servers?label_selector=a%3Db&status=running&status=off"
            );
            let repeated: Vec<_> = converted.headers().get_all("x-repeated").iter().collect();
            assert_eq!(repeated, ["one", "two"]);
            assert_eq!(converted.headers()["authorization"], "Bearer t");
            assert_eq!(converted.headers()["content-type"], "application/json");
            assert_eq!(converted.headers().len(), 4);
            assert_eq!(converted.body().and_then(reqwest::Body::as_bytes), Some(&body[..]));
        }
    }

    #[test]
    fn to_reqwest_keeps_an_empty_body_empty() {
        let converted = to_reqwest(request(http::Method::POST, b"")).unwrap();
        assert_eq!(converted.body().and_then(reqwest::Body::as_bytes), Some(&b""[..]));
    }

    fn response(body: Vec<u8>) -> reqwest::Response {
        http::Response::builder()
            .status(423)
            .header("ratelimit-limit", "3600")
            .header("set-cookie", "a=1")
            .header("set-cookie", "b=2")
            .header("x-correlation-id", "abc")
            .body(body)
            .unwrap()
            .into()
    }

    #[tokio::test]
    async fn from_reqwest_keeps_status_every_header_and_every_body_byte() {
        let body: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
        let converted = from_reqwest(response(body.clone())).await.unwrap();
        assert_eq!(converted.status(), 423);
        let cookies: Vec<_> = converted.headers().get_all("set-cookie").iter().collect();
        assert_eq!(cookies, ["a=1", "b=2"]);
        assert_eq!(converted.headers()["x-correlation-id"], "abc");
        assert_eq!(converted.headers()["ratelimit-limit"], "3600");
        assert_eq!(converted.body(), &body);
    }

    #[tokio::test]
    async fn from_reqwest_refuses_bodies_over_the_limit() {
        let error = from_reqwest_limited(response(vec![b'x'; 11]), 10).await.unwrap_err();
        assert_eq!(
            error.failure,
            TransportFailure { kind: TransportFailureKind::TooLarge, maybe_sent: true }
        );
        assert!(error.source.to_string().contains("limit"), "{error:?}");
        let ok = from_reqwest_limited(response(vec![b'x'; 10]), 10).await.unwrap();
        assert_eq!(ok.body().len(), 10);
    }

    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    #[tokio::test]
    async fn https_requests_open_with_a_tls_handshake() {
        use tokio::io::AsyncReadExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}/v1/servers", listener.local_addr().unwrap());
        let first_byte = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            socket.read_u8().await.unwrap_or(0)
        });
        let transport = ReqwestTransport::new(DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT).unwrap();
        let error = transport.send(http::Request::get(url).body(Vec::new()).unwrap()).await.unwrap_err();
        // 22 opens a TLS handshake record (the ClientHello); plain HTTP would start with `G`.
        assert_eq!(first_byte.await.unwrap(), 22);
        // The handshake failed, so the request itself was never sent.
        assert_eq!(error.failure, TransportFailure::connect(), "{error:?}");
    }

    #[test]
    fn an_unparsable_url_is_a_builder_error_that_was_never_sent() {
        let request = http::Request::builder().uri("/relative/only").body(Vec::new()).unwrap();
        let error = to_reqwest(request).unwrap_err();
        assert!(error.is_builder());
        assert_eq!(
            classify(&error),
            TransportFailure { kind: TransportFailureKind::Other, maybe_sent: false }
        );
    }
}
