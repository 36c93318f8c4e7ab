//! The core against the official API document: every request body it builds validates
//! against the operation's request schema, every success response in the vectors validates
//! against the response schema, and the document's own examples parse.

use hcloud_core::servers::{CreateServer, CreatedServer, DisableBackup, EnableRescue, RescueEnabled};
use hcloud_core::{Action, Operation, ServerId};
use hcloud_testkit::spec::operation;
use hcloud_testkit::vectors::{config, CoreRunner};
use hcloud_testkit::{cases, Runner};
use serde_json::Value;

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::new(schema).expect("the document's schemas compile")
}

fn problems(schema: &Value, instance: &Value) -> Vec<String> {
    validator(schema).iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path)).collect()
}

/// Finds the operation a request is for, by method and path template.
fn operation_id(method: &str, path: &str) -> &'static str {
    let path = path.split('?').next().unwrap().trim_start_matches("/v1");
    let template: Vec<&str> = path
        .split('/')
        .map(|segment| if segment.parse::<u64>().is_ok() { "{id}" } else { segment })
        .collect();
    let template = template.join("/");
    let ops = hcloud_testkit::spec::subset()["operations"].as_object().unwrap();
    for (id, op) in ops {
        if op["method"] == method && op["path"] == template.as_str() {
            return Box::leak(id.clone().into_boxed_str());
        }
    }
    panic!("no operation for {method} {template}")
}

struct BodyCapture(Vec<(String, String, Vec<u8>)>);

impl Runner for BodyCapture {
    fn run<O: Operation + std::fmt::Debug>(
        &mut self,
        case: &hcloud_testkit::Case,
        op: &O,
    ) -> Result<O::Output, hcloud_core::Error> {
        let request = op.to_request(&config())?;
        self.0.push((request.method().to_string(), request.uri().path().to_owned(), request.body().clone()));
        CoreRunner.run(case, op)
    }
}

#[test]
fn every_request_body_the_core_builds_validates_against_the_request_schema() {
    let mut capture = BodyCapture(Vec::new());
    for case in cases() {
        let _ = case.run(&mut capture);
    }
    let mut checked = 0;
    for (method, path, body) in capture.0 {
        let op = operation(operation_id(&method, &path));
        match &op["request_schema"] {
            Value::Null => {
                assert!(body.is_empty(), "{method} {path} sent a body its operation does not take")
            }
            schema => {
                let instance: Value = serde_json::from_slice(&body).expect("bodies are JSON");
                let found = problems(schema, &instance);
                assert!(found.is_empty(), "{method} {path}: {found:?}\n{instance}");
                // The schemas allow unknown fields; the core must still send only declared ones.
                assert_eq!(undeclared(schema, &instance, "$"), Vec::<String>::new(), "{method} {path}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 6, "only {checked} bodies checked");
}

fn undeclared(schema: &Value, instance: &Value, at: &str) -> Vec<String> {
    let (Some(properties), Some(object)) = (schema["properties"].as_object(), instance.as_object()) else {
        return Vec::new();
    };
    object
        .iter()
        .flat_map(|(key, value)| match properties.get(key) {
            None => vec![format!("{at}.{key}")],
            Some(inner) => undeclared(inner, value, &format!("{at}.{key}")),
        })
        .collect()
}

#[test]
fn a_schema_violation_is_detected() {
    // Guards the test above against a validator that accepts everything.
    let schema = &operation("create_server")["request_schema"];
    assert!(!problems(schema, &serde_json::json!({"name": "x"})).is_empty());
    assert!(!problems(
        schema,
        &serde_json::json!({"name": "x", "server_type": "a", "image": "b", "volumes": ["z"]})
    )
    .is_empty());
}

#[test]
fn every_success_response_in_the_vectors_validates_against_the_response_schema() {
    let mut checked = 0;
    for case in cases() {
        let Some(vector) = &case.vector else { continue };
        if !(200..300).contains(&vector.response.status)
            || case.name.starts_with("decode_")
            || case.name.ends_with("_tolerant")
        {
            continue;
        }
        let op = operation(operation_id(&vector.request.method, &vector.request.path));
        let body = vector.response.body.as_ref().expect("success vectors carry JSON");
        let found = problems(&op["response_schema"], body);
        assert!(found.is_empty(), "{}: {found:?}", case.name);
        checked += 1;
    }
    assert!(checked >= 18, "only {checked} responses checked");
}

fn response(op_id: &str, example: &Value) -> hcloud_core::HttpResponse {
    let status = operation(op_id)["success_status"].as_u64().unwrap() as u16;
    hcloud_testkit::transcript::json_response(status, example)
}

#[test]
fn the_documents_examples_parse() {
    let mut parsed = 0;
    for (op_id, example) in [
        "create_server",
        "enable_server_rescue",
        "disable_server_rescue",
        "enable_server_backup",
        "disable_server_backup",
    ]
    .iter()
    .flat_map(|id| operation(id)["response_examples"].as_array().unwrap().iter().map(move |e| (*id, e)))
    {
        let resp = response(op_id, example);
        let id = ServerId(42);
        match op_id {
            "create_server" => {
                let created: CreatedServer =
                    CreateServer::new("my-server", "cpx22", "ubuntu-24.04").parse(resp).unwrap();
                assert_eq!(created.server.name, "my-server");
            }
            "enable_server_rescue" => {
                let enabled: RescueEnabled =
                    EnableRescue { id, rescue_type: None, ssh_keys: vec![] }.parse(resp).unwrap();
                assert!(enabled.root_password.is_some());
            }
            _ => {
                let action: Action = DisableBackup { id }.parse(resp).unwrap();
                assert!(action.id.0 > 0);
            }
        }
        parsed += 1;
    }
    assert_eq!(parsed, 5);
}
