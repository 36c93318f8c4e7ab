//! Input the API would refuse is refused before anything is sent, for every operation.

use hcloud_core::{dynamic, Error, Operation};
use hcloud_testkit::spec::subset;
use hcloud_testkit::synth::{self, Fill};
use hcloud_testkit::vectors::config;
use serde_json::Value;

#[test]
fn an_id_of_zero_in_any_path_is_refused_before_sending_naming_the_parameter() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for (id, op) in subset()["operations"].as_object().unwrap() {
        let parameters = op["parameters"].as_array().cloned().unwrap_or_default();
        for param in parameters.iter().filter(|p| p["in"] == "path" && p["schema"]["type"] == "integer") {
            let name = param["name"].as_str().unwrap();
            let mut input = synth::input(op, Fill::Minimal);
            input[name] = Value::from(0);
            let outcome = dynamic::operation(id, input).and_then(|built| built.to_request(&config()));
            match outcome {
                Err(Error::Input(input)) if input.field == name => {}
                other => {
                    failures.push(format!("{id}: {name} = 0 gave {:?}", other.map(|r| r.uri().to_string())))
                }
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{} operations:\n{}", failures.len(), failures.join("\n"));
    assert!(checked > 100, "only {checked} path ids");
}

#[test]
fn a_token_that_cannot_be_sent_is_refused_with_the_reason_and_hint_that_fit() {
    let reason = |token: &str| hcloud_core::Config::new(token).unwrap_err().to_string();
    let trailing = reason("abcdef\n");
    assert!(trailing.contains("a line break") && trailing.contains("trailing newline"), "{trailing}");
    let inner = reason("abc\ndef");
    assert!(inner.contains("a line break") && !inner.contains("trailing newline"), "{inner}");
    let space = reason("abcdef ");
    assert!(space.contains("whitespace") && !space.contains("trailing newline"), "{space}");
    assert!(!reason("abc\u{7}def").contains("trailing newline"));
    for text in [trailing, inner, space] {
        assert!(!text.contains("abc"), "the token is repeated: {text}");
    }
}

#[test]
fn server_names_are_checked_at_their_exact_limits() {
    use hcloud_core::servers::CreateServer;
    let check = |name: &str| CreateServer::new(name, "cpx22", "ubuntu-24.04").to_request(&config());
    let label = |n: usize| "a".repeat(n);
    let longest = [label(63), label(63), label(63), label(61)].join(".");
    assert_eq!(longest.len(), 253);
    assert!(check(&longest).is_ok());
    let too_long = format!("{longest}a");
    match check(&too_long) {
        Err(Error::Input(input)) => {
            assert!(input.field == "name" && input.reason.contains("254"), "{input:?}")
        }
        other => panic!("{other:?}"),
    }
    assert!(check(&label(63)).is_ok());
    assert!(matches!(check(&label(64)), Err(Error::Input(_))));
    assert!(check("a").is_ok());
    assert!(matches!(check(""), Err(Error::Input(_))));
}

/// A step into a JSON value: a member or the first item of an array.
#[derive(Clone, Debug)]
enum Step {
    Member(String),
    First,
}

/// Every place of `schema` (reached by `path` from the input) whose value has a limit the
/// document states, with that value's schema.
fn limited(schema: &Value, path: Vec<Step>, out: &mut Vec<(Vec<Step>, Value)>) {
    let has_limit = ["minimum", "maximum", "minLength", "maxLength"].iter().any(|k| schema.get(*k).is_some());
    match synth::type_of(schema).0 {
        Some("array") => {
            let mut deeper = path.clone();
            deeper.push(Step::First);
            limited(&schema["items"], deeper, out);
        }
        Some("object") | None => {
            for (name, prop, _) in synth::properties(schema) {
                let mut deeper = path.clone();
                deeper.push(Step::Member(name));
                limited(&prop, deeper, out);
            }
        }
        _ if has_limit && schema.get("enum").is_none() => out.push((path, schema.clone())),
        _ => {}
    }
}

fn slot<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Member(name) => v.get_mut(name.as_str()),
        Step::First => v.get_mut(0),
    })
}

/// Values just outside the limits of `schema`, described.
fn outside(schema: &Value) -> Vec<(Value, String)> {
    let mut out = Vec::new();
    if let Some(min) = schema["minimum"].as_i64() {
        out.push((Value::from(min - 1), format!("below the minimum {min}")));
    }
    if let Some(max) = schema["maximum"].as_i64() {
        out.push((Value::from(max + 1), format!("above the maximum {max}")));
    }
    if let Some(min) = schema["minLength"].as_u64().filter(|m| *m > 0) {
        out.push((Value::from("x".repeat(min as usize - 1)), format!("shorter than {min}")));
    }
    if let Some(max) = schema["maxLength"].as_u64() {
        out.push((Value::from("x".repeat(max as usize + 1)), format!("longer than {max}")));
    }
    out
}

#[test]
fn every_limit_the_document_states_is_checked_before_sending() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (id, spec) in subset()["operations"].as_object().unwrap() {
        let mut places = Vec::new();
        for param in spec["parameters"].as_array().into_iter().flatten() {
            limited(
                &param["schema"],
                vec![Step::Member(param["name"].as_str().unwrap().to_owned())],
                &mut places,
            );
        }
        if !spec["request_schema"].is_null() {
            limited(&spec["request_schema"], Vec::new(), &mut places);
        }
        for (path, schema) in places {
            let leaf = match path.iter().rev().find_map(|s| match s {
                Step::Member(name) => Some(name.clone()),
                Step::First => None,
            }) {
                Some(leaf) => leaf,
                None => continue,
            };
            for (bad, why) in outside(&schema) {
                let mut input = synth::input(spec, Fill::Maximal);
                let Some(target) = slot(&mut input, &path) else { continue };
                *target = bad;
                checked += 1;
                let outcome = dynamic::operation(id, input).and_then(|built| built.to_request(&config()));
                match outcome {
                    Err(Error::Input(input)) if input.field.contains(&leaf) => {}
                    other => failures
                        .push(format!("{id}: {path:?} {why} gave {:?}", other.map(|r| r.uri().to_string()))),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} limits not checked:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 200, "only {checked} limits");
}
