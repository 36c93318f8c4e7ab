//! The default ureq transport against raw sockets on 127.0.0.1: what goes on the wire, what
//! comes back, and how socket failures are classified. Every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use hcloud_blocking::transport::UreqTransport;
use hcloud_blocking::{Client, Config, RetryPolicy, ServerId, Transport, TransportFailureKind};

/// A raw request as read off the socket.
struct Raw {
    head: Vec<String>,
    body: Vec<u8>,
}

fn read_request(stream: &mut TcpStream) -> Raw {
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut reader = BufReader::new(stream);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end().to_owned();
        if line.is_empty() {
            break;
        }
        head.push(line);
    }
    let length = head
        .iter()
        .find_map(|l| {
            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or(0usize);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    Raw { head, body }
}

/// Serves one connection: hands the request to the test and writes `response` back.
fn serve_once(response: Vec<u8>) -> (String, mpsc::Receiver<Raw>, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    let handle = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let raw = read_request(&mut stream);
        tx.send(raw).unwrap();
        stream.write_all(&response).unwrap();
        stream.flush().unwrap();
    });
    (url, rx, handle)
}

#[test]
fn every_header_and_byte_crosses_the_wire_unchanged_in_both_directions() {
    let body: Vec<u8> = (0..=255u8).collect();
    let mut response = b"HTTP/1.1 201 Created\r\ncontent-type: application/octet-stream\r\n\
        set-cookie: a=1\r\nset-cookie: b=2\r\nx-correlation-id: abc\r\nconnection: close\r\n"
        .to_vec();
    response.extend(format!("content-length: {}\r\n\r\n", body.len()).into_bytes());
    response.extend(&body);
    let (url, rx, server) = serve_once(response);

    let request = http::Request::builder()
        .method("PUT")
        .uri(format!("{url}/v1/servers/42?label_selector=a%3Db&status=running&status=off"))
        .header("authorization", "Bearer secret")
        .header("user-agent", "hcloud-rust/test")
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .header("x-repeated", "one")
        .header("x-repeated", "two")
        .body(b"{\"name\":\"n\\u00e9\"}".to_vec())
        .unwrap();
    let answer = UreqTransport::default().send(request).unwrap();
    let raw = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    server.join().unwrap();

    assert_eq!(raw.head[0], "PUT /v1/servers/42?label_selector=a%3Db&status=running&status=off HTTP/1.1");
    let headers: Vec<String> = raw.head[1..].iter().map(|l| l.to_ascii_lowercase()).collect();
    let length = format!("content-length: {}", br#"{"name":"n\u00e9"}"#.len());
    for want in [
        length.as_str(),
        "authorization: bearer secret",
        "user-agent: hcloud-rust/test",
        "accept: application/json",
        "content-type: application/json",
        "x-repeated: one",
        "x-repeated: two",
    ] {
        assert!(headers.iter().any(|h| h == want), "{want} missing from {headers:?}");
    }
    // Only what the core set, plus the framing ureq must add.
    assert_eq!(headers.len(), 8, "{headers:?}");
    assert_eq!(raw.body, b"{\"name\":\"n\\u00e9\"}");

    assert_eq!(answer.status(), 201);
    let cookies: Vec<_> = answer.headers().get_all("set-cookie").iter().collect();
    assert_eq!(cookies, ["a=1", "b=2"]);
    assert_eq!(answer.headers()["x-correlation-id"], "abc");
    assert_eq!(answer.body(), &body);
}

#[test]
fn a_get_carries_no_body_and_error_statuses_come_back_as_responses() {
    let json = br#"{"error":{"code":"not_found","message":"no server 42"}}"#;
    let mut response = format!(
        "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        json.len()
    )
    .into_bytes();
    response.extend(b"x-correlation-id: 77\r\nconnection: close\r\n\r\n");
    response.extend(json);
    let (url, rx, server) = serve_once(response);

    let config = Config::new("tok").unwrap().with_endpoint(format!("{url}/v1")).unwrap();
    let client = Client::builder(config).retry_policy(RetryPolicy::none()).build().unwrap();
    let error = client.servers().get(ServerId(42)).unwrap_err();
    let raw = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    server.join().unwrap();

    assert_eq!(raw.head[0], "GET /v1/servers/42 HTTP/1.1");
    let headers: Vec<String> = raw.head[1..].iter().map(|l| l.to_ascii_lowercase()).collect();
    assert!(headers.contains(&"authorization: bearer tok".to_owned()), "{headers:?}");
    assert!(
        !headers.iter().any(|h| h.starts_with("content-length") || h.starts_with("content-type")),
        "{headers:?}"
    );
    assert!(raw.body.is_empty());
    assert!(error.is_not_found(), "{error:?}");
    assert_eq!(error.correlation_id(), Some("77"));
}

#[test]
fn a_refused_connection_is_a_connect_failure_with_the_ureq_error_as_source() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let config = Config::new("tok").unwrap().with_endpoint(format!("http://127.0.0.1:{port}/v1")).unwrap();
    let client = Client::builder(config).retry_policy(RetryPolicy::none()).build().unwrap();
    let error = client.servers().get(ServerId(1)).unwrap_err();
    match &error {
        hcloud_blocking::Error::Transport { failure, .. } => {
            assert_eq!(failure.kind, TransportFailureKind::Connect);
            assert!(!failure.maybe_sent);
        }
        other => panic!("{other:?}"),
    }
    let source = std::error::Error::source(&error).unwrap();
    assert!(source.downcast_ref::<ureq::Error>().is_some(), "{source:?}");
}

#[test]
fn a_server_that_never_answers_is_a_timeout_that_may_have_been_sent() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        // Hold the connection open without answering until the client gave up.
        let _ = done_rx.recv_timeout(Duration::from_secs(5));
        drop(stream);
    });
    let config = Config::new("tok").unwrap().with_endpoint(format!("{url}/v1")).unwrap();
    let client = Client::builder(config)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let error = client.servers().get(ServerId(1)).unwrap_err();
    done_tx.send(()).unwrap();
    server.join().unwrap();
    match &error {
        hcloud_blocking::Error::Transport { failure, .. } => {
            assert_eq!(failure.kind, TransportFailureKind::Timeout);
            assert!(failure.maybe_sent);
        }
        other => panic!("{other:?}"),
    }
    assert!(error.is_retryable());
}
