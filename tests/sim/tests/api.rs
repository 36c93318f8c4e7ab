//! Behaviour of `Simulator::handle` under a virtual clock, checked against the
//! API documentation and the response schemas of the official spec.

mod common;

use std::time::Duration;

use common::{assert_schema, Harness, TOKEN};
use hcloud_sim::{FaultKind, FaultRule, Reply, ServerSeed, SimConfig, Simulator};
use http::{Method, Request};
use serde_json::{json, Value};

const SEC: Duration = Duration::from_secs(1);

fn basic_server(name: &str) -> Value {
    json!({"name": name, "server_type": "cx22", "image": "ubuntu-24.04"})
}

#[test]
fn authentication_table() {
    let mut h = Harness::new();
    let cases: &[(Option<&str>, u16)] = &[
        (None, 401),
        (Some("Bearer wrong"), 401),
        (Some("Bearer "), 401),
        (Some("Basic c2ltLXRva2Vu"), 401),
        (Some(TOKEN), 401),
        (Some("Bearer sim-token"), 200),
    ];
    for (auth, status) in cases {
        let mut b = Request::get("/v1/servers");
        if let Some(a) = auth {
            b = b.header("Authorization", *a);
        }
        let a = h.send(b.body(Vec::new()).unwrap());
        if *status == 401 {
            a.expect_error(401, "unauthorized");
            assert_eq!(a.json["error"]["details"], Value::Null);
        } else {
            assert_eq!(a.status, 200, "{auth:?}");
            assert_schema("list_servers", &a.json);
        }
    }
    let mut custom = Harness::with(SimConfig::default().with_token("other"));
    custom.get("/v1/servers").expect_error(401, "unauthorized");
}

#[test]
fn create_server_shape_and_lifecycle() {
    let mut h = Harness::new();
    let body = h.create(json!({
        "name": "web-1",
        "server_type": "cpx22",
        "image": "debian-12",
        "location": "nbg1",
        "labels": {"env": "prod", "example.com/team": "core"},
    }));
    let server = &body["server"];
    assert_eq!(server["name"], "web-1");
    assert_eq!(server["status"], "initializing");
    assert_eq!(server["created"], "2026-01-01T00:00:00Z");
    assert_eq!(server["server_type"]["name"], "cpx22");
    assert_eq!(server["location"]["name"], "nbg1");
    assert_eq!(server["image"]["name"], "debian-12");
    assert_eq!(server["labels"]["env"], "prod");
    assert_eq!(server["iso"], Value::Null);
    assert_eq!(server["placement_group"], Value::Null);
    assert_eq!(server["rescue_enabled"], false);
    assert_eq!(server["backup_window"], Value::Null);
    assert!(server.get("datacenter").is_none(), "datacenter was removed from the API");
    assert!(server["public_net"]["ipv4"]["ip"].is_string());
    assert_eq!(server["primary_disk_size"], 80);

    let action = &body["action"];
    assert_eq!(action["command"], "create_server");
    assert_eq!(action["status"], "running");
    assert_eq!(action["progress"], 0);
    assert_eq!(action["finished"], Value::Null);
    assert_eq!(action["error"], Value::Null);
    assert_eq!(action["resources"], json!([{"id": server["id"], "type": "server"}]));
    assert_eq!(body["next_actions"][0]["command"], "start_server");
    let password = body["root_password"].as_str().unwrap();
    assert_eq!(password.len(), 20);
    assert!(password.chars().all(|c| c.is_ascii_alphanumeric()));

    let id = server["id"].as_u64().unwrap();
    let action_id = action["id"].as_u64().unwrap();

    // Progress rises linearly over the default 2 s.
    h.advance(SEC);
    let a = h.get(&format!("/v1/actions/{action_id}"));
    assert_schema("get_action", &a.json);
    assert_eq!(a.json["action"]["status"], "running");
    assert_eq!(a.json["action"]["progress"], 50);
    assert_eq!(h.get(&format!("/v1/servers/{id}")).json["server"]["status"], "initializing");

    h.advance(SEC);
    let a = h.get(&format!("/v1/actions/{action_id}"));
    assert_eq!(a.json["action"]["status"], "success");
    assert_eq!(a.json["action"]["progress"], 100);
    assert_eq!(a.json["action"]["finished"], "2026-01-01T00:00:02Z");
    let s = h.get(&format!("/v1/servers/{id}"));
    assert_schema("get_server", &s.json);
    assert_eq!(s.json["server"]["status"], "running");
}

#[test]
fn create_with_ssh_keys_and_without_start() {
    let mut h = Harness::new();
    h.ssh_key("my-key");
    let other = h.ssh_key("other-key");
    let body = h.create(json!({
        "name": "quiet", "server_type": "cx22", "image": "ubuntu-22.04",
        "ssh_keys": ["my-key", other], "start_after_create": false,
    }));
    assert_eq!(body["root_password"], Value::Null);
    assert_eq!(body["next_actions"], json!([]));
    h.advance(3 * SEC);
    let id = body["server"]["id"].as_u64().unwrap();
    assert_eq!(h.get(&format!("/v1/servers/{id}")).json["server"]["status"], "off");
}

#[test]
fn create_accepts_ids_and_optional_inputs() {
    let mut h = Harness::new();
    let network = h.post_ok(
        "/v1/networks",
        json!({"name": "n", "ip_range": "10.0.0.0/16",
               "subnets": [{"type": "cloud", "ip_range": "10.0.1.0/24", "network_zone": "eu-central"}]}),
    )["network"]["id"]
        .clone();
    let firewall = h.post_ok("/v1/firewalls", json!({"name": "fw"}))["firewall"]["id"].clone();
    let volume = h.post_ok("/v1/volumes", json!({"name": "v", "size": 10, "location": "hel1"}))["volume"]
        ["id"]
        .clone();
    let group = h.post_ok("/v1/placement_groups", json!({"name": "pg", "type": "spread"}))["placement_group"]
        ["id"]
        .clone();
    // "ID or name" fields take JSON integers, decimal strings and names alike.
    let body = h.create(json!({
        "name": "by-ids", "server_type": 104, "image": "161547269", "location": 3,
        "networks": [network], "firewalls": [{"firewall": firewall}], "volumes": [volume], "automount": false,
        "placement_group": group, "user_data": "#cloud-config\n", "public_net": {"enable_ipv4": false, "enable_ipv6": true},
    }));
    let s = &body["server"];
    assert_eq!(s["server_type"]["name"], "cx22");
    assert_eq!(s["location"]["name"], "hel1");
    assert_eq!(s["image"]["id"], 161547269);
    assert_eq!(s["public_net"]["ipv4"], Value::Null);
    assert!(s["public_net"]["ipv6"]["ip"].is_string());
    assert_eq!(s["public_net"]["firewalls"], json!([{"id": firewall, "status": "applied"}]));
    assert_eq!(s["private_net"][0]["network"], network);
    assert_eq!(s["private_net"][0]["ip"], "10.0.1.2");
    assert_eq!(s["volumes"], json!([volume]));
    assert_eq!(s["placement_group"]["id"], group);
    assert_eq!(s["placement_group"]["servers"], json!([s["id"]]));
    let id = s["id"].as_u64().unwrap();
    // The other side of each relation knows too.
    assert_eq!(h.get(&format!("/v1/volumes/{volume}")).json["volume"]["server"], id);
    assert_eq!(h.get(&format!("/v1/networks/{network}")).json["network"]["servers"], json!([id]));
    let fw = h.get(&format!("/v1/firewalls/{firewall}"));
    assert_eq!(fw.json["firewall"]["applied_to"], json!([{"type": "server", "server": {"id": id}}]));
    // Its IPv6 is a primary IP of its own, deleted with it.
    let pip = s["public_net"]["ipv6"]["id"].as_u64().unwrap();
    assert_eq!(h.get(&format!("/v1/primary_ips/{pip}")).json["primary_ip"]["assignee_id"], id);

    // arm server types get the arm build of an image named by name.
    let arm = h.create(json!({"name": "arm-1", "server_type": "cax11", "image": "debian-13"}));
    assert_eq!(arm["server"]["image"]["architecture"], "arm");
    assert_eq!(arm["server"]["server_type"]["architecture"], "arm");
}

#[test]
fn references_to_missing_resources_fail() {
    let mut h = Harness::new();
    let base = |extra: Value| {
        let mut b = json!({"name": "ref", "server_type": "cx22", "image": "ubuntu-24.04"});
        b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        b
    };
    for extra in [
        json!({"networks": [999]}),
        json!({"volumes": [999]}),
        json!({"firewalls": [{"firewall": 999}]}),
        json!({"placement_group": 999}),
        json!({"ssh_keys": ["does-not-exist"]}),
        json!({"ssh_keys": [999]}),
        json!({"public_net": {"ipv4": 999}}),
    ] {
        h.call(Method::POST, "/v1/servers", Some(base(extra.clone()))).expect_error(404, "not_found");
    }
    assert_eq!(h.sim.server_count(), 0, "nothing was created");
}

#[test]
fn create_validation_table() {
    let mut h = Harness::new();
    h.create(basic_server("taken"));
    // (body, status, code, fields named in details)
    let cases: Vec<(Value, u16, &str, Vec<&str>)> = vec![
        (json!({"server_type": "cx22", "image": "debian-12"}), 422, "invalid_input", vec!["name"]),
        (json!({"name": "x"}), 422, "invalid_input", vec!["server_type", "image"]),
        (
            json!({"name": "bad_name", "server_type": "cx22", "image": "debian-12"}),
            422,
            "invalid_input",
            vec!["name"],
        ),
        (
            json!({"name": "-dash", "server_type": "cx22", "image": "debian-12"}),
            422,
            "invalid_input",
            vec!["name"],
        ),
        (
            json!({"name": "a b", "server_type": "cx22", "image": "debian-12"}),
            422,
            "invalid_input",
            vec!["name"],
        ),
        (json!({"name": 5, "server_type": "cx22", "image": "debian-12"}), 422, "invalid_input", vec!["name"]),
        (
            json!({"name": "ok", "server_type": "cx99", "image": "debian-12"}),
            422,
            "invalid_input",
            vec!["server_type"],
        ),
        (
            json!({"name": "ok", "server_type": "cx22", "image": "windows"}),
            422,
            "invalid_input",
            vec!["image"],
        ),
        (
            json!({"name": "ok", "server_type": "cx22", "image": "debian-12", "location": "mars"}),
            422,
            "invalid_input",
            vec!["location"],
        ),
        // The x86 id of ubuntu-24.04 on an arm server type.
        (
            json!({"name": "ok", "server_type": "cax11", "image": "161547269"}),
            422,
            "invalid_input",
            vec!["image"],
        ),
        (
            json!({"name": "ok", "server_type": "cx22", "image": "debian-12", "labels": {"-bad": "x"}}),
            422,
            "invalid_input",
            vec!["labels"],
        ),
        (
            json!({"name": "ok", "server_type": "cx22", "image": "debian-12", "labels": {"k": 1}}),
            422,
            "invalid_input",
            vec!["labels"],
        ),
        (
            json!({"name": "ok", "server_type": "cx22", "image": "debian-12", "start_after_create": "yes"}),
            422,
            "invalid_input",
            vec!["start_after_create"],
        ),
        (
            json!({"name": "ok", "server_type": "cx22", "image": "debian-12", "ssh_keys": "k"}),
            422,
            "invalid_input",
            vec!["ssh_keys"],
        ),
        (
            json!({"name": "ok", "server_type": "cx22", "image": "debian-12", "networks": ["a"]}),
            422,
            "invalid_input",
            vec!["networks"],
        ),
        (
            json!({"name": "ok", "server_type": "cx22", "image": "debian-12", "firewalls": [{"id": 1}]}),
            422,
            "invalid_input",
            vec!["firewalls"],
        ),
        (
            json!({"name": "ok", "server_type": "cx22", "image": "debian-12", "public_net": {"enable_ipv4": 1}}),
            422,
            "invalid_input",
            vec!["public_net.enable_ipv4"],
        ),
        (
            json!({"name": "ok", "server_type": "cx22", "image": "debian-12", "user_data": "x".repeat(40_000)}),
            422,
            "invalid_input",
            vec!["user_data"],
        ),
        (
            json!({"name": "taken", "server_type": "cx22", "image": "debian-12"}),
            409,
            "uniqueness_error",
            vec!["name"],
        ),
        (
            json!({"name": "ok", "server_type": "cax11", "image": "debian-12", "location": "ash"}),
            412,
            "resource_unavailable",
            vec![],
        ),
        (json!(["not", "an", "object"]), 400, "json_error", vec![]),
    ];
    for (body, status, code, fields) in cases {
        let a = h.call(Method::POST, "/v1/servers", Some(body.clone()));
        a.expect_error(status, code);
        assert_eq!(a.error_fields(), fields, "{body}");
        if code == "invalid_input" {
            let f = &a.json["error"]["details"]["fields"][0];
            assert!(f["messages"].as_array().is_some_and(|m| !m.is_empty()), "{body}");
        }
    }
    for raw in [&b"{"[..], b"", b"not json", b"{\"name\":}"] {
        let mut req = Harness::request(Method::POST, "/v1/servers", None);
        *req.body_mut() = raw.to_vec();
        h.send(req).expect_error(400, "json_error");
    }
    // Nothing but the first server was created.
    assert_eq!(h.sim.server_count(), 1);
}

#[test]
fn list_pagination_meta_and_link_header() {
    let mut h = Harness::new();
    h.sim.insert_servers(60);
    let a = h.get("/v1/servers");
    assert_schema("list_servers", &a.json);
    assert_eq!(a.json["servers"].as_array().unwrap().len(), 25);
    assert_eq!(
        a.json["meta"]["pagination"],
        json!({"page": 1, "per_page": 25, "previous_page": null, "next_page": 2, "last_page": 3, "total_entries": 60})
    );
    assert_eq!(
        a.header("link").unwrap(),
        "<http://sim.test/v1/servers?page=2>; rel=\"next\", <http://sim.test/v1/servers?page=3>; rel=\"last\""
    );

    let a = h.get("/v1/servers?per_page=20&page=2&sort=id");
    let ids: Vec<u64> =
        a.json["servers"].as_array().unwrap().iter().map(|s| s["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, (21..=40).collect::<Vec<_>>());
    assert_eq!(a.json["meta"]["pagination"]["previous_page"], 1);
    assert_eq!(a.json["meta"]["pagination"]["next_page"], 3);
    assert_eq!(
        a.header("link").unwrap(),
        "<http://sim.test/v1/servers?per_page=20&sort=id&page=1>; rel=\"prev\", \
         <http://sim.test/v1/servers?per_page=20&sort=id&page=3>; rel=\"next\", \
         <http://sim.test/v1/servers?per_page=20&sort=id&page=3>; rel=\"last\""
    );

    let a = h.get("/v1/servers?per_page=50&page=2");
    assert_eq!(a.json["servers"].as_array().unwrap().len(), 10);
    assert_eq!(a.json["meta"]["pagination"]["next_page"], Value::Null);
    assert_eq!(a.json["meta"]["pagination"]["last_page"], 2);

    // Past the end: empty page, still valid.
    let a = h.get("/v1/servers?page=9");
    assert_schema("list_servers", &a.json);
    assert_eq!(a.json["servers"], json!([]));
    assert_eq!(a.json["meta"]["pagination"]["next_page"], Value::Null);

    for bad in ["per_page=51", "per_page=0", "per_page=abc", "page=0", "page=-1", "page=x"] {
        let a = h.get(&format!("/v1/servers?{bad}"));
        a.expect_error(422, "invalid_input");
        let field = bad.split('=').next().unwrap();
        assert_eq!(a.error_fields(), vec![field], "{bad}");
    }

    // Empty project.
    let mut empty = Harness::new();
    let a = empty.get("/v1/servers");
    assert_eq!(
        a.json["meta"]["pagination"],
        json!({"page": 1, "per_page": 25, "previous_page": null, "next_page": null, "last_page": 1, "total_entries": 0})
    );
}

#[test]
fn list_filters_table() {
    let mut h = Harness::new();
    let seeds = [
        ServerSeed::new("alpha").with_label("env", "prod").with_label("tier", "web"),
        ServerSeed::new("beta").with_label("env", "staging").with_label("tier", "db"),
        ServerSeed::new("gamma").with_label("env", "prod").with_status("off"),
        ServerSeed::new("delta"),
    ];
    for s in seeds {
        h.sim.insert_server(s).unwrap();
    }
    let cases: &[(&str, &[&str])] = &[
        ("", &["alpha", "beta", "gamma", "delta"]),
        ("name=beta", &["beta"]),
        ("name=nope", &[]),
        ("label_selector=env%3Dprod", &["alpha", "gamma"]),
        ("label_selector=env==prod", &["alpha", "gamma"]),
        ("label_selector=env!=prod", &["beta", "delta"]),
        ("label_selector=tier", &["alpha", "beta"]),
        ("label_selector=!tier", &["gamma", "delta"]),
        ("label_selector=env%20in%20(staging,prod)", &["alpha", "beta", "gamma"]),
        ("label_selector=env+notin+(prod)", &["beta", "delta"]),
        ("label_selector=env=prod,tier=web", &["alpha"]),
        ("label_selector=env%3Dprod%2C!tier", &["gamma"]),
        ("status=off", &["gamma"]),
        ("status=running&status=off", &["alpha", "beta", "gamma", "delta"]),
        ("status=running&label_selector=env=prod", &["alpha"]),
        ("name=gamma&status=running", &[]),
    ];
    for (query, want) in cases {
        let a = h.get(&format!("/v1/servers?{query}"));
        assert_eq!(a.status, 200, "{query}: {:#}", a.json);
        assert_schema("list_servers", &a.json);
        let names: Vec<&str> =
            a.json["servers"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(&names, want, "{query}");
        assert_eq!(a.json["meta"]["pagination"]["total_entries"], want.len(), "{query}");
    }
    for (query, field) in [
        ("status=sleeping", "status"),
        ("label_selector=env%20in%20(a", "label_selector"),
        ("label_selector=", "label_selector"),
        ("sort=size", "sort"),
        ("sort=name:up", "sort"),
    ] {
        let a = h.get(&format!("/v1/servers?{query}"));
        a.expect_error(422, "invalid_input");
        assert_eq!(a.error_fields(), vec![field], "{query}");
    }
}

#[test]
fn list_sorting_table() {
    let mut h = Harness::new();
    for (i, name) in ["bravo", "alpha", "delta", "charlie"].iter().enumerate() {
        h.advance(SEC * i as u32);
        h.create(basic_server(name));
    }
    let cases: &[(&str, &[&str])] = &[
        ("", &["bravo", "alpha", "delta", "charlie"]),
        ("sort=id", &["bravo", "alpha", "delta", "charlie"]),
        ("sort=id:desc", &["charlie", "delta", "alpha", "bravo"]),
        ("sort=name", &["alpha", "bravo", "charlie", "delta"]),
        ("sort=name:asc", &["alpha", "bravo", "charlie", "delta"]),
        ("sort=name:desc", &["delta", "charlie", "bravo", "alpha"]),
        ("sort=created:desc", &["charlie", "delta", "alpha", "bravo"]),
        ("sort=created:asc&sort=name:desc", &["bravo", "alpha", "delta", "charlie"]),
    ];
    for (query, want) in cases {
        let a = h.get(&format!("/v1/servers?{query}"));
        let names: Vec<&str> =
            a.json["servers"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(&names, want, "{query}");
    }
}

#[test]
fn get_update_and_not_found() {
    let mut h = Harness::new();
    let id = h.create_running("orig");
    let other = h.create_running("other");

    h.get("/v1/servers/999").expect_error(404, "not_found");
    h.get("/v1/servers/abc").expect_error(422, "invalid_input");
    h.get("/v1/servers/0").expect_error(422, "invalid_input");

    let a = h.call(
        Method::PUT,
        &format!("/v1/servers/{id}"),
        Some(json!({"name": "renamed", "labels": {"a": "b"}})),
    );
    assert_eq!(a.status, 200, "{:#}", a.json);
    assert_schema("update_server", &a.json);
    assert_eq!(a.json["server"]["name"], "renamed");
    assert_eq!(a.json["server"]["labels"], json!({"a": "b"}));
    // Labels are replaced, not merged; the name stays when omitted.
    let a = h.call(Method::PUT, &format!("/v1/servers/{id}"), Some(json!({"labels": {"c": "d"}})));
    assert_eq!(a.json["server"]["labels"], json!({"c": "d"}));
    assert_eq!(a.json["server"]["name"], "renamed");
    // Renaming to its own name is fine; the old name is free again.
    assert_eq!(
        h.call(Method::PUT, &format!("/v1/servers/{id}"), Some(json!({"name": "renamed"}))).status,
        200
    );
    assert_eq!(h.get("/v1/servers?name=orig").json["servers"], json!([]));
    assert_eq!(h.get("/v1/servers?name=renamed").json["servers"][0]["id"], id);

    let put = |h: &mut Harness, body: Value| h.call(Method::PUT, &format!("/v1/servers/{id}"), Some(body));
    let a = put(&mut h, json!({"name": "other"}));
    a.expect_error(409, "uniqueness_error");
    assert_eq!(a.error_fields(), vec!["name"]);
    assert_eq!(put(&mut h, json!({"name": "no_underscores"})).error_fields(), vec!["name"]);
    put(&mut h, json!({"labels": "x"})).expect_error(422, "invalid_input");
    let mut req = Harness::request(Method::PUT, &format!("/v1/servers/{id}"), None);
    *req.body_mut() = b"{oops".to_vec();
    h.send(req).expect_error(400, "json_error");
    h.call(Method::PUT, "/v1/servers/4242", Some(json!({"name": "x"}))).expect_error(404, "not_found");
    let _ = other;
}

#[test]
fn delete_server_lifecycle() {
    let mut h = Harness::new();
    let id = h.create_running("doomed");
    let pip =
        h.get(&format!("/v1/servers/{id}")).json["server"]["public_net"]["ipv4"]["id"].as_u64().unwrap();
    let a = h.call(Method::DELETE, &format!("/v1/servers/{id}"), None);
    assert_eq!(a.status, 200);
    assert_schema("delete_server", &a.json);
    assert_eq!(a.json["action"]["command"], "delete_server");
    assert_eq!(a.json["action"]["status"], "running");
    let action_id = a.json["action"]["id"].as_u64().unwrap();
    // Gone from reads and lists at once, its name free and its primary IPs deleted,
    // while the action still runs.
    h.get(&format!("/v1/servers/{id}")).expect_error(404, "not_found");
    assert_eq!(h.get("/v1/servers").json["servers"], json!([]));
    h.get(&format!("/v1/primary_ips/{pip}")).expect_error(404, "not_found");
    h.call(Method::DELETE, &format!("/v1/servers/{id}"), None).expect_error(404, "not_found");
    assert_eq!(h.get(&format!("/v1/actions/{action_id}")).json["action"]["status"], "running");
    h.create(basic_server("doomed"));

    h.advance(2 * SEC);
    assert_eq!(h.get(&format!("/v1/actions/{action_id}")).json["action"]["status"], "success");
    assert_eq!(h.get(&format!("/v1/servers/{id}/actions/{action_id}")).status, 404, "the server is gone");
    h.call(Method::DELETE, "/v1/servers/777", None).expect_error(404, "not_found");
}

#[test]
fn locked_while_an_action_runs() {
    let mut h = Harness::new();
    let id = h.create(basic_server("busy"))["server"]["id"].as_u64().unwrap();
    let mutations: Vec<(Method, String, Option<Value>)> = vec![
        (Method::DELETE, format!("/v1/servers/{id}"), None),
        (Method::POST, format!("/v1/servers/{id}/actions/enable_rescue"), None),
        (Method::POST, format!("/v1/servers/{id}/actions/disable_rescue"), None),
        (Method::POST, format!("/v1/servers/{id}/actions/enable_backup"), None),
        (Method::POST, format!("/v1/servers/{id}/actions/disable_backup"), None),
        (Method::POST, format!("/v1/servers/{id}/actions/poweron"), None),
        (Method::POST, format!("/v1/servers/{id}/actions/poweroff"), None),
        (Method::POST, format!("/v1/servers/{id}/actions/shutdown"), None),
        (Method::POST, format!("/v1/servers/{id}/actions/reboot"), None),
        (Method::POST, format!("/v1/servers/{id}/actions/reset"), None),
    ];
    for (m, path, body) in &mutations {
        h.call(m.clone(), path, body.clone()).expect_error(423, "locked");
    }
    // Reads, and updates that start no action, are never locked.
    assert_eq!(h.get(&format!("/v1/servers/{id}")).status, 200);
    assert_eq!(h.call(Method::PUT, &format!("/v1/servers/{id}"), Some(json!({"name": "x"}))).status, 200);
    h.advance(2 * SEC);
    assert_eq!(h.call(Method::DELETE, &format!("/v1/servers/{id}"), None).status, 200);
}

#[test]
fn rescue_and_backup_actions() {
    let mut h = Harness::new();
    let id = h.create_running("rescuable");
    let keys = [h.ssh_key("k1"), h.ssh_key("k2")];
    let path = |verb: &str| format!("/v1/servers/{id}/actions/{verb}");

    let a = h.call(Method::POST, &path("enable_rescue"), Some(json!({"type": "linux64", "ssh_keys": keys})));
    assert_eq!(a.status, 201, "{:#}", a.json);
    assert_schema("enable_server_rescue", &a.json);
    assert_eq!(a.json["action"]["command"], "enable_rescue");
    assert_eq!(a.json["root_password"].as_str().unwrap().len(), 20);
    h.advance(2 * SEC);
    assert_eq!(h.get(&format!("/v1/servers/{id}")).json["server"]["rescue_enabled"], true);

    let a = h.call(Method::POST, &path("disable_rescue"), None);
    assert_eq!(a.status, 201);
    assert_schema("disable_server_rescue", &a.json);
    assert_eq!(a.json["action"]["command"], "disable_rescue");
    h.advance(2 * SEC);
    assert_eq!(h.get(&format!("/v1/servers/{id}")).json["server"]["rescue_enabled"], false);

    // Body is optional.
    let a = h.call(Method::POST, &path("enable_rescue"), None);
    assert_eq!(a.status, 201);
    h.advance(2 * SEC);
    for (body, field) in [(json!({"type": "freebsd64"}), "type"), (json!({"ssh_keys": ["a"]}), "ssh_keys")] {
        let a = h.call(Method::POST, &path("enable_rescue"), Some(body));
        a.expect_error(422, "invalid_input");
        assert_eq!(a.error_fields(), vec![field]);
    }

    let a = h.call(Method::POST, &path("enable_backup"), None);
    assert_eq!(a.status, 201);
    assert_schema("enable_server_backup", &a.json);
    assert_eq!(a.json["action"]["command"], "enable_backup");
    h.advance(2 * SEC);
    let s = h.get(&format!("/v1/servers/{id}"));
    assert_schema("get_server", &s.json);
    assert_eq!(s.json["server"]["backup_window"], "22-02");

    let a = h.call(Method::POST, &path("disable_backup"), None);
    assert_eq!(a.status, 201);
    assert_schema("disable_server_backup", &a.json);
    h.advance(2 * SEC);
    assert_eq!(h.get(&format!("/v1/servers/{id}")).json["server"]["backup_window"], Value::Null);

    h.call(Method::POST, "/v1/servers/999/actions/enable_backup", None).expect_error(404, "not_found");
    h.call(Method::POST, &path("rebuild"), None).expect_error(422, "invalid_input");
    h.call(Method::POST, &path("teleport"), None).expect_error(404, "not_found");
    let mut req = Harness::request(Method::POST, &path("enable_rescue"), None);
    *req.body_mut() = b"[".to_vec();
    h.send(req).expect_error(400, "json_error");
}

#[test]
fn power_actions_table() {
    let mut h = Harness::new();
    let id = h.create_running("power");
    // (verb, operation, command, status while running, status after)
    let cases = [
        ("poweroff", "poweroff_server", "stop_server", "stopping", "off"),
        ("poweron", "poweron_server", "start_server", "starting", "running"),
        ("shutdown", "shutdown_server", "shutdown_server", "stopping", "off"),
        ("poweron", "poweron_server", "start_server", "starting", "running"),
        ("reboot", "reboot_server", "reboot_server", "running", "running"),
        ("reset", "reset_server", "reset_server", "running", "running"),
    ];
    for (verb, op, command, during, after) in cases {
        let a = h.call(Method::POST, &format!("/v1/servers/{id}/actions/{verb}"), None);
        assert_eq!(a.status, 201, "{verb}: {:#}", a.json);
        assert_schema(op, &a.json);
        assert_eq!(a.json["action"]["command"], command);
        assert_eq!(h.get(&format!("/v1/servers/{id}")).json["server"]["status"], during, "{verb}");
        h.advance(2 * SEC);
        assert_eq!(h.get(&format!("/v1/servers/{id}")).json["server"]["status"], after, "{verb}");
    }
}

#[test]
fn failing_commands() {
    let cfg = SimConfig::default().with_failing_command("start_server").with_failing_command("enable_rescue");
    let mut h = Harness::with(cfg);
    let body = h.create(basic_server("flaky"));
    let id = body["server"]["id"].as_u64().unwrap();
    let start = body["next_actions"][0]["id"].as_u64().unwrap();
    h.advance(2 * SEC);
    let a = h.get(&format!("/v1/actions/{start}"));
    assert_schema("get_action", &a.json);
    assert_eq!(a.json["action"]["status"], "error");
    assert_eq!(a.json["action"]["error"]["code"], "action_failed");
    assert!(a.json["action"]["finished"].is_string());
    assert_eq!(h.get(&format!("/v1/servers/{id}")).json["server"]["status"], "off");
    let create = body["action"]["id"].as_u64().unwrap();
    assert_eq!(h.get(&format!("/v1/actions/{create}")).json["action"]["status"], "success");

    h.call(Method::POST, &format!("/v1/servers/{id}/actions/enable_rescue"), None);
    h.advance(2 * SEC);
    assert_eq!(h.get(&format!("/v1/servers/{id}")).json["server"]["rescue_enabled"], false);

    // A failed create fails its start too and leaves the server off.
    let mut h = Harness::with(SimConfig::default().with_failing_command("create_server"));
    let body = h.create(basic_server("broken"));
    h.advance(2 * SEC);
    let ids = format!("/v1/actions?id={}&id={}", body["action"]["id"], body["next_actions"][0]["id"]);
    let a = h.get(&ids);
    let statuses: Vec<&str> =
        a.json["actions"].as_array().unwrap().iter().map(|x| x["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["error", "error"]);
}

#[test]
fn per_command_durations() {
    let cfg = SimConfig::default()
        .with_action_duration(Duration::from_secs(10))
        .with_command_duration("create_server", Duration::from_secs(4))
        .with_command_duration("start_server", Duration::from_secs(1));
    let mut h = Harness::with(cfg);
    let body = h.create(basic_server("timed"));
    let id = body["server"]["id"].as_u64().unwrap();
    let start = body["next_actions"][0]["id"].as_u64().unwrap();
    // start_server cannot finish before create_server does.
    h.advance(2 * SEC);
    let a = h.get(&format!("/v1/actions/{start}"));
    assert_eq!(a.json["action"]["status"], "running");
    assert_eq!(a.json["action"]["progress"], 50);
    h.advance(2 * SEC);
    assert_eq!(h.get(&format!("/v1/servers/{id}")).json["server"]["status"], "running");

    // Zero duration: actions are already done in the creating response.
    let mut h = Harness::with(SimConfig::default().with_action_duration(Duration::ZERO));
    let body = h.create(basic_server("instant"));
    assert_eq!(body["action"]["status"], "success");
    assert_eq!(body["server"]["status"], "running");
}

#[test]
fn action_endpoints() {
    let mut h = Harness::new();
    let body = h.create(basic_server("acts"));
    let id = body["server"]["id"].as_u64().unwrap();
    let create = body["action"]["id"].as_u64().unwrap();
    let start = body["next_actions"][0]["id"].as_u64().unwrap();

    let a = h.get(&format!("/v1/actions?id={start}&id=9999&id={create}"));
    assert_eq!(a.status, 200);
    assert_schema("get_actions", &a.json);
    let ids: Vec<u64> =
        a.json["actions"].as_array().unwrap().iter().map(|x| x["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [create, start]);
    assert_eq!(a.json["meta"]["pagination"]["total_entries"], 2);

    let a = h.get("/v1/actions");
    a.expect_error(422, "invalid_input");
    assert_eq!(a.error_fields(), vec!["id"]);
    h.get("/v1/actions?id=abc").expect_error(422, "invalid_input");
    h.get("/v1/actions/9999").expect_error(404, "not_found");
    h.get("/v1/actions/x").expect_error(422, "invalid_input");

    let a = h.get(&format!("/v1/servers/{id}/actions"));
    assert_schema("list_server_actions", &a.json);
    assert_eq!(a.json["actions"].as_array().unwrap().len(), 2);
    let a = h.get(&format!("/v1/servers/{id}/actions?sort=id:desc&per_page=1"));
    assert_eq!(a.json["actions"][0]["id"], start);
    assert_eq!(a.json["meta"]["pagination"]["last_page"], 2);
    let a = h.get(&format!("/v1/servers/{id}/actions/{create}"));
    assert_schema("get_server_action", &a.json);
    assert_eq!(a.json["action"]["id"], create);
    h.get("/v1/servers/999/actions").expect_error(404, "not_found");

    let other = h.create_running("second");
    h.get(&format!("/v1/servers/{other}/actions/{create}")).expect_error(404, "not_found");
    let a = h.get("/v1/servers/actions?status=success&sort=command");
    assert_schema("list_servers_actions", &a.json);
    let commands: Vec<&str> =
        a.json["actions"].as_array().unwrap().iter().map(|x| x["command"].as_str().unwrap()).collect();
    assert_eq!(commands, ["create_server", "create_server", "start_server", "start_server"]);
    h.get("/v1/servers/actions?status=done").expect_error(422, "invalid_input");
    let a = h.get(&format!("/v1/servers/actions/{create}"));
    assert_schema("get_servers_action", &a.json);
    h.get("/v1/servers/actions/31337").expect_error(404, "not_found");
}

#[test]
fn routing_errors_table() {
    let mut h = Harness::new();
    let id = h.create_running("routed");
    let cases: Vec<(Method, String, u16, &str, Option<&str>)> = vec![
        (Method::PATCH, "/v1/servers".into(), 405, "method_not_allowed", Some("GET, POST, OPTIONS")),
        (Method::DELETE, "/v1/servers".into(), 405, "method_not_allowed", Some("GET, POST, OPTIONS")),
        (
            Method::POST,
            format!("/v1/servers/{id}"),
            405,
            "method_not_allowed",
            Some("GET, PUT, DELETE, OPTIONS"),
        ),
        (
            Method::GET,
            format!("/v1/servers/{id}/actions/poweron"),
            405,
            "method_not_allowed",
            Some("POST, OPTIONS"),
        ),
        (Method::DELETE, "/v1/actions/1".into(), 405, "method_not_allowed", Some("GET, OPTIONS")),
        (Method::POST, "/v1/actions".into(), 405, "method_not_allowed", Some("GET, OPTIONS")),
        (Method::GET, "/v1/volumez".into(), 404, "not_found", None),
        (Method::GET, "/v1/servers/1/bogus".into(), 404, "not_found", None),
        (Method::GET, "/v1".into(), 404, "not_found", None),
        (Method::GET, "/v1/".into(), 404, "not_found", None),
        (Method::GET, "/v2/servers".into(), 404, "not_found", None),
        (Method::GET, "/servers".into(), 404, "not_found", None),
        (Method::GET, "/v1servers".into(), 404, "not_found", None),
        (Method::GET, format!("/v1/servers/{id}/metrics"), 422, "invalid_input", None),
        (Method::GET, "/v1/servers/999/metrics?type=cpu".into(), 404, "not_found", None),
        (Method::GET, format!("/v1/servers/{id}/actions/1/extra"), 404, "not_found", None),
    ];
    for (m, path, status, code, allow) in cases {
        let a = h.call(m.clone(), &path, None);
        a.expect_error(status, code);
        assert_eq!(a.header("allow"), allow, "{m} {path}");
    }
}

#[test]
fn common_headers_and_cors() {
    let mut h = Harness::new();
    for (m, path) in
        [(Method::GET, "/v1/servers"), (Method::GET, "/v1/nope"), (Method::DELETE, "/v1/servers")]
    {
        let a = h.call(m, path, None);
        assert_eq!(a.header("content-type"), Some("application/json"));
        assert_eq!(a.header("access-control-allow-origin"), Some("*"));
        let exposed = a.header("access-control-expose-headers").unwrap();
        for name in ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "X-Correlation-Id", "Link"]
        {
            assert!(exposed.contains(name), "{exposed}");
        }
        assert_eq!(a.header("x-correlation-id").unwrap().len(), 36);
        assert_eq!(a.header("ratelimit-limit"), Some("3600"));
    }

    // Preflight needs no token and costs no rate-limit token.
    let before = h.get("/v1/servers").header("ratelimit-remaining").unwrap().to_owned();
    let pre = h.send(
        Request::options("/v1/servers/1")
            .header("Origin", "http://localhost:8080")
            .header("Access-Control-Request-Method", "PUT")
            .body(Vec::new())
            .unwrap(),
    );
    assert_eq!(pre.status, 204);
    assert_eq!(pre.header("access-control-allow-origin"), Some("*"));
    assert_eq!(pre.header("access-control-allow-headers"), Some("Authorization, Content-Type"));
    assert!(pre.header("access-control-allow-methods").unwrap().contains("PUT"));
    assert!(pre.header("x-correlation-id").is_some());
    let after = h.get("/v1/servers").header("ratelimit-remaining").unwrap().to_owned();
    assert_eq!(before.parse::<u32>().unwrap(), after.parse::<u32>().unwrap() + 1);
}

#[test]
fn correlation_ids_are_seeded() {
    let run = |seed: u64| -> Vec<String> {
        let mut h = Harness::with(SimConfig::default().with_seed(seed));
        (0..3).map(|_| h.get("/v1/servers").header("x-correlation-id").unwrap().to_owned()).collect()
    };
    let a = run(1);
    assert_eq!(a, run(1));
    assert_ne!(a, run(2));
    assert_ne!(a[0], a[1]);
}

#[test]
fn whole_runs_are_reproducible() {
    let run = || {
        let mut h = Harness::with(SimConfig::default().with_seed(99));
        let mut bodies = Vec::new();
        for i in 0..5 {
            let a = h.call(Method::POST, "/v1/servers", Some(basic_server(&format!("s{i}"))));
            bodies.push((a.json.clone(), a.header("x-correlation-id").unwrap().to_owned()));
            h.advance(Duration::from_millis(700));
        }
        bodies.push((h.get("/v1/servers?sort=name:desc").json, String::new()));
        bodies
    };
    assert_eq!(run(), run());
}

#[test]
fn rate_limit_bucket() {
    let mut h = Harness::with(SimConfig::default().with_rate_limit(3, 1.0));
    let epoch = hcloud_sim::DEFAULT_EPOCH_UNIX;
    // (advance before, status, remaining, reset relative to epoch)
    let steps: &[(u64, u16, &str, i64)] = &[
        (0, 200, "2", 1),
        (0, 200, "1", 2),
        (0, 200, "0", 3),
        (0, 429, "0", 3),
        (1, 200, "0", 4),
        (10, 200, "2", 12),
    ];
    for (i, &(wait, status, remaining, reset)) in steps.iter().enumerate() {
        h.advance(Duration::from_secs(wait));
        let a = h.get("/v1/servers");
        assert_eq!(a.status.as_u16(), status, "step {i}");
        if status == 429 {
            a.expect_error(429, "rate_limit_exceeded");
        }
        assert_eq!(a.header("ratelimit-limit"), Some("3"), "step {i}");
        assert_eq!(a.header("ratelimit-remaining"), Some(remaining), "step {i}");
        assert_eq!(a.header("ratelimit-reset"), Some((epoch + reset).to_string().as_str()), "step {i}");
    }
    // Unauthenticated requests are limited too.
    let mut h = Harness::with(SimConfig::default().with_rate_limit(1, 0.5));
    h.send(Request::get("/v1/servers").body(Vec::new()).unwrap()).expect_error(401, "unauthorized");
    h.get("/v1/servers").expect_error(429, "rate_limit_exceeded");
    h.advance(2 * SEC);
    assert_eq!(h.get("/v1/servers").status, 200);
}

#[test]
fn faults_through_handle_with_fault() {
    let mut sim = Simulator::default();
    let now = Duration::ZERO;
    let get = || Harness::request(Method::GET, "/v1/servers", None);
    let post = |name: &str| Harness::request(Method::POST, "/v1/servers", Some(&basic_server(name)));

    sim.inject_fault(FaultRule::new(FaultKind::BadGateway).times(1));
    let Reply::Respond(r) = sim.handle_with_fault(now, get()) else { panic!("expected a response") };
    assert_eq!(r.status(), 502);
    assert_eq!(r.headers()["content-type"], "text/html");
    assert!(String::from_utf8_lossy(r.body()).contains("502 Bad Gateway"));
    assert!(r.headers().contains_key("x-correlation-id"));

    for (kind, status, code) in [
        (FaultKind::Unavailable, 503, "unavailable"),
        (FaultKind::Timeout, 504, "timeout"),
        (
            FaultKind::Error { status: 500, code: "server_error".into(), message: "boom".into() },
            500,
            "server_error",
        ),
    ] {
        sim.inject_fault(FaultRule::new(kind).times(1));
        let r = sim.handle(now, get());
        assert_eq!(r.status(), status);
        let v: Value = serde_json::from_slice(r.body()).unwrap();
        assert_eq!(v["error"]["code"], code);
        assert_schema("error", &v);
    }
    assert!(sim.faults().is_empty(), "one-shot rules are consumed");
    assert_eq!(sim.handle(now, get()).status(), 200);

    // Dropped before processing: nothing is created.
    sim.inject_fault(FaultRule::new(FaultKind::Drop).method(Method::POST).times(1));
    assert!(matches!(sim.handle_with_fault(now, post("lost")), Reply::Drop));
    assert_eq!(sim.server_count(), 0);
    // Dropped after processing: created, but the client never hears of it.
    sim.inject_fault(FaultRule::new(FaultKind::DropAfterProcessing).method(Method::POST).times(1));
    assert!(matches!(sim.handle_with_fault(now, post("ghost")), Reply::Drop));
    assert_eq!(sim.server_count(), 1);
    // In-process, a drop folds into an empty 502 marked as such.
    sim.inject_fault(FaultRule::new(FaultKind::Drop).times(1));
    let r = sim.handle(now, get());
    assert_eq!((r.status().as_u16(), r.headers()["x-sim-fault"].to_str().unwrap()), (502, "drop"));

    sim.inject_fault(FaultRule::new(FaultKind::Delay(Duration::from_millis(1500))).times(1));
    match sim.handle_with_fault(now, get()) {
        Reply::Delay(d, r) => {
            assert_eq!(d, Duration::from_millis(1500));
            assert_eq!(r.status(), 200);
        }
        other => panic!("expected a delay, got {other:?}"),
    }

    sim.inject_fault(FaultRule::new(FaultKind::Truncate).times(1));
    let Reply::Truncate(full) = sim.handle_with_fault(now, get()) else { panic!("expected truncation") };
    assert!(serde_json::from_slice::<Value>(full.body()).is_ok());
    sim.inject_fault(FaultRule::new(FaultKind::Truncate).times(1));
    let cut = sim.handle(now, get());
    let announced: usize = cut.headers()["content-length"].to_str().unwrap().parse().unwrap();
    assert!(cut.body().len() < announced);
    assert!(serde_json::from_slice::<Value>(cut.body()).is_err());
}

#[test]
fn fault_rule_matching() {
    let mut sim = Simulator::default();
    let now = Duration::ZERO;
    let status = |sim: &mut Simulator, m: Method, path: &str| {
        let body = (m == Method::POST).then(|| basic_server(&format!("n{}", sim.server_count())));
        sim.handle(now, Harness::request(m, path, body.as_ref())).status().as_u16()
    };
    // Second and third GETs below /servers fail; others pass.
    sim.inject_fault(
        FaultRule::new(FaultKind::Unavailable).method(Method::GET).path("/servers").after(1).times(2),
    );
    assert_eq!(status(&mut sim, Method::GET, "/v1/servers"), 200);
    assert_eq!(status(&mut sim, Method::GET, "/v1/actions/1"), 404);
    assert_eq!(status(&mut sim, Method::POST, "/v1/servers"), 201);
    assert_eq!(status(&mut sim, Method::GET, "/v1/servers/1"), 503);
    assert_eq!(status(&mut sim, Method::GET, "/v1/servers"), 503);
    assert_eq!(status(&mut sim, Method::GET, "/v1/servers"), 200);
    assert!(sim.faults().is_empty());

    // Forever until cleared; first matching rule wins.
    sim.inject_fault(FaultRule::new(FaultKind::Timeout).path("/actions"));
    sim.inject_fault(FaultRule::new(FaultKind::Unavailable));
    for _ in 0..3 {
        assert_eq!(status(&mut sim, Method::GET, "/v1/actions/1"), 504);
    }
    assert_eq!(status(&mut sim, Method::GET, "/v1/servers"), 503);
    sim.clear_faults();
    assert_eq!(status(&mut sim, Method::GET, "/v1/servers"), 200);

    // A zero budget never fires.
    sim.inject_fault(FaultRule::new(FaultKind::Timeout).times(0));
    assert_eq!(status(&mut sim, Method::GET, "/v1/servers"), 200);
    assert!(sim.faults().is_empty());
}

#[test]
fn absolute_uris_hosts_and_prefixes() {
    let mut h = Harness::new();
    h.sim.insert_servers(30);
    let req = Request::get("http://127.0.0.1:1234/v1/servers?per_page=10&x=y")
        .header("Authorization", "Bearer sim-token")
        .body(Vec::new())
        .unwrap();
    let a = h.send(req);
    assert_eq!(a.status, 200);
    // Without a Host header the URI's authority builds the links.
    assert!(a
        .header("link")
        .unwrap()
        .starts_with("<http://127.0.0.1:1234/v1/servers?per_page=10&x=y&page=2>"));

    for prefix in ["/api/v2", "/api/v2/", "api/v2"] {
        let mut h = Harness::with(SimConfig::default().with_api_prefix(prefix));
        assert_eq!(h.get("/api/v2/servers").status, 200, "{prefix}");
        h.get("/v1/servers").expect_error(404, "not_found");
    }
    let mut root = Harness::with(SimConfig::default().with_api_prefix(""));
    assert_eq!(root.get("/servers").status, 200);
}

#[test]
fn time_never_runs_backwards() {
    let mut h = Harness::new();
    let body = h.create(basic_server("t"));
    let action = body["action"]["id"].as_u64().unwrap();
    h.advance(3 * SEC);
    assert_eq!(h.get(&format!("/v1/actions/{action}")).json["action"]["status"], "success");
    h.now = Duration::ZERO;
    assert_eq!(h.get(&format!("/v1/actions/{action}")).json["action"]["status"], "success");
    assert_eq!(h.sim.now(), 3 * SEC);

    // advance_to settles without a request.
    let body = h.create(basic_server("u"));
    let id = body["server"]["id"].as_u64().unwrap();
    h.sim.advance_to(10 * SEC);
    assert_eq!(h.sim.server_count(), 2);
    h.now = 10 * SEC;
    assert_eq!(h.get(&format!("/v1/servers/{id}")).json["server"]["status"], "running");
}

#[test]
fn seeding_state_directly() {
    let mut sim = Simulator::default();
    let ids = sim.insert_servers(3);
    assert_eq!(ids, [1, 2, 3]);
    assert!(sim.insert_server(ServerSeed::new("server-1")).is_err(), "duplicate");
    assert!(sim.insert_server(ServerSeed::new("bad name")).is_err());
    assert!(sim.insert_server(ServerSeed::new("x").with_server_type("nope")).is_err());
    assert!(sim.insert_server(ServerSeed::new("x").with_image("nope")).is_err());
    assert!(sim.insert_server(ServerSeed::new("x").with_location("nope")).is_err());
    assert!(sim.insert_server(ServerSeed::new("x").with_status("asleep")).is_err());
    assert!(sim.insert_server(ServerSeed::new("x").with_label("-k", "v")).is_err());
    let id = sim
        .insert_server(
            ServerSeed::new("arm").with_server_type("cax11").with_image("rocky-9").with_location("hel1"),
        )
        .unwrap();
    assert_eq!(id, 4);
    assert_eq!(sim.server_count(), 4);
}

#[test]
fn every_catalog_combination_validates() {
    let mut h = Harness::with(SimConfig::default().with_action_duration(Duration::ZERO));
    let types = ["cx22", "cx32", "cpx11", "cpx22", "cpx31", "cax11", "ccx13"];
    let images = ["ubuntu-24.04", "ubuntu-22.04", "debian-12", "debian-13", "fedora-42", "rocky-9"];
    let locations = ["fsn1", "nbg1", "hel1", "ash", "hil", "sin"];
    let mut created = 0;
    for (i, t) in types.iter().enumerate() {
        for (j, l) in locations.iter().enumerate() {
            let image = images[(i + j) % images.len()];
            let a = h.call(
                Method::POST,
                "/v1/servers",
                Some(json!({"name": format!("{t}-{l}"), "server_type": t, "image": image, "location": l})),
            );
            match a.status.as_u16() {
                201 => {
                    assert_schema("create_server", &a.json);
                    created += 1;
                }
                412 => {
                    assert!(matches!(*t, "cx22" | "cx32" | "cax11") && matches!(*l, "ash" | "hil" | "sin"))
                }
                other => panic!("{t}/{l}: {other} {:#}", a.json),
            }
        }
    }
    assert_eq!(created, 4 * 6 + 3 * 3);
    let a = h.get("/v1/servers?per_page=50");
    assert_schema("list_servers", &a.json);
}

#[test]
fn listing_many_servers_is_fast() {
    let mut h = Harness::new();
    h.sim.insert_servers(10_000);
    let started = std::time::Instant::now();
    let mut seen = 0;
    for page in 1..=200 {
        let a = h.sim.handle(
            h.now,
            Harness::request(Method::GET, &format!("/v1/servers?per_page=50&page={page}"), None),
        );
        assert_eq!(a.status(), 200);
        seen += a.body().len();
    }
    let elapsed = started.elapsed();
    eprintln!("200 pages of 50 servers: {elapsed:?}, {seen} bytes");
    // Generous for unoptimised builds on a slow machine; release is far faster.
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    let a = h.get("/v1/servers?per_page=50&page=200");
    assert_eq!(a.json["meta"]["pagination"]["total_entries"], 10_000);
    assert_eq!(a.json["servers"][49]["id"], 10_000);
}
