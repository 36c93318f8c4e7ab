//! Every exchange vector through the blocking client over an in-memory transport: the same
//! outcome as the core alone, for every case.

use std::fmt::Debug;

use hcloud_blocking::{Client, Error, HttpRequest, RetryPolicy, TransportError};
use hcloud_core::Operation;
use hcloud_testkit::vectors::config;
use hcloud_testkit::{cases, Case, Runner};

/// Runs each case through a [`Client`] whose transport checks the request against the
/// vector and answers the vector's response.
struct BlockingRunner;

fn into_core(error: Error) -> hcloud_core::Error {
    error.into_core().unwrap_or_else(|other| panic!("no core counterpart: {other:?}"))
}

impl Runner for BlockingRunner {
    fn run<O: Operation + Debug>(&mut self, case: &Case, op: &O) -> Result<O::Output, hcloud_core::Error> {
        let name = case.name.clone();
        let vector = case.vector.clone();
        let transport = move |request: HttpRequest| -> Result<_, TransportError> {
            let vector =
                vector.as_ref().unwrap_or_else(|| panic!("{name}: a request was sent but no vector exists"));
            if let Err(problem) = vector.check_request(&request) {
                panic!("{name}: {problem}");
            }
            Ok(vector.response())
        };
        let client =
            Client::builder(config()).retry_policy(RetryPolicy::none()).transport(transport).build().unwrap();
        client.execute(op).map_err(into_core)
    }
}

#[test]
fn every_case_has_the_same_outcome_as_through_the_core_alone() {
    assert!(cases().len() > 40, "only {} cases", cases().len());
    let problems = hcloud_testkit::vectors::replay(&mut BlockingRunner, |_, _| None);
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn api_errors_keep_their_classification_and_correlation_id() {
    let case = cases().into_iter().find(|c| c.name == "error_not_found").unwrap();
    let vector = case.vector.clone().unwrap();
    let client = Client::builder(config())
        .retry_policy(RetryPolicy::none())
        .transport(move |_request: HttpRequest| -> Result<_, TransportError> { Ok(vector.response()) })
        .build()
        .unwrap();
    let error = client.servers().get(hcloud_blocking::ServerId(42)).unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert!(!error.is_transport() && !error.is_retryable());
    assert_eq!(error.correlation_id(), Some("c0ffee00-1234"));
    assert_eq!(error.code(), Some(&hcloud_core::ErrorCode::NotFound));
    assert_eq!(error.api().unwrap().status, 404);
    assert_eq!(error.status(), Some(http::StatusCode::NOT_FOUND));
    assert!(!error.is_config() && error.transport_failure().is_none());
    assert!(error.core().is_some());
}
