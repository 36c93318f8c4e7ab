//! Catalogue entries repeated across a page (a server's type, location, image, ISO) are decoded
//! once per answer and shared, and the result is the same as decoding every copy.

use std::sync::Arc;

use hcloud_core::load_balancers::ListLoadBalancers;
use hcloud_core::servers::{ListServers, Server};
use hcloud_core::volumes::ListVolumes;
use hcloud_core::Operation;
use hcloud_testkit::spec::operation;
use hcloud_testkit::synth::{self, Fill};
use serde_json::{json, Value};

fn template() -> Value {
    let vector: Value = serde_json::from_str(include_str!("../vectors/get_server.json")).unwrap();
    vector["response"]["body"]["server"].clone()
}

/// A page of servers; `kinds(i)` gives server `i` its server type, location, image and ISO ids.
fn page(count: u64, kinds: impl Fn(u64) -> [u64; 4]) -> Value {
    let servers: Vec<Value> = (1..=count)
        .map(|id| {
            let mut server = template();
            server["id"] = id.into();
            server["name"] = format!("web-{id}").into();
            let [kind, location, image, iso] = kinds(id);
            server["server_type"]["id"] = kind.into();
            server["location"]["id"] = location.into();
            server["image"]["id"] = image.into();
            server["iso"]["id"] = iso.into();
            server
        })
        .collect();
    json!({"servers": servers, "meta": {"pagination": {"page": 1, "per_page": 50, "previous_page": null,
        "next_page": null, "last_page": 1, "total_entries": count}}})
}

/// A typical answer of an operation, with every member.
fn typical(id: &str) -> Value {
    synth::value(&operation(id)["response_schema"], Fill::Maximal)
}

fn parse(body: &Value) -> Vec<Server> {
    let response = http::Response::builder().status(200).body(serde_json::to_vec(body).unwrap()).unwrap();
    ListServers::all().parse(response).unwrap().servers
}

/// Every server decoded on its own, outside an answer: no sharing at all.
fn one_by_one(body: &Value) -> Vec<Server> {
    body["servers"].as_array().unwrap().iter().map(|s| serde_json::from_value(s.clone()).unwrap()).collect()
}

#[test]
fn equal_entries_on_a_page_are_one_value_and_different_ones_are_not() {
    let body = page(12, |i| [i % 3 + 1, i % 2 + 1, 7, i % 4 + 1]);
    let servers = parse(&body);
    assert_eq!(servers, one_by_one(&body));
    for a in &servers {
        for b in &servers {
            let (x, y) = (a.id.get(), b.id.get());
            assert_eq!(Arc::ptr_eq(&a.server_type, &b.server_type), x % 3 == y % 3, "types of {x} and {y}");
            assert_eq!(Arc::ptr_eq(&a.location, &b.location), x % 2 == y % 2, "locations of {x} and {y}");
            let (ia, ib) = (a.image.as_ref().unwrap(), b.image.as_ref().unwrap());
            assert!(Arc::ptr_eq(ia, ib), "one image for all");
            let (sa, sb) = (a.iso.as_ref().unwrap(), b.iso.as_ref().unwrap());
            assert_eq!(Arc::ptr_eq(sa, sb), x % 4 == y % 4, "ISOs of {x} and {y}");
        }
    }
}

#[test]
fn a_page_where_nothing_repeats_reads_as_every_copy_alone() {
    let body = page(50, |i| [i, i, i, i]);
    let servers = parse(&body);
    assert_eq!(servers, one_by_one(&body));
    assert_eq!(servers[49].server_type.id.get(), 50);
    assert_eq!(servers[49].iso.as_ref().unwrap().id.get(), 50);
}

#[test]
fn more_distinct_entries_than_are_remembered_still_read_right() {
    // Forty different types, then the first of them again: whatever is remembered, every
    // server gets its own type.
    let body = page(50, |i| [if i <= 40 { i } else { 1 }, 1, 1, 1]);
    let servers = parse(&body);
    assert_eq!(servers, one_by_one(&body));
    for server in &servers[40..] {
        assert_eq!(server.server_type.id.get(), 1);
    }
}

#[test]
fn sharing_goes_on_while_hits_outnumber_misses_and_stops_once_misses_do() {
    let shared = |servers: &[Server], a: usize, b: usize| {
        Arc::ptr_eq(&servers[a].server_type, &servers[b].server_type)
    };
    // Twenty servers of type 1 (one miss, nineteen hits), then ten new types (eleven misses in
    // all, more than MAX_MISSES but fewer than the hits), then type 11 again: still shared.
    let body = page(50, |i| [if i <= 20 { 1 } else { (i - 19).min(11) }, 1, 1, 1]);
    let servers = parse(&body);
    assert_eq!(servers, one_by_one(&body));
    assert!(shared(&servers, 0, 19));
    for later in 30..50 {
        assert!(shared(&servers, 29, later), "server {} shares server 30's type", later + 1);
    }
    // Ten different types first: after nine misses and no hit, from the tenth server on each
    // server decodes its own.
    let body = page(20, |i| [i.min(10), 1, 1, 1]);
    let servers = parse(&body);
    assert_eq!(servers, one_by_one(&body));
    assert_eq!(servers[19].server_type.id.get(), 10);
    for later in 10..20 {
        assert!(!shared(&servers, 9, later), "server {} decodes its own type", later + 1);
    }
    // Only the type stopped being shared: the one location is still one value.
    assert!(Arc::ptr_eq(&servers[0].location, &servers[19].location));
}

#[test]
fn null_entries_stay_null_beside_shared_ones() {
    let mut body = page(6, |_| [1, 1, 1, 1]);
    for i in [1, 3] {
        body["servers"][i]["image"] = Value::Null;
        body["servers"][i]["iso"] = Value::Null;
    }
    let servers = parse(&body);
    assert_eq!(servers, one_by_one(&body));
    assert!(servers[1].image.is_none() && servers[3].iso.is_none());
    assert!(Arc::ptr_eq(servers[0].image.as_ref().unwrap(), servers[2].image.as_ref().unwrap()));
}

#[test]
fn entries_are_not_shared_across_answers() {
    let body = page(2, |_| [1, 1, 1, 1]);
    let (first, second) = (parse(&body), parse(&body));
    assert!(Arc::ptr_eq(&first[0].server_type, &first[1].server_type));
    assert!(!Arc::ptr_eq(&first[0].server_type, &second[0].server_type));
}

#[test]
fn a_shared_value_serializes_as_the_value_itself() {
    let body = page(3, |_| [1, 1, 1, 1]);
    for server in parse(&body) {
        let written = serde_json::to_value(&server).unwrap();
        assert_eq!(written["server_type"], serde_json::to_value(&*server.server_type).unwrap());
        assert_eq!(written["location"], serde_json::to_value(&*server.location).unwrap());
        assert_eq!(written["image"], serde_json::to_value(server.image.as_deref().unwrap()).unwrap());
        assert_eq!(serde_json::from_value::<Server>(written).unwrap(), server);
    }
}

#[test]
fn a_fault_inside_a_shared_entry_is_named_by_its_path() {
    let mut body = page(5, |_| [1, 1, 1, 1]);
    body["servers"][3]["server_type"]["cores"] = json!("many");
    let response = http::Response::builder().status(200).body(serde_json::to_vec(&body).unwrap()).unwrap();
    let err = ListServers::all().parse(response).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("servers[3].server_type.cores"), "{text}");
}

/// A typical answer of a list operation with its first item twice.
fn first_twice(id: &str, member: &str) -> http::Response<Vec<u8>> {
    let mut answer = typical(id);
    let one = answer[member][0].clone();
    answer[member] = json!([one.clone(), one]);
    http::Response::builder().status(200).body(serde_json::to_vec(&answer).unwrap()).unwrap()
}

#[test]
fn other_resources_share_their_catalogue_entries_too() {
    let page = ListLoadBalancers::all().parse(first_twice("list_load_balancers", "load_balancers")).unwrap();
    let [a, b] = &page.load_balancers[..] else { panic!("two load balancers") };
    assert!(
        Arc::ptr_eq(&a.location, &b.location) && Arc::ptr_eq(&a.load_balancer_type, &b.load_balancer_type)
    );
    let page = ListVolumes::all().parse(first_twice("list_volumes", "volumes")).unwrap();
    let [a, b] = &page.volumes[..] else { panic!("two volumes") };
    assert!(Arc::ptr_eq(&a.location, &b.location));
}
