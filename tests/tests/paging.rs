//! Every list of the API as the paginator sees it: moved to another page it asks for that
//! page and keeps every other parameter, its walk starts where it says, and a page splits
//! into as many items as the answer holds. Also every answer that carries actions hands
//! them all to the waiter.

use std::fmt::Debug;

use hcloud_core::actions::{ActionPage, ListActionsOf, ListKindActions};
use hcloud_core::certificates::{CreatedCertificate, ListCertificates};
use hcloud_core::datacenters::ListDatacenters;
use hcloud_core::firewalls::{CreatedFirewall, ListFirewalls};
use hcloud_core::floating_ips::{CreatedFloatingIp, ListFloatingIps};
use hcloud_core::images::ListImages;
use hcloud_core::isos::ListIsos;
use hcloud_core::load_balancer_types::ListLoadBalancerTypes;
use hcloud_core::load_balancers::{CreatedLoadBalancer, ListLoadBalancers};
use hcloud_core::locations::ListLocations;
use hcloud_core::networks::ListNetworks;
use hcloud_core::placement_groups::{CreatedPlacementGroup, ListPlacementGroups};
use hcloud_core::primary_ips::{CreatedPrimaryIp, ListPrimaryIps};
use hcloud_core::server_types::ListServerTypes;
use hcloud_core::servers::{
    Console, CreatedImage, CreatedServer, ListServers, PasswordReset, RescueEnabled, ServerRebuilt,
};
use hcloud_core::ssh_keys::ListSshKeys;
use hcloud_core::volumes::{CreatedVolume, ListVolumes};
use hcloud_core::zones::{CreatedRrset, CreatedZone, ListZoneRrsets, ListZones};
use hcloud_core::{
    Action, CertificateId, FirewallId, FloatingIpId, HasActions, IdOrName, ImageId, LoadBalancerId,
    NetworkId, PageCursor, Paged, PrimaryIpId, ServerId, VolumeId, ZoneId,
};
use hcloud_testkit::spec::subset;
use hcloud_testkit::synth::{self, Fill};
use hcloud_testkit::vectors::config;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn query_pairs<T: Paged>(op: &T) -> Vec<(String, String)> {
    let request = op.to_request(&config()).expect("a valid request");
    let query = request.uri().query().unwrap_or("").to_owned();
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

fn without_paging(pairs: &[(String, String)]) -> Vec<(String, String)> {
    pairs.iter().filter(|(n, _)| n != "page" && n != "per_page").cloned().collect()
}

/// Checks the list `id` through its type `T`; returns how many items a page answer held.
fn check<T>(id: &str) -> usize
where
    T: Paged + DeserializeOwned + Debug,
    T::Output: Debug,
{
    let spec = &subset()["operations"][id];
    assert!(spec.is_object(), "{id} is not an operation of the document");
    let input = synth::input(spec, Fill::Maximal);
    let op: T = serde_json::from_value(input.clone()).unwrap_or_else(|e| panic!("{id}: {e}"));

    // Another page: that page and size, every other parameter as it was.
    let moved = op.at_page(3, 7);
    let pairs = query_pairs(&moved);
    assert_eq!(
        without_paging(&pairs),
        without_paging(&query_pairs(&op)),
        "{id}: at_page changed the filters"
    );
    let paging: Vec<_> = pairs.iter().filter(|(n, _)| n == "page" || n == "per_page").cloned().collect();
    assert_eq!(
        paging,
        [("page".to_owned(), "3".to_owned()), ("per_page".to_owned(), "7".to_owned())],
        "{id}"
    );
    assert_eq!(moved.start(), PageCursor { next_page: Some(3), per_page: 7 }, "{id}");

    // Where a walk starts: where the query says, or page 1 with 50 entries.
    let minimal: T = serde_json::from_value(synth::input(spec, Fill::Minimal)).unwrap();
    assert_eq!(minimal.start(), PageCursor { next_page: Some(1), per_page: 50 }, "{id}");
    let given = |name: &str| input.get(name).and_then(Value::as_u64);
    let expected =
        PageCursor { next_page: Some(given("page").unwrap_or(1)), per_page: given("per_page").unwrap_or(50) };
    assert_eq!(op.start(), expected, "{id}");

    // A page splits into its items and its metadata.
    let answer = synth::value(&spec["response_schema"], Fill::Maximal);
    let key = answer.as_object().unwrap().keys().find(|k| *k != "meta").expect("a list member").clone();
    let mut answer = answer;
    let item = answer[&key][0].clone();
    answer[&key] = Value::Array(vec![item.clone(), item.clone(), item]);
    answer["meta"]["pagination"]["page"] = Value::from(2);
    let response = http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&answer).unwrap())
        .unwrap();
    let output = op.parse(response).unwrap_or_else(|e| panic!("{id}: {e}"));
    let (items, meta) = T::into_parts(output);
    assert_eq!(items.len(), 3, "{id}");
    assert_eq!(meta.pagination.page, 2, "{id}");
    items.len()
}

#[test]
fn every_list_pages_starts_and_splits_as_it_should() {
    let mut lists = Vec::new();
    macro_rules! list {
        ($t:ty, $id:literal) => {
            check::<$t>($id);
            lists.push($id);
        };
    }
    list!(ListCertificates, "list_certificates");
    list!(ListDatacenters, "list_datacenters");
    list!(ListFirewalls, "list_firewalls");
    list!(ListFloatingIps, "list_floating_ips");
    list!(ListImages, "list_images");
    list!(ListIsos, "list_isos");
    list!(ListLoadBalancerTypes, "list_load_balancer_types");
    list!(ListLoadBalancers, "list_load_balancers");
    list!(ListLocations, "list_locations");
    list!(ListNetworks, "list_networks");
    list!(ListPlacementGroups, "list_placement_groups");
    list!(ListPrimaryIps, "list_primary_ips");
    list!(ListServerTypes, "list_server_types");
    list!(ListServers, "list_servers");
    list!(ListSshKeys, "list_ssh_keys");
    list!(ListVolumes, "list_volumes");
    list!(ListZones, "list_zones");
    list!(ListZoneRrsets, "list_zone_rrsets");
    list!(ListKindActions<CertificateId>, "list_certificates_actions");
    list!(ListKindActions<FirewallId>, "list_firewalls_actions");
    list!(ListKindActions<FloatingIpId>, "list_floating_ips_actions");
    list!(ListKindActions<ImageId>, "list_images_actions");
    list!(ListKindActions<LoadBalancerId>, "list_load_balancers_actions");
    list!(ListKindActions<NetworkId>, "list_networks_actions");
    list!(ListKindActions<PrimaryIpId>, "list_primary_ips_actions");
    list!(ListKindActions<ServerId>, "list_servers_actions");
    list!(ListKindActions<VolumeId>, "list_volumes_actions");
    list!(ListKindActions<IdOrName<ZoneId>>, "list_zones_actions");
    list!(ListActionsOf<CertificateId>, "list_certificate_actions");
    list!(ListActionsOf<FirewallId>, "list_firewall_actions");
    list!(ListActionsOf<FloatingIpId>, "list_floating_ip_actions");
    list!(ListActionsOf<ImageId>, "list_image_actions");
    list!(ListActionsOf<LoadBalancerId>, "list_load_balancer_actions");
    list!(ListActionsOf<NetworkId>, "list_network_actions");
    list!(ListActionsOf<PrimaryIpId>, "list_primary_ip_actions");
    list!(ListActionsOf<ServerId>, "list_server_actions");
    list!(ListActionsOf<VolumeId>, "list_volume_actions");
    list!(ListActionsOf<IdOrName<ZoneId>>, "list_zone_actions");

    // Every operation of the document whose answer is a page is in the table.
    let paged: Vec<&str> = subset()["operations"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, op)| op["parameters"].as_array().into_iter().flatten().any(|p| p["name"] == "per_page"))
        .map(|(id, _)| id.as_str())
        .collect();
    let missing: Vec<_> = paged.iter().filter(|id| !lists.contains(id)).collect();
    assert!(missing.is_empty(), "lists this test does not check: {missing:?}");
}

/// The ids of every action object in `value`, in document order.
fn action_ids(value: &Value, out: &mut Vec<u64>) {
    match value {
        Value::Object(members) => {
            if members.contains_key("command") && members.contains_key("progress") {
                out.push(members["id"].as_u64().unwrap());
                return;
            }
            members.values().for_each(|v| action_ids(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| action_ids(v, out)),
        _ => {}
    }
}

/// Checks that `T`, the answer of `id`, hands every action it carries to the waiter.
fn check_actions<T: HasActions + DeserializeOwned>(id: &str, unwrap: Option<&str>) {
    let spec = &subset()["operations"][id];
    let mut answer = synth::value(&spec["response_schema"], Fill::Maximal);
    // Distinct ids, so that order and completeness both show.
    let mut next = 1000;
    renumber(&mut answer, &mut next);
    let mut expected = Vec::new();
    action_ids(&answer, &mut expected);
    assert!(!expected.is_empty(), "{id}: the answer holds no action");
    let part = match unwrap {
        Some(member) => answer[member].clone(),
        None => answer,
    };
    let typed: T = serde_json::from_value(part).unwrap_or_else(|e| panic!("{id}: {e}"));
    let got: Vec<u64> = typed.actions().iter().map(|a| a.id.0).collect();
    assert_eq!(got, expected, "{id}");
}

fn renumber(value: &mut Value, next: &mut u64) {
    match value {
        Value::Object(members) => {
            if members.contains_key("command") && members.contains_key("progress") {
                members.insert("id".into(), Value::from(*next));
                *next += 1;
                return;
            }
            members.values_mut().for_each(|v| renumber(v, next));
        }
        Value::Array(items) => {
            if items.len() == 1 {
                let copy = items[0].clone();
                items.push(copy);
            }
            items.iter_mut().for_each(|v| renumber(v, next));
        }
        _ => {}
    }
}

#[test]
fn every_answer_with_actions_hands_them_all_to_the_waiter() {
    check_actions::<CreatedVolume>("create_volume", None);
    check_actions::<CreatedCertificate>("create_certificate", None);
    check_actions::<CreatedLoadBalancer>("create_load_balancer", None);
    check_actions::<CreatedPlacementGroup>("create_placement_group", None);
    check_actions::<CreatedPrimaryIp>("create_primary_ip", None);
    check_actions::<CreatedFloatingIp>("create_floating_ip", None);
    check_actions::<CreatedZone>("create_zone", None);
    check_actions::<CreatedRrset>("create_zone_rrset", None);
    check_actions::<CreatedServer>("create_server", None);
    check_actions::<CreatedImage>("create_server_image", None);
    check_actions::<RescueEnabled>("enable_server_rescue", None);
    check_actions::<ServerRebuilt>("rebuild_server", None);
    check_actions::<Console>("request_server_console", None);
    check_actions::<PasswordReset>("reset_server_password", None);
    check_actions::<CreatedFirewall>("create_firewall", None);
    check_actions::<Action>("attach_volume", Some("action"));
    check_actions::<ActionPage>("list_servers_actions", None);
}
