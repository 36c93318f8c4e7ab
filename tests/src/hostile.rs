//! A hostile HTTP/1.1 server on 127.0.0.1, for the clients' hostile-server suites: every
//! request is answered by a script that may lie, stall, drip, reset, redirect, flood or echo.
//!
//! Everything is bounded: the server reads at most 1 MiB of a request, waits at most a few
//! seconds for one, stops every thread when dropped, and an endless answer ends when the
//! client hangs up or after [`MAX_FLOOD`] bytes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use serde_json::{json, Value};

/// The most bytes an endless answer writes before giving up on the client.
pub const MAX_FLOOD: usize = 256 * 1024 * 1024;

/// How long a connection waits for the next request before it is closed.
const IDLE: Duration = Duration::from_secs(5);

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// The method.
    pub method: String,
    /// The request target: path and query, as sent.
    pub target: String,
    /// The headers, names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Which connection it came on (0 for the first).
    pub connection: usize,
}

impl Seen {
    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The value of query parameter `name`, percent-decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        let query = self.target.split_once('?')?.1;
        query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name)
                .then(|| percent_encoding::percent_decode_str(value).decode_utf8_lossy().into_owned())
        })
    }
}

/// What the server does with one request.
pub enum Act {
    /// Writes these bytes (a whole response, or anything else) and keeps the connection.
    Raw(Vec<u8>),
    /// Writes these bytes, then closes the connection.
    RawThenClose(Vec<u8>),
    /// Answers after this long (bounded by the server's stop).
    Later(Duration, Box<Act>),
    /// Says nothing and holds the connection open for this long, then closes it.
    Silence(Duration),
    /// Closes the connection at once, without an answer.
    Hangup,
    /// Writes `head`, then the body one byte at a time, `every` apart, `total` bytes in all.
    Drip {
        /// Status line and headers, with the blank line.
        head: Vec<u8>,
        /// The pause between bytes.
        every: Duration,
        /// How many body bytes.
        total: usize,
    },
    /// Answers 200 with a chunked body of `x` that never ends (up to [`MAX_FLOOD`] bytes,
    /// or until the client hangs up).
    Flood,
}

type Script = dyn Fn(&Seen, usize) -> Act + Send + Sync;

struct Shared {
    greeting: Option<Vec<u8>>,
    stop: AtomicBool,
    requests: Mutex<Vec<Seen>>,
    connections: AtomicUsize,
    script: Box<Script>,
}

/// The server; stops when dropped.
pub struct Hostile {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Hostile {
    /// Serves every request with `script(request, index)`, `index` counting from 0.
    pub fn start(script: impl Fn(&Seen, usize) -> Act + Send + Sync + 'static) -> Self {
        Self::launch(None, Box::new(script))
    }

    /// A server that writes `greeting` to every connection as soon as it is accepted, reads
    /// nothing, and hangs up: a plain-text server meeting a TLS client, or a TLS alert.
    pub fn greeting(greeting: &[u8]) -> Self {
        Self::launch(Some(greeting.to_vec()), Box::new(|_, _| Act::Hangup))
    }

    fn launch(greeting: Option<Vec<u8>>, script: Box<Script>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            greeting,
            stop: AtomicBool::new(false),
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            script,
        });
        let accept_shared = shared.clone();
        let accept = std::thread::spawn(move || accept_loop(listener, accept_shared));
        Self { addr, shared, accept: Some(accept) }
    }

    /// `http://127.0.0.1:<port>/v1`.
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// `127.0.0.1:<port>`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request read so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.shared.requests.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut workers = Vec::new();
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let number = shared.connections.fetch_add(1, Ordering::SeqCst);
                let shared = shared.clone();
                workers.push(std::thread::spawn(move || serve(stream, number, &shared)));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    for worker in workers {
        let _ = worker.join();
    }
}

/// Sleeps up to `duration`, waking early when the server stops; whether it is still running.
fn pause(shared: &Shared, duration: Duration) -> bool {
    let until = Instant::now() + duration;
    while Instant::now() < until {
        if shared.stop.load(Ordering::SeqCst) {
            return false;
        }
        std::thread::sleep((until - Instant::now()).min(Duration::from_millis(10)));
    }
    !shared.stop.load(Ordering::SeqCst)
}

fn serve(mut stream: TcpStream, connection: usize, shared: &Shared) {
    let _ = stream.set_nonblocking(false);
    // A client that stops reading (a flood it refused) cannot hold a writer for long.
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    if let Some(greeting) = &shared.greeting {
        let _ = stream.write_all(greeting).and_then(|()| stream.flush());
        // Give the client a moment to read it before the connection goes.
        pause(shared, Duration::from_millis(50));
        return;
    }
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let mut writer = match stream.try_clone() {
        Ok(writer) => writer,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    loop {
        let Some(seen) = read_request(&mut reader, connection, shared) else { return };
        let index = {
            let mut requests = shared.requests.lock().unwrap_or_else(|p| p.into_inner());
            requests.push(seen.clone());
            requests.len() - 1
        };
        let act = (shared.script)(&seen, index);
        if !perform(act, &mut writer, shared) {
            return;
        }
    }
}

/// Whether the connection stays open.
fn perform(act: Act, writer: &mut TcpStream, shared: &Shared) -> bool {
    match act {
        Act::Raw(bytes) => writer.write_all(&bytes).and_then(|()| writer.flush()).is_ok(),
        Act::RawThenClose(bytes) => {
            let _ = writer.write_all(&bytes).and_then(|()| writer.flush());
            let _ = writer.shutdown(std::net::Shutdown::Both);
            false
        }
        Act::Later(delay, act) => pause(shared, delay) && perform(*act, writer, shared),
        Act::Silence(duration) => {
            pause(shared, duration);
            false
        }
        Act::Hangup => {
            let _ = writer.shutdown(std::net::Shutdown::Both);
            false
        }
        Act::Drip { head, every, total } => {
            if writer.write_all(&head).is_err() {
                return false;
            }
            for _ in 0..total {
                if !pause(shared, every) || writer.write_all(b" ").and_then(|()| writer.flush()).is_err() {
                    return false;
                }
            }
            true
        }
        Act::Flood => {
            let head =
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            if writer.write_all(head).is_err() {
                return false;
            }
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "x".repeat(64 * 1024)).into_bytes();
            let mut written = 0;
            while written < MAX_FLOOD && !shared.stop.load(Ordering::SeqCst) {
                if writer.write_all(&chunk).is_err() {
                    break;
                }
                written += chunk.len();
            }
            false
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>, connection: usize, shared: &Shared) -> Option<Seen> {
    const MAX_REQUEST: usize = 1024 * 1024;
    let started = Instant::now();
    let mut head = String::new();
    loop {
        if shared.stop.load(Ordering::SeqCst) || started.elapsed() > IDLE || head.len() > MAX_REQUEST {
            return None;
        }
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => return None,
            Ok(_) => {
                head.push_str(&line);
                if head.ends_with("\r\n\r\n") {
                    break;
                }
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                head.push_str(&line);
            }
            Err(_) => return None,
        }
    }
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_REQUEST);
    let mut body = vec![0; length];
    let mut filled = 0;
    while filled < length {
        if shared.stop.load(Ordering::SeqCst) || started.elapsed() > IDLE {
            return None;
        }
        match reader.read(&mut body[filled..]) {
            Ok(0) => return None,
            Ok(n) => filled += n,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return None,
        }
    }
    Some(Seen { method, target, headers, body, connection })
}

/// A whole response: status, the headers given, `Content-Length` and the body.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Status\r\n").into_bytes();
    for (name, value) in headers {
        out.extend(format!("{name}: {value}\r\n").into_bytes());
    }
    out.extend(format!("content-length: {}\r\n\r\n", body.len()).into_bytes());
    out.extend(body);
    out
}

/// A JSON response, with a `Date` header of now.
pub fn json(status: u16, body: &Value) -> Act {
    let date = http_date(SystemTime::now());
    let bytes = serde_json::to_vec(body).expect("JSON serializes");
    Act::Raw(response(status, &[("content-type", "application/json"), ("date", &date)], &bytes))
}

/// An API error envelope.
pub fn api_error(status: u16, code: &str, message: &str) -> Act {
    json(status, &json!({"error": {"code": code, "message": message, "details": null}}))
}

/// `time` as an HTTP date: `Thu, 01 Jan 2026 00:00:05 GMT`.
pub fn http_date(time: SystemTime) -> String {
    let at = time::OffsetDateTime::from(time);
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    at.format(&format).expect("a date formats")
}

/// `time` in RFC 3339, as the API writes `created`.
pub fn rfc3339(time: SystemTime) -> String {
    let at = time::OffsetDateTime::from(time).replace_nanosecond(0).expect("0 ns is valid");
    at.format(&time::format_description::well_known::Rfc3339).expect("a date formats")
}

/// A server as the API describes it.
pub fn server(id: u64, name: &str, status: &str) -> Value {
    json!({
        "id": id, "name": name, "status": status, "created": "2026-01-01T00:00:00Z",
        "public_net": {"ipv4": null, "ipv6": null, "floating_ips": [], "firewalls": []},
        "private_net": [],
        "server_type": {
            "id": 1, "name": "cpx22", "description": "CPX22", "cores": 2, "memory": 4.0, "disk": 80.0,
            "prices": [], "storage_type": "local", "cpu_type": "shared", "architecture": "x86"
        },
        "datacenter": null,
        "location": {
            "id": 1, "name": "fsn1", "description": "Falkenstein DC Park 1", "country": "DE",
            "city": "Falkenstein", "latitude": 50.47612, "longitude": 12.370071, "network_zone": "eu-central"
        },
        "image": null, "iso": null, "rescue_enabled": false, "locked": false, "backup_window": null,
        "outgoing_traffic": null, "ingoing_traffic": null, "included_traffic": null,
        "protection": {"delete": false, "rebuild": false}, "labels": {}, "primary_disk_size": 80.0,
        "load_balancers": [], "volumes": [], "placement_group": null
    })
}

/// An action as the API describes it.
pub fn action(id: u64, command: &str, status: &str) -> Value {
    let finished = if status == "running" { Value::Null } else { json!("2026-01-01T00:01:00Z") };
    json!({
        "id": id, "command": command, "status": status, "progress": 50,
        "started": "2026-01-01T00:00:00Z", "finished": finished,
        "resources": [{"id": 42, "type": "server"}], "error": null
    })
}

/// `meta.pagination` of a list answer.
pub fn pagination(page: u64, next: Option<u64>, last: Option<u64>, total: Option<u64>) -> Value {
    json!({"pagination": {"page": page, "per_page": 50, "previous_page": null,
        "next_page": next, "last_page": last, "total_entries": total}})
}

/// Whether `output` shows `secret`, as text or as the byte list `Debug` prints for a
/// `Vec<u8>`.
pub fn shows(output: &str, secret: &str) -> bool {
    let bytes = format!("{:?}", secret.as_bytes());
    output.contains(secret) || output.contains(bytes.trim_matches(['[', ']']))
}

/// Runs `f`, failing the test if it takes longer than `limit`; returns what it returned
/// and how long it took.
pub fn timed<T>(limit: Duration, f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let out = f();
    let took = started.elapsed();
    assert!(took <= limit, "took {took:?}, more than {limit:?}");
    (out, took)
}

/// A port on 127.0.0.1 that nothing listens on.
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener.local_addr().expect("local address").port()
}

/// A JSON document nested `depth` arrays deep.
pub fn deep_json(depth: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(depth * 2);
    out.extend(std::iter::repeat_n(b'[', depth));
    out.extend(std::iter::repeat_n(b']', depth));
    out
}

/// Collects what `tracing` reports, as text lines, for checking what is and is not in it.
pub mod capture {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    /// Every span and event, one line each: `name field=value …`.
    #[derive(Clone, Default)]
    pub struct Lines(Arc<Mutex<Vec<String>>>, Arc<AtomicU64>);

    impl Lines {
        /// The lines so far.
        pub fn lines(&self) -> Vec<String> {
            self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
        }

        fn push(&self, line: String) {
            self.0.lock().unwrap_or_else(|p| p.into_inner()).push(line);
        }
    }

    struct Fields(String);

    impl Visit for Fields {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.push_str(&format!(" {}={:?}", field.name(), value));
        }

        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.push_str(&format!(" {}={}", field.name(), value));
        }
    }

    impl Subscriber for Lines {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }

        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut fields = Fields(format!("span {}", span.metadata().name()));
            span.record(&mut fields);
            self.push(fields.0);
            Id::from_u64(self.1.fetch_add(1, Ordering::Relaxed) + 1)
        }

        fn record(&self, _: &Id, values: &Record<'_>) {
            let mut fields = Fields("record".to_owned());
            values.record(&mut fields);
            self.push(fields.0);
        }

        fn record_follows_from(&self, _: &Id, _: &Id) {}

        fn event(&self, event: &Event<'_>) {
            let mut fields = Fields(format!("event {}", event.metadata().target()));
            event.record(&mut fields);
            self.push(fields.0);
        }

        fn enter(&self, _: &Id) {}

        fn exit(&self, _: &Id) {}
    }
}

/// The servers and expectations both clients' suites share: one trap, one place.
pub mod traps {
    use std::sync::Mutex;
    use std::time::Duration;

    use serde_json::Value;

    use super::{action, api_error, json, pagination, response, server, Act, Hostile, Seen};

    /// The token the suites' clients send.
    pub const TOKEN: &str = "hostile-suite-token-4f1c9a7e2b";

    /// The root password the traps put in bodies.
    pub const PASSWORD: &str = "Hunter2-RootPw-x9Q";

    /// A fatal TLS alert (handshake failure), as a server that refuses the handshake sends it.
    pub const TLS_ALERT: &[u8] = &[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28];

    /// What a TLS client may meet instead of a TLS server: a plain-text answer, an alert.
    pub const NOT_TLS: [&[u8]; 2] = [b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n", TLS_ALERT];

    /// Create answers that fail to decode and carry [`PASSWORD`]: one whole, one cut off in
    /// the middle of the password.
    pub fn undecodable_creates() -> [Vec<u8>; 2] {
        let created = action(1, "create_server", "running");
        let whole = json!({"server": {"id": 1}, "root_password": PASSWORD, "action": created});
        let cut = format!(r#"{{"action": {created}, "next_actions": [], "root_password": "{PASSWORD}"#);
        [serde_json::to_vec(&whole).expect("JSON serializes"), cut.into_bytes()]
    }

    /// Answers every request with `body` as a `201`.
    pub fn created_with(body: Vec<u8>) -> Hostile {
        Hostile::start(move |_, _| Act::Raw(response(201, &[("content-type", "application/json")], &body)))
    }

    /// Echoes [`TOKEN`] in an error page.
    pub fn token_echo() -> Hostile {
        let echo = format!("<html>Authorization: Bearer {TOKEN}</html>");
        Hostile::start(move |_, _| Act::Raw(response(500, &[], echo.as_bytes())))
    }

    /// Every page points to the next; `last_page` and `total_entries` as given. Gives up
    /// with a 500 after 50 requests.
    pub fn endless_pages(last: Option<u64>, total: Option<u64>) -> Hostile {
        Hostile::start(move |seen, index| {
            if index >= 50 {
                return api_error(500, "server_error", "the trap gave up");
            }
            let page: u64 = seen.query("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            json(
                200,
                &json!({"servers": [server(page, &format!("s{page}"), "running")],
                "meta": pagination(page, Some(page + 1), last, total)}),
            )
        })
    }

    /// An action list of one action in `status`.
    pub fn actions_answer(status: &str) -> Value {
        json!({"actions": [action(1, "start_server", status)], "meta": pagination(1, None, Some(1), Some(1))})
    }

    /// Answers action polls only after 1.5 s, always `running`.
    pub fn slow_polls() -> Hostile {
        let running = actions_answer("running");
        Hostile::start(move |_, _| Act::Later(Duration::from_millis(1500), Box::new(json(200, &running))))
    }

    /// A wait policy polling every 50 ms, with this timeout.
    pub fn quick_wait(timeout: Option<Duration>) -> hcloud_core::WaitPolicy {
        hcloud_core::WaitPolicy {
            interval: Duration::from_millis(50),
            max_interval: Duration::from_millis(50),
            max_attempts: None,
            timeout,
        }
    }

    /// Acts `first` on the first request, then answers server 7.
    pub fn bad_first_answer(first: Act) -> Hostile {
        let first = Mutex::new(Some(first));
        Hostile::start(move |_, index| match first.lock().unwrap_or_else(|p| p.into_inner()).take() {
            Some(act) if index == 0 => act,
            _ => json(200, &json!({"server": server(7, "web", "running")})),
        })
    }

    /// What can go wrong with the first answer to a GET: a hang-up, a truncated body.
    pub fn bad_answers() -> [Act; 2] {
        let truncated = response(
            200,
            &[("content-type", "application/json"), ("content-length", "1000")],
            b"{\"server\"",
        );
        [Act::Hangup, Act::RawThenClose(truncated)]
    }

    /// Action polls: hang up, running, hang up, success.
    pub fn one_bad_poll_among_good_ones() -> Hostile {
        Hostile::start(|_, index| match index {
            0 | 2 => Act::Hangup,
            1 => json(200, &actions_answer("running")),
            _ => json(200, &actions_answer("success")),
        })
    }

    /// An error message with line breaks and an escape, 10 MB long.
    pub fn flooding_message() -> Hostile {
        let message = format!("bad\r\nERROR forged log line\u{1b}[31m\r\n{}", "A".repeat(10 * 1024 * 1024));
        Hostile::start(move |_, _| api_error(422, "invalid_input", &message))
    }

    /// Checks what `Display` made of [`flooding_message`].
    pub fn assert_tamed(shown: &str) {
        assert!(!shown.contains(['\n', '\r', '\u{1b}']), "{}", &shown[..shown.len().min(200)]);
        assert!(shown.len() < 1000, "{} bytes", shown.len());
        assert!(shown.contains("bad\\r\\nERROR forged log line"), "{shown}");
    }

    /// Redirects to `target` with `status`.
    pub fn redirecting(status: u16, target: String) -> Hostile {
        Hostile::start(move |_, _| Act::Raw(response(status, &[("location", &target)], b"")))
    }

    /// Drips a body one byte every 50 ms; and one that never answers.
    pub fn slow_servers() -> [Hostile; 2] {
        let drip = Hostile::start(|_, _| Act::Drip {
            head: b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n"
                .to_vec(),
            every: Duration::from_millis(50),
            total: 100_000,
        });
        [drip, Hostile::start(|_, _| Act::Silence(Duration::from_secs(10)))]
    }

    /// GETs are rate limited, asking for a wait of three years; POSTs time out (`504`).
    pub fn retry_trap() -> Hostile {
        Hostile::start(|seen, _| {
            if seen.method == "POST" {
                return api_error(504, "timeout", "later");
            }
            Act::Raw(response(
                429,
                &[("content-type", "application/json"), ("retry-after", "99999999")],
                br#"{"error": {"code": "rate_limit_exceeded", "message": "slow down"}}"#,
            ))
        })
    }

    /// Answers action polls with another action than the one asked for.
    pub fn wrong_action() -> Hostile {
        Hostile::start(|_, _| {
            json(
                200,
                &json!({"actions": [action(2, "start_server", "running")], "meta": pagination(1, None, Some(1), Some(1))}),
            )
        })
    }

    /// A name, a selector and a zone name that try to break out of their place.
    pub const INJECTED_NAME: &str = "web&page=99#frag x/../..\r\nX-Injected: 1";
    /// See [`INJECTED_NAME`].
    pub const INJECTED_SELECTOR: &str = "env=prod&per_page=1,tier in (a,b)";
    /// See [`INJECTED_NAME`].
    pub const INJECTED_ZONE: &str = "../servers/1?x=y";

    /// Lists no servers; anything else is not found.
    pub fn listing_nothing() -> Hostile {
        Hostile::start(|seen, _| match seen.path() {
            "/v1/servers" => {
                json(200, &json!({"servers": [], "meta": pagination(1, None, Some(1), Some(0))}))
            }
            _ => api_error(404, "not_found", "no"),
        })
    }

    /// Checks that a list by [`INJECTED_NAME`] and [`INJECTED_SELECTOR`], then a get of
    /// [`INJECTED_ZONE`], arrived each in its place.
    pub fn assert_in_place(seen: &[Seen]) {
        assert_eq!(seen[0].query("name").as_deref(), Some(INJECTED_NAME));
        assert_eq!(seen[0].query("label_selector").as_deref(), Some(INJECTED_SELECTOR));
        let query = seen[0].target.split_once('?').map_or("", |(_, q)| q);
        let keys: Vec<&str> = query.split('&').filter_map(|p| p.split('=').next()).collect();
        assert_eq!(keys, ["name", "label_selector", "page", "per_page"]);
        assert!(seen[0].header("x-injected").is_none());
        assert_eq!(seen[1].target, "/v1/zones/..%2Fservers%2F1%3Fx%3Dy");
    }

    /// Takes creates and loses every answer (hangs up); a lookup by name finds `existing`,
    /// and server 42 has one running action.
    pub fn losing_answers(existing: Option<Value>) -> Hostile {
        Hostile::start(move |seen, _| match (seen.method.as_str(), seen.path()) {
            ("POST", "/v1/servers") => Act::Hangup,
            ("GET", "/v1/servers") => {
                let found: Vec<_> = existing.iter().cloned().collect();
                json(
                    200,
                    &json!({"servers": found, "meta": pagination(1, None, Some(1), Some(found.len() as u64))}),
                )
            }
            ("GET", "/v1/servers/42/actions") => json(
                200,
                &json!({"actions": [action(9, "start_server", "running")],
                "meta": pagination(1, None, Some(1), Some(1))}),
            ),
            _ => api_error(404, "not_found", "no"),
        })
    }

    /// Server 42, `web`, with these labels, created at `created`.
    pub fn web(labels: Value, created: &str) -> Value {
        let mut found = server(42, "web", "initializing");
        found["labels"] = labels;
        found["created"] = created.into();
        found
    }

    /// Up to `max_retries` retries, 10 ms to 40 ms apart.
    pub fn quick_retries(max_retries: u32) -> hcloud_core::RetryPolicy {
        hcloud_core::RetryPolicy {
            max_retries,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(40),
            resend_ambiguous: false,
        }
    }

    /// Every way an error may be printed: `Display`, `Debug`, pretty `Debug`, and each of
    /// its sources.
    pub fn printed(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
        let mut out = vec![format!("{error}"), format!("{error:?}"), format!("{error:#?}")];
        let mut source = error.source();
        while let Some(inner) = source {
            out.push(format!("{inner} / {inner:?}"));
            source = inner.source();
        }
        out
    }

    /// A simulator that loses the answers of three creates of servers after the first `ok`
    /// (it makes the server, then hangs up), and fails the first two GETs with `get_fault`;
    /// and a configuration for it.
    pub fn sim_losing_answers(
        seed: u64,
        ok: u32,
        get_fault: hcloud_sim::FaultKind,
    ) -> (hcloud_sim::SimServer, hcloud_core::Config) {
        use hcloud_sim::{FaultKind, FaultRule, SimConfig, SimServer};
        let config = SimConfig::default().with_seed(seed).with_action_duration(Duration::from_millis(100));
        let sim = SimServer::start(config).expect("the simulator starts on 127.0.0.1");
        sim.with_simulator(|s| {
            let posts =
                FaultRule::new(FaultKind::DropAfterProcessing).method(http::Method::POST).path("/servers");
            s.inject_fault(posts.after(ok).times(3));
            s.inject_fault(FaultRule::new(get_fault).method(http::Method::GET).times(2));
        });
        let token = sim.with_simulator(|s| s.config().token.clone());
        let config = hcloud_core::Config::new(token).and_then(|c| c.with_endpoint(sim.base_url()));
        (sim, config.expect("a valid configuration"))
    }

    /// The names `web-0` … `web-{n-1}`.
    pub fn numbered(n: usize) -> Vec<String> {
        (0..n).map(|n| format!("web-{n}")).collect()
    }

    /// A recovery policy that settles in 20 ms.
    pub fn quick_recovery() -> hcloud_core::RecoveryPolicy {
        hcloud_core::RecoveryPolicy {
            settle: Duration::from_millis(20),
            lookups: 2,
            margin: Duration::from_secs(60),
        }
    }

    /// Fails a GET by hanging up, then a `409 conflict`, then answers server 7 with
    /// [`PASSWORD`] and a correlation id.
    pub fn traced_exchanges() -> Hostile {
        Hostile::start(|_, index| match index {
            0 => Act::Hangup,
            1 => api_error(409, "conflict", "busy"),
            _ => {
                let body = json!({"server": server(7, "web", "running"), "root_password": PASSWORD});
                let body = serde_json::to_vec(&body).expect("JSON serializes");
                Act::Raw(response(
                    200,
                    &[("content-type", "application/json"), ("x-correlation-id", "corr-77")],
                    &body,
                ))
            }
        })
    }

    /// Checks what `tracing` reported of a get of server 7 from [`traced_exchanges`].
    pub fn assert_traced(lines: &[String]) {
        let all = lines.join("\n");
        assert!(lines[0].starts_with("span hcloud.call machine=Retrying<GetServer>"), "{all}");
        let exchanges: Vec<&String> = lines.iter().filter(|l| l.contains(" method=GET")).collect();
        assert_eq!(exchanges.len(), 3, "{all}");
        let has = |n: usize, parts: &[&str]| parts.iter().all(|p| exchanges[n].contains(p));
        assert!(has(0, &["path=/servers/{id}", "attempt=1", "failure="]), "{all}");
        assert!(has(1, &["status=409", "code=conflict", "attempt=2"]), "{all}");
        assert!(
            has(2, &["status=200", "correlation_id=corr-77", "operation=get_server", "attempt=3"]),
            "{all}"
        );
        assert!(lines.iter().any(|l| l.contains("backoff_ms=")), "{all}");
        assert!(
            !all.contains(TOKEN) && !super::shows(&all, PASSWORD) && !all.contains("/servers/7"),
            "{all}"
        );
    }
}
