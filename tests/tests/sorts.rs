//! Sort keys: every list's sort fields against the API document, each field's wire name
//! against its variant's name, and the strings sent, written out literally.

use std::collections::BTreeSet;

use hcloud_core::actions::ActionSortField;
use hcloud_core::certificates::CertificateSortField;
use hcloud_core::datacenters::DatacenterSortField;
use hcloud_core::firewalls::FirewallSortField;
use hcloud_core::floating_ips::FloatingIpSortField;
use hcloud_core::images::ImageSortField;
use hcloud_core::load_balancers::LoadBalancerSortField;
use hcloud_core::locations::LocationSortField;
use hcloud_core::networks::NetworkSortField;
use hcloud_core::placement_groups::PlacementGroupSortField;
use hcloud_core::primary_ips::PrimaryIpSortField;
use hcloud_core::servers::{ListServers, ServerSortField};
use hcloud_core::sort::{Sort, SortField};
use hcloud_core::ssh_keys::SshKeySortField;
use hcloud_core::volumes::VolumeSortField;
use hcloud_core::zones::{RrsetSortField, ZoneSortField};
use hcloud_core::{dynamic, Operation};
use hcloud_testkit::spec::subset;
use hcloud_testkit::synth::{self, Fill};
use hcloud_testkit::vectors::config;
use serde_json::{json, Value};

/// `CreatedAt` → `created_at`: the wire name a variant's name stands for.
fn snake(variant: &str) -> String {
    let mut out = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The values the document allows for `op`'s `sort` parameter.
fn documented(op: &str) -> BTreeSet<String> {
    let parameters = subset()["operations"][op]["parameters"].as_array().expect("parameters");
    let sort = parameters.iter().find(|p| p["name"] == "sort").unwrap_or_else(|| panic!("{op} has no sort"));
    sort["schema"]["items"]["enum"]
        .as_array()
        .expect("an enum of sort keys")
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// The query a dynamic `op` sends with `sort` set to `value`.
fn query_with_sort(op: &str, value: &str) -> String {
    let mut input = synth::input(&subset()["operations"][op], Fill::Minimal);
    input["sort"] = json!([value]);
    let request = dynamic::operation(op, input).unwrap().to_request(&config()).unwrap();
    request.uri().query().unwrap_or("").to_owned()
}

fn check<F: SortField>(ops: &[&str], covered: &mut BTreeSet<String>) {
    let mut keys = BTreeSet::new();
    for &field in F::ALL {
        let name = snake(&format!("{field:?}"));
        assert_eq!(field.as_str(), name, "{field:?} is sent as {:?}", field.as_str());
        assert_eq!(Sort::by(field).to_string(), name);
        assert_eq!(Sort::asc(field).to_string(), format!("{name}:asc"));
        assert_eq!(Sort::desc(field).to_string(), format!("{name}:desc"));
        for sort in [Sort::by(field), Sort::asc(field), Sort::desc(field)] {
            assert_eq!(Sort::<F>::from_wire(&sort.to_string()), Some(sort));
            keys.insert(sort.to_string());
        }
    }
    for op in ops {
        assert_eq!(keys, documented(op), "{op}: the sort keys differ from the document's");
        for key in &keys {
            let sent = query_with_sort(op, key);
            let expected = format!("sort={}", key.replace(':', "%3A"));
            assert!(sent.split('&').any(|pair| pair == expected), "{op}: sort {key} sent as {sent}");
        }
        covered.insert((*op).to_owned());
    }
}

#[test]
fn every_sort_field_is_the_documents_and_is_sent_under_its_own_name() {
    let mut covered = BTreeSet::new();
    let action_lists: Vec<&str> = subset()["operations"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|id| id.starts_with("list_") && id.ends_with("_actions"))
        .collect();
    check::<ActionSortField>(&action_lists, &mut covered);
    check::<CertificateSortField>(&["list_certificates"], &mut covered);
    check::<DatacenterSortField>(&["list_datacenters"], &mut covered);
    check::<FirewallSortField>(&["list_firewalls"], &mut covered);
    check::<FloatingIpSortField>(&["list_floating_ips"], &mut covered);
    check::<ImageSortField>(&["list_images"], &mut covered);
    check::<LoadBalancerSortField>(&["list_load_balancers"], &mut covered);
    check::<LocationSortField>(&["list_locations"], &mut covered);
    check::<NetworkSortField>(&["list_networks"], &mut covered);
    check::<PlacementGroupSortField>(&["list_placement_groups"], &mut covered);
    check::<PrimaryIpSortField>(&["list_primary_ips"], &mut covered);
    check::<ServerSortField>(&["list_servers"], &mut covered);
    check::<SshKeySortField>(&["list_ssh_keys"], &mut covered);
    check::<VolumeSortField>(&["list_volumes"], &mut covered);
    check::<ZoneSortField>(&["list_zones"], &mut covered);
    check::<RrsetSortField>(&["list_zone_rrsets"], &mut covered);

    let sortable: BTreeSet<String> = subset()["operations"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, op)| op["parameters"].as_array().into_iter().flatten().any(|p| p["name"] == "sort"))
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(covered, sortable, "lists with a sort parameter that this test does not check");
}

#[test]
fn server_sorts_go_out_as_written_in_order() {
    use ServerSortField::*;
    for (sort, wire) in [
        (Sort::by(Id), "id"),
        (Sort::asc(Id), "id:asc"),
        (Sort::desc(Id), "id:desc"),
        (Sort::by(Name), "name"),
        (Sort::asc(Name), "name:asc"),
        (Sort::desc(Name), "name:desc"),
        (Sort::by(Created), "created"),
        (Sort::asc(Created), "created:asc"),
        (Sort::desc(Created), "created:desc"),
    ] {
        assert_eq!(sort.to_string(), wire);
        assert_eq!(serde_json::to_value(sort).unwrap(), Value::from(wire));
    }
    let list =
        ListServers { sort: vec![Sort::desc(Created), Sort::asc(Name), Sort::by(Id)], ..ListServers::all() };
    let request = list.to_request(&config()).unwrap();
    assert_eq!(request.uri().query(), Some("sort=created%3Adesc&sort=name%3Aasc&sort=id"));
}
