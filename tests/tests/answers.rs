//! Every operation reads an error answer as the API error it is, and tells a success without
//! a body from one with a body it cannot read.

use hcloud_core::{dynamic, Error, ErrorCode, HttpResponse, Operation};
use hcloud_testkit::spec::subset;
use hcloud_testkit::synth::{self, Fill};

fn answer(status: u16, body: &str) -> HttpResponse {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-correlation-id", "corr-1")
        .body(body.as_bytes().to_vec())
        .unwrap()
}

#[test]
fn every_operation_reads_error_answers_and_refuses_what_it_cannot_read() {
    let not_found = r#"{"error": {"code": "not_found", "message": "no such thing", "details": null}}"#;
    let mut failures = Vec::new();
    for (id, spec) in subset()["operations"].as_object().unwrap() {
        let op = dynamic::operation(id, synth::input(spec, Fill::Minimal)).unwrap();
        match op.parse(answer(404, not_found)) {
            Err(Error::Api(api))
                if api.code == ErrorCode::NotFound && api.correlation_id.as_deref() == Some("corr-1") => {}
            other => failures.push(format!("{id}: a 404 gave {other:?}")),
        }
        match op.parse(answer(503, "")) {
            Err(Error::UnexpectedResponse { status, .. }) if status == 503 => {}
            other => failures.push(format!("{id}: a bare 503 gave {other:?}")),
        }
        let success = spec["success_status"].as_u64().unwrap() as u16;
        if spec["response_schema"].is_null() {
            if let Err(e) = op.parse(answer(success, "")) {
                failures.push(format!("{id}: an empty {success} gave {e}"));
            }
        } else {
            match op.parse(answer(success, r#"{"unexpected": true"#)) {
                Err(Error::Decode(decode)) if decode.status == success => {}
                other => failures.push(format!("{id}: a cut-off {success} gave {other:?}")),
            }
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}
