//! The HTTP server end to end over 127.0.0.1 with a plain TcpStream client.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::assert_schema;
use hcloud_sim::{Clock, FaultKind, FaultRule, ServerOptions, SimConfig, SimServer};
use http::Method;
use serde_json::{json, Value};

const IO_TIMEOUT: Duration = Duration::from_secs(5);

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
}

fn connect(server: &SimServer) -> TcpStream {
    let s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    s.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    s
}

fn request_bytes(method: &str, path: &str, body: Option<&Value>, extra: &[(&str, &str)]) -> Vec<u8> {
    let body = body.map(|b| serde_json::to_vec(b).unwrap()).unwrap_or_default();
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sim-token\r\n");
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        head.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend(body);
    out
}

/// Reads one response framed by Content-Length; `None` if the peer closed first.
fn read_response(reader: &mut BufReader<TcpStream>) -> Option<Resp> {
    let mut status_line = String::new();
    if reader.read_line(&mut status_line).ok()? == 0 {
        return None;
    }
    let status = status_line.split(' ').nth(1)?.parse().ok()?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':')?;
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Resp { status, headers, body })
}

fn roundtrip(server: &SimServer, method: &str, path: &str, body: Option<&Value>) -> Resp {
    let mut s = connect(server);
    s.write_all(&request_bytes(method, path, body, &[("Connection", "close")])).unwrap();
    read_response(&mut BufReader::new(s)).expect("a response")
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let server = SimServer::start(SimConfig::default()).unwrap();
    assert_eq!(server.base_url(), format!("http://{}/v1", server.addr()));
    assert!(server.addr().ip().is_loopback());
    let mut stream = connect(&server);
    let mut reader = BufReader::new(stream.try_clone().unwrap());

    let create = json!({"name": "over-http", "server_type": "cx22", "image": "ubuntu-24.04"});
    stream.write_all(&request_bytes("POST", "/v1/servers", Some(&create), &[])).unwrap();
    let r = read_response(&mut reader).unwrap();
    assert_eq!(r.status, 201);
    assert_eq!(r.header("connection"), Some("keep-alive"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(r.header("x-correlation-id").is_some());
    assert!(r.header("ratelimit-remaining").is_some());
    assert_schema("create_server", &r.json());

    stream.write_all(&request_bytes("GET", "/v1/servers?name=over-http", None, &[])).unwrap();
    let r = read_response(&mut reader).unwrap();
    assert_eq!(r.status, 200);
    assert_schema("list_servers", &r.json());
    assert_eq!(r.json()["servers"][0]["name"], "over-http");
    assert!(r.header("link").unwrap().contains("<http://127.0.0.1/v1/servers?name=over-http&page=1>"));

    // Two pipelined requests in one write.
    let mut both = request_bytes("GET", "/v1/servers/1", None, &[]);
    both.extend(request_bytes("GET", "/v1/servers/2", None, &[]));
    stream.write_all(&both).unwrap();
    assert_eq!(read_response(&mut reader).unwrap().status, 200);
    assert_eq!(read_response(&mut reader).unwrap().status, 404);

    // Connection: close is honoured.
    stream.write_all(&request_bytes("GET", "/v1/servers", None, &[("Connection", "close")])).unwrap();
    let r = read_response(&mut reader).unwrap();
    assert_eq!(r.header("connection"), Some("close"));
    assert!(read_response(&mut reader).is_none());
    server.shutdown();
}

#[test]
fn chunked_bodies_preflight_and_bad_requests() {
    let server = SimServer::start(SimConfig::default()).unwrap();
    let body = br#"{"name":"chunky","server_type":"cpx11","image":"debian-12"}"#;
    let (a, b) = body.split_at(10);
    let mut raw = b"POST /v1/servers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sim-token\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    raw.extend(format!("{:x}\r\n", a.len()).as_bytes());
    raw.extend(a);
    raw.extend(format!("\r\n{:x};ext=1\r\n", b.len()).as_bytes());
    raw.extend(b);
    raw.extend(b"\r\n0\r\n\r\n");
    let mut s = connect(&server);
    s.write_all(&raw).unwrap();
    let r = read_response(&mut BufReader::new(s)).unwrap();
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));

    // Expect: 100-continue gets its interim answer before the body is sent.
    let body = br#"{"name":"patient","server_type":"cx22","image":"debian-12"}"#;
    let mut s = connect(&server);
    let head = format!(
        "POST /v1/servers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sim-token\r\nExpect: 100-continue\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    let mut reader = BufReader::new(s.try_clone().unwrap());
    let mut interim = String::new();
    reader.read_line(&mut interim).unwrap();
    assert_eq!(interim, "HTTP/1.1 100 Continue\r\n");
    reader.read_line(&mut interim).unwrap();
    s.write_all(body).unwrap();
    assert_eq!(read_response(&mut reader).unwrap().status, 201);

    let mut s = connect(&server);
    s.write_all(
        b"OPTIONS /v1/servers HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let r = read_response(&mut BufReader::new(s)).unwrap();
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("content-length"), None);

    for garbage in
        [&b"NONSENSE\r\n\r\n"[..], b"GET /v1/servers HTTP/9.9\r\n\r\n", b"GET / HTTP/1.1\r\nno-colon\r\n\r\n"]
    {
        let mut s = connect(&server);
        s.write_all(garbage).unwrap();
        let r = read_response(&mut BufReader::new(s)).unwrap();
        assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(garbage));
        assert_eq!(r.json()["error"]["code"], "invalid_input");
    }
}

#[test]
fn transport_faults() {
    let server = SimServer::start(SimConfig::default()).unwrap();

    // Dropped before processing: the connection closes with no answer, nothing is created.
    server.with_simulator(|sim| {
        sim.inject_fault(FaultRule::new(FaultKind::Drop).method(Method::POST).times(1))
    });
    let mut s = connect(&server);
    let create = json!({"name": "dropped", "server_type": "cx22", "image": "ubuntu-24.04"});
    s.write_all(&request_bytes("POST", "/v1/servers", Some(&create), &[])).unwrap();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    assert!(rest.is_empty(), "got {:?}", String::from_utf8_lossy(&rest));
    assert_eq!(server.with_simulator(|sim| sim.server_count()), 0);

    // Truncated: the announced length is never delivered.
    server.with_simulator(|sim| sim.inject_fault(FaultRule::new(FaultKind::Truncate).times(1)));
    let mut s = connect(&server);
    s.write_all(&request_bytes("GET", "/v1/servers", None, &[])).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let announced: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length: ")).unwrap().parse().unwrap();
    assert!(body.len() < announced, "{} vs {announced}", body.len());

    // 502 with HTML, as a proxy would send it.
    server.with_simulator(|sim| sim.inject_fault(FaultRule::new(FaultKind::BadGateway).times(1)));
    let r = roundtrip(&server, "GET", "/v1/servers", None);
    assert_eq!(r.status, 502);
    assert_eq!(r.header("content-type"), Some("text/html"));

    // A short real delay.
    server.with_simulator(|sim| {
        sim.inject_fault(FaultRule::new(FaultKind::Delay(Duration::from_millis(40))).times(1))
    });
    let started = Instant::now();
    let r = roundtrip(&server, "GET", "/v1/servers", None);
    assert_eq!(r.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(40));

    // The server is still healthy afterwards.
    assert_eq!(roundtrip(&server, "GET", "/v1/servers", None).status, 200);
}

#[test]
fn manual_clock_drives_actions_without_sleeping() {
    let clock = Clock::manual();
    let options = ServerOptions { clock: clock.clone(), ..ServerOptions::default() };
    let server = SimServer::start_with(SimConfig::default().with_seed(3), options).unwrap();
    let create = json!({"name": "clocked", "server_type": "cx22", "image": "ubuntu-24.04"});
    let r = roundtrip(&server, "POST", "/v1/servers", Some(&create));
    let action = r.json()["action"]["id"].as_u64().unwrap();
    assert_eq!(
        roundtrip(&server, "GET", &format!("/v1/actions/{action}"), None).json()["action"]["progress"],
        0
    );
    server.clock().advance(Duration::from_secs(1));
    assert_eq!(
        roundtrip(&server, "GET", &format!("/v1/actions/{action}"), None).json()["action"]["progress"],
        50
    );
    clock.advance(Duration::from_secs(5));
    let r = roundtrip(&server, "GET", "/v1/servers/1", None);
    assert_eq!(r.json()["server"]["status"], "running");
}

#[test]
fn connection_limit_and_bounded_shutdown() {
    let options = ServerOptions { max_connections: 1, ..ServerOptions::default() };
    let server = SimServer::start_with(SimConfig::default(), options).unwrap();
    let mut first = connect(&server);
    first.write_all(&request_bytes("GET", "/v1/servers", None, &[])).unwrap();
    let mut first_reader = BufReader::new(first.try_clone().unwrap());
    assert_eq!(read_response(&mut first_reader).unwrap().status, 200);

    let second = connect(&server);
    let r = read_response(&mut BufReader::new(second)).unwrap();
    assert_eq!(r.status, 503);

    // An idle keep-alive connection does not hold shutdown up.
    let started = Instant::now();
    server.shutdown();
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    assert!(read_response(&mut first_reader).is_none());
}

#[test]
fn dropping_the_server_frees_the_port() {
    let addr = {
        let server = SimServer::start(SimConfig::default()).unwrap();
        server.addr()
    };
    assert!(TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err());
}

#[test]
fn binary_prints_its_url_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hcloud-sim"))
        .args(["--port", "0", "--token", "bin-token", "--action-seconds", "0", "--seed", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let result = std::panic::catch_unwind(|| {
        let url = line.trim().strip_prefix("listening on ").expect("listening line");
        let authority = url.strip_prefix("http://").unwrap().strip_suffix("/v1").unwrap();
        assert!(authority.starts_with("127.0.0.1:"));
        let mut s = TcpStream::connect(authority).unwrap();
        s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        let body = json!({"name": "bin", "server_type": "cx22", "image": "ubuntu-24.04"});
        let mut req = request_bytes("POST", "/v1/servers", Some(&body), &[("Connection", "close")]);
        let text = String::from_utf8(req.clone()).unwrap().replace("sim-token", "bin-token");
        req = text.into_bytes();
        s.write_all(&req).unwrap();
        let r = read_response(&mut BufReader::new(s)).unwrap();
        assert_eq!(r.status, 201);
        // --action-seconds 0: already running.
        assert_eq!(r.json()["server"]["status"], "running");
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }

    let out = Command::new(env!("CARGO_BIN_EXE_hcloud-sim")).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn binary_help_lists_every_option_on_stdout() {
    let out = Command::new(env!("CARGO_BIN_EXE_hcloud-sim")).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let help = String::from_utf8(out.stdout).unwrap();
    for option in [
        "--port N",
        "--token T",
        "--prefix P",
        "--action-seconds S",
        "--command-seconds CMD=S",
        "--fail-command CMD",
        "--rate-limit",
        "--seed N",
        "--servers N",
        "--seed-file PATH",
        "--epoch TIME",
        "--manual-clock",
        "--max-connections N",
        "--idle-timeout S",
        "--help",
        "/_sim/faults",
        "/_sim/seed",
        "/_sim/clock",
    ] {
        assert!(help.contains(option), "--help lacks {option}:\n{help}");
    }
    assert!(
        help.contains("[sim-token]") && help.contains("[3600/1]") && help.contains("[/v1]"),
        "defaults shown"
    );
}

#[test]
fn the_control_endpoint_steers_a_served_simulator() {
    let clock = Clock::manual();
    let options = ServerOptions { clock: clock.clone(), ..ServerOptions::default() };
    let server = SimServer::start_with(SimConfig::default(), options).unwrap();

    // A fault injected over HTTP hits the next matching request only.
    let r = roundtrip(
        &server,
        "POST",
        "/_sim/faults",
        Some(&json!({"kind": "unavailable", "path": "/servers", "times": 1})),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(roundtrip(&server, "GET", "/_sim", None).json()["faults"][0]["kind"], "unavailable");
    assert_eq!(roundtrip(&server, "GET", "/v1/servers", None).status, 503);
    assert_eq!(roundtrip(&server, "GET", "/v1/servers", None).status, 200);
    roundtrip(
        &server,
        "POST",
        "/_sim/faults",
        Some(&json!({"kind": "error", "status": 500, "code": "server_error"})),
    );
    assert_eq!(roundtrip(&server, "GET", "/v1/volumes", None).json()["error"]["code"], "server_error");
    assert_eq!(roundtrip(&server, "DELETE", "/_sim/faults", None).status, 200);
    assert_eq!(roundtrip(&server, "GET", "/v1/volumes", None).status, 200);
    assert_eq!(roundtrip(&server, "POST", "/_sim/faults", Some(&json!({"kind": "lightning"}))).status, 422);

    // Failing commands and durations, then the clock to finish the action.
    let r = roundtrip(
        &server,
        "PUT",
        "/_sim/config",
        Some(&json!({"fail_commands": ["start_server"], "action_seconds": 30})),
    );
    assert_eq!(r.json()["fail_commands"], json!(["start_server"]));
    let create = json!({"name": "doomed", "server_type": "cx22", "image": "ubuntu-24.04"});
    let id =
        roundtrip(&server, "POST", "/v1/servers", Some(&create)).json()["server"]["id"].as_u64().unwrap();
    let r = roundtrip(&server, "POST", "/_sim/clock", Some(&json!({"advance_seconds": 31})));
    assert_eq!(r.json()["now_seconds"], 31.0);
    let s = roundtrip(&server, "GET", &format!("/v1/servers/{id}"), None).json();
    assert_eq!(s["server"]["status"], "off", "start_server failed");
    let actions = roundtrip(&server, "GET", &format!("/v1/servers/{id}/actions?status=error"), None).json();
    assert_eq!(actions["actions"][0]["command"], "start_server");
    assert_schema("list_server_actions", &actions);

    // Seeding any kind through its create operation.
    let seed = json!({"ssh_keys": [{"name": "k", "public_key": common::public_key("k")}], "servers": 2});
    let r = roundtrip(&server, "POST", "/_sim/seed", Some(&seed));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["created"]["servers"].as_array().unwrap().len(), 2);
    let state = roundtrip(&server, "GET", "/_sim", None).json();
    assert_eq!(
        (state["counts"]["servers"].as_u64(), state["counts"]["ssh_keys"].as_u64()),
        (Some(3), Some(1))
    );
    let bad = roundtrip(&server, "POST", "/_sim/seed", Some(&json!({"ssh_keys": [{"name": "no key"}]})));
    assert_eq!(bad.status, 422);
    assert_eq!(roundtrip(&server, "GET", "/_sim/nothing", None).status, 404);
    server.shutdown();
}

#[test]
fn a_real_clock_writes_wall_clock_timestamps() {
    let server = SimServer::start(SimConfig::default()).unwrap();
    let create = json!({"name": "now", "server_type": "cx22", "image": "ubuntu-24.04"});
    let created = roundtrip(&server, "POST", "/v1/servers", Some(&create)).json();
    let stamp = created["server"]["created"].as_str().unwrap().to_owned();
    let unix = time::OffsetDateTime::parse(&stamp, &time::format_description::well_known::Rfc3339)
        .unwrap()
        .unix_timestamp();
    let wall = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((wall - unix).abs() <= 5, "{stamp} is not now");
    // A fixed epoch wins over the wall clock.
    let fixed =
        SimServer::start(SimConfig::default().with_epoch_unix(hcloud_sim::DEFAULT_EPOCH_UNIX)).unwrap();
    let created = roundtrip(&fixed, "POST", "/v1/servers", Some(&create)).json();
    assert!(created["server"]["created"].as_str().unwrap().starts_with("2026-01-01T00:00:0"));
    server.shutdown();
    fixed.shutdown();
}
