//! Conformance against the official OpenAPI spec, served by the Prism mock server.
//!
//! Prism validates every request against the spec (a request that does not conform is
//! answered `422`, a missing token `401`) and answers with the spec's examples. This test runs
//! only when `HCLOUD_PRISM_URL` names a running Prism (without `/v1`, e.g.
//! `http://127.0.0.1:4010`; Prism serves the spec's paths at its root); `blocking/ci-prism.sh`
//! starts one and runs it. Without the variable it says so and passes.
//!
//! One documented inconsistency: for `GET /servers`, `GET /servers/{id}` and
//! `PUT /servers/{id}`, the spec gives no example for the items of `server.volumes` and
//! `server.load_balancers` (plain `int64`, no `minimum`), so Prism's static mode fills them
//! with `Number.MIN_SAFE_INTEGER`, `-9007199254740991`. Those are not valid ids (ids are
//! positive; every other id in the spec has `minimum: 1`), and the SDK's `VolumeId` is a `u64`,
//! so those three responses fail to decode at exactly `…volumes[0]`. For them the test asserts
//! that precise condition: HTTP 200 (so Prism accepted the request as valid) and a decode
//! error at that path naming the negative number. Every other operation must parse.

use std::time::Duration;

use hcloud_blocking::hcloud_core::actions::ListActionsByIds;
use hcloud_blocking::hcloud_core::servers::{GetServer, ListServers, UpdateServer};
use hcloud_blocking::{
    ActionId, Client, Config, CreateServer, Error, RescueType, RetryPolicy, ServerId, ServerStatus, Sort,
    SortField, SshKeyId, Transport, UreqTransport,
};

fn prism_client() -> Client {
    let url = std::env::var("HCLOUD_PRISM_URL")
        .expect("HCLOUD_PRISM_URL names no Prism; blocking/ci-prism.sh starts one and sets it");
    let config = Config::new("prism-token").unwrap().with_endpoint(url).unwrap();
    Client::builder(config)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// Prism's static examples for these arrays hold `-9007199254740991`; see the module docs.
fn assert_negative_example_id(result: Result<impl std::fmt::Debug, Error>, path: &str, what: &str) {
    let error = result.expect_err(&format!("{what}: the spec's example holds a negative id"));
    match error.core() {
        Some(hcloud_core::Error::Decode(decode)) => {
            assert_eq!(decode.status, 200, "{what}: Prism accepted the request");
            assert_eq!(decode.path, path, "{what}: {decode:?}");
            assert!(decode.message.contains("-9007199254740991"), "{what}: {}", decode.message);
        }
        _ => panic!("{what}: expected a decode error at {path}, got {error:?}"),
    }
}

#[test]
#[ignore = "needs a running Prism: bash blocking/ci-prism.sh"]
fn the_story_conforms_to_the_official_spec() {
    let client = prism_client();

    // List servers: every query parameter the SDK can send.
    let filter = ListServers {
        name: Some("my-server".into()),
        label_selector: Some("env=prod,!tmp".into()),
        status: vec![ServerStatus::Running, ServerStatus::Off],
        sort: vec![Sort::desc(SortField::Name), Sort::asc(SortField::Id)],
        page: Some(1),
        per_page: Some(50),
    };
    assert_negative_example_id(client.execute(filter), "servers[0].volumes[0]", "list servers");
    assert_negative_example_id(
        client.servers().list_all(hcloud_blocking::ListServers::all()),
        "servers[0].volumes[0]",
        "list servers (paged)",
    );

    // Get server.
    assert_negative_example_id(
        client.execute(GetServer { id: ServerId(42) }),
        "server.volumes[0]",
        "get server",
    );
    assert_negative_example_id(client.server(ServerId(42)).get(), "server.volumes[0]", "get server (handle)");

    // Create server with the full body.
    let full = hcloud_testkit::vectors::full_create_server();
    let created = client.servers().create(full).expect("create server (full body)");
    assert!(created.server.id.get() > 0);
    assert!(!created.action.command.is_empty());
    let minimal = client
        .servers()
        .create(CreateServer::new("my-server", "cpx22", "ubuntu-24.04"))
        .expect("create server (minimal body)");
    assert!(minimal.server.id.get() > 0);

    // Update (rename) and labels.
    assert_negative_example_id(
        client.server(ServerId(42)).rename("new-name"),
        "server.volumes[0]",
        "rename server",
    );
    let labels = [("env".to_owned(), "prod".to_owned())].into();
    assert_negative_example_id(
        client.execute(UpdateServer {
            id: ServerId(42),
            name: Some("new-name".into()),
            labels: Some(labels),
        }),
        "server.volumes[0]",
        "update name and labels",
    );

    // Delete.
    let deleted = client.server(ServerId(42)).delete().expect("delete server");
    assert!(deleted.id.get() > 0);

    // Rescue mode: with type and keys, and with the defaults (an empty JSON object).
    let rescue = client
        .server(ServerId(42))
        .enable_rescue_with(|rescue| rescue.rescue_type(RescueType::Linux64).ssh_key(SshKeyId(2323)))
        .expect("enable rescue");
    assert!(rescue.root_password.is_some_and(|p| !p.expose().is_empty()));
    assert_eq!(rescue.action.command, "enable_rescue");
    client.server(ServerId(42)).enable_rescue().expect("enable rescue (defaults)");
    let action = client.server(ServerId(42)).disable_rescue().expect("disable rescue");
    assert_eq!(action.command, "disable_rescue");

    // Backups.
    let action = client.server(ServerId(42)).enable_backup().expect("enable backup");
    assert!(action.id.get() > 0);
    let action = client.server(ServerId(42)).disable_backup().expect("disable backup");
    assert!(action.id.get() > 0);

    // Actions: one, and several by id.
    let action = client.actions().get(ActionId(42)).expect("get action");
    assert!(action.id.get() > 0);
    let action = client.action(ActionId(42)).get().expect("get action (handle)");
    assert!(action.id.get() > 0);
    let actions = client
        .execute(ListActionsByIds::new([ActionId(1), ActionId(2), ActionId(3)]))
        .expect("get actions by ids");
    assert!(!actions.is_empty());
}

#[test]
#[ignore = "needs a running Prism: bash blocking/ci-prism.sh"]
fn prism_rejects_what_the_spec_forbids() {
    // A guard that the conformance run really validates: a request without a token is
    // refused (so the 2xx answers above mean the requests conformed).
    let client = prism_client();
    let url = client.config().endpoint().to_owned();
    let request = http::Request::get(format!("{url}/servers/42")).body(Vec::new()).unwrap();
    let response = UreqTransport::default().send(request).expect("Prism answers");
    assert_eq!(response.status(), 401);

    // And a body the spec forbids (no `server_type`, no `image`) is refused with 422.
    let request = http::Request::post(format!("{url}/servers"))
        .header("authorization", "Bearer prism-token")
        .header("content-type", "application/json")
        .body(br#"{"name":"my-server"}"#.to_vec())
        .unwrap();
    let response = UreqTransport::default().send(request).expect("Prism answers");
    assert_eq!(response.status(), 422);
}

/// One typical request of every operation of the document, built from its schemas: Prism
/// must accept it (a 2xx answer) and the SDK must read what Prism answers, except where
/// Prism's answer breaks the document's own rules (see [`KNOWN_BAD_ANSWERS`]).
#[test]
#[ignore = "needs a running Prism: bash blocking/ci-prism.sh"]
fn one_request_of_every_operation_conforms_and_its_answer_parses() {
    use hcloud_blocking::hcloud_core::dynamic;
    use hcloud_testkit::synth::{self, Fill};

    let client = prism_client();
    let operations = hcloud_testkit::spec::subset()["operations"].as_object().unwrap();
    let mut failures = Vec::new();
    let mut accepted = 0;
    for (id, op) in operations {
        let input = synth::input(op, Fill::Minimal);
        let operation = dynamic::operation(id, input).unwrap_or_else(|e| panic!("{id}: {e}"));
        match client.execute(operation) {
            Ok(_) => accepted += 1,
            Err(error) => match (error.core(), KNOWN_BAD_ANSWERS.iter().find(|(known, _)| known == id)) {
                (Some(hcloud_core::Error::Decode(decode)), Some((_, path))) if decode.path == *path => {
                    assert!(decode.status.is_success(), "{id}: Prism refused the request");
                    assert!(decode.message.contains("-9007199254740991"), "{id}: {}", decode.message);
                    accepted += 1;
                }
                _ => failures.push(format!("{id}: {error}")),
            },
        }
    }
    assert!(failures.is_empty(), "{} operations failed:\n{}", failures.len(), failures.join("\n"));
    println!("{accepted}/{} operations accepted by Prism", operations.len());
    assert_eq!(accepted, operations.len());
}

/// Operations whose answers Prism fills with `-9007199254740991` (its stand-in for an
/// integer without `minimum` or example) where the SDK reads a number that cannot be
/// negative: a volume id, a traffic counter in bytes. The request conformed (2xx), and
/// decoding fails at exactly this path.
const KNOWN_BAD_ANSWERS: &[(&str, &str)] = &[
    ("list_servers", "servers[0].volumes[0]"),
    ("get_server", "server.volumes[0]"),
    ("update_server", "server.volumes[0]"),
    ("list_load_balancers", "load_balancers[0].outgoing_traffic"),
    ("get_load_balancer", "load_balancer.outgoing_traffic"),
];
