//! Every operation of the official spec, answered with state: one project's life
//! from catalog reads to the deletion of everything, each answer checked against
//! its operation's status and response schema by the harness.

mod common;

use std::time::Duration;

use common::{Harness, TOKEN};
use hcloud_sim::SimConfig;
use http::{Method, Request};
use serde_json::{json, Value};

const CERT: &str = include_str!("data/cert.pem");
const KEY: &str = include_str!("data/key.pem");

trait Steps {
    fn ok(&mut self, method: Method, path: &str, body: Option<Value>) -> Value;
    fn get_ok(&mut self, path: &str) -> Value;
    fn post(&mut self, path: &str, body: Value) -> Value;
    fn put(&mut self, path: &str, body: Value) -> Value;
    fn delete(&mut self, path: &str) -> Value;
    /// Lets every running action finish.
    fn settle(&mut self);
    /// Starts an action and lets it finish.
    fn act(&mut self, path: &str, body: Value) -> Value;
    /// Reads the actions of a resource, the kind's actions and one of them by every path.
    fn actions_of(&mut self, collection: &str, id: &str);
}

impl Steps for Harness {
    fn ok(&mut self, method: Method, path: &str, body: Option<Value>) -> Value {
        let a = self.call(method.clone(), path, body);
        assert!(a.status.is_success(), "{method} {path}: {} {:#}", a.status, a.json);
        a.json
    }
    fn get_ok(&mut self, path: &str) -> Value {
        self.ok(Method::GET, path, None)
    }
    fn post(&mut self, path: &str, body: Value) -> Value {
        self.ok(Method::POST, path, Some(body))
    }
    fn put(&mut self, path: &str, body: Value) -> Value {
        self.ok(Method::PUT, path, Some(body))
    }
    fn delete(&mut self, path: &str) -> Value {
        self.ok(Method::DELETE, path, None)
    }
    fn settle(&mut self) {
        self.advance(Duration::from_secs(5));
    }
    fn act(&mut self, path: &str, body: Value) -> Value {
        let answer = self.post(path, body);
        self.settle();
        answer
    }
    fn actions_of(&mut self, collection: &str, id: &str) {
        let mine = self.get_ok(&format!("/v1/{collection}/{id}/actions?sort=id:desc"));
        let action = mine["actions"][0]["id"].as_u64().expect("the resource has actions");
        self.get_ok(&format!("/v1/{collection}/{id}/actions/{action}"));
        let all = self.get_ok(&format!("/v1/{collection}/actions?status=success&per_page=50"));
        assert!(all["actions"].as_array().unwrap().iter().any(|a| a["id"] == action), "{collection}");
        self.get_ok(&format!("/v1/{collection}/actions/{action}"));
        self.get_ok(&format!("/v1/actions?id={action}"));
        self.get_ok(&format!("/v1/actions/{action}"));
    }
}

fn id(v: &Value, key: &str) -> u64 {
    v[key]["id"].as_u64().unwrap_or_else(|| panic!("no {key}.id in {v:#}"))
}

#[test]
fn every_operation_answers_with_state_and_a_valid_body() {
    let mut h = Harness::with(SimConfig::default().with_seed(5));

    // Catalogs.
    for (collection, one) in [
        ("locations", "fsn1"),
        ("datacenters", "fsn1-dc14"),
        ("server_types", "cx22"),
        ("load_balancer_types", "lb11"),
        ("isos", "virtio-win-0.1.266.iso"),
    ] {
        let list = h.get_ok(&format!("/v1/{collection}?name={one}"));
        let item = &list[collection][0];
        assert_eq!(item["name"], one);
        h.get_ok(&format!("/v1/{collection}/{}", item["id"]));
    }
    let images = h.get_ok("/v1/images?type=system&architecture=arm&sort=name");
    assert!(images["images"].as_array().unwrap().iter().all(|i| i["architecture"] == "arm"));
    h.get_ok("/v1/images/161547269");
    let pricing = h.get_ok("/v1/pricing");
    assert_eq!(pricing["pricing"]["server_types"].as_array().unwrap().len(), 8);

    // SSH keys and placement groups.
    let key = h.ssh_key("ops-key");
    h.get_ok("/v1/ssh_keys?label_selector=!missing");
    h.get_ok(&format!("/v1/ssh_keys/{key}"));
    h.put(&format!("/v1/ssh_keys/{key}"), json!({"labels": {"team": "ops"}}));
    let pg =
        id(&h.post("/v1/placement_groups", json!({"name": "spread-1", "type": "spread"})), "placement_group");
    h.get_ok("/v1/placement_groups?type=spread");
    h.get_ok(&format!("/v1/placement_groups/{pg}"));
    h.put(&format!("/v1/placement_groups/{pg}"), json!({"name": "spread-2"}));

    // A network with every network action.
    let net = id(
        &h.post(
            "/v1/networks",
            json!({"name": "ops-net", "ip_range": "10.0.0.0/16",
                   "subnets": [{"type": "cloud", "ip_range": "10.0.1.0/24", "network_zone": "eu-central"}]}),
        ),
        "network",
    );
    let np = |verb: &str| format!("/v1/networks/{net}/actions/{verb}");
    h.act(&np("add_subnet"), json!({"type": "cloud", "network_zone": "eu-central"}));
    h.act(&np("add_route"), json!({"destination": "10.100.1.0/24", "gateway": "10.0.1.1"}));
    h.act(&np("delete_route"), json!({"destination": "10.100.1.0/24", "gateway": "10.0.1.1"}));
    h.act(&np("delete_subnet"), json!({"ip_range": "10.0.0.0/24"}));
    h.act(&np("change_ip_range"), json!({"ip_range": "10.0.0.0/15"}));
    h.act(&np("change_protection"), json!({"delete": true}));
    h.put(&format!("/v1/networks/{net}"), json!({"expose_routes_to_vswitch": true}));
    h.get_ok("/v1/networks?name=ops-net");
    h.get_ok(&format!("/v1/networks/{net}"));
    h.actions_of("networks", &net.to_string());

    // A firewall and a server that uses all of the above.
    let fw = id(
        &h.post(
            "/v1/firewalls",
            json!({"name": "ops-fw", "rules": [{"direction": "in", "protocol": "icmp", "source_ips": ["0.0.0.0/0"]}]}),
        ),
        "firewall",
    );
    let created = h.post(
        "/v1/servers",
        json!({"name": "ops-1", "server_type": "cx22", "image": "ubuntu-24.04", "location": "fsn1",
               "ssh_keys": [key], "networks": [net], "firewalls": [{"firewall": fw}], "placement_group": pg,
               "labels": {"role": "web"}}),
    );
    let server = id(&created, "server");
    h.settle();
    h.get_ok("/v1/servers?label_selector=role=web&status=running");
    h.get_ok(&format!("/v1/servers/{server}"));
    h.put(&format!("/v1/servers/{server}"), json!({"labels": {"role": "web", "tier": "1"}}));
    let sp = |verb: &str| format!("/v1/servers/{server}/actions/{verb}");
    let ipv4 = created["server"]["public_net"]["ipv4"]["ip"].as_str().unwrap().to_owned();
    for (verb, body) in [
        ("change_dns_ptr", json!({"ip": ipv4, "dns_ptr": "ops.example.com"})),
        ("change_protection", json!({"delete": false, "rebuild": false})),
        ("change_alias_ips", json!({"network": net, "alias_ips": ["10.0.1.10"]})),
        ("enable_backup", json!({})),
        ("disable_backup", json!({})),
        ("enable_rescue", json!({"type": "linux64", "ssh_keys": [key]})),
        ("disable_rescue", json!({})),
        ("reset_password", json!({})),
        ("request_console", json!({})),
        ("attach_iso", json!({"iso": "virtio-win-0.1.266.iso"})),
        ("detach_iso", json!({})),
        ("reboot", json!({})),
        ("reset", json!({})),
        ("rebuild", json!({"image": "debian-12"})),
        ("create_image", json!({"description": "ops snapshot", "labels": {"kind": "ops"}})),
        ("detach_from_network", json!({"network": net})),
        ("attach_to_network", json!({"network": net, "ip": "10.0.1.20"})),
        ("shutdown", json!({})),
        ("remove_from_placement_group", json!({})),
        ("add_to_placement_group", json!({"placement_group": pg})),
        ("change_type", json!({"server_type": "cx32", "upgrade_disk": false})),
        ("poweron", json!({})),
        ("poweroff", json!({})),
    ] {
        h.post(&sp(verb), body);
        h.settle();
    }
    let s = h.get_ok(&format!("/v1/servers/{server}"))["server"].clone();
    assert_eq!((s["status"].as_str(), s["server_type"]["name"].as_str()), (Some("off"), Some("cx32")));
    assert_eq!(s["public_net"]["ipv4"]["dns_ptr"], "ops.example.com");
    assert_eq!(s["private_net"][0]["ip"], "10.0.1.20");
    h.get_ok(&format!(
        "/v1/servers/{server}/metrics?type=cpu,disk&type=network&start=2026-01-01T00:00:00Z&end=2026-01-01T01:00:00Z&step=60"
    ));
    h.actions_of("servers", &server.to_string());

    // The snapshot the server made.
    let snapshots = h.get_ok(&format!("/v1/images?type=snapshot&bound_to={server}&include_deprecated=true"));
    assert_eq!(snapshots["images"], json!([]), "snapshots are not bound");
    let snap =
        h.get_ok("/v1/images?type=snapshot&label_selector=kind=ops")["images"][0]["id"].as_u64().unwrap();
    h.put(&format!("/v1/images/{snap}"), json!({"description": "kept", "labels": {}}));
    h.post(&format!("/v1/images/{snap}/actions/change_protection"), json!({"delete": false}));
    h.settle();
    h.actions_of("images", &snap.to_string());
    h.delete(&format!("/v1/images/{snap}"));

    // A volume attached, resized and detached.
    let vol = id(
        &h.post("/v1/volumes", json!({"name": "ops-vol", "size": 10, "location": "fsn1", "format": "xfs"})),
        "volume",
    );
    h.settle();
    let vp = |verb: &str| format!("/v1/volumes/{vol}/actions/{verb}");
    for (verb, body) in [
        ("attach", json!({"server": server, "automount": false})),
        ("resize", json!({"size": 20})),
        ("change_protection", json!({"delete": false})),
        ("detach", json!({})),
    ] {
        h.post(&vp(verb), body);
        h.settle();
    }
    h.put(&format!("/v1/volumes/{vol}"), json!({"name": "ops-vol-2"}));
    h.get_ok("/v1/volumes?status=available");
    h.get_ok(&format!("/v1/volumes/{vol}"));
    h.actions_of("volumes", &vol.to_string());

    // A floating IP.
    let fip_body =
        h.act("/v1/floating_ips", json!({"type": "ipv6", "home_location": 1, "description": "ops"}));
    let fip = id(&fip_body, "floating_ip");
    let fip_addr = fip_body["floating_ip"]["ip"].as_str().unwrap().replace("::/64", "::1");
    let fp = |verb: &str| format!("/v1/floating_ips/{fip}/actions/{verb}");
    for (verb, body) in [
        ("assign", json!({"server": server})),
        ("change_dns_ptr", json!({"ip": fip_addr, "dns_ptr": "v6.example.com"})),
        ("change_protection", json!({"delete": false})),
        ("unassign", json!({})),
    ] {
        h.post(&fp(verb), body);
        h.settle();
    }
    h.put(&format!("/v1/floating_ips/{fip}"), json!({"description": null, "labels": {"a": "b"}}));
    h.get_ok("/v1/floating_ips?sort=created:desc");
    h.get_ok(&format!("/v1/floating_ips/{fip}"));
    h.actions_of("floating_ips", &fip.to_string());

    // A primary IP moved onto the (stopped) server.
    let old_v4 = s["public_net"]["ipv4"]["id"].as_u64().unwrap();
    h.post(&format!("/v1/primary_ips/{old_v4}/actions/unassign"), json!({}));
    h.settle();
    let pip_body = h.act("/v1/primary_ips", json!({"name": "ops-ip", "type": "ipv4", "location": "fsn1"}));
    let pip = id(&pip_body, "primary_ip");
    let pip_addr = pip_body["primary_ip"]["ip"].as_str().unwrap().to_owned();
    let pp = |verb: &str| format!("/v1/primary_ips/{pip}/actions/{verb}");
    for (verb, body) in [
        ("assign", json!({"assignee_type": "server", "assignee_id": server})),
        ("change_dns_ptr", json!({"ip": pip_addr, "dns_ptr": "primary.example.com"})),
        ("change_protection", json!({"delete": false})),
    ] {
        h.post(&pp(verb), body);
        h.settle();
    }
    assert_eq!(h.get_ok(&format!("/v1/servers/{server}"))["server"]["public_net"]["ipv4"]["id"], pip);
    h.put(&format!("/v1/primary_ips/{pip}"), json!({"auto_delete": true}));
    h.get_ok(&format!("/v1/primary_ips?ip={pip_addr}"));
    h.get_ok(&format!("/v1/primary_ips/{pip}"));
    h.actions_of("primary_ips", &pip.to_string());
    h.delete(&format!("/v1/primary_ips/{old_v4}"));

    // Certificates: one uploaded, one managed whose first issuance fails.
    let uploaded = h.act("/v1/certificates", json!({"name": "up", "certificate": CERT, "private_key": KEY}));
    assert_eq!(uploaded["certificate"]["domain_names"], json!(["www.example.com", "example.com"]));
    let cert = id(&uploaded, "certificate");
    h.ok(Method::PUT, "/_sim/config", Some(json!({"fail_commands": ["issue_certificate"]})));
    let managed = id(
        &h.post(
            "/v1/certificates",
            json!({"name": "mg", "type": "managed", "domain_names": ["a.example.com"]}),
        ),
        "certificate",
    );
    h.settle();
    h.ok(Method::PUT, "/_sim/config", Some(json!({"fail_commands": []})));
    h.post(&format!("/v1/certificates/{managed}/actions/retry"), json!({}));
    h.settle();
    assert_eq!(
        h.get_ok(&format!("/v1/certificates/{managed}"))["certificate"]["status"]["issuance"],
        "completed"
    );
    h.put(&format!("/v1/certificates/{cert}"), json!({"name": "up-2"}));
    h.get_ok("/v1/certificates?type=uploaded");
    h.actions_of("certificates", &managed.to_string());

    // A load balancer with every action.
    let lb = id(
        &h.post(
            "/v1/load_balancers",
            json!({"name": "ops-lb", "load_balancer_type": "lb11", "location": "fsn1",
                   "services": [{"protocol": "https", "listen_port": 443, "destination_port": 80,
                                 "proxyprotocol": false, "http": {"certificates": [cert]},
                                 "health_check": {"protocol": "http", "port": 80, "interval": 15, "timeout": 10,
                                                  "retries": 3, "http": {"path": "/health"}}}],
                   "targets": [{"type": "server", "server": {"id": server}}]}),
        ),
        "load_balancer",
    );
    h.settle();
    let lp = |verb: &str| format!("/v1/load_balancers/{lb}/actions/{verb}");
    let lb_ipv4 =
        h.get_ok(&format!("/v1/load_balancers/{lb}"))["load_balancer"]["public_net"]["ipv4"]["ip"].clone();
    for (verb, body) in [
        (
            "add_service",
            json!({"protocol": "tcp", "listen_port": 22, "destination_port": 22, "proxyprotocol": false}),
        ),
        ("update_service", json!({"listen_port": 22, "destination_port": 2222})),
        ("delete_service", json!({"listen_port": 22})),
        ("add_target", json!({"type": "label_selector", "label_selector": {"selector": "role=web"}})),
        ("remove_target", json!({"type": "label_selector", "label_selector": {"selector": "role=web"}})),
        ("attach_to_network", json!({"network": net})),
        ("change_algorithm", json!({"type": "least_connections"})),
        ("change_dns_ptr", json!({"ip": lb_ipv4, "dns_ptr": "lb.example.com"})),
        ("change_protection", json!({"delete": false})),
        ("change_type", json!({"load_balancer_type": "lb21"})),
        ("remove_target", json!({"type": "server", "server": {"id": server}})),
        ("disable_public_interface", json!({})),
        ("enable_public_interface", json!({})),
        ("detach_from_network", json!({"network": net})),
    ] {
        h.post(&lp(verb), body);
        h.settle();
    }
    assert_eq!(
        h.get_ok(&format!("/v1/certificates/{cert}"))["certificate"]["used_by"],
        json!([{"id": lb, "type": "load_balancer"}])
    );
    h.put(&format!("/v1/load_balancers/{lb}"), json!({"labels": {"x": "y"}}));
    h.get_ok("/v1/load_balancers?label_selector=x");
    h.get_ok(&format!(
        "/v1/load_balancers/{lb}/metrics?type=open_connections&type=bandwidth&start=2026-01-01T00:00:00Z&end=2026-01-01T00:10:00Z"
    ));
    h.actions_of("load_balancers", &lb.to_string());

    // Firewall actions, now that a server exists.
    let fwp = |verb: &str| format!("/v1/firewalls/{fw}/actions/{verb}");
    h.act(
        &fwp("set_rules"),
        json!({"rules": [{"direction": "in", "protocol": "tcp", "port": "22", "source_ips": ["::/0"]}]}),
    );
    h.post(
        &fwp("apply_to_resources"),
        json!({"apply_to": [{"type": "label_selector", "label_selector": {"selector": "role=web"}}]}),
    );
    h.settle();
    h.post(
        &fwp("remove_from_resources"),
        json!({"remove_from": [{"type": "server", "server": {"id": server}}, {"type": "label_selector", "label_selector": {"selector": "role=web"}}]}),
    );
    h.settle();
    h.put(&format!("/v1/firewalls/{fw}"), json!({"name": "ops-fw-2"}));
    h.get_ok("/v1/firewalls");
    h.get_ok(&format!("/v1/firewalls/{fw}"));
    h.actions_of("firewalls", &fw.to_string());

    // DNS: a primary zone with RRsets, and a secondary one.
    let zone = id(
        &h.post(
            "/v1/zones",
            json!({"name": "example.com", "mode": "primary", "ttl": 3600,
                   "rrsets": [{"name": "www", "type": "A", "records": [{"value": "192.0.2.1"}]}]}),
        ),
        "zone",
    );
    let secondary = id(
        &h.post("/v1/zones", json!({"name": "example.org", "mode": "secondary", "primary_nameservers": [{"address": "192.0.2.53"}]})),
        "zone",
    );
    h.settle();
    h.get_ok("/v1/zones?mode=primary");
    h.get_ok("/v1/zones/example.com");
    h.put(&format!("/v1/zones/{zone}"), json!({"labels": {"env": "ops"}}));
    let zonefile = h.get_ok("/v1/zones/example.com/zonefile")["zonefile"].as_str().unwrap().to_owned();
    assert!(zonefile.contains("www IN A 192.0.2.1"), "{zonefile}");
    let zp = |verb: &str| format!("/v1/zones/{zone}/actions/{verb}");
    for (path, body) in [
        (zp("change_ttl"), json!({"ttl": 600})),
        (zp("import_zonefile"), json!({"zonefile": format!("{zonefile}mail IN MX 10 mx.example.com.\n")})),
        (zp("change_protection"), json!({"delete": false})),
        (
            format!("/v1/zones/{secondary}/actions/change_primary_nameservers"),
            json!({"primary_nameservers": [{"address": "192.0.2.54", "port": 53}]}),
        ),
    ] {
        h.post(&path, body);
        h.settle();
    }
    h.actions_of("zones", &zone.to_string());
    let rr = |suffix: &str| format!("/v1/zones/example.com/rrsets{suffix}");
    h.act(&rr(""), json!({"name": "api", "type": "AAAA", "ttl": 300, "records": [{"value": "2001:db8::1"}]}));
    h.get_ok(&rr("?type=AAAA&type=A"));
    h.get_ok(&rr("/api/AAAA"));
    h.put(&rr("/api/AAAA"), json!({"labels": {"svc": "api"}}));
    for (verb, body) in [
        ("add_records", json!({"records": [{"value": "2001:db8::2", "comment": "second"}]})),
        ("update_records", json!({"records": [{"value": "2001:db8::2", "comment": "backup"}]})),
        ("remove_records", json!({"records": [{"value": "2001:db8::1"}]})),
        ("set_records", json!({"records": [{"value": "2001:db8::3"}]})),
        ("change_ttl", json!({"ttl": null})),
        ("change_protection", json!({"change": false})),
    ] {
        h.post(&rr(&format!("/api/AAAA/actions/{verb}")), body);
        h.settle();
    }
    assert_eq!(h.get_ok(&rr("/api/AAAA"))["rrset"]["records"], json!([{"value": "2001:db8::3"}]));
    h.delete(&rr("/api/AAAA"));
    let last = h.get_ok("/v1/zones/actions?sort=id:desc")["actions"][0]["id"].clone();
    h.get_ok(&format!("/v1/zones/{zone}/actions/{last}"));

    // Deletion of everything, in the order the API demands.
    h.delete(&format!("/v1/load_balancers/{lb}"));
    for path in [
        format!("/v1/certificates/{cert}"),
        format!("/v1/certificates/{managed}"),
        format!("/v1/firewalls/{fw}"),
        format!("/v1/floating_ips/{fip}"),
        format!("/v1/volumes/{vol}"),
        format!("/v1/placement_groups/{pg}"),
        format!("/v1/ssh_keys/{key}"),
    ] {
        h.delete(&path);
    }
    h.post(&format!("/v1/networks/{net}/actions/change_protection"), json!({"delete": false}));
    h.settle();
    h.delete(&format!("/v1/networks/{net}"));
    h.delete(&format!("/v1/servers/{server}"));
    // auto_delete was set, so the server took its primary IP along.
    h.get(&format!("/v1/primary_ips/{pip}")).expect_error(404, "not_found");
    h.delete("/v1/zones/example.com");
    h.delete(&format!("/v1/zones/{secondary}"));
    h.settle();
    for collection in [
        "servers",
        "volumes",
        "networks",
        "firewalls",
        "floating_ips",
        "primary_ips",
        "load_balancers",
        "certificates",
        "ssh_keys",
        "placement_groups",
        "zones",
    ] {
        assert_eq!(
            h.get_ok(&format!("/v1/{collection}"))["meta"]["pagination"]["total_entries"],
            0,
            "{collection}"
        );
    }

    let missing: Vec<&str> =
        hcloud_sim::operations().into_iter().map(|o| o.0).filter(|op| !h.covered.contains(op)).collect();
    assert!(missing.is_empty(), "operations never answered successfully: {missing:?}");
    assert_eq!(h.covered.len(), 189);
}

#[test]
fn the_route_table_is_the_spec() {
    let spec_ops: std::collections::BTreeSet<(String, String, String)> = common::spec()["operations"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, op)| {
            (id.clone(), op["method"].as_str().unwrap().to_owned(), op["path"].as_str().unwrap().to_owned())
        })
        .collect();
    let ours: std::collections::BTreeSet<(String, String, String)> = hcloud_sim::operations()
        .into_iter()
        .map(|(id, m, p)| (id.to_owned(), m.to_string(), p.to_owned()))
        .collect();
    assert_eq!(ours, spec_ops);
}

#[test]
fn unauthenticated_requests_reach_no_operation() {
    let mut h = Harness::new();
    for (_, method, path) in hcloud_sim::operations() {
        let path = format!(
            "/v1{}",
            path.replace("{id}", "1")
                .replace("{action_id}", "1")
                .replace("{id_or_name}", "1")
                .replace("{rr_name}", "www")
                .replace("{rr_type}", "A")
        );
        let req = Request::builder()
            .method(method)
            .uri(&path)
            .header("Authorization", "Bearer nope")
            .body(Vec::new())
            .unwrap();
        h.send(req).expect_error(401, "unauthorized");
    }
    let _ = TOKEN;
}
