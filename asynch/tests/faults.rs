//! Transport faults, retries and rate limiting through in-memory transports, and the
//! classification of real reqwest failures against loopback sockets.

mod common;

use std::error::Error as _;
use std::io::ErrorKind;
use std::time::Duration;

use common::{fast_retry, json_response, scripted_client, vector_response, Reply, Script};
use hcloud_async::{
    Client, CreateServer, Error, RateLimit, ServerId, TransportFailure, TransportFailureKind,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_with_its_source() {
    let script =
        Script::new((0..3).map(|_| Reply::Fail(TransportFailure::connect(), ErrorKind::ConnectionRefused)));
    let client = scripted_client(&script, fast_retry(2));
    let error = client.servers().get(ServerId(42)).await.unwrap_err();
    assert!(error.is_transport(), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(error.transport_failure(), Some(TransportFailure::connect()));
    let source = error.source().expect("the concrete error is kept");
    let io = source.downcast_ref::<std::io::Error>().expect("an io::Error");
    assert_eq!(io.kind(), ErrorKind::ConnectionRefused);
    assert_eq!(script.requests().len(), 3, "connect failures are retried up to the policy");
    assert!(error.core().is_none());
    assert!(matches!(error.into_core(), Ok(hcloud_core::Error::Transport(_))));
}

#[tokio::test]
async fn a_get_that_times_out_is_retried() {
    let script = Script::new([
        Reply::Fail(TransportFailure::timeout(), ErrorKind::TimedOut),
        Reply::Response(vector_response("get_server")),
    ]);
    let client = scripted_client(&script, fast_retry(3));
    let server = client.servers().get(ServerId(42)).await.unwrap();
    assert_eq!(server.id, ServerId(42));
    assert_eq!(script.paths(), ["GET /v1/servers/42", "GET /v1/servers/42"]);
}

#[tokio::test]
async fn a_create_that_times_out_after_sending_is_not_resent() {
    let script = Script::new([
        Reply::Fail(TransportFailure::timeout(), ErrorKind::TimedOut),
        Reply::Response(vector_response("create_server_minimal")),
    ]);
    let client = scripted_client(&script, fast_retry(3));
    let error =
        client.servers().create(CreateServer::new("my-server", "cpx22", "ubuntu-24.04")).await.unwrap_err();
    assert!(error.is_transport(), "{error:?}");
    assert_eq!(error.transport_failure().map(|f| f.maybe_sent), Some(true));
    assert!(error.source().is_some());
    assert_eq!(script.paths(), ["POST /v1/servers"], "a create is never resent after an ambiguous failure");
}

#[tokio::test]
async fn a_create_refused_before_sending_is_retried() {
    let script = Script::new([
        Reply::Fail(TransportFailure::connect(), ErrorKind::ConnectionRefused),
        Reply::Response(vector_response("create_server_minimal")),
    ]);
    let client = scripted_client(&script, fast_retry(3));
    let created =
        client.servers().create(CreateServer::new("my-server", "cpx22", "ubuntu-24.04")).await.unwrap();
    assert!(created.root_password.is_some());
    assert_eq!(script.requests().len(), 2);
}

#[tokio::test]
async fn rate_limited_then_ok_succeeds_after_backoff_and_records_the_rate_limit() {
    let mut limited = vector_response("error_rate_limit_exceeded");
    limited.headers_mut().insert("retry-after", "0".parse().unwrap());
    let mut ok = vector_response("get_server");
    ok.headers_mut().insert("ratelimit-remaining", "3598".parse().unwrap());
    let script = Script::new([Reply::Response(limited), Reply::Response(ok)]);
    let client = scripted_client(&script, fast_retry(3));
    assert_eq!(client.rate_limit(), None);
    let started = std::time::Instant::now();
    let server = client.servers().get(ServerId(42)).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1), "backs off at least base_delay");
    assert_eq!(server.id, ServerId(42));
    assert_eq!(script.requests().len(), 2);
    assert_eq!(client.rate_limit(), Some(RateLimit { limit: 3600, remaining: 3598, reset: 1_731_000_000 }));
}

#[tokio::test]
async fn rate_limited_until_retries_run_out_is_a_rate_limit_error() {
    let script = Script::new((0..3).map(|_| Reply::Response(vector_response("error_rate_limit_exceeded"))));
    let client = scripted_client(&script, fast_retry(2));
    let error = client.servers().get(ServerId(42)).await.unwrap_err();
    assert!(error.is_rate_limited() && error.is_retryable());
    assert_eq!(script.requests().len(), 3);
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error() {
    let script = Script::new([Reply::Response(vector_response("decode_truncated"))]);
    let client = scripted_client(&script, fast_retry(3));
    let error = client.servers().get(ServerId(42)).await.unwrap_err();
    assert!(matches!(error, Error::Core(hcloud_core::Error::Decode(_))), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(script.requests().len(), 1);
}

#[tokio::test]
async fn invalid_input_sends_nothing() {
    let script = Script::default();
    let client = scripted_client(&script, fast_retry(3));
    let error =
        client.servers().create(CreateServer::new("bad_name!", "cpx22", "ubuntu-24.04")).await.unwrap_err();
    assert!(error.is_invalid_input());
    let error = client.server(ServerId(0)).get().await.unwrap_err();
    assert!(error.is_invalid_input());
    assert!(script.requests().is_empty());
}

#[tokio::test]
async fn a_server_error_answer_is_typed_and_not_retried() {
    let body = serde_json::json!({"error": {"code": "server_error", "message": "boom", "details": null}});
    let script = Script::new([Reply::Response(json_response(500, &body))]);
    let client = scripted_client(&script, fast_retry(3));
    let error = client.servers().get(ServerId(42)).await.unwrap_err();
    assert!(error.is_server_error());
    assert_eq!(error.api().map(|a| a.message.as_str()), Some("boom"));
    assert_eq!(script.requests().len(), 1);
}

fn loopback_client(port: u16, retries: u32, timeout: Duration) -> Client {
    let config = hcloud_async::Config::new("sim-token")
        .unwrap()
        .with_endpoint(format!("http://127.0.0.1:{port}/v1"))
        .unwrap();
    Client::builder(config)
        .retry_policy(fast_retry(retries))
        .connect_timeout(Duration::from_secs(2))
        .timeout(timeout)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_real_refused_connection_is_classified_as_connect_and_keeps_the_reqwest_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = loopback_client(port, 1, Duration::from_secs(5));
    let error = client.servers().get(ServerId(42)).await.unwrap_err();
    assert_eq!(error.transport_failure(), Some(TransportFailure::connect()), "{error:?}");
    let source = error.source().expect("source kept");
    assert!(source.downcast_ref::<reqwest::Error>().is_some_and(reqwest::Error::is_connect), "{source:?}");
}

/// Accepts connections, reads the request and lets `answer` write the reply; counts
/// connections.
async fn serve(answer: &'static [u8]) -> (u16, tokio::sync::mpsc::UnboundedReceiver<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        // Bounded: the tests make at most a handful of connections.
        for _ in 0..8 {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let _ = tx.send(());
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = tokio::time::timeout(Duration::from_millis(500), socket.read(&mut buf)).await;
                if answer.is_empty() {
                    // Never answer; hold the socket until the client gives up.
                    tokio::time::sleep(Duration::from_secs(3)).await;
                } else {
                    let _ = socket.write_all(answer).await;
                    let _ = socket.shutdown().await;
                }
            });
        }
    });
    (port, rx)
}

fn count(rx: &mut tokio::sync::mpsc::UnboundedReceiver<()>) -> usize {
    let mut n = 0;
    while rx.try_recv().is_ok() {
        n += 1;
    }
    n
}

#[tokio::test]
async fn a_real_get_timeout_is_classified_as_timeout_and_retried() {
    let (port, mut connections) = serve(b"").await;
    let client = loopback_client(port, 1, Duration::from_millis(150));
    let error = client.servers().get(ServerId(42)).await.unwrap_err();
    assert_eq!(error.transport_failure(), Some(TransportFailure::timeout()), "{error:?}");
    assert!(error.source().is_some());
    assert_eq!(count(&mut connections), 2, "one retry after the timeout");
}

#[tokio::test]
async fn a_real_post_timeout_is_not_resent() {
    let (port, mut connections) = serve(b"").await;
    let client = loopback_client(port, 3, Duration::from_millis(150));
    let error = client.servers().create(CreateServer::new("web", "cpx22", "ubuntu-24.04")).await.unwrap_err();
    assert_eq!(error.transport_failure().map(|f| f.kind), Some(TransportFailureKind::Timeout));
    assert_eq!(count(&mut connections), 1);
}

#[tokio::test]
async fn a_real_truncated_transfer_is_a_transport_error_that_may_have_been_sent_and_a_get_is_retried() {
    let (port, mut connections) = serve(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"server\": {\"id\"",
    )
    .await;
    let client = loopback_client(port, 3, Duration::from_secs(5));
    let error = client.servers().get(ServerId(42)).await.unwrap_err();
    assert_eq!(error.transport_failure(), Some(TransportFailure::other()), "{error:?}");
    assert!(error.source().is_some());
    assert_eq!(count(&mut connections), 4, "a GET cut short is asked again, up to the retry limit");
}

#[tokio::test]
async fn real_http_answers_reach_the_core_with_their_headers() {
    let (port, _connections) = serve(
        b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nx-correlation-id: abc\r\nratelimit-limit: 10\r\nratelimit-remaining: 9\r\nratelimit-reset: 5\r\ncontent-length: 71\r\n\r\n{\"error\": {\"code\": \"not_found\", \"message\": \"nope\", \"details\": null}}   ",
    )
    .await;
    let client = loopback_client(port, 0, Duration::from_secs(5));
    let error = client.servers().get(ServerId(42)).await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert_eq!(error.correlation_id(), Some("abc"));
    assert_eq!(client.rate_limit(), Some(RateLimit { limit: 10, remaining: 9, reset: 5 }));
}
