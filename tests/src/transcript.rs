//! Virtual-time transcripts: drive a core machine step by step, asserting each step and
//! answering each request by hand. No clock and no sleeping: "sleeping" moves the virtual
//! time forward by exactly what the machine asked for.

use std::time::Duration;

use hcloud_core::{Error, HttpRequest, HttpResponse, Machine, Step, Timestamp, TransportFailure};
use serde_json::Value;

/// Drives one machine through a transcript.
#[derive(Debug)]
pub struct Transcript<M: Machine> {
    machine: M,
    now: Timestamp,
    sent: Vec<HttpRequest>,
    slept: Vec<Duration>,
}

/// A JSON response with the given status.
pub fn json_response(status: u16, body: &Value) -> HttpResponse {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap())
        .unwrap()
}

/// An API error envelope with the given status and code.
pub fn api_error(status: u16, code: &str) -> HttpResponse {
    let body =
        serde_json::json!({"error": {"code": code, "message": format!("simulated {code}"), "details": null}});
    json_response(status, &body)
}

impl<M: Machine> Transcript<M>
where
    M::Output: std::fmt::Debug,
{
    /// Starts at virtual time zero.
    pub fn new(machine: M) -> Self {
        Self { machine, now: Timestamp::ZERO, sent: Vec::new(), slept: Vec::new() }
    }

    /// The current virtual time.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Every request sent so far.
    pub fn sent(&self) -> &[HttpRequest] {
        &self.sent
    }

    /// Every sleep so far.
    pub fn slept(&self) -> &[Duration] {
        &self.slept
    }

    /// The machine, for inspecting its state.
    pub fn machine(&mut self) -> &mut M {
        &mut self.machine
    }

    fn poll(&mut self) -> Step<M::Output> {
        self.machine.poll(self.now)
    }

    /// Expects a sleep of exactly `expected`, and lets the virtual time pass.
    pub fn expect_sleep(&mut self, expected: Duration) -> &mut Self {
        let slept = self.sleep();
        assert_eq!(slept, expected, "slept {slept:?} at {:?}, expected {expected:?}", self.now);
        self
    }

    /// Expects a sleep of any length, lets the virtual time pass, and returns its length.
    pub fn sleep(&mut self) -> Duration {
        match self.poll() {
            Step::Sleep(duration) => {
                self.now = self.now + duration;
                self.slept.push(duration);
                duration
            }
            other => panic!("expected a sleep at {:?}, got {other:?}", self.now),
        }
    }

    /// Expects a request to `method` and `path_and_query` (the part after `/v1`).
    pub fn expect_send(&mut self, method: &str, path_and_query: &str) -> HttpRequest {
        match self.poll() {
            Step::Send(request) => {
                let got = request.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
                let got = got.strip_prefix("/v1").unwrap_or(&got).to_owned();
                assert_eq!(
                    (request.method().as_str(), got.as_str()),
                    (method, path_and_query),
                    "at {:?}",
                    self.now
                );
                self.sent.push(request.clone());
                request
            }
            other => panic!("expected {method} {path_and_query} at {:?}, got {other:?}", self.now),
        }
    }

    /// Answers the request in flight.
    pub fn respond(&mut self, response: HttpResponse) -> &mut Self {
        self.machine.handle_response(self.now, response);
        self
    }

    /// Answers the request in flight with JSON.
    pub fn respond_json(&mut self, status: u16, body: &Value) -> &mut Self {
        self.respond(json_response(status, body))
    }

    /// Fails the request in flight in transport.
    pub fn fail(&mut self, failure: TransportFailure) -> &mut Self {
        self.machine.handle_transport_error(self.now, failure);
        self
    }

    /// Expects the machine to finish successfully.
    pub fn expect_done(&mut self) -> M::Output {
        match self.poll() {
            Step::Done(output) => output,
            other => panic!("expected done at {:?}, got {other:?}", self.now),
        }
    }

    /// Expects the machine to fail.
    pub fn expect_failed(&mut self) -> Error {
        match self.poll() {
            Step::Failed(error) => error,
            other => panic!("expected a failure at {:?}, got {other:?}", self.now),
        }
    }
}
