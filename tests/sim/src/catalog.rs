//! The fixed catalog: locations, datacenters, server types, system and app
//! images, ISOs and load balancer types, plus the price list built from them.
//!
//! Values are plausible, not authoritative: ids, prices and specs are chosen so
//! that answers look like the real API's and satisfy its schema.

use serde_json::{json, Value};

use crate::store::{Kind, Obj, Store};

/// Euro-area VAT applied to gross prices.
const VAT: f64 = 0.19;
const TB: u64 = 1 << 40;

/// The datacenter `GET /datacenters` recommends.
pub(crate) const RECOMMENDED_DATACENTER: u64 = 4;

/// (id, name, description, country, city, latitude, longitude, network zone, datacenter id, datacenter name)
type LocationRow =
    (u64, &'static str, &'static str, &'static str, &'static str, f64, f64, &'static str, u64, &'static str);

const LOCATIONS: [LocationRow; 6] = [
    (
        1,
        "fsn1",
        "Falkenstein DC Park 1",
        "DE",
        "Falkenstein",
        50.47612,
        12.370071,
        "eu-central",
        4,
        "fsn1-dc14",
    ),
    (2, "nbg1", "Nuremberg DC Park 1", "DE", "Nuremberg", 49.452102, 11.076665, "eu-central", 2, "nbg1-dc3"),
    (3, "hel1", "Helsinki DC Park 1", "FI", "Helsinki", 60.169855, 24.938379, "eu-central", 3, "hel1-dc2"),
    (4, "ash", "Ashburn, VA", "US", "Ashburn, VA", 39.045821, -77.487073, "us-east", 5, "ash-dc1"),
    (5, "hil", "Hillsboro, OR", "US", "Hillsboro, OR", 45.54222, -122.95125, "us-west", 6, "hil-dc1"),
    (6, "sin", "Singapore", "SG", "Singapore", 1.283333, 103.833333, "ap-southeast", 7, "sin-dc1"),
];

const EU: &[&str] = &["fsn1", "nbg1", "hel1"];
const ALL: &[&str] = &["fsn1", "nbg1", "hel1", "ash", "hil", "sin"];

/// (id, name, cores, memory GB, disk GB, cpu type, category, architecture, monthly net EUR, where, deprecated)
type TypeRow = (
    u64,
    &'static str,
    u32,
    f64,
    u32,
    &'static str,
    &'static str,
    &'static str,
    f64,
    &'static [&'static str],
    bool,
);

/// (x86 id, arm id, name, description, flavor, version, created, deprecated)
type ImageRow = (u64, u64, &'static str, &'static str, &'static str, &'static str, &'static str, bool);

const SERVER_TYPES: [TypeRow; 8] = [
    (1, "cx11", 1, 2.0, 20, "shared", "cost_optimized", "x86", 3.29, EU, true),
    (104, "cx22", 2, 4.0, 40, "shared", "cost_optimized", "x86", 3.79, EU, false),
    (105, "cx32", 4, 8.0, 80, "shared", "cost_optimized", "x86", 6.80, EU, false),
    (22, "cpx11", 2, 2.0, 40, "shared", "regular_purpose", "x86", 4.35, ALL, false),
    (114, "cpx22", 2, 4.0, 80, "shared", "regular_purpose", "x86", 7.99, ALL, false),
    (24, "cpx31", 4, 8.0, 160, "shared", "regular_purpose", "x86", 14.86, ALL, false),
    (45, "cax11", 2, 4.0, 40, "shared", "cost_optimized", "arm", 3.79, EU, false),
    (96, "ccx13", 2, 8.0, 80, "dedicated", "general_purpose", "x86", 12.49, ALL, false),
];

/// When the deprecated entries of the catalog were announced and stop being offered.
const DEPRECATION: (&str, &str) = ("2024-06-06T00:00:00Z", "2024-09-06T00:00:00Z");

fn price(net: f64) -> Value {
    json!({"net": format!("{net:.10}"), "gross": format!("{:.10}", net * (1.0 + VAT))})
}

/// Traffic included per month: 20 TB in Europe, 1 TB in the US, 0.5 TB in Singapore.
fn included_traffic(location: &str) -> u64 {
    match location {
        "ash" | "hil" => TB,
        "sin" => TB / 2,
        _ => 20 * TB,
    }
}

fn deprecation(deprecated: bool) -> Value {
    if deprecated {
        json!({"announced": DEPRECATION.0, "unavailable_after": DEPRECATION.1})
    } else {
        Value::Null
    }
}

fn location_json(row: &LocationRow) -> Value {
    let (id, name, description, country, city, latitude, longitude, zone, _, _) = *row;
    json!({
        "id": id, "name": name, "description": description, "country": country, "city": city,
        "latitude": latitude, "longitude": longitude, "network_zone": zone,
    })
}

fn location_prices(monthly: f64, places: &[&str]) -> Vec<Value> {
    places
        .iter()
        .map(|&loc| {
            json!({
                "location": loc,
                "price_hourly": price(monthly / 730.0),
                "price_monthly": price(monthly),
                "included_traffic": included_traffic(loc),
                "price_per_tb_traffic": price(1.0),
            })
        })
        .collect()
}

fn obj(v: Value) -> Obj {
    match v {
        Value::Object(m) => m,
        _ => Obj::new(),
    }
}

/// Puts the catalog into a fresh store.
pub(crate) fn install(store: &mut Store) {
    for row in &LOCATIONS {
        store.insert_with_id(Kind::Location, row.0, obj(location_json(row)));
    }

    for &(id, name, cores, memory, disk, cpu, category, arch, monthly, places, deprecated) in &SERVER_TYPES {
        let locations: Vec<Value> = LOCATIONS
            .iter()
            .filter(|l| places.contains(&l.1))
            .map(|l| {
                json!({
                    "id": l.0, "name": l.1, "deprecation": deprecation(deprecated),
                    "recommended": !deprecated && l.1 == places[0], "available": !deprecated,
                })
            })
            .collect();
        store.insert_with_id(
            Kind::ServerType,
            id,
            obj(json!({
                "name": name, "description": name.to_uppercase(), "cores": cores, "memory": memory,
                "disk": disk, "deprecated": deprecated, "prices": location_prices(monthly, places),
                "storage_type": "local", "cpu_type": cpu, "category": category, "architecture": arch,
                "deprecation": deprecation(deprecated), "locations": locations,
            })),
        );
    }

    for row in &LOCATIONS {
        let types: Vec<u64> = SERVER_TYPES.iter().filter(|t| t.9.contains(&row.1)).map(|t| t.0).collect();
        let available: Vec<u64> =
            SERVER_TYPES.iter().filter(|t| t.9.contains(&row.1) && !t.10).map(|t| t.0).collect();
        store.insert_with_id(
            Kind::Datacenter,
            row.8,
            obj(json!({
                "name": row.9,
                "description": format!("{} virtual DC 1", row.4),
                "location": location_json(row),
                "server_types": {"supported": types, "available": available, "available_for_migration": available},
            })),
        );
    }

    let images: [ImageRow; 7] = [
        (
            161547269,
            161547270,
            "ubuntu-24.04",
            "Ubuntu 24.04",
            "ubuntu",
            "24.04",
            "2024-04-25T12:00:00Z",
            false,
        ),
        (
            67794396,
            103908070,
            "ubuntu-22.04",
            "Ubuntu 22.04",
            "ubuntu",
            "22.04",
            "2022-04-21T12:00:00Z",
            false,
        ),
        (
            15512617,
            103908069,
            "ubuntu-20.04",
            "Ubuntu 20.04",
            "ubuntu",
            "20.04",
            "2020-04-23T12:00:00Z",
            true,
        ),
        (114690387, 114690389, "debian-12", "Debian 12", "debian", "12", "2023-06-13T12:00:00Z", false),
        (268640116, 268640117, "debian-13", "Debian 13", "debian", "13", "2025-08-12T12:00:00Z", false),
        (251022553, 251022554, "fedora-42", "Fedora 42", "fedora", "42", "2025-04-16T12:00:00Z", false),
        (76766499, 103908072, "rocky-9", "Rocky Linux 9", "rocky", "9", "2022-07-15T12:00:00Z", false),
    ];
    for (x86, arm, name, description, flavor, version, created, deprecated) in images {
        for (id, arch) in [(x86, "x86"), (arm, "arm")] {
            store.insert_with_id(
                Kind::Image,
                id,
                obj(image_json("system", name, description, flavor, version, created, arch, deprecated)),
            );
        }
    }
    store.insert_with_id(
        Kind::Image,
        114690400,
        obj(image_json(
            "app",
            "docker-ce",
            "Docker CE",
            "ubuntu",
            "24.04",
            "2024-05-02T12:00:00Z",
            "x86",
            false,
        )),
    );

    let isos: [(u64, &str, &str, Option<&str>, bool); 4] = [
        (118610, "ubuntu-24.04.2-live-server-amd64.iso", "Ubuntu 24.04.2 (amd64)", Some("x86"), false),
        (118611, "ubuntu-24.04.2-live-server-arm64.iso", "Ubuntu 24.04.2 (arm64)", Some("arm"), false),
        (117500, "virtio-win-0.1.266.iso", "virtio-win-0.1.266", Some("x86"), false),
        (7631, "FreeBSD-13.2-RELEASE-amd64-dvd1.iso", "FreeBSD 13.2 (amd64)", Some("x86"), true),
    ];
    for (id, name, description, arch, deprecated) in isos {
        store.insert_with_id(
            Kind::Iso,
            id,
            obj(json!({
                "name": name, "description": description, "type": "public",
                "deprecation": deprecation(deprecated), "architecture": arch,
            })),
        );
    }

    let lb_types: [(u64, &str, u64, u64, u64, u64, f64); 3] = [
        (1, "lb11", 10_000, 5, 25, 10, 5.39),
        (2, "lb21", 20_000, 15, 75, 25, 16.40),
        (3, "lb31", 40_000, 30, 150, 50, 32.90),
    ];
    for (id, name, connections, services, targets, certificates, monthly) in lb_types {
        store.insert_with_id(
            Kind::LoadBalancerType,
            id,
            obj(json!({
                "name": name, "description": name.to_uppercase(), "max_connections": connections,
                "max_services": services, "max_targets": targets, "max_assigned_certificates": certificates,
                "deprecated": null, "deprecation": null, "prices": location_prices(monthly, ALL),
            })),
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn image_json(
    kind: &str,
    name: &str,
    description: &str,
    flavor: &str,
    version: &str,
    created: &str,
    arch: &str,
    deprecated: bool,
) -> Value {
    json!({
        "type": kind, "status": "available", "name": name, "description": description,
        "image_size": null, "disk_size": 5.0, "created": created, "created_from": null, "bound_to": null,
        "os_flavor": flavor, "os_version": version, "rapid_deploy": true, "protection": {"delete": false},
        "deprecated": if deprecated { Value::from(DEPRECATION.0) } else { Value::Null },
        "deleted": null, "labels": {}, "architecture": arch,
    })
}

/// `GET /pricing`, derived from the catalog.
pub(crate) fn pricing(store: &Store) -> Value {
    let per_location = |net: f64, hourly: bool| -> Vec<Value> {
        ALL.iter()
            .map(|loc| {
                let mut p = json!({"location": loc, "price_monthly": price(net)});
                if hourly {
                    p["price_hourly"] = price(net / 730.0);
                }
                p
            })
            .collect()
    };
    let entries = |kind: Kind| -> Vec<Value> {
        store
            .items(kind)
            .values()
            .map(|t| json!({"id": t["id"], "name": t["name"], "prices": t["prices"]}))
            .collect()
    };
    json!({
        "currency": "EUR",
        "vat_rate": format!("{:.2}", VAT * 100.0),
        "primary_ips": [
            {"type": "ipv4", "prices": per_location(0.50, true)},
            {"type": "ipv6", "prices": per_location(0.0, true)},
        ],
        "floating_ips": [
            {"type": "ipv4", "prices": per_location(3.00, false)},
            {"type": "ipv6", "prices": per_location(3.00, false)},
        ],
        "image": {"price_per_gb_month": price(0.011)},
        "volume": {"price_per_gb_month": price(0.044)},
        "server_backup": {"percentage": "20.00"},
        "server_types": entries(Kind::ServerType),
        "load_balancer_types": entries(Kind::LoadBalancerType),
        "floating_ip": {"price_monthly": price(3.00)},
    })
}
