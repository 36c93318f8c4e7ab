//! Failures through an in-memory transport: refused connections, timeouts before and after
//! sending, rate limiting, truncated bodies; plus lazy paging, rate-limit tracking and use
//! from many threads. No sockets; real sleeps stay at a few milliseconds.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hcloud_blocking::{
    Client, Config, CreateServer, Error, HttpRequest, HttpResponse, ListServers, RetryPolicy, ServerId,
    TransportError, TransportFailureKind,
};
use serde_json::{json, Value};

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        resend_ambiguous: false,
    }
}

fn client(
    transport: impl Fn(HttpRequest) -> Result<HttpResponse, TransportError> + Send + Sync + 'static,
) -> Client {
    let config = Config::new("test-token").unwrap().with_endpoint("http://127.0.0.1:1/v1").unwrap();
    Client::builder(config).retry_policy(fast_retries()).seed(1).transport(transport).build().unwrap()
}

fn json_response(status: u16, body: &Value) -> HttpResponse {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap())
        .unwrap()
}

fn server_json(id: u64, name: &str) -> Value {
    json!({
        "id": id, "name": name, "status": "running", "created": "2026-01-01T00:00:00Z",
        "public_net": {"ipv4": null, "ipv6": null, "floating_ips": [], "firewalls": []},
        "private_net": [],
        "server_type": {
            "id": 1, "name": "cpx22", "description": "CPX22", "cores": 2, "memory": 4.0, "disk": 80.0,
            "prices": [], "storage_type": "local", "cpu_type": "shared", "architecture": "x86"
        },
        "location": {
            "id": 1, "name": "fsn1", "description": "Falkenstein DC Park 1", "country": "DE",
            "city": "Falkenstein", "latitude": 50.47612, "longitude": 12.370071, "network_zone": "eu-central"
        },
        "image": null, "iso": null, "rescue_enabled": false, "locked": false, "backup_window": null,
        "outgoing_traffic": null, "ingoing_traffic": null, "included_traffic": null,
        "protection": {"delete": false, "rebuild": false}, "labels": {}, "primary_disk_size": 80.0
    })
}

fn refused() -> TransportError {
    TransportError::connect(io::Error::new(io::ErrorKind::ConnectionRefused, "connection refused"))
}

fn timed_out() -> TransportError {
    TransportError::timeout(io::Error::new(io::ErrorKind::TimedOut, "timed out waiting for the response"))
}

#[test]
fn a_refused_connection_is_retried_then_reported_with_its_source() {
    let attempts = Arc::new(AtomicUsize::new(0));
    let seen = attempts.clone();
    let client = client(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
        Err(refused())
    });
    let error = client.servers().get(ServerId(1)).unwrap_err();
    assert_eq!(attempts.load(Ordering::SeqCst), 4, "the first attempt and 3 retries");
    assert!(error.is_transport() && error.is_retryable(), "{error:?}");
    match &error {
        Error::Transport { failure, .. } => assert_eq!(failure.kind, TransportFailureKind::Connect),
        other => panic!("{other:?}"),
    }
    let source = std::error::Error::source(&error).expect("the concrete error is kept");
    let io = source.downcast_ref::<io::Error>().expect("it is the io::Error the transport gave");
    assert_eq!(io.kind(), io::ErrorKind::ConnectionRefused);
    assert_eq!(source.to_string(), "connection refused");
    assert_eq!(error.transport_failure().map(|f| f.kind), Some(TransportFailureKind::Connect));
    assert_eq!(error.status(), None);
}

#[test]
fn a_get_that_times_out_is_retried_and_then_succeeds() {
    let attempts = Arc::new(AtomicUsize::new(0));
    let seen = attempts.clone();
    let client = client(move |request| {
        assert_eq!(request.uri(), "http://127.0.0.1:1/v1/servers/7");
        match seen.fetch_add(1, Ordering::SeqCst) {
            0 => Err(timed_out()),
            _ => Ok(json_response(200, &json!({"server": server_json(7, "web")}))),
        }
    });
    let server = client.server(ServerId(7)).get().unwrap();
    assert_eq!((server.id, server.name.as_str()), (ServerId(7), "web"));
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
}

#[test]
fn a_create_that_times_out_after_sending_is_not_resent() {
    let attempts = Arc::new(AtomicUsize::new(0));
    let seen = attempts.clone();
    let client = client(move |request| {
        assert_eq!(request.method(), http::Method::POST);
        seen.fetch_add(1, Ordering::SeqCst);
        Err(timed_out())
    });
    let error = client.servers().create(CreateServer::new("web", "cpx22", "ubuntu-24.04")).unwrap_err();
    assert_eq!(attempts.load(Ordering::SeqCst), 1, "a resent create could make a second server");
    assert!(error.is_transport(), "{error:?}");
    match &error {
        Error::Transport { failure, .. } => {
            assert_eq!(failure.kind, TransportFailureKind::Timeout);
            assert!(failure.maybe_sent);
        }
        other => panic!("{other:?}"),
    }
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn a_create_whose_connection_was_refused_is_retried() {
    let attempts = Arc::new(AtomicUsize::new(0));
    let seen = attempts.clone();
    let created = json!({
        "server": server_json(9, "web"),
        "action": {"id": 1, "command": "create_server", "status": "running", "progress": 0,
                   "started": "2026-01-01T00:00:00Z", "finished": null, "resources": [], "error": null},
        "next_actions": [],
        "root_password": "secret-password"
    });
    let client = client(move |_| match seen.fetch_add(1, Ordering::SeqCst) {
        0 => Err(refused()),
        _ => Ok(json_response(201, &created)),
    });
    let created = client.servers().create(CreateServer::new("web", "cpx22", "ubuntu-24.04")).unwrap();
    assert_eq!(attempts.load(Ordering::SeqCst), 2, "nothing was sent the first time, so resending is safe");
    assert_eq!(created.root_password.unwrap().expose(), "secret-password");
}

#[test]
fn a_rate_limited_call_succeeds_after_backing_off() {
    let attempts = Arc::new(AtomicUsize::new(0));
    let seen = attempts.clone();
    let client = client(move |_| {
        let limited =
            json!({"error": {"code": "rate_limit_exceeded", "message": "slow down", "details": null}});
        match seen.fetch_add(1, Ordering::SeqCst) {
            0 => {
                let mut response = json_response(429, &limited);
                response.headers_mut().insert("retry-after", "1".parse().unwrap());
                response.headers_mut().insert("ratelimit-limit", "3600".parse().unwrap());
                response.headers_mut().insert("ratelimit-remaining", "0".parse().unwrap());
                response.headers_mut().insert("ratelimit-reset", "1767225700".parse().unwrap());
                Ok(response)
            }
            _ => {
                let mut response = json_response(200, &json!({"server": server_json(3, "db")}));
                response.headers_mut().insert("ratelimit-limit", "3600".parse().unwrap());
                response.headers_mut().insert("ratelimit-remaining", "1".parse().unwrap());
                response.headers_mut().insert("ratelimit-reset", "1767225701".parse().unwrap());
                Ok(response)
            }
        }
    });
    assert_eq!(client.rate_limit(), None);
    let started = std::time::Instant::now();
    let server = client.servers().get(ServerId(3)).unwrap();
    assert_eq!(server.name, "db");
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    // Retry-After asked for 1 s; the policy caps every pause at 5 ms.
    assert!(started.elapsed() < Duration::from_millis(900));
    let limit = client.rate_limit().unwrap();
    assert_eq!((limit.limit, limit.remaining, limit.reset), (3600, 1, 1_767_225_701));
}

#[test]
fn a_truncated_body_is_a_decode_error_and_is_not_retried() {
    let attempts = Arc::new(AtomicUsize::new(0));
    let seen = attempts.clone();
    let client = client(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
        let full = serde_json::to_vec(&json!({"server": server_json(5, "web")})).unwrap();
        let mut response = json_response(200, &json!(null));
        *response.body_mut() = full[..full.len() / 2].to_vec();
        Ok(response)
    });
    let error = client.servers().get(ServerId(5)).unwrap_err();
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    match error.core() {
        Some(hcloud_core::Error::Decode(decode)) => {
            assert_eq!(decode.status, 200);
            assert!(!decode.body.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(!error.is_transport() && !error.is_retryable());
}

#[test]
fn garbage_and_odd_answers_never_panic() {
    let answers: Vec<HttpResponse> = vec![
        http::Response::builder().status(200).body(b"\xff\xfe\x00".to_vec()).unwrap(),
        http::Response::builder().status(500).body(b"<html>oops</html>".to_vec()).unwrap(),
        http::Response::builder().status(204).body(Vec::new()).unwrap(),
        json_response(200, &json!({"server": null})),
        json_response(404, &json!({"error": {"code": "not_found", "message": "gone"}})),
        http::Response::builder()
            .status(302)
            .header("location", "http://elsewhere/")
            .body(Vec::new())
            .unwrap(),
    ];
    for answer in answers {
        let status = answer.status();
        let answer = Arc::new(Mutex::new(Some(answer)));
        let client = client(move |_| Ok(answer.lock().unwrap().take().expect("asked once")));
        let error = client.servers().get(ServerId(5)).unwrap_err();
        assert!(error.core().is_some(), "{status}: {error:?}");
    }
}

#[test]
fn invalid_input_is_rejected_before_anything_is_sent() {
    let client = client(|_| panic!("nothing may be sent"));
    let error = client.servers().create(CreateServer::new("bad_name!", "cpx22", "ubuntu-24.04")).unwrap_err();
    assert!(error.is_invalid_input(), "{error:?}");
    let error = client.server(ServerId(0)).get().unwrap_err();
    assert!(error.is_invalid_input(), "{error:?}");
    let error = client.server(ServerId(1)).rename("-bad").unwrap_err();
    assert!(error.is_invalid_input(), "{error:?}");
}

/// The `page` parameter of a request's URI.
fn page_of(uri: &str) -> String {
    let query = uri.split_once('?').map_or("", |(_, query)| query);
    query.split('&').find_map(|pair| pair.strip_prefix("page=")).unwrap_or("").to_owned()
}

fn page(page: u64, last: u64, ids: std::ops::Range<u64>) -> HttpResponse {
    let servers: Vec<Value> = ids.map(|id| server_json(id, &format!("s{id}"))).collect();
    let next = if page < last { Some(page + 1) } else { None };
    json_response(
        200,
        &json!({"servers": servers, "meta": {"pagination": {
            "page": page, "per_page": 2, "previous_page": null, "next_page": next,
            "last_page": last, "total_entries": 5
        }}}),
    )
}

#[test]
fn get_all_fetches_each_page_at_most_one_ahead_and_can_resume() {
    let requests = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = requests.clone();
    let client = client(move |request| {
        let uri = request.uri().to_string();
        log.lock().unwrap().push(uri.clone());
        Ok(match request.uri().query().unwrap_or("") {
            q if q.ends_with("page=1&per_page=2") => page(1, 3, 1..3),
            q if q.ends_with("page=2&per_page=2") => page(2, 3, 3..5),
            q if q.ends_with("page=3&per_page=2") => page(3, 3, 5..6),
            other => panic!("unexpected query {other}"),
        })
    });
    let filter =
        ListServers { label_selector: Some("env=prod".into()), per_page: Some(2), ..ListServers::all() };
    let mut servers = client.servers().list(filter.clone());
    // Once an answer has said where the list ends, the next page goes out on the walk's
    // helper thread as soon as the current one arrives, so how many requests were seen at a
    // given moment depends on that thread. What is fixed: page 1 alone until the caller has
    // used it up, never more than one page ahead, each page asked for once.
    let pages_asked = |at_least: usize, patience: Duration| {
        let deadline = std::time::Instant::now() + patience;
        loop {
            let seen: Vec<String> = requests.lock().unwrap().iter().map(|uri| page_of(uri)).collect();
            if seen.len() >= at_least || std::time::Instant::now() > deadline {
                return seen;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    };
    assert!(requests.lock().unwrap().is_empty(), "nothing is fetched before the first next()");
    assert_eq!(servers.next().unwrap().unwrap().id, ServerId(1));
    assert_eq!(
        requests.lock().unwrap()[0],
        "http://127.0.0.1:1/v1/servers?label_selector=env%3Dprod&page=1&per_page=2"
    );
    assert_eq!(
        pages_asked(2, Duration::from_millis(100)),
        ["1"],
        "nothing goes ahead before the end is known"
    );
    assert_eq!(servers.next().unwrap().unwrap().id, ServerId(2));
    assert_eq!(
        pages_asked(2, Duration::from_millis(100)),
        ["1"],
        "the buffered page serves the second server"
    );
    let cursor = servers.cursor();
    assert_eq!((cursor.next_page, cursor.per_page, servers.buffered_count()), (Some(2), 2, 0));
    assert_eq!(servers.next().unwrap().unwrap().id, ServerId(3));
    assert_eq!(
        pages_asked(3, Duration::from_secs(5)),
        ["1", "2", "3"],
        "page 3 goes out as soon as page 2 arrives"
    );
    assert_eq!(servers.next().unwrap().unwrap().id, ServerId(4));
    assert_eq!(servers.next().unwrap().unwrap().id, ServerId(5));
    assert!(servers.next().is_none());
    assert_eq!(
        pages_asked(4, Duration::from_millis(100)),
        ["1", "2", "3"],
        "each page once, none past the last"
    );

    // Resuming from the saved cursor sees the rest exactly once.
    let rest: Vec<u64> = client.pages_from(filter.clone(), cursor).map(|s| s.unwrap().id.get()).collect();
    assert_eq!(rest, [3, 4, 5]);

    let all: Vec<u64> = client.servers().list_all(filter).unwrap().into_iter().map(|s| s.id.get()).collect();
    assert_eq!(all, [1, 2, 3, 4, 5]);
}

#[test]
fn get_all_ends_after_an_error_and_keeps_the_failed_page_in_its_cursor() {
    let client = client(|request| match request.uri().query().unwrap_or("") {
        q if q.ends_with("page=1&per_page=2") => Ok(page(1, 3, 1..3)),
        _ => Ok(json_response(404, &json!({"error": {"code": "not_found", "message": "gone"}}))),
    });
    let mut servers = client.servers().list(ListServers { per_page: Some(2), ..ListServers::all() });
    assert!(servers.next().unwrap().is_ok());
    assert!(servers.next().unwrap().is_ok());
    assert!(servers.next().unwrap().unwrap_err().is_not_found());
    assert!(servers.next().is_none(), "the iterator is fused after an error");
    assert_eq!(servers.cursor().next_page, Some(2));
}

#[test]
fn get_by_name_returns_the_exact_match_or_none() {
    let client = client(|request| {
        let query = request.uri().query().unwrap_or("").to_owned();
        Ok(if query.starts_with("name=web") { page(1, 1, 4..5) } else { page(1, 1, 0..0) })
    });
    assert_eq!(client.servers().get_by_name("web").unwrap(), None, "s4 is not named web");
    assert_eq!(client.servers().get_by_name("other").unwrap(), None);
    let client = self::client(|_| Ok(page(1, 1, 4..5)));
    assert_eq!(client.servers().get_by_name("s4").unwrap().unwrap().id, ServerId(4));
}

#[test]
fn one_client_serves_many_threads_at_once() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let client = client(move |request| {
        seen.fetch_add(1, Ordering::SeqCst);
        let id: u64 = request.uri().path().rsplit('/').next().unwrap().parse().unwrap();
        Ok(json_response(200, &json!({"server": server_json(id, &format!("s{id}"))})))
    });
    std::thread::scope(|scope| {
        let handles: Vec<_> = (1..=8u64)
            .map(|id| {
                let client = client.clone();
                scope.spawn(move || client.servers().get(ServerId(id)).unwrap())
            })
            .collect();
        for (id, handle) in (1..=8u64).zip(handles) {
            assert_eq!(handle.join().unwrap().id, ServerId(id));
        }
    });
    assert_eq!(calls.load(Ordering::SeqCst), 8);
}
