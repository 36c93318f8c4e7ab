//! Every exchange vector through the async client over an in-memory transport: the same
//! outcome as the core alone.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use hcloud_async::transport::BoxFuture;
use hcloud_async::{Client, RetryPolicy, Transport, TransportError, TransportFailure};
use hcloud_core::{HttpRequest, HttpResponse, Operation, Retrying};
use hcloud_testkit::vectors::config;
use hcloud_testkit::{cases, Case, Runner, Vector};

/// Answers the current vector's response after checking the request against it.
#[derive(Clone, Default)]
struct VectorTransport {
    current: Arc<Mutex<Option<Vector>>>,
    problems: Arc<Mutex<Vec<String>>>,
    sent: Arc<Mutex<u32>>,
}

impl Transport for VectorTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        *self.sent.lock().unwrap() += 1;
        let vector = self.current.lock().unwrap().clone();
        let outcome = match vector {
            Some(vector) => {
                if let Err(problem) = vector.check_request(&request) {
                    self.problems.lock().unwrap().push(format!("{}: {problem}", vector.name));
                }
                Ok(vector.response())
            }
            None => {
                self.problems.lock().unwrap().push(format!("unexpected request {}", request.uri()));
                Err(TransportError::new(TransportFailure::connect(), "no vector for this request"))
            }
        };
        Box::pin(async move { outcome })
    }
}

struct AsyncRunner {
    runtime: tokio::runtime::Runtime,
    client: Client,
    transport: VectorTransport,
}

impl AsyncRunner {
    fn new() -> Self {
        let transport = VectorTransport::default();
        let client = Client::builder(config())
            .retry_policy(RetryPolicy::none())
            .transport(transport.clone())
            .build()
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        Self { runtime, client, transport }
    }
}

impl Runner for AsyncRunner {
    fn run<O: Operation + Debug>(&mut self, case: &Case, op: &O) -> Result<O::Output, hcloud_core::Error> {
        *self.transport.current.lock().unwrap() = case.vector.clone();
        // `execute` wants an owned, `Send + 'static` operation; the generic loop takes any.
        let client = &self.client;
        let machine = Retrying::new(op, client.config(), client.retry_policy().clone(), client.next_seed());
        let result = self.runtime.block_on(client.run(machine));
        result.map_err(|e| e.into_core().expect("a vector case never fails with a configuration error"))
    }
}

#[test]
fn every_case_gives_the_same_outcome_as_the_core() {
    let mut runner = AsyncRunner::new();
    assert!(cases().len() > 40, "only {} cases", cases().len());
    let mut counted = 0;
    let mut problems = hcloud_testkit::vectors::replay(&mut runner, |runner, case| {
        let total = *runner.transport.sent.lock().unwrap();
        let sent = total - std::mem::replace(&mut counted, total);
        let expected = u32::from(case.vector.is_some());
        (sent != expected).then(|| format!("{sent} requests sent, expected {expected}"))
    });
    problems.extend(runner.transport.problems.lock().unwrap().iter().cloned());
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn api_errors_keep_their_classification_through_the_client() {
    let runner = AsyncRunner::new();
    let case = cases().into_iter().find(|c| c.name == "error_not_found").unwrap();
    *runner.transport.current.lock().unwrap() = case.vector.clone();
    let error = runner
        .runtime
        .block_on(runner.client.servers().get(hcloud_async::ServerId(42)))
        .expect_err("not found");
    assert!(error.is_not_found());
    assert!(!error.is_retryable());
    assert_eq!(error.correlation_id(), Some("c0ffee00-1234"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.code(), Some(&hcloud_async::ErrorCode::NotFound));
}
