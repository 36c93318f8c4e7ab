//! The handle table: live machines by number, and the whole exported API in safe Rust.
//!
//! [`crate::ffi`] only moves bytes in and out of WebAssembly memory and calls these methods,
//! so everything here is tested natively.

use hcloud_core::{HttpResponse, Machine, RateLimit, Step, Timestamp, TransportFailure};
use serde_json::Value;

use crate::json::{self, failed_step, local_error, JsonObject};
use crate::spec::{self, JsonMachine, Output, ProgressLog};

/// Keeps what the registry reports from each response before the machine consumes it: the
/// rate-limit headers, and the body that outputs are taken from.
struct Watched {
    machine: JsonMachine,
    rate_limit: Option<RateLimit>,
    body: Vec<u8>,
}

impl Machine for Watched {
    type Output = Output;

    fn poll(&mut self, now: Timestamp) -> Step<Output> {
        self.machine.poll(now)
    }

    fn handle_response(&mut self, now: Timestamp, response: HttpResponse) {
        if let Some(limit) = RateLimit::from_headers(response.headers()) {
            self.rate_limit = Some(limit);
        }
        self.body.clone_from(response.body());
        self.machine.handle_response(now, response)
    }

    fn handle_transport_error(&mut self, now: Timestamp, failure: TransportFailure) {
        self.machine.handle_transport_error(now, failure)
    }
}

struct Session {
    handle: u32,
    machine: Watched,
    progress: Option<ProgressLog>,
    /// A failure of the host's own making (a malformed response), reported on the next poll.
    pending: Option<JsonObject>,
}

/// Live machines, each under a handle that is never reused.
#[derive(Default)]
pub struct Registry {
    last: u32,
    /// Few machines are alive at once, so a list beats a map (and is less code).
    sessions: Vec<Session>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").field("live", &self.sessions.len()).finish()
    }
}

fn unknown(handle: u32) -> JsonObject {
    local_error("unknown_handle", format!("no machine has handle {handle}; it was freed or never made"))
}

/// Renders an output, taking what came from a response out of its body.
fn render(output: &Output, body: &[u8]) -> Vec<u8> {
    let member = |key: &str| -> Value {
        let text = std::str::from_utf8(body).unwrap_or_default();
        let mut body: Value = serde_json::from_str(text).unwrap_or_default();
        body.get_mut(key).map(Value::take).unwrap_or_default()
    };
    match output {
        Output::Json(json) => json.clone(),
        Output::Body => body.to_vec(),
        Output::Member(key) => serde_json::to_vec(&member(key)).unwrap_or_default(),
        Output::Page { pagination, cursor } => {
            let mut page = JsonObject::default();
            page.field("servers", &member("servers")).field("pagination", pagination).field("cursor", cursor);
            page.finish()
        }
        Output::End => b"null".to_vec(),
    }
}

impl Registry {
    fn session(&mut self, handle: u32) -> Result<&mut Session, JsonObject> {
        self.sessions.iter_mut().find(|s| s.handle == handle).ok_or_else(|| unknown(handle))
    }

    /// Builds the machine a JSON spec names (see [`crate::spec`]) and returns its handle
    /// (never 0), or an error object.
    pub fn create(&mut self, spec: &[u8]) -> Result<u32, Vec<u8>> {
        let built = spec::build(spec).map_err(JsonObject::finish)?;
        let handle =
            self.last.checked_add(1).ok_or_else(|| local_error("spec", "out of handles".into()).finish())?;
        self.last = handle;
        self.sessions.push(Session {
            handle,
            machine: Watched { machine: built.machine, rate_limit: None, body: Vec::new() },
            progress: built.progress,
            pending: None,
        });
        Ok(handle)
    }

    /// Asks a machine what to do next; answers a step object (see [`crate::json`]) as JSON
    /// text.
    pub fn poll(&mut self, handle: u32, now_ms: f64) -> Vec<u8> {
        let session = match self.session(handle) {
            Ok(session) => session,
            Err(error) => return failed_step(error).finish(),
        };
        let mut step = match session.pending.take() {
            Some(error) => failed_step(error),
            None => match session.machine.poll(json::timestamp(now_ms)) {
                Step::Send(request) => json::send_step(&request),
                Step::Sleep(duration) => json::sleep_step(duration),
                Step::Done(output) => {
                    let mut step = JsonObject::default();
                    step.field("step", "done")
                        .raw("output", &render(&output, &session.machine.body))
                        .field("last", &output.is_last());
                    step
                }
                Step::Failed(error) => failed_step(json::error_json(&error)),
            },
        };
        let progress = session
            .progress
            .as_ref()
            .and_then(|log| log.lock().ok().map(|mut events| std::mem::take(&mut *events)))
            .unwrap_or_default();
        if !progress.is_empty() {
            step.field("progress", &progress);
        }
        if let Some(limit) = &session.machine.rate_limit {
            step.field("rate_limit", limit);
        }
        step.finish()
    }

    /// Reports the response to a machine's last request: its status, its headers as
    /// `name: value` lines, and its raw body.
    ///
    /// A malformed response fails the machine on its next poll with a `driver` error.
    pub fn respond(
        &mut self,
        handle: u32,
        now_ms: f64,
        status: u16,
        headers: &[u8],
        body: &[u8],
    ) -> Result<(), Vec<u8>> {
        let session = self.session(handle).map_err(JsonObject::finish)?;
        match json::response(status, headers, body) {
            Ok(response) => session.machine.handle_response(json::timestamp(now_ms), response),
            Err(message) => session.pending = Some(local_error("driver", message)),
        }
        Ok(())
    }

    /// Reports that a machine's last request failed in transport: `kind` 0 for a refused
    /// connection, 1 for a timeout, 2 for anything else.
    pub fn transport_error(
        &mut self,
        handle: u32,
        now_ms: f64,
        kind: u32,
        maybe_sent: bool,
    ) -> Result<(), Vec<u8>> {
        let session = self.session(handle).map_err(JsonObject::finish)?;
        let failure = json::transport_failure(kind, maybe_sent);
        session.machine.handle_transport_error(json::timestamp(now_ms), failure);
        Ok(())
    }

    /// Drops a machine; returns whether it existed.
    pub fn free(&mut self, handle: u32) -> bool {
        let before = self.sessions.len();
        self.sessions.retain(|s| s.handle != handle);
        self.sessions.len() != before
    }

    /// How many machines are alive, so hosts can check they free what they make.
    pub fn live(&self) -> usize {
        self.sessions.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CONFIG: &str = r#""config": {"token": "t", "endpoint": "http://127.0.0.1:9/v1"}"#;
    const JSON: &[u8] = b"content-type: application/json\r\n";

    /// Polls and parses the step, as the host would.
    fn poll(registry: &mut Registry, handle: u32, now_ms: f64) -> Value {
        serde_json::from_slice(&registry.poll(handle, now_ms)).unwrap()
    }

    fn page(ids: &[u64], page: u64, next: Option<u64>) -> Vec<u8> {
        let servers: Vec<Value> = ids.iter().map(|&id| server(id, "running")).collect();
        let pagination = json!({"page": page, "per_page": 2, "previous_page": null, "next_page": next,
            "last_page": 2, "total_entries": 3});
        serde_json::to_vec(&json!({"servers": servers, "meta": {"pagination": pagination}})).unwrap()
    }

    fn server(id: u64, status: &str) -> Value {
        json!({
            "id": id, "name": format!("s{id}"), "status": status, "created": "2024-01-01T00:00:00Z",
            "public_net": {"ipv4": null, "ipv6": null, "floating_ips": []}, "private_net": [],
            "server_type": {"id": 1, "name": "cpx22", "description": "", "cores": 2, "memory": 4.0,
                "disk": 80.0, "prices": [], "storage_type": "local", "cpu_type": "shared",
                "architecture": "x86"},
            "location": {"id": 1, "name": "fsn1", "description": "", "country": "DE", "city": "F",
                "latitude": 0.0, "longitude": 0.0, "network_zone": "eu-central"},
            "image": null, "iso": null, "rescue_enabled": false, "locked": false, "backup_window": null,
            "outgoing_traffic": null, "ingoing_traffic": null, "included_traffic": null,
            "protection": {"delete": false, "rebuild": false}, "labels": {}, "primary_disk_size": 80.0
        })
    }

    fn action(progress: u8, status: &str) -> Value {
        json!({"id": 5, "command": "create_server", "status": status, "progress": progress,
            "started": "2024-01-01T00:00:00Z",
            "finished": if status == "running" { Value::Null } else { json!("2024-01-01T00:01:00Z") },
            "resources": [{"id": 1, "type": "server"}], "error": null})
    }

    #[test]
    fn a_paginator_hands_out_pages_then_null() {
        let mut registry = Registry::default();
        let spec = format!(r#"{{"kind": "list_servers", "per_page": 2, {CONFIG}}}"#);
        let handle = registry.create(spec.as_bytes()).unwrap();
        let step = poll(&mut registry, handle, 0.0);
        assert_eq!(step["step"], "send");
        assert_eq!(step["url"], "http://127.0.0.1:9/v1/servers?page=1&per_page=2");
        assert_eq!(step["headers"][0], json!(["authorization", "Bearer t"]));
        registry.respond(handle, 1.0, 200, JSON, &page(&[1, 2], 1, Some(2))).unwrap();
        let step = poll(&mut registry, handle, 2.0);
        assert_eq!(step["step"], "done");
        assert_eq!(step["last"], false);
        assert_eq!(step["output"]["servers"][1], server(2, "running"));
        assert_eq!(step["output"]["pagination"]["next_page"], 2);
        assert_eq!(step["output"]["cursor"], json!({"next_page": 2, "per_page": 2}));
        assert_eq!(
            poll(&mut registry, handle, 3.0)["url"],
            "http://127.0.0.1:9/v1/servers?page=2&per_page=2"
        );
        registry.respond(handle, 4.0, 200, JSON, &page(&[3], 2, None)).unwrap();
        assert_eq!(poll(&mut registry, handle, 5.0)["output"]["servers"][0]["id"], 3);
        let end = poll(&mut registry, handle, 6.0);
        assert_eq!(end, json!({"step": "done", "output": null, "last": true}));
        assert!(registry.free(handle));
        assert!(!registry.free(handle));
        assert_eq!(registry.live(), 0);
    }

    #[test]
    fn rate_limits_are_retried_after_a_sleep_and_reported() {
        let mut registry = Registry::default();
        let spec =
            format!(r#"{{"kind": "get_server", "id": 7, "retry": {{"base_delay_ms": 100}}, {CONFIG}}}"#);
        let handle = registry.create(spec.as_bytes()).unwrap();
        assert_eq!(poll(&mut registry, handle, 0.0)["method"], "GET");
        let limited = b"retry-after: 0\nratelimit-limit: 10\nratelimit-remaining: 0\nratelimit-reset: 99\n";
        let body = br#"{"error": {"code": "rate_limit_exceeded", "message": "slow down"}}"#;
        registry.respond(handle, 0.0, 429, limited, body).unwrap();
        let step = poll(&mut registry, handle, 0.0);
        assert_eq!(step["step"], "sleep");
        assert!(step["ms"].as_f64().unwrap() >= 100.0);
        assert_eq!(step["rate_limit"]["remaining"], 0);
        assert_eq!(poll(&mut registry, handle, 100_000.0)["step"], "send");
        let ok = serde_json::to_vec(&json!({"server": server(7, "running")})).unwrap();
        registry.respond(handle, 100_001.0, 200, JSON, &ok).unwrap();
        let done = poll(&mut registry, handle, 100_002.0);
        assert_eq!(done["output"], server(7, "running"));
        assert_eq!(done["last"], true);
    }

    #[test]
    fn typed_errors_and_host_mistakes_fail_the_machine() {
        let mut registry = Registry::default();
        let spec =
            format!(r#"{{"kind": "get_server", "id": 999999, "retry": {{"max_retries": 0}}, {CONFIG}}}"#);
        let handle = registry.create(spec.as_bytes()).unwrap();
        let _ = poll(&mut registry, handle, 0.0);
        let body = br#"{"error": {"code": "not_found", "message": "server not found"}}"#;
        registry.respond(handle, 0.0, 404, b"x-correlation-id: c1\n", body).unwrap();
        let failed = poll(&mut registry, handle, 0.0);
        assert_eq!(failed["error"]["kind"], "api");
        assert_eq!(failed["error"]["code"], "not_found");
        assert_eq!(failed["error"]["status"], 404);
        assert_eq!(failed["error"]["correlation_id"], "c1");

        let handle = registry.create(spec.as_bytes()).unwrap();
        let _ = poll(&mut registry, handle, 0.0);
        registry.respond(handle, 0.0, 200, b"not a header", b"").unwrap();
        assert_eq!(poll(&mut registry, handle, 0.0)["error"]["kind"], "driver");

        let error: Value = serde_json::from_slice(&registry.create(b"{\"kind\": 1}").unwrap_err()).unwrap();
        assert_eq!(error["kind"], "spec");
        assert_eq!(poll(&mut registry, 4242, 0.0)["error"]["code"], "unknown_handle");
        assert!(registry.respond(4242, 0.0, 200, b"", b"").is_err());
        assert!(registry.transport_error(4242, 0.0, 0, false).is_err());
    }

    #[test]
    fn transport_failures_reach_the_retry_policy() {
        let mut registry = Registry::default();
        let spec = format!(r#"{{"kind": "get_server", "id": 1, "retry": {{"max_retries": 0}}, {CONFIG}}}"#);
        let handle = registry.create(spec.as_bytes()).unwrap();
        let _ = poll(&mut registry, handle, 0.0);
        registry.transport_error(handle, 0.0, 0, false).unwrap();
        let failed = poll(&mut registry, handle, 0.0);
        assert_eq!(failed["error"]["kind"], "transport");
        assert_eq!(failed["error"]["transport"], "connect");
    }

    #[test]
    fn a_create_answers_the_whole_body_and_a_wait_reports_progress() {
        let mut registry = Registry::default();
        let spec = format!(
            r#"{{"kind": "create_server", "name": "web-1", "server_type": "cpx22", "image": "ubuntu-24.04", {CONFIG}}}"#
        );
        let handle = registry.create(spec.as_bytes()).unwrap();
        let send = poll(&mut registry, handle, 0.0);
        assert_eq!(send["method"], "POST");
        let body: Value = serde_json::from_str(send["body"].as_str().unwrap()).unwrap();
        assert_eq!(body, json!({"name": "web-1", "server_type": "cpx22", "image": "ubuntu-24.04"}));
        let created = json!({"server": server(1, "initializing"), "action": action(0, "running"),
            "next_actions": [], "root_password": "pw"});
        registry.respond(handle, 1.0, 201, JSON, &serde_json::to_vec(&created).unwrap()).unwrap();
        let done = poll(&mut registry, handle, 2.0);
        assert_eq!(done["output"], created);

        let spec = json!({"kind": "wait_actions", "actions": [done["output"]["action"]],
            "wait": {"interval_ms": 10}, "config": {"token": "t", "endpoint": "http://127.0.0.1:9/v1"}});
        let handle = registry.create(&serde_json::to_vec(&spec).unwrap()).unwrap();
        assert_eq!(poll(&mut registry, handle, 0.0), json!({"step": "sleep", "ms": 10.0}));
        assert_eq!(poll(&mut registry, handle, 10.0)["url"], "http://127.0.0.1:9/v1/actions?id=5");
        let body = serde_json::to_vec(&json!({"actions": [action(50, "running")]})).unwrap();
        registry.respond(handle, 11.0, 200, JSON, &body).unwrap();
        let step = poll(&mut registry, handle, 11.0);
        assert_eq!(step["step"], "sleep");
        assert_eq!(step["progress"][0]["progress"], 50);
        let _ = poll(&mut registry, handle, 100.0);
        let body = serde_json::to_vec(&json!({"actions": [action(100, "success")]})).unwrap();
        registry.respond(handle, 101.0, 200, JSON, &body).unwrap();
        let done = poll(&mut registry, handle, 101.0);
        assert_eq!(done["step"], "done");
        assert_eq!(done["progress"][0]["status"], "success");
        assert_eq!(done["output"], json!([action(100, "success")]));
    }

    #[test]
    fn a_status_wait_polls_until_the_server_is_there() {
        let mut registry = Registry::default();
        let spec = format!(
            r#"{{"kind": "wait_server_status", "id": 1, "until": "running", "wait": {{"interval_ms": 50}}, {CONFIG}}}"#
        );
        let handle = registry.create(spec.as_bytes()).unwrap();
        let starting = serde_json::to_vec(&json!({"server": server(1, "starting")})).unwrap();
        assert_eq!(poll(&mut registry, handle, 0.0)["url"], "http://127.0.0.1:9/v1/servers/1");
        registry.respond(handle, 1.0, 200, JSON, &starting).unwrap();
        assert_eq!(poll(&mut registry, handle, 1.0), json!({"step": "sleep", "ms": 50.0}));
        assert_eq!(poll(&mut registry, handle, 51.0)["step"], "send");
        let running = serde_json::to_vec(&json!({"server": server(1, "running")})).unwrap();
        registry.respond(handle, 52.0, 200, JSON, &running).unwrap();
        assert_eq!(poll(&mut registry, handle, 52.0)["output"]["status"], "running");
    }
}
