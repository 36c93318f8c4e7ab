//! The fixed catalog of server types, images and locations the simulator knows.
//!
//! Values are plausible, not authoritative: ids, prices and specs are chosen so
//! that responses look like the real API's and satisfy its schema.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::value::RawValue;

/// Net/gross pair of a price, as decimal strings.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Price {
    pub net: String,
    pub gross: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ServerTypePrice {
    pub location: &'static str,
    pub price_hourly: Price,
    pub price_monthly: Price,
    pub included_traffic: u64,
    pub price_per_tb_traffic: Price,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ServerTypeLocation {
    pub id: u64,
    pub name: &'static str,
    pub deprecation: Option<()>,
    pub recommended: bool,
    pub available: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ServerType {
    pub id: u64,
    pub name: &'static str,
    pub description: &'static str,
    pub cores: u32,
    pub memory: f64,
    pub disk: u32,
    pub deprecated: bool,
    pub prices: Vec<ServerTypePrice>,
    pub storage_type: &'static str,
    pub cpu_type: &'static str,
    pub category: &'static str,
    pub architecture: &'static str,
    pub deprecation: Option<()>,
    pub locations: Vec<ServerTypeLocation>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Location {
    pub id: u64,
    pub name: &'static str,
    pub description: &'static str,
    pub country: &'static str,
    pub city: &'static str,
    pub latitude: f64,
    pub longitude: f64,
    pub network_zone: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ImageProtection {
    pub delete: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Image {
    pub id: u64,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub status: &'static str,
    pub name: Option<&'static str>,
    pub description: &'static str,
    pub image_size: Option<f64>,
    pub disk_size: f64,
    pub created: &'static str,
    pub created_from: Option<()>,
    pub bound_to: Option<u64>,
    pub os_flavor: &'static str,
    pub os_version: Option<&'static str>,
    pub rapid_deploy: bool,
    pub protection: ImageProtection,
    pub deprecated: Option<&'static str>,
    pub deleted: Option<&'static str>,
    pub labels: BTreeMap<String, String>,
    pub architecture: &'static str,
}

/// Everything a server can reference.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    pub server_types: Vec<ServerType>,
    pub images: Vec<Image>,
    pub locations: Vec<Location>,
    /// The entries above, serialised once: embedding them verbatim makes
    /// rendering a server several times cheaper, which listing pages of 50 needs.
    pub server_types_json: Vec<Box<RawValue>>,
    pub images_json: Vec<Box<RawValue>>,
    pub locations_json: Vec<Box<RawValue>>,
}

fn raw<T: Serialize>(items: &[T]) -> Vec<Box<RawValue>> {
    items
        .iter()
        .map(|item| serde_json::value::to_raw_value(item).expect("catalog entries serialise"))
        .collect()
}

const EU: &[&str] = &["fsn1", "nbg1", "hel1"];
const ALL: &[&str] = &["fsn1", "nbg1", "hel1", "ash", "hil", "sin"];

fn price(net: f64) -> Price {
    Price { net: format!("{net:.10}"), gross: format!("{:.10}", net * 1.19) }
}

/// Traffic included per month: 20 TB in Europe, 1 TB in the US, 0.5 TB in Singapore.
fn included_traffic(location: &str) -> u64 {
    const TB: u64 = 1 << 40;
    match location {
        "ash" | "hil" => TB,
        "sin" => TB / 2,
        _ => 20 * TB,
    }
}

impl Catalog {
    pub(crate) fn builtin() -> Self {
        let locations = vec![
            Location {
                id: 1,
                name: "fsn1",
                description: "Falkenstein DC Park 1",
                country: "DE",
                city: "Falkenstein",
                latitude: 50.47612,
                longitude: 12.370071,
                network_zone: "eu-central",
            },
            Location {
                id: 2,
                name: "nbg1",
                description: "Nuremberg DC Park 1",
                country: "DE",
                city: "Nuremberg",
                latitude: 49.452102,
                longitude: 11.076665,
                network_zone: "eu-central",
            },
            Location {
                id: 3,
                name: "hel1",
                description: "Helsinki DC Park 1",
                country: "FI",
                city: "Helsinki",
                latitude: 60.169855,
                longitude: 24.938379,
                network_zone: "eu-central",
            },
            Location {
                id: 4,
                name: "ash",
                description: "Ashburn, VA",
                country: "US",
                city: "Ashburn, VA",
                latitude: 39.045821,
                longitude: -77.487073,
                network_zone: "us-east",
            },
            Location {
                id: 5,
                name: "hil",
                description: "Hillsboro, OR",
                country: "US",
                city: "Hillsboro, OR",
                latitude: 45.54222,
                longitude: -122.95125,
                network_zone: "us-west",
            },
            Location {
                id: 6,
                name: "sin",
                description: "Singapore",
                country: "SG",
                city: "Singapore",
                latitude: 1.283333,
                longitude: 103.833333,
                network_zone: "ap-southeast",
            },
        ];

        // (id, name, cores, memory GB, disk GB, cpu_type, category, arch, monthly net EUR, where)
        type Row = (
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
        );
        let rows: [Row; 7] = [
            (104, "cx22", 2, 4.0, 40, "shared", "cost_optimized", "x86", 3.79, EU),
            (105, "cx32", 4, 8.0, 80, "shared", "cost_optimized", "x86", 6.80, EU),
            (22, "cpx11", 2, 2.0, 40, "shared", "regular_purpose", "x86", 4.35, ALL),
            (114, "cpx22", 2, 4.0, 80, "shared", "regular_purpose", "x86", 7.99, ALL),
            (24, "cpx31", 4, 8.0, 160, "shared", "regular_purpose", "x86", 14.86, ALL),
            (45, "cax11", 2, 4.0, 40, "shared", "cost_optimized", "arm", 3.79, EU),
            (96, "ccx13", 2, 8.0, 80, "dedicated", "general_purpose", "x86", 12.49, ALL),
        ];
        let server_types: Vec<ServerType> = rows
            .iter()
            .map(|&(id, name, cores, memory, disk, cpu_type, category, arch, monthly, avail)| {
                let description: &'static str = match name {
                    "cx22" => "CX22",
                    "cx32" => "CX32",
                    "cpx11" => "CPX11",
                    "cpx22" => "CPX22",
                    "cpx31" => "CPX31",
                    "cax11" => "CAX11",
                    _ => "CCX13",
                };
                let prices = avail
                    .iter()
                    .map(|&loc| ServerTypePrice {
                        location: loc,
                        price_hourly: price(monthly / 730.0),
                        price_monthly: price(monthly),
                        included_traffic: included_traffic(loc),
                        price_per_tb_traffic: price(1.0),
                    })
                    .collect();
                let type_locations = locations
                    .iter()
                    .filter(|l| avail.contains(&l.name))
                    .map(|l| ServerTypeLocation {
                        id: l.id,
                        name: l.name,
                        deprecation: None,
                        recommended: l.name == avail[0],
                        available: true,
                    })
                    .collect();
                ServerType {
                    id,
                    name,
                    description,
                    cores,
                    memory,
                    disk,
                    deprecated: false,
                    prices,
                    storage_type: "local",
                    cpu_type,
                    category,
                    architecture: arch,
                    deprecation: None,
                    locations: type_locations,
                }
            })
            .collect();

        // (x86 id, arm id, name, description, flavor, version, created)
        let image_rows: [(u64, u64, &str, &str, &str, &str, &str); 6] = [
            (161547269, 161547270, "ubuntu-24.04", "Ubuntu 24.04", "ubuntu", "24.04", "2024-04-25T12:00:00Z"),
            (67794396, 103908070, "ubuntu-22.04", "Ubuntu 22.04", "ubuntu", "22.04", "2022-04-21T12:00:00Z"),
            (114690387, 114690389, "debian-12", "Debian 12", "debian", "12", "2023-06-13T12:00:00Z"),
            (268640116, 268640117, "debian-13", "Debian 13", "debian", "13", "2025-08-12T12:00:00Z"),
            (251022553, 251022554, "fedora-42", "Fedora 42", "fedora", "42", "2025-04-16T12:00:00Z"),
            (76766499, 103908072, "rocky-9", "Rocky Linux 9", "rocky", "9", "2022-07-15T12:00:00Z"),
        ];
        let mut images = Vec::new();
        for (x86_id, arm_id, name, description, flavor, version, created) in image_rows {
            for (id, arch) in [(x86_id, "x86"), (arm_id, "arm")] {
                images.push(Image {
                    id,
                    kind: "system",
                    status: "available",
                    name: Some(name),
                    description,
                    image_size: None,
                    disk_size: 5.0,
                    created,
                    created_from: None,
                    bound_to: None,
                    os_flavor: flavor,
                    os_version: Some(version),
                    rapid_deploy: true,
                    protection: ImageProtection { delete: false },
                    deprecated: None,
                    deleted: None,
                    labels: BTreeMap::new(),
                    architecture: arch,
                });
            }
        }

        Self {
            server_types_json: raw(&server_types),
            images_json: raw(&images),
            locations_json: raw(&locations),
            server_types,
            images,
            locations,
        }
    }

    /// Looks a server type up by name or numeric id.
    pub(crate) fn server_type(&self, key: &str) -> Option<usize> {
        self.server_types.iter().position(|t| t.name == key || t.id.to_string() == key)
    }

    /// Looks a location up by name or numeric id.
    pub(crate) fn location(&self, key: &str) -> Option<usize> {
        self.locations.iter().position(|l| l.name == key || l.id.to_string() == key)
    }

    /// Looks an image up by id, or by name for the given architecture (names are
    /// shared between the x86 and arm builds, ids are not).
    pub(crate) fn image(&self, key: &str, arch: &str) -> Option<usize> {
        self.images
            .iter()
            .position(|i| i.id.to_string() == key)
            .or_else(|| self.images.iter().position(|i| i.name == Some(key) && i.architecture == arch))
    }

    pub(crate) fn type_available_in(&self, server_type: usize, location: usize) -> bool {
        let name = self.locations[location].name;
        self.server_types[server_type].locations.iter().any(|l| l.name == name)
    }
}
