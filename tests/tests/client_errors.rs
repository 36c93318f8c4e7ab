//! The error both clients return (`ClientError`, in the core): every classification helper
//! against a table written out here, for errors the API reported, errors found locally,
//! transport failures with and without a concrete source, and configuration errors.

use hcloud_core::{ActionId, ClientError, Error, ErrorCode, TransportError, TransportFailure, WaitLimit};
use hcloud_testkit::cases;
use hcloud_testkit::errors::HELPERS;

/// The helpers of `ClientError` beyond the error-code classifiers it shares with the core's
/// `Error` (`hcloud_testkit::errors::HELPERS`), by name.
const MORE_HELPERS: &[&str] = &[
    "is_action_failed",
    "is_wait_exhausted",
    "is_not_created",
    "is_create_conflict",
    "is_transport",
    "is_config",
    "is_retryable",
];

fn helper(error: &ClientError, name: &str) -> bool {
    match name {
        "is_not_found" => error.is_not_found(),
        "is_authentication" => error.is_authentication(),
        "is_forbidden" => error.is_forbidden(),
        "is_invalid_input" => error.is_invalid_input(),
        "is_uniqueness" => error.is_uniqueness(),
        "is_locked" => error.is_locked(),
        "is_protected" => error.is_protected(),
        "is_rate_limited" => error.is_rate_limited(),
        "is_server_error" => error.is_server_error(),
        "is_action_failed" => error.is_action_failed(),
        "is_wait_exhausted" => error.is_wait_exhausted(),
        "is_not_created" => error.is_not_created(),
        "is_create_conflict" => error.is_create_conflict(),
        "is_transport" => error.is_transport(),
        "is_config" => error.is_config(),
        "is_retryable" => error.is_retryable(),
        other => panic!("no helper {other}"),
    }
}

fn api(name: &str) -> ClientError {
    let case = cases().into_iter().find(|c| c.name == name).unwrap();
    ClientError::Core(case.core_error().unwrap_or_else(|| panic!("{name} did not fail")))
}

fn transport(failure: TransportFailure) -> ClientError {
    let source = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
    ClientError::Transport { failure, host: Some("127.0.0.1:9".into()), source: Box::new(source) }
}

fn not_created(cause: Error) -> ClientError {
    ClientError::Core(Error::NotCreated { kind: "server", name: "web".into(), cause: Box::new(cause) })
}

#[test]
fn every_helper_answers_as_the_table_says() {
    let table: Vec<(&str, ClientError, &[&str])> = vec![
        ("not_found", api("error_not_found"), &["is_not_found"]),
        ("unauthorized", api("error_unauthorized"), &["is_authentication"]),
        ("token_readonly", api("error_token_readonly"), &["is_authentication"]),
        ("forbidden", api("error_forbidden"), &["is_forbidden"]),
        ("invalid_input", api("error_invalid_input"), &["is_invalid_input"]),
        ("json_error", api("error_json_error"), &["is_invalid_input"]),
        ("local input", api("input_server_name"), &["is_invalid_input"]),
        ("uniqueness_error", api("error_uniqueness_error"), &["is_uniqueness"]),
        ("locked", api("error_locked"), &["is_locked"]),
        ("protected", api("error_protected"), &["is_protected"]),
        ("rate_limit_exceeded", api("error_rate_limit_exceeded"), &["is_rate_limited", "is_retryable"]),
        ("conflict", api("error_conflict"), &["is_retryable"]),
        ("server_error", api("error_server_error"), &["is_server_error"]),
        ("bad_gateway", api("error_bad_gateway"), &["is_server_error", "is_retryable"]),
        ("bare 502", api("error_html_502"), &["is_server_error", "is_retryable"]),
        ("bare 503", api("error_empty_503"), &["is_server_error"]),
        ("maintenance", api("error_maintenance"), &[]),
        (
            "action failed",
            ClientError::Core(Error::ActionFailed {
                id: ActionId(1),
                command: "start_server".into(),
                code: "action_failed".into(),
                message: "boom".into(),
            }),
            &["is_action_failed"],
        ),
        (
            "wait exhausted",
            ClientError::Core(Error::WaitExhausted {
                what: "server 42 to be running".into(),
                attempts: 3,
                limit: WaitLimit::Attempts(3),
            }),
            &["is_wait_exhausted"],
        ),
        (
            "not created after a timeout",
            not_created(Error::Transport(TransportFailure::timeout())),
            &["is_not_created", "is_retryable"],
        ),
        ("not created after a final error", not_created(Error::Misuse("x".into())), &["is_not_created"]),
        (
            "create conflict",
            ClientError::Core(Error::CreateConflict {
                kind: "server",
                name: "web".into(),
                id: 7,
                differences: Vec::new(),
                cause: Box::new(Error::Transport(TransportFailure::timeout())),
            }),
            &["is_create_conflict"],
        ),
        ("refused connection", transport(TransportFailure::connect()), &["is_transport", "is_retryable"]),
        ("timeout", transport(TransportFailure::timeout()), &["is_transport", "is_retryable"]),
        ("other, maybe sent", transport(TransportFailure::other()), &["is_transport", "is_retryable"]),
        (
            "core transport failure",
            ClientError::Core(Error::Transport(TransportFailure::connect())),
            &["is_transport", "is_retryable"],
        ),
        ("configuration", ClientError::Config("HCLOUD_TOKEN is not set".into()), &["is_config"]),
    ];
    for (what, error, expected) in &table {
        for name in HELPERS.iter().chain(MORE_HELPERS) {
            assert_eq!(helper(error, name), expected.contains(name), "{name} of {what}");
        }
    }
}

#[test]
fn accessors_reach_through_to_the_api_error_or_the_transport_failure() {
    let error = api("error_not_found");
    assert_eq!(error.code(), Some(&ErrorCode::NotFound));
    assert_eq!(error.api().map(|a| a.message.is_empty()), Some(false));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.correlation_id(), Some("c0ffee00-1234"));
    assert_eq!(error.transport_failure(), None);
    assert!(error.core().is_some());
    assert!(matches!(error.into_core(), Ok(Error::Api(_))));

    let failure = TransportFailure::timeout();
    let error = transport(failure);
    assert_eq!((error.code(), error.status(), error.correlation_id()), (None, None, None));
    assert_eq!(error.transport_failure(), Some(failure));
    assert!(error.core().is_none());
    assert!(error.to_string().contains("127.0.0.1:9"), "{error}");
    assert!(std::error::Error::source(&error).is_some());
    assert_eq!(error.into_core().ok(), Some(Error::Transport(failure)));
    let core = ClientError::Core(Error::Transport(TransportFailure::connect()));
    assert_eq!(core.transport_failure(), Some(TransportFailure::connect()));

    let config = ClientError::Config("bad".into());
    assert_eq!(config.transport_failure(), None);
    assert!(config.into_core().is_err());
}

#[test]
fn transport_errors_keep_their_kind_and_source() {
    let io = || std::io::Error::other("reset");
    for (error, expected) in [
        (TransportError::connect(io()), TransportFailure::connect()),
        (TransportError::timeout(io()), TransportFailure::timeout()),
        (TransportError::other(io()), TransportFailure::other()),
    ] {
        assert_eq!(error.failure, expected);
        assert_eq!(error.source.to_string(), "reset");
    }
    let uri: http::Uri = "https://api.example.test:8443/v1/servers".parse().unwrap();
    assert_eq!(hcloud_core::client_error::host_of(&uri).as_deref(), Some("api.example.test:8443"));
    let uri: http::Uri = "https://api.example.test/v1".parse().unwrap();
    assert_eq!(hcloud_core::client_error::host_of(&uri).as_deref(), Some("api.example.test"));
}

#[test]
fn transport_failures_say_what_happened_and_whether_the_request_may_have_been_sent() {
    use hcloud_core::TransportFailureKind::TooLarge;
    let too_large = TransportFailure { kind: TooLarge, maybe_sent: true };
    for (failure, alone, to_host) in [
        (TransportFailure::connect(), "could not connect", "could not connect to 127.0.0.1:9"),
        (
            TransportFailure::timeout(),
            "timed out (the request may have been sent)",
            "timed out waiting for 127.0.0.1:9 (the request may have been sent)",
        ),
        (
            TransportFailure::other(),
            "transport failed (the request may have been sent)",
            "transport failed talking to 127.0.0.1:9 (the request may have been sent)",
        ),
        (
            too_large,
            "the response was larger than the client accepts (the request may have been sent)",
            "the response was larger than the client accepts from 127.0.0.1:9 (the request may have been sent)",
        ),
    ] {
        assert_eq!(failure.to_string(), alone);
        assert_eq!(failure.to(None).to_string(), alone);
        assert_eq!(failure.to(Some("127.0.0.1:9")).to_string(), to_host);
    }
}

#[test]
fn a_kept_body_knows_its_length() {
    let body = hcloud_core::ResponseBody::new(b"{}".to_vec());
    assert_eq!((body.len(), body.is_empty(), body.expose()), (2, false, &b"{}"[..]));
    let none = hcloud_core::ResponseBody::new(Vec::new());
    assert_eq!((none.len(), none.is_empty()), (0, true));
}
