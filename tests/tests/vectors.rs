//! Every exchange vector through the core alone.

use std::collections::BTreeSet;

use hcloud_core::{Error, ErrorCode, RetryPolicy};
use hcloud_testkit::errors::{error_codes, helper, HELPERS};
use hcloud_testkit::vectors::{dir, CoreRunner};
use hcloud_testkit::{cases, Expect};

#[test]
fn every_case_meets_its_expectation_through_the_core() {
    let problems = hcloud_testkit::vectors::replay(&mut CoreRunner, |_, _| None);
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn every_vector_file_is_in_the_table_and_every_documented_code_has_a_vector() {
    let files: BTreeSet<String> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".json").map(str::to_owned))
        .collect();
    let used: BTreeSet<String> = cases().into_iter().filter(|c| c.vector.is_some()).map(|c| c.name).collect();
    assert_eq!(files, used, "vector files and the table disagree");
    let codes: Vec<ErrorCode> = cases()
        .into_iter()
        .filter_map(|c| match c.expect {
            Expect::Api(code) => Some(code),
            _ => None,
        })
        .collect();
    let documented: BTreeSet<(u16, String)> = hcloud_testkit::spec::error_codes().into_iter().collect();
    let table: BTreeSet<(u16, String)> =
        error_codes().iter().map(|r| (r.status, r.wire.to_owned())).collect();
    assert_eq!(documented, table, "the test kit's error table and the API document disagree");
    for row in error_codes() {
        assert!(codes.contains(&row.code), "no vector for {}", row.wire);
    }
}

#[test]
fn every_documented_code_parses_to_its_variant_with_its_helpers_and_retry_decision() {
    let policy = RetryPolicy::default();
    for row in error_codes() {
        assert_eq!(ErrorCode::from_wire(row.wire), row.code, "{} read as another variant", row.wire);
        assert_eq!(row.code.as_str(), row.wire, "{:?} written as another string", row.code);
        let error = error_of(&format!("error_{}", row.wire));
        assert_eq!(error.code(), Some(&row.code), "{}", row.wire);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(row.status), "{}", row.wire);
        assert_eq!(error.correlation_id(), Some("c0ffee00-1234"), "{}", row.wire);
        for name in HELPERS {
            assert_eq!(helper(&error, name), row.helpers.contains(name), "{name} of {}", row.wire);
        }
        assert_eq!(error.is_retryable(), row.retryable, "is_retryable of {}", row.wire);
        assert_eq!(policy.should_retry(&error, true), row.retryable, "idempotent retry of {}", row.wire);
        assert_eq!(
            policy.should_retry(&error, false),
            row.refused_before_acting,
            "non-idempotent retry of {}",
            row.wire
        );
        let lenient = RetryPolicy { resend_ambiguous: true, ..RetryPolicy::default() };
        assert_eq!(
            lenient.should_retry(&error, false),
            row.retryable,
            "resend_ambiguous retry of {}",
            row.wire
        );
    }
    let unknown = error_of("error_unknown_code");
    assert!(HELPERS.iter().all(|name| !helper(&unknown, name)) && !unknown.is_retryable());
}

#[test]
fn answers_without_a_json_error_are_classified_by_status() {
    // (vector, status, is_server_error, is_retryable): a bare 502 or 504 from a proxy is worth
    // another attempt, any other bare answer is not.
    for (name, status, server_error, retryable) in
        [("error_html_502", 502, true, true), ("error_empty_503", 503, true, false)]
    {
        let error = error_of(name);
        assert!(matches!(error, Error::UnexpectedResponse { .. }), "{name}: {error:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{name}");
        assert_eq!(error.is_server_error(), server_error, "{name}");
        assert_eq!(error.is_retryable(), retryable, "{name}");
    }
    for (status, retryable) in
        [(500, false), (502, true), (503, false), (504, true), (404, false), (429, false)]
    {
        let error = Error::UnexpectedResponse {
            status: http::StatusCode::from_u16(status).unwrap(),
            excerpt: String::new(),
            correlation_id: None,
        };
        assert_eq!(error.is_retryable(), retryable, "bare {status}");
        assert_eq!(error.is_server_error(), status >= 500, "bare {status}");
        assert_eq!(RetryPolicy::default().should_retry(&error, true), retryable, "bare {status}");
        assert!(
            !RetryPolicy::default().should_retry(&error, false),
            "bare {status} resent without idempotence"
        );
    }
}

fn error_of(name: &str) -> Error {
    let case = cases().into_iter().find(|c| c.name == name).unwrap();
    case.core_error().unwrap_or_else(|| panic!("{name} did not fail"))
}

#[test]
fn error_helpers_classify_by_code() {
    assert!(error_of("error_not_found").is_not_found());
    assert!(error_of("error_unauthorized").is_authentication());
    assert!(error_of("error_token_readonly").is_authentication());
    assert!(error_of("error_forbidden").is_forbidden());
    assert!(error_of("error_invalid_input").is_invalid_input());
    assert!(error_of("error_json_error").is_invalid_input());
    assert!(error_of("input_server_name").is_invalid_input());
    assert!(error_of("error_uniqueness_error").is_uniqueness());
    assert!(error_of("error_locked").is_locked());
    assert!(error_of("error_protected").is_protected());
    assert!(error_of("error_rate_limit_exceeded").is_rate_limited());
    for code in ["server_error", "bad_gateway", "unavailable", "timeout"] {
        assert!(error_of(&format!("error_{code}")).is_server_error(), "{code}");
    }
    assert!(error_of("error_html_502").is_server_error());
    for retryable in ["conflict", "rate_limit_exceeded", "bad_gateway", "timeout", "html_502"] {
        assert!(error_of(&format!("error_{retryable}")).is_retryable(), "{retryable}");
    }
    for final_code in ["not_found", "invalid_input", "server_error", "locked", "unauthorized", "empty_503"] {
        assert!(!error_of(&format!("error_{final_code}")).is_retryable(), "{final_code}");
    }
    assert!(!error_of("error_not_found").is_authentication());
}

#[test]
fn error_details_are_typed() {
    use hcloud_core::ErrorDetails;
    let invalid = error_of("error_invalid_input");
    let api = invalid.api().unwrap();
    assert_eq!(api.fields()[0].name, "name");
    assert_eq!(api.fields()[0].messages, ["is invalid"]);
    assert_eq!(error_of("error_uniqueness_error").api().unwrap().fields()[0].name, "name");
    match &error_of("error_resource_limit_exceeded").api().unwrap().details {
        Some(ErrorDetails::Limits(limits)) => assert_eq!(limits[0].name, "project_limit"),
        other => panic!("{other:?}"),
    }
    match &error_of("error_deprecated_api_endpoint").api().unwrap().details {
        Some(ErrorDetails::Announcement(url)) => assert!(url.starts_with("https://")),
        other => panic!("{other:?}"),
    }
    match &error_of("error_unknown_code").api().unwrap().details {
        Some(ErrorDetails::Other(json)) => assert_eq!(json["spout"], true),
        other => panic!("{other:?}"),
    }
    assert_eq!(error_of("error_not_found").api().unwrap().details, None);
    assert_eq!(error_of("error_not_found").correlation_id(), Some("c0ffee00-1234"));
    match error_of("error_html_502") {
        Error::UnexpectedResponse { excerpt, correlation_id, .. } => {
            assert!(excerpt.contains("502 Bad Gateway"));
            assert_eq!(correlation_id.as_deref(), Some("c0ffee00-1234"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn tolerant_parsing_keeps_unknown_values() {
    use hcloud_core::servers::GetServer;
    use hcloud_core::{Operation, ServerId, ServerStatus};
    let vector = hcloud_testkit::Vector::load("get_server_tolerant");
    let server = GetServer { id: ServerId(42) }.parse(vector.response()).unwrap();
    assert_eq!(server.status, ServerStatus::Other("hibernating".into()));
    assert_eq!(server.status.as_str(), "hibernating");
    let again = serde_json::to_value(&server).unwrap();
    assert_eq!(again["status"], "hibernating");
    assert!(again.get("datacenter").is_none());

    let nulls = GetServer { id: ServerId(42) }
        .parse(hcloud_testkit::Vector::load("get_server_nulls").response())
        .unwrap();
    assert!(nulls.image.is_none() && nulls.public_net.ipv4.is_none() && nulls.volumes.is_empty());
    assert!(!nulls.backups_enabled());
    assert!(server.backup_window.is_some() && server.backups_enabled());
}

#[test]
fn secrets_are_redacted_in_debug_output() {
    use hcloud_core::servers::CreateServer;
    use hcloud_core::Operation;
    let vector = hcloud_testkit::Vector::load("create_server_minimal");
    let created = CreateServer::new("my-server", "cpx22", "ubuntu-24.04").parse(vector.response()).unwrap();
    let password = created.root_password.clone().unwrap();
    assert!(!password.expose().is_empty());
    let shown = format!("{created:?}");
    assert!(!shown.contains(password.expose()), "{shown}");
    assert!(shown.contains("RootPassword(<redacted>)"));
    let cfg = hcloud_testkit::vectors::config();
    assert!(!format!("{cfg:?}").contains(hcloud_testkit::vectors::TOKEN));
}
