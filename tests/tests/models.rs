//! Hand-written helpers on the generated models: deprecation, the actions an answer carries,
//! and metrics, read from answers written here.

use hcloud_core::images::Image;
use hcloud_core::isos::Iso;
use hcloud_core::load_balancer_types::LoadBalancerType;
use hcloud_core::metrics::Metrics;
use hcloud_core::servers::CreatedServer;
use hcloud_core::volumes::CreatedVolume;
use hcloud_core::{Action, HasActions};
use serde_json::json;

fn action(id: u64) -> serde_json::Value {
    json!({"id": id, "command": "x", "status": "running", "progress": 0, "started": "2026-01-01T00:00:00Z",
           "finished": null, "resources": [], "error": null})
}

#[test]
fn deprecation_is_read_from_the_notice_or_the_date() {
    let notice = json!({"announced": "2026-01-01T00:00:00Z", "unavailable_after": "2026-04-01T00:00:00Z"});
    let iso: Iso = serde_json::from_value(json!({"id": 1, "name": "x", "description": "x", "type": "public",
        "deprecation": notice, "architecture": "x86"}))
    .unwrap();
    assert!(iso.is_deprecated());
    assert_eq!(iso.unavailable_after().unwrap().month(), time::Month::April);

    let lb = json!({"id": 1, "name": "lb11", "description": "x", "max_connections": 1, "max_services": 1,
        "max_targets": 1, "max_assigned_certificates": 1, "deprecated": null, "deprecation": null, "prices": []});
    let fresh: LoadBalancerType = serde_json::from_value(lb.clone()).unwrap();
    assert!(!fresh.is_deprecated() && fresh.unavailable_after().is_none());
    let mut old = lb;
    old["deprecated"] = json!("2026-01-01T00:00:00Z");
    let old: LoadBalancerType = serde_json::from_value(old).unwrap();
    assert!(old.is_deprecated());

    let image = json!({"id": 1, "type": "system", "status": "available", "name": "ubuntu-20.04", "description": "x",
        "image_size": null, "disk_size": 5, "created": "2020-01-01T00:00:00Z", "created_from": null,
        "bound_to": null, "os_flavor": "ubuntu", "os_version": "20.04", "rapid_deploy": true,
        "protection": {"delete": false}, "deprecated": "2025-05-01T00:00:00Z", "deleted": null,
        "labels": {}, "architecture": "x86"});
    let image: Image = serde_json::from_value(image).unwrap();
    assert!(image.is_deprecated());
    assert_eq!(image.deprecated_since().unwrap().year(), 2025);
}

#[test]
fn answers_that_start_actions_hand_them_over_in_order() {
    let created: CreatedVolume = serde_json::from_value(json!({
        "volume": {"id": 1, "created": "2026-01-01T00:00:00Z", "name": "v", "server": null,
            "location": {"id": 1, "name": "fsn1", "description": "x", "country": "DE", "city": "F",
                "latitude": 1.0, "longitude": 1.0, "network_zone": "eu-central"},
            "size": 10, "linux_device": "/dev/x", "protection": {"delete": false}, "labels": {},
            "status": "creating", "format": null},
        "action": action(1), "next_actions": [action(2), action(3)]}))
    .unwrap();
    let ids: Vec<u64> = created.actions().iter().map(|a| a.id.get()).collect();
    assert_eq!(ids, [1, 2, 3]);
    let one: Action = serde_json::from_value(action(9)).unwrap();
    assert_eq!(one.actions().len(), 1);
    let none: Option<Action> = None;
    assert!(none.actions().is_empty());
}

#[test]
fn a_created_server_hands_over_its_create_and_start_actions() {
    let vector = hcloud_testkit::Vector::load("create_server_full");
    let created: CreatedServer = serde_json::from_value(vector.response.body.unwrap()).unwrap();
    let via_trait: Vec<u64> = created.actions().iter().map(|a| a.id.get()).collect();
    let via_method: Vec<u64> = created.all_actions().map(|a| a.id.get()).collect();
    assert_eq!(via_trait, via_method);
    assert!(via_trait.len() >= 2, "{via_trait:?}");
}

#[test]
fn metrics_keep_each_series_by_name() {
    let metrics: Metrics = serde_json::from_value(json!({
        "start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:01:00Z", "step": 60,
        "time_series": {"cpu": {"values": [[1767225600, "12.5"]]},
                        "network.0.bandwidth.in": {"values": [[1767225600, "NaN"]]}}}))
    .unwrap();
    assert_eq!(metrics.series("cpu").unwrap().values[0].number(), Some(12.5));
    assert!(metrics.series("network.0.bandwidth.in").unwrap().values[0].number().unwrap().is_nan());
    assert!(metrics.series("disk").is_none());
}
