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
