//! Shared helpers: a virtual-time harness around `Simulator::handle` and
//! validation of answers against the committed spec extract.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use hcloud_sim::{SimConfig, Simulator};
use http::{HeaderMap, Method, Request, StatusCode};
use serde_json::Value;

pub const TOKEN: &str = "sim-token";

/// The spec extract, read once per test binary.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/subset.json");
        let text = std::fs::read_to_string(path).expect("tests/spec/subset.json (run tests/spec/extract.py)");
        serde_json::from_str(&text).expect("tests/spec/subset.json is JSON")
    })
}

fn schema_for(operation: &str) -> &'static Value {
    if operation == "error" {
        return &spec()["error_envelope"];
    }
    let op = &spec()["operations"][operation];
    assert!(!op.is_null(), "operation {operation} missing from tests/spec/subset.json");
    &op["response_schema"]
}

/// Validates `body` against the operation's response schema (JSON Schema 2020-12)
/// and, stricter than the spec, rejects properties the spec does not declare,
/// so removed fields such as `server.datacenter` cannot creep back.
pub fn assert_schema(operation: &str, body: &Value) {
    thread_local! {
        static VALIDATORS: std::cell::RefCell<HashMap<String, std::rc::Rc<jsonschema::Validator>>> =
            std::cell::RefCell::new(HashMap::new());
    }
    let schema = schema_for(operation);
    let validator = VALIDATORS.with(|v| {
        v.borrow_mut()
            .entry(operation.to_owned())
            .or_insert_with(|| {
                std::rc::Rc::new(jsonschema::draft202012::new(schema).expect("schema compiles"))
            })
            .clone()
    });
    let errors: Vec<String> =
        validator.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "{operation}: schema violations: {errors:#?}\nbody: {body:#}");
    let mut extra = Vec::new();
    undeclared(schema, body, String::new(), &mut extra);
    // `meta` on GET /actions is documented in the pagination prose but not in its schema.
    extra.retain(|p| !(operation == "get_actions" && p == "/meta"));
    assert!(extra.is_empty(), "{operation}: properties not in the spec: {extra:?}");
}

fn undeclared(schema: &Value, value: &Value, path: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, v) in map {
                    match props.get(k) {
                        Some(s) => undeclared(s, v, format!("{path}/{k}"), out),
                        None => out.push(format!("{path}/{k}")),
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    undeclared(item_schema, v, format!("{path}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}

/// An answer, decoded.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts an error envelope with this status and code, valid per the spec.
    pub fn expect_error(&self, status: u16, code: &str) -> &Self {
        assert_eq!(self.status.as_u16(), status, "body: {:#}", self.json);
        assert_eq!(self.json["error"]["code"], code, "body: {:#}", self.json);
        assert!(self.json["error"]["message"].is_string());
        assert!(self.json["error"].get("details").is_some(), "details must be present (object or null)");
        assert_schema("error", &self.json);
        self
    }

    /// The field names listed in `error.details.fields`.
    pub fn error_fields(&self) -> Vec<String> {
        self.json["error"]["details"]["fields"]
            .as_array()
            .map(|a| a.iter().filter_map(|f| f["name"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }
}

/// The operation of the official spec a request is for: method and path template
/// match, and the template with the most literal segments wins.
pub fn operation_for(method: &Method, path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or("");
    let segments: Vec<&str> = path.trim_start_matches("/v1").trim_start_matches('/').split('/').collect();
    let mut best: Option<(&'static str, usize)> = None;
    for (id, op) in spec()["operations"].as_object().unwrap() {
        if op["method"] != method.as_str() {
            continue;
        }
        let parts: Vec<&str> = op["path"].as_str().unwrap().trim_start_matches('/').split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut literals = 0;
        let fits = parts.iter().zip(&segments).all(|(p, s)| {
            if p.starts_with('{') {
                *p != "{action_id}" || s.parse::<u64>().is_ok()
            } else {
                literals += 1;
                p == s
            }
        });
        if fits && best.is_none_or(|(_, l)| literals > l) {
            best = Some((id.as_str(), literals));
        }
    }
    best.map(|(id, _)| id)
}

/// A simulator plus a virtual clock. Every successful answer is checked against
/// its operation's status and response schema, and counted in `covered`.
pub struct Harness {
    pub sim: Simulator,
    pub now: Duration,
    pub covered: std::collections::BTreeSet<&'static str>,
}

impl Harness {
    pub fn new() -> Self {
        Self::with(SimConfig::default())
    }

    pub fn with(config: SimConfig) -> Self {
        Self { sim: Simulator::new(config), now: Duration::ZERO, covered: Default::default() }
    }

    pub fn advance(&mut self, by: Duration) {
        self.now += by;
    }

    pub fn request(method: Method, path: &str, body: Option<&Value>) -> Request<Vec<u8>> {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header("Host", "sim.test")
            .header("Authorization", format!("Bearer {TOKEN}"));
        if body.is_some() {
            b = b.header("Content-Type", "application/json");
        }
        b.body(body.map(|v| serde_json::to_vec(v).unwrap()).unwrap_or_default()).unwrap()
    }

    pub fn send(&mut self, req: Request<Vec<u8>>) -> Answer {
        let (method, path) = (req.method().clone(), req.uri().path().to_owned());
        let resp = self.sim.handle(self.now, req);
        let json = if resp.body().is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(resp.body())
                .unwrap_or_else(|e| panic!("non-JSON body ({e}): {}", String::from_utf8_lossy(resp.body())))
        };
        let answer = Answer { status: resp.status(), headers: resp.headers().clone(), json };
        if answer.status.is_success() && path.starts_with("/v1/") && method != Method::OPTIONS {
            self.check_success(&method, &path, &answer);
        }
        answer
    }

    fn check_success(&mut self, method: &Method, path: &str, answer: &Answer) {
        let op = operation_for(method, path).unwrap_or_else(|| panic!("no operation for {method} {path}"));
        let declared = spec()["operations"][op]["success_status"].as_u64().unwrap();
        if op == "delete_load_balancer" {
            // Answered with its action, as the API does since the spec snapshot.
            assert_eq!(answer.status.as_u16(), 200, "{op}");
            assert_schema("get_action", &answer.json);
        } else {
            assert_eq!(u64::from(answer.status.as_u16()), declared, "{op}: {method} {path}");
            if declared == 204 {
                assert_eq!(answer.json, Value::Null, "{op}: a 204 has no body");
            } else {
                assert_schema(op, &answer.json);
            }
        }
        self.covered.insert(op);
    }

    pub fn call(&mut self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.send(Self::request(method, path, body.as_ref()))
    }

    pub fn get(&mut self, path: &str) -> Answer {
        self.call(Method::GET, path, None)
    }

    /// `POST /servers`, asserting 201 and the schema; returns the whole body.
    pub fn create(&mut self, body: Value) -> Value {
        let a = self.call(Method::POST, "/v1/servers", Some(body));
        assert_eq!(a.status, 201, "{:#}", a.json);
        assert_schema("create_server", &a.json);
        a.json
    }

    /// `POST` that must answer 201, validated against the create operation's schema.
    pub fn post_ok(&mut self, path: &str, body: Value) -> Value {
        let a = self.call(Method::POST, path, Some(body));
        assert_eq!(a.status, 201, "{path}: {:#}", a.json);
        a.json
    }

    /// Creates an SSH key (a made-up ed25519 key unique per name); returns its id.
    pub fn ssh_key(&mut self, name: &str) -> u64 {
        let key = public_key(name);
        let a = self.post_ok("/v1/ssh_keys", serde_json::json!({"name": name, "public_key": key}));
        assert_schema("create_ssh_key", &a);
        a["ssh_key"]["id"].as_u64().unwrap()
    }

    /// Creates a server and lets its actions finish; returns its id.
    pub fn create_running(&mut self, name: &str) -> u64 {
        let body =
            self.create(serde_json::json!({"name": name, "server_type": "cx22", "image": "ubuntu-24.04"}));
        self.advance(Duration::from_secs(10));
        body["server"]["id"].as_u64().unwrap()
    }
}

/// An OpenSSH ed25519 public key line whose key body derives from `seed`.
pub fn public_key(seed: &str) -> String {
    let mut blob = Vec::new();
    blob.extend_from_slice(&11u32.to_be_bytes());
    blob.extend_from_slice(b"ssh-ed25519");
    blob.extend_from_slice(&32u32.to_be_bytes());
    let h = seed.bytes().fold(7u8, |h, b| h.wrapping_mul(31).wrapping_add(b));
    blob.extend((0..32u8).map(|i| i.wrapping_mul(h).wrapping_add(h)));
    format!("ssh-ed25519 {} {seed}@test", base64(&blob))
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            s.push(if i <= c.len() { T[((n >> (18 - 6 * i)) & 63) as usize] as char } else { '=' });
        }
    }
    s
}
