//! Shared helpers of the integration tests: a scripted in-memory transport.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hcloud_async::transport::BoxFuture;
use hcloud_async::{Client, RetryPolicy, Transport, TransportError, TransportFailure};
use hcloud_core::{HttpRequest, HttpResponse};

/// What the scripted transport answers to one request.
pub enum Reply {
    /// This response.
    Response(HttpResponse),
    /// This failure, with an I/O error of this kind as its source.
    Fail(TransportFailure, std::io::ErrorKind),
}

#[derive(Default)]
struct State {
    replies: VecDeque<Reply>,
    requests: Vec<HttpRequest>,
}

/// An in-memory transport answering from a script and recording every request.
#[derive(Clone, Default)]
pub struct Script {
    state: Arc<Mutex<State>>,
}

impl Script {
    pub fn new(replies: impl IntoIterator<Item = Reply>) -> Self {
        let script = Self::default();
        script.state.lock().unwrap().replies.extend(replies);
        script
    }

    pub fn push(&self, reply: Reply) {
        self.state.lock().unwrap().replies.push_back(reply);
    }

    pub fn requests(&self) -> Vec<HttpRequest> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn paths(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| format!("{} {}", r.method(), r.uri().path_and_query().map(|p| p.as_str()).unwrap_or("")))
            .collect()
    }
}

impl Transport for Script {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let reply = {
            let mut state = self.state.lock().unwrap();
            state.requests.push(request);
            state.replies.pop_front()
        };
        Box::pin(async move {
            match reply {
                Some(Reply::Response(response)) => Ok(response),
                Some(Reply::Fail(failure, kind)) => {
                    Err(TransportError::new(failure, std::io::Error::new(kind, "scripted failure")))
                }
                None => Err(TransportError::new(
                    TransportFailure { maybe_sent: false, ..TransportFailure::other() },
                    "the script has no more replies",
                )),
            }
        })
    }
}

/// Tiny real backoff, so retry tests take milliseconds.
pub fn fast_retry(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

/// A client over `script` with the vectors' configuration.
pub fn scripted_client(script: &Script, retry: RetryPolicy) -> Client {
    Client::builder(hcloud_testkit::vectors::config())
        .retry_policy(retry)
        .seed(7)
        .transport(script.clone())
        .build()
        .unwrap()
}

/// The canned response of a vector.
pub fn vector_response(name: &str) -> HttpResponse {
    hcloud_testkit::Vector::load(name).response()
}

/// A JSON response.
pub fn json_response(status: u16, body: &serde_json::Value) -> HttpResponse {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap())
        .unwrap()
}
