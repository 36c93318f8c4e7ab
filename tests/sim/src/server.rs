//! A small HTTP/1.1 server over std::net that puts a [`Simulator`] on a
//! loopback port: one thread per connection, keep-alive, Content-Length and
//! chunked request bodies, and the transport-level faults of [`Reply`].

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use http::{HeaderName, HeaderValue, Method, Request, Response, StatusCode, Uri, Version};

use crate::clock::Clock;
use crate::config::SimConfig;
use crate::faults::Reply;
use crate::sim::Simulator;

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 16 * 1024 * 1024;
/// How often blocked reads and sleeps look at the stop flag.
const POLL: Duration = Duration::from_millis(50);
/// Upper bound on how long shutdown waits for threads before detaching them.
const JOIN_BUDGET: Duration = Duration::from_secs(2);

/// Transport settings of a [`SimServer`].
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Port on 127.0.0.1; 0 (the default) lets the OS pick a free one.
    pub port: u16,
    /// Connections served at once (default 64); more are answered `503` and closed.
    pub max_connections: usize,
    /// Keep-alive connections idle this long are closed (default 30 s).
    pub idle_timeout: Duration,
    /// Source of the simulator's virtual time (default [`Clock::real`]).
    pub clock: Clock,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self { port: 0, max_connections: 64, idle_timeout: Duration::from_secs(30), clock: Clock::real() }
    }
}

/// The simulator served over HTTP on 127.0.0.1.
///
/// ```
/// let server = hcloud_sim::SimServer::start(hcloud_sim::SimConfig::default()).unwrap();
/// assert!(server.base_url().starts_with("http://127.0.0.1:"));
/// server.with_simulator(|sim| sim.insert_servers(3));
/// server.shutdown();
/// ```
#[derive(Debug)]
pub struct SimServer {
    addr: SocketAddr,
    prefix: String,
    sim: Arc<Mutex<Simulator>>,
    clock: Clock,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

#[derive(Debug)]
struct Shared {
    stop: AtomicBool,
    conns: Mutex<Conns>,
    max_connections: usize,
    idle_timeout: Duration,
}

#[derive(Debug, Default)]
struct Conns {
    next_id: u64,
    /// Clones of live sockets, so shutdown can unblock their threads at once.
    streams: HashMap<u64, TcpStream>,
    handles: Vec<JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking handler must not take the whole server down with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl SimServer {
    /// Serves a new simulator on a free loopback port with a real clock.
    pub fn start(config: SimConfig) -> io::Result<Self> {
        Self::start_with(config, ServerOptions::default())
    }

    /// Serves a new simulator with explicit transport settings.
    pub fn start_with(config: SimConfig, options: ServerOptions) -> io::Result<Self> {
        let prefix = config.normalized_prefix();
        Self::serve(Simulator::new(config), prefix, options)
    }

    /// Serves an existing simulator, e.g. one pre-seeded with servers.
    pub fn from_simulator(sim: Simulator, options: ServerOptions) -> io::Result<Self> {
        let prefix = sim.config().normalized_prefix();
        Self::serve(sim, prefix, options)
    }

    fn serve(mut sim: Simulator, prefix: String, options: ServerOptions) -> io::Result<Self> {
        // A real clock means real timestamps, unless an epoch was fixed.
        if sim.config().epoch_unix.is_none() && !options.clock.is_manual() {
            let wall =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
            sim.set_epoch_unix(
                i64::try_from(wall).unwrap_or(0) - i64::try_from(options.clock.now().as_secs()).unwrap_or(0),
            );
        }
        let listener = TcpListener::bind(("127.0.0.1", options.port))?;
        let addr = listener.local_addr()?;
        let sim = Arc::new(Mutex::new(sim));
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            conns: Mutex::new(Conns::default()),
            max_connections: options.max_connections.max(1),
            idle_timeout: options.idle_timeout,
        });
        let accept = {
            let (sim, shared, clock) = (sim.clone(), shared.clone(), options.clock.clone());
            thread::Builder::new()
                .name("hcloud-sim-accept".to_owned())
                .spawn(move || accept_loop(listener, sim, shared, clock))?
        };
        Ok(Self { addr, prefix, sim, clock: options.clock, shared, accept: Some(accept) })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API base URL, e.g. `http://127.0.0.1:40123/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, self.prefix)
    }

    /// The clock feeding the simulator; advance it to skip virtual time.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The shared simulator, for inspection or fault injection from tests.
    pub fn simulator(&self) -> Arc<Mutex<Simulator>> {
        self.sim.clone()
    }

    /// Runs `f` with the simulator locked.
    pub fn with_simulator<R>(&self, f: impl FnOnce(&mut Simulator) -> R) -> R {
        f(&mut lock(&self.sim))
    }

    /// Stops accepting, closes every connection and joins the threads, waiting
    /// at most about two seconds (threads still busy then are detached).
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let Some(accept) = self.accept.take() else {
            return;
        };
        self.shared.stop.store(true, Ordering::SeqCst);
        // accept() blocks; a throwaway connection wakes it up to see the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(500));
        let deadline = Instant::now() + JOIN_BUDGET;
        join_until(accept, deadline);
        let handles = {
            let mut conns = lock(&self.shared.conns);
            for s in conns.streams.values() {
                let _ = s.shutdown(Shutdown::Both);
            }
            std::mem::take(&mut conns.handles)
        };
        for h in handles {
            join_until(h, deadline);
        }
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn join_until(handle: JoinHandle<()>, deadline: Instant) {
    while !handle.is_finished() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(2));
    }
    if handle.is_finished() {
        let _ = handle.join();
    }
}

fn accept_loop(listener: TcpListener, sim: Arc<Mutex<Simulator>>, shared: Arc<Shared>, clock: Clock) {
    for incoming in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let stream = match incoming {
            Ok(s) => s,
            Err(_) => {
                // E.g. out of file descriptors: back off instead of spinning.
                thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let mut conns = lock(&shared.conns);
        // Checked under the lock so shutdown cannot miss a connection.
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let finished: Vec<usize> =
            (0..conns.handles.len()).filter(|&i| conns.handles[i].is_finished()).collect();
        for i in finished.into_iter().rev() {
            let _ = conns.handles.swap_remove(i).join();
        }
        if conns.streams.len() >= shared.max_connections {
            drop(conns);
            reject_busy(stream);
            continue;
        }
        let Ok(clone) = stream.try_clone() else {
            continue;
        };
        let id = conns.next_id;
        conns.next_id += 1;
        conns.streams.insert(id, clone);
        let (sim, shared2, clock) = (sim.clone(), shared.clone(), clock.clone());
        let spawned = thread::Builder::new().name(format!("hcloud-sim-conn-{id}")).spawn(move || {
            serve_connection(stream, &sim, &shared2, &clock);
            lock(&shared2.conns).streams.remove(&id);
        });
        match spawned {
            Ok(h) => conns.handles.push(h),
            Err(_) => {
                conns.streams.remove(&id);
            }
        }
    }
}

fn reject_busy(mut stream: TcpStream) {
    let body = br#"{"error":{"code":"unavailable","message":"too many connections","details":null}}"#;
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

enum ReadError {
    /// Peer closed, idle timeout or shutdown: close quietly.
    Closed,
    /// Malformed request: answer 400, then close.
    Bad(&'static str),
}

/// A socket plus the bytes read past the previous request (pipelining).
struct Conn<'a> {
    stream: TcpStream,
    buf: Vec<u8>,
    shared: &'a Shared,
    deadline: Instant,
}

impl Conn<'_> {
    /// Reads more bytes; `Closed` on EOF, stop, or deadline.
    fn fill(&mut self) -> Result<(), ReadError> {
        let mut chunk = [0u8; 8192];
        loop {
            if self.shared.stop.load(Ordering::SeqCst) || Instant::now() >= self.deadline {
                return Err(ReadError::Closed);
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(ReadError::Closed),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(());
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
                    ) => {}
                Err(_) => return Err(ReadError::Closed),
            }
        }
    }

    fn read_line(&mut self) -> Result<Vec<u8>, ReadError> {
        loop {
            if let Some(pos) = find(&self.buf, b"\r\n") {
                let line = self.buf[..pos].to_vec();
                self.buf.drain(..pos + 2);
                return Ok(line);
            }
            if self.buf.len() > MAX_HEAD {
                return Err(ReadError::Bad("line too long"));
            }
            self.fill()?;
        }
    }

    fn read_exact_bytes(&mut self, n: usize) -> Result<Vec<u8>, ReadError> {
        while self.buf.len() < n {
            self.fill()?;
        }
        Ok(self.buf.drain(..n).collect())
    }

    fn read_chunked(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line()?;
            let size_str = std::str::from_utf8(&line).map_err(|_| ReadError::Bad("bad chunk size"))?;
            let size_str = size_str.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size_str, 16).map_err(|_| ReadError::Bad("bad chunk size"))?;
            if size == 0 {
                // Trailers end with an empty line.
                while !self.read_line()?.is_empty() {}
                return Ok(body);
            }
            if body.len() + size > MAX_BODY {
                return Err(ReadError::Bad("body too large"));
            }
            body.extend(self.read_exact_bytes(size)?);
            if !self.read_line()?.is_empty() {
                return Err(ReadError::Bad("missing CRLF after chunk"));
            }
        }
    }

    /// Reads one request; returns it with whether the connection may be reused.
    fn read_request(&mut self) -> Result<(Request<Vec<u8>>, bool), ReadError> {
        let head_end = loop {
            if let Some(pos) = find(&self.buf, b"\r\n\r\n") {
                break pos;
            }
            if self.buf.len() > MAX_HEAD {
                return Err(ReadError::Bad("request head too large"));
            }
            let had = self.buf.len();
            match self.fill() {
                Ok(()) => {}
                Err(ReadError::Closed) if had > 0 => return Err(ReadError::Bad("incomplete request")),
                Err(e) => return Err(e),
            }
        };
        let head: Vec<u8> = self.buf.drain(..head_end + 4).collect();
        let head = std::str::from_utf8(&head[..head_end])
            .map_err(|_| ReadError::Bad("request head is not UTF-8"))?;
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or("");
        let mut parts = request_line.split(' ');
        let (Some(method), Some(target), Some(version), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ReadError::Bad("malformed request line"));
        };
        let method = Method::from_bytes(method.as_bytes()).map_err(|_| ReadError::Bad("bad method"))?;
        let uri: Uri = target.parse().map_err(|_| ReadError::Bad("bad request target"))?;
        let version = match version {
            "HTTP/1.1" => Version::HTTP_11,
            "HTTP/1.0" => Version::HTTP_10,
            _ => return Err(ReadError::Bad("unsupported HTTP version")),
        };
        let mut builder = Request::builder().method(method).uri(uri).version(version);
        let mut content_length: Option<usize> = None;
        let mut chunked = false;
        let mut connection = String::new();
        let mut expect_continue = false;
        for line in lines {
            let (name, value) = line.split_once(':').ok_or(ReadError::Bad("malformed header"))?;
            let value = value.trim();
            let name = HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|_| ReadError::Bad("bad header name"))?;
            let hv = HeaderValue::from_str(value).map_err(|_| ReadError::Bad("bad header value"))?;
            match name.as_str() {
                "content-length" => {
                    let n = value.parse::<usize>().map_err(|_| ReadError::Bad("bad content-length"))?;
                    if content_length.is_some_and(|m| m != n) {
                        return Err(ReadError::Bad("conflicting content-length"));
                    }
                    content_length = Some(n);
                }
                "transfer-encoding" => chunked = value.to_ascii_lowercase().ends_with("chunked"),
                "connection" => connection = value.to_ascii_lowercase(),
                "expect" => expect_continue = value.eq_ignore_ascii_case("100-continue"),
                _ => {}
            }
            builder = builder.header(name, hv);
        }
        let keep_alive = match version {
            Version::HTTP_10 => connection.contains("keep-alive"),
            _ => !connection.contains("close"),
        };
        if expect_continue && (chunked || content_length.unwrap_or(0) > 0) {
            let _ = self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
        let body = if chunked {
            self.read_chunked()?
        } else {
            let n = content_length.unwrap_or(0);
            if n > MAX_BODY {
                return Err(ReadError::Bad("body too large"));
            }
            self.read_exact_bytes(n)?
        };
        let req = builder.body(body).map_err(|_| ReadError::Bad("malformed request"))?;
        Ok((req, keep_alive))
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn serve_connection(stream: TcpStream, sim: &Mutex<Simulator>, shared: &Shared, clock: &Clock) {
    let _ = stream.set_read_timeout(Some(POLL));
    let _ = stream.set_nodelay(true);
    let mut conn = Conn { stream, buf: Vec::new(), shared, deadline: Instant::now() + shared.idle_timeout };
    loop {
        conn.deadline = Instant::now() + shared.idle_timeout;
        let (req, keep_alive) = match conn.read_request() {
            Ok(r) => r,
            Err(ReadError::Closed) => return,
            Err(ReadError::Bad(why)) => {
                let body = format!(
                    r#"{{"error":{{"code":"invalid_input","message":"malformed HTTP request: {why}","details":null}}}}"#
                );
                let mut resp = Response::new(body.into_bytes());
                *resp.status_mut() = StatusCode::BAD_REQUEST;
                resp.headers_mut()
                    .insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                let _ = write_response(&mut conn.stream, &resp, false, false);
                return;
            }
        };
        let is_head = req.method() == Method::HEAD;
        if let Some(resp) = clock_control(&req, clock) {
            if write_response(&mut conn.stream, &resp, keep_alive, is_head).is_err() || !keep_alive {
                return;
            }
            continue;
        }
        let reply = {
            let mut sim = lock(sim);
            sim.handle_with_fault(clock.now(), req)
        };
        let written = match reply {
            Reply::Respond(resp) => write_response(&mut conn.stream, &resp, keep_alive, is_head),
            Reply::Delay(d, resp) => {
                if !sleep_unless_stopped(d, shared) {
                    return;
                }
                write_response(&mut conn.stream, &resp, keep_alive, is_head)
            }
            Reply::Truncate(resp) => {
                let _ = write_truncated(&mut conn.stream, &resp);
                let _ = conn.stream.shutdown(Shutdown::Both);
                return;
            }
            Reply::Drop => {
                let _ = conn.stream.shutdown(Shutdown::Both);
                return;
            }
        };
        if written.is_err() || !keep_alive {
            let _ = conn.stream.shutdown(Shutdown::Write);
            return;
        }
    }
}

/// `GET /_sim/clock` tells the virtual time; `POST` with `{"advance_seconds": s}` skips ahead.
fn clock_control(req: &Request<Vec<u8>>, clock: &Clock) -> Option<Response<Vec<u8>>> {
    if req.uri().path().trim_end_matches('/') != format!("{}/clock", crate::control::CONTROL_PREFIX) {
        return None;
    }
    let advance = match *req.method() {
        Method::GET => Ok(0.0),
        Method::POST => serde_json::from_slice::<serde_json::Value>(req.body())
            .ok()
            .and_then(|v| v["advance_seconds"].as_f64())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .ok_or("the body needs a non-negative number \"advance_seconds\""),
        _ => Err("use GET or POST"),
    };
    let (status, body) = match advance {
        Ok(s) => {
            clock.advance(Duration::from_secs_f64(s));
            (
                StatusCode::OK,
                serde_json::json!({"now_seconds": clock.now().as_secs_f64(), "manual": clock.is_manual()}),
            )
        }
        Err(m) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            serde_json::json!({"error": {"code": "invalid_input", "message": m, "details": null}}),
        ),
    };
    let mut resp = Response::new(serde_json::to_vec(&body).unwrap_or_default());
    *resp.status_mut() = status;
    resp.headers_mut().insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Some(resp)
}

/// Sleeps in short steps; false if the server is stopping.
fn sleep_unless_stopped(d: Duration, shared: &Shared) -> bool {
    let end = Instant::now() + d;
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return false;
        }
        let now = Instant::now();
        if now >= end {
            return true;
        }
        thread::sleep((end - now).min(POLL));
    }
}

fn head_bytes(resp: &Response<Vec<u8>>, content_length: Option<usize>, keep_alive: bool) -> Vec<u8> {
    let status = resp.status();
    let mut head =
        format!("HTTP/1.1 {} {}\r\n", status.as_u16(), status.canonical_reason().unwrap_or("Unknown"));
    for (name, value) in resp.headers() {
        if matches!(name.as_str(), "content-length" | "connection" | "transfer-encoding") {
            continue;
        }
        head.push_str(name.as_str());
        head.push_str(": ");
        head.push_str(value.to_str().unwrap_or(""));
        head.push_str("\r\n");
    }
    if let Some(n) = content_length {
        head.push_str(&format!("content-length: {n}\r\n"));
    }
    head.push_str(if keep_alive { "connection: keep-alive\r\n\r\n" } else { "connection: close\r\n\r\n" });
    head.into_bytes()
}

fn write_response(
    stream: &mut TcpStream,
    resp: &Response<Vec<u8>>,
    keep_alive: bool,
    head_only: bool,
) -> io::Result<()> {
    let body = resp.body();
    // 204 must not carry a body or a length.
    let no_body = resp.status() == StatusCode::NO_CONTENT;
    let mut out = head_bytes(resp, (!no_body).then_some(body.len()), keep_alive);
    if !head_only && !no_body {
        out.extend_from_slice(body);
    }
    stream.write_all(&out)?;
    stream.flush()
}

fn write_truncated(stream: &mut TcpStream, resp: &Response<Vec<u8>>) -> io::Result<()> {
    let body = resp.body();
    let mut out = head_bytes(resp, Some(body.len()), false);
    out.extend_from_slice(&body[..body.len() / 2]);
    stream.write_all(&out)?;
    stream.flush()
}
