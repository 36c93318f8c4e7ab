//! Every operation of the API document against the core, with no network: each exists in the
//! core (and nothing else does), a typical request of each conforms to the document, and the
//! document's example answers, typical answers, all-null answers and random answers parse.
//!
//! Inputs and answers are built from the document's schemas (`hcloud_testkit::synth`), not
//! from the SDK's types, so a wrong name, a dropped field or a wrong type shows up.

use std::collections::BTreeSet;

use hcloud_core::dynamic::{self, DynamicOperation, OPERATION_IDS};
use hcloud_core::{Error, HttpResponse, Operation};
use hcloud_testkit::conformance::{self, BASE_PATH};
use hcloud_testkit::json::first_difference;
use hcloud_testkit::spec::subset;
use hcloud_testkit::synth::{self, Fill};
use hcloud_testkit::vectors::config;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};
use serde_json::Value;

fn operations() -> Vec<(&'static str, &'static Value)> {
    let ops = subset()["operations"].as_object().expect("operations is an object");
    ops.iter().map(|(id, op)| (id.as_str(), op)).collect()
}

fn build(id: &str, fill: Fill) -> Result<Box<dyn DynamicOperation>, String> {
    let op = &subset()["operations"][id];
    let input = synth::input(op, fill);
    dynamic::operation(id, input.clone()).map_err(|e| format!("{id} ({fill:?}): {e}\ninput: {input}"))
}

fn response(op: &Value, body: Option<&Value>) -> HttpResponse {
    let status = op["success_status"].as_u64().expect("a success status") as u16;
    let mut builder = http::Response::builder().status(status);
    let bytes = match body {
        Some(body) => {
            builder = builder.header("content-type", "application/json");
            serde_json::to_vec(body).expect("JSON serializes")
        }
        None => Vec::new(),
    };
    builder.body(bytes).expect("a valid response")
}

#[test]
fn the_core_has_every_operation_of_the_document_and_no_other() {
    let document: BTreeSet<&str> = operations().iter().map(|(id, _)| *id).collect();
    let core: BTreeSet<&str> = OPERATION_IDS.iter().copied().collect();
    let missing: Vec<_> = document.difference(&core).collect();
    let extra: Vec<_> = core.difference(&document).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing from the core: {missing:?}; unknown: {extra:?}");
    assert_eq!(OPERATION_IDS.len(), core.len(), "an operation is listed twice");

    let mut covered = 0;
    for (id, op) in operations() {
        let built = build(id, Fill::Minimal).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(built.operation_id(), id);
        let request = built.to_request(&config()).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(request.method().as_str(), op["method"], "{id}");
        let path = request.uri().path().strip_prefix(BASE_PATH).expect("below the base path");
        let template = op["path"].as_str().unwrap();
        let fits = path.split('/').count() == template.split('/').count()
            && path.split('/').zip(template.split('/')).all(|(p, t)| t.starts_with('{') || p == t);
        assert!(fits, "{id}: {path} does not fit {template}");
        covered += 1;
    }
    println!("covered {covered}/{} operations of the document", document.len());
    assert_eq!(covered, document.len());
}

#[test]
fn a_maximal_and_a_minimal_request_of_every_operation_conform_and_carry_exactly_their_input() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (id, op) in operations() {
        for fill in [Fill::Maximal, Fill::Minimal] {
            let input = synth::input(op, fill);
            let request = match build(id, fill)
                .and_then(|b| b.to_request(&config()).map_err(|e| format!("{id}: {e}")))
            {
                Ok(request) => request,
                Err(e) => {
                    failures.push(e);
                    continue;
                }
            };
            for problem in conformance::problems(op, &request) {
                failures.push(format!("{id} ({fill:?}): {problem}"));
            }
            failures.extend(
                not_carried(op, &input, &request).into_iter().map(|p| format!("{id} ({fill:?}): {p}")),
            );
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(checked, 2 * operations().len());
}

/// How the request differs from the input it was built from: every path and query parameter
/// given must be sent with exactly its value (array values as repeated pairs, in order), and
/// the body must be exactly the rest of the input, however deep, with nothing added.
fn not_carried(op: &Value, input: &Value, request: &hcloud_core::HttpRequest) -> Vec<String> {
    let mut found = Vec::new();
    let mut body_expected = serde_json::Map::new();
    let query: Vec<(String, String)> = request
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
            (decode(name), decode(value))
        })
        .collect();
    let path = request.uri().path();
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let parameters = op["parameters"].as_array().cloned().unwrap_or_default();
    for (name, value) in input.as_object().into_iter().flatten() {
        let place =
            parameters.iter().find(|p| p["name"] == name.as_str()).map(|p| p["in"].as_str().unwrap_or(""));
        match place {
            Some("path") => {
                let segment = format!("/{}", text(value));
                if !path.split('/').any(|s| format!("/{s}") == segment) {
                    found.push(format!("path parameter {name} = {value} is not in {path}"));
                }
            }
            Some("query") => {
                let sent: Vec<&str> =
                    query.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect();
                let given: Vec<String> = match value {
                    Value::Array(items) => items.iter().map(text).collect(),
                    other => vec![text(other)],
                };
                if sent != given {
                    found.push(format!("query parameter {name}: sent {sent:?}, given {given:?}"));
                }
            }
            _ => {
                body_expected.insert(name.clone(), value.clone());
            }
        }
    }
    if !op["request_schema"].is_null() {
        let body: Value = serde_json::from_slice(request.body()).unwrap_or(Value::Null);
        if let Some(difference) = first_difference(&body, &Value::Object(body_expected)) {
            found.push(format!("the body differs from the input at {difference}"));
        }
    }
    found
}

/// Parses `answer` with the operation and compares what it read with what was sent: the
/// whole answer, or its one member for operations that unwrap it.
fn parse_back(id: &str, op: &Value, answer: &Value) -> Result<(), String> {
    let built = build(id, Fill::Minimal)?;
    let body = (!op["response_schema"].is_null()).then_some(answer);
    let output = built.parse(response(op, body)).map_err(|e| format!("{id}: {e}"))?;
    let members = answer.as_object().map(|m| m.len()).unwrap_or(0);
    let whole = first_difference(&output, answer);
    let member = (members == 1).then(|| answer.as_object().unwrap().values().next().unwrap());
    match (whole, member.map(|m| first_difference(&output, m))) {
        (None, _) | (_, Some(None)) => Ok(()),
        (Some(_), None) if body.is_none() && output.is_null() => Ok(()),
        (_, Some(Some(difference))) | (Some(difference), None) => {
            Err(format!("{id}: read back differently at {difference}"))
        }
    }
}

#[test]
fn every_example_answer_of_the_document_parses() {
    let mut parsed = 0;
    let mut failures = Vec::new();
    for (id, op) in operations() {
        for example in op["response_examples"].as_array().into_iter().flatten() {
            let built = build(id, Fill::Minimal).unwrap_or_else(|e| panic!("{e}"));
            match built.parse(response(op, Some(example))) {
                Ok(_) => parsed += 1,
                Err(e) => failures.push(format!("{id}: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{} examples fail:\n{}", failures.len(), failures.join("\n"));
    println!("{parsed} example answers parsed");
    assert!(parsed >= 100, "only {parsed} examples");
}

#[test]
fn typical_answers_with_every_member_parse_and_read_back_unchanged() {
    let mut failures = Vec::new();
    for (id, op) in operations() {
        let answer = synth::value(&op["response_schema"], Fill::Maximal);
        if let Err(e) = parse_back(id, op, &answer) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{} operations:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn answers_with_every_nullable_member_null_parse() {
    let mut failures = Vec::new();
    for (id, op) in operations().into_iter().filter(|(_, op)| !op["response_schema"].is_null()) {
        let answer = synth::nulls(&op["response_schema"]);
        let built = build(id, Fill::Minimal).unwrap_or_else(|e| panic!("{e}"));
        if let Err(e) = built.parse(response(op, Some(&answer))) {
            failures.push(format!("{id}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{} operations:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn answers_with_enum_values_from_the_future_parse_and_keep_them() {
    let mut failures = Vec::new();
    let mut replaced = 0;
    for (id, op) in operations().into_iter().filter(|(_, op)| !op["response_schema"].is_null()) {
        let answer = synth::unknown_enums(&op["response_schema"]);
        replaced += answer.to_string().matches("zz_value_from_the_future").count();
        if let Err(e) = parse_back(id, op, &answer) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{} operations:\n{}", failures.len(), failures.join("\n"));
    assert!(replaced > 250, "only {replaced} enum values replaced");
}

#[test]
fn random_answers_parse() {
    // Optional members present or not, nullable ones null or not, enums with values this SDK
    // does not know: every combination the document allows must parse.
    for (id, op) in operations().into_iter().filter(|(_, op)| !op["response_schema"].is_null()) {
        let mut runner =
            TestRunner::new(RunnerConfig { cases: 64, failure_persistence: None, ..RunnerConfig::default() });
        let built = build(id, Fill::Minimal).unwrap_or_else(|e| panic!("{e}"));
        let outcome = runner.run(&synth::answers(op), |answer| {
            built
                .parse(response(op, Some(&answer)))
                .map(drop)
                .map_err(|e: Error| TestCaseError::fail(format!("{e}\nanswer: {answer}")))
        });
        if let Err(failure) = outcome {
            panic!("{id}: {failure}");
        }
    }
}

#[test]
fn a_misspelt_field_or_query_parameter_is_caught() {
    // Guards the checks above against accepting anything.
    let op = &subset()["operations"]["create_server"];
    let mut request = build("create_server", Fill::Minimal).unwrap().to_request(&config()).unwrap();
    let mut body: Value = serde_json::from_slice(request.body()).unwrap();
    body["public_net"] = serde_json::json!({"enable_ipv4": true, "bogus": 1});
    *request.body_mut() = serde_json::to_vec(&body).unwrap();
    let found = conformance::problems(op, &request);
    assert!(found.iter().any(|p| p.contains("$.public_net.bogus")), "{found:?}");
    body["firewalls"] = serde_json::json!([{"firewall": 1, "bogus": 2}]);
    *request.body_mut() = serde_json::to_vec(&body).unwrap();
    let found = conformance::problems(op, &request);
    assert!(found.iter().any(|p| p.contains("$.firewalls[0].bogus")), "{found:?}");

    // A request that lost, renamed or changed what it was given.
    let input = synth::input(op, Fill::Maximal);
    let built = dynamic::operation("create_server", input.clone()).unwrap().to_request(&config()).unwrap();
    assert!(not_carried(op, &input, &built).is_empty());
    let mut sent: Value = serde_json::from_slice(built.body()).unwrap();
    let ipv4 =
        sent["public_net"].as_object_mut().unwrap().remove("ipv4").expect("the maximal input sets ipv4");
    sent["public_net"]["ipv_4"] = ipv4;
    let mut renamed = built.clone();
    *renamed.body_mut() = serde_json::to_vec(&sent).unwrap();
    let found = not_carried(op, &input, &renamed);
    assert!(found.iter().any(|p| p.contains("public_net.ip")), "{found:?}");

    let op = &subset()["operations"]["list_servers"];
    let url =
        format!("https://api.hetzner.cloud{BASE_PATH}/servers?sort=created:sideways&name=a&name=b&labels=x");
    let request = http::Request::get(url).body(Vec::new()).unwrap();
    let found = conformance::problems(op, &request);
    assert!(found.iter().any(|p| p.contains("sort")), "{found:?}");
    assert!(found.iter().any(|p| p.contains("name is repeated")), "{found:?}");
    assert!(found.iter().any(|p| p.contains("labels is not declared")), "{found:?}");
    let mut input = synth::input(op, Fill::Maximal);
    input["sort"] = serde_json::json!(["created:desc"]);
    let built = dynamic::operation("list_servers", input.clone()).unwrap().to_request(&config()).unwrap();
    assert!(not_carried(op, &input, &built).is_empty());
    let flipped = built.uri().to_string().replace("created%3Adesc", "created%3Aasc");
    let flipped = http::Request::get(flipped).body(Vec::new()).unwrap();
    let found = not_carried(op, &input, &flipped);
    assert!(found.iter().any(|p| p.contains("query parameter sort")), "{found:?}");

    assert!(dynamic::operation("get_server", serde_json::json!({"id": 1, "bogus": 2})).is_err());
    assert!(dynamic::operation("no_such_operation", serde_json::json!({})).is_err());
}
