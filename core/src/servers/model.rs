//! The `Server` resource and the objects nested in it, as the API returns them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{
    FirewallId, FloatingIpId, ImageId, IsoId, LoadBalancerId, LocationId, NetworkId, PlacementGroupId,
    PrimaryIpId, ServerId, ServerTypeId, VolumeId,
};
use crate::open_enum::open_enum;

open_enum! {
    /// Status of a server.
    ServerStatus {
        /// Powered on and running.
        Running => "running",
        /// Being created.
        Initializing => "initializing",
        /// Powering on.
        Starting => "starting",
        /// Powering off.
        Stopping => "stopping",
        /// Powered off.
        Off => "off",
        /// Being deleted.
        Deleting => "deleting",
        /// Moving to another host.
        Migrating => "migrating",
        /// Being rebuilt from an image.
        Rebuilding => "rebuilding",
        /// The API does not know the status (this is an API value, not an unparsed one).
        Unknown => "unknown",
    }
}

open_enum! {
    /// Type of rescue system. The API currently accepts only `linux64`; the other two were
    /// offered in the past and are kept so old values still parse to named variants.
    RescueType {
        /// 64-bit Linux.
        Linux64 => "linux64",
        /// 32-bit Linux (retired).
        Linux32 => "linux32",
        /// 64-bit FreeBSD (retired).
        Freebsd64 => "freebsd64",
    }
}

open_enum! {
    /// The UTC time window in which the daily backup runs.
    BackupWindow {
        /// 22:00 to 02:00 UTC.
        W22To02 => "22-02",
        /// 02:00 to 06:00 UTC.
        W02To06 => "02-06",
        /// 06:00 to 10:00 UTC.
        W06To10 => "06-10",
        /// 10:00 to 14:00 UTC.
        W10To14 => "10-14",
        /// 14:00 to 18:00 UTC.
        W14To18 => "14-18",
        /// 18:00 to 22:00 UTC.
        W18To22 => "18-22",
    }
}

open_enum! {
    /// CPU architecture.
    Architecture {
        /// x86-64.
        X86 => "x86",
        /// ARM64.
        Arm => "arm",
    }
}

open_enum! {
    /// Boot drive type of a server type.
    StorageType {
        /// Local NVMe storage.
        Local => "local",
        /// Network-attached storage.
        Network => "network",
    }
}

open_enum! {
    /// CPU sharing model of a server type.
    CpuType {
        /// Shared vCPUs.
        Shared => "shared",
        /// Dedicated vCPUs.
        Dedicated => "dedicated",
    }
}

open_enum! {
    /// Type of an image.
    ImageType {
        /// A system image maintained by Hetzner.
        System => "system",
        /// An app image.
        App => "app",
        /// A snapshot made by the user.
        Snapshot => "snapshot",
        /// An automatic backup.
        Backup => "backup",
    }
}

open_enum! {
    /// Status of an image.
    ImageStatus {
        /// Usable.
        Available => "available",
        /// Being created.
        Creating => "creating",
        /// Not usable.
        Unavailable => "unavailable",
    }
}

open_enum! {
    /// Status of a firewall on a server's public interface.
    FirewallStatus {
        /// Rules are in effect.
        Applied => "applied",
        /// Rules are being applied.
        Pending => "pending",
    }
}

/// A price with and without VAT, as decimal strings (exact, unlike floats).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    /// Without VAT.
    pub net: String,
    /// With VAT.
    pub gross: String,
}

/// Prices of a server type in one location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerTypePrice {
    /// The location's name.
    pub location: String,
    /// Hourly price.
    pub price_hourly: Price,
    /// Monthly price.
    pub price_monthly: Price,
    /// Included traffic per month in bytes.
    pub included_traffic: u64,
    /// Price per additional TB of traffic.
    pub price_per_tb_traffic: Price,
}

/// When a resource is deprecated and when it stops being available.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deprecation {
    /// When the deprecation was announced.
    #[serde(with = "time::serde::rfc3339")]
    pub announced: OffsetDateTime,
    /// After this point the resource can no longer be used for new resources.
    #[serde(with = "time::serde::rfc3339")]
    pub unavailable_after: OffsetDateTime,
}

/// Availability of a server type in one location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerTypeLocation {
    /// The location's id.
    pub id: LocationId,
    /// The location's name.
    pub name: String,
    /// Deprecation in this location, if any.
    pub deprecation: Option<Deprecation>,
    /// Whether the type is recommended here.
    #[serde(default)]
    pub recommended: bool,
    /// Whether the type can be ordered here right now.
    #[serde(default = "yes")]
    pub available: bool,
}

fn yes() -> bool {
    true
}

/// A server type (hardware plan).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerType {
    /// Its id.
    pub id: ServerTypeId,
    /// Its unique name, such as `cpx22`.
    pub name: String,
    /// A description.
    pub description: String,
    /// Number of CPU cores.
    pub cores: u32,
    /// Memory in GB.
    pub memory: f64,
    /// Disk size in GB.
    pub disk: f64,
    /// Deprecated flag; prefer `locations[].deprecation`.
    #[serde(default)]
    pub deprecated: Option<bool>,
    /// Prices per location.
    pub prices: Vec<ServerTypePrice>,
    /// Boot drive type.
    pub storage_type: StorageType,
    /// CPU sharing model.
    pub cpu_type: CpuType,
    /// Category, such as `Shared vCPU`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// CPU architecture.
    pub architecture: Architecture,
    /// Deprecated; prefer `locations[].deprecation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecation: Option<Deprecation>,
    /// Where the type is offered.
    #[serde(default)]
    pub locations: Vec<ServerTypeLocation>,
}

/// A location (data center site).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Its id.
    pub id: LocationId,
    /// Its unique name, such as `fsn1`.
    pub name: String,
    /// A description.
    pub description: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// The nearest city.
    pub city: String,
    /// Latitude of the city.
    pub latitude: f64,
    /// Longitude of the city.
    pub longitude: f64,
    /// The network zone, such as `eu-central`.
    pub network_zone: String,
}

/// Delete protection of an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageProtection {
    /// Whether deletion is blocked.
    pub delete: bool,
}

/// The server an image was made from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageCreatedFrom {
    /// The server's id.
    pub id: ServerId,
    /// The server's name when the image was made.
    pub name: String,
}

/// An image a server boots from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// Its id.
    pub id: ImageId,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: ImageType,
    /// Its status.
    pub status: ImageStatus,
    /// Unique name; only system images have one.
    pub name: Option<String>,
    /// A description.
    pub description: String,
    /// Size of the image file in GB, when known.
    pub image_size: Option<f64>,
    /// Size of the disk inside in GB.
    pub disk_size: f64,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// The server it was made from.
    pub created_from: Option<ImageCreatedFrom>,
    /// The server a backup image is bound to.
    pub bound_to: Option<ServerId>,
    /// Operating system flavor, such as `ubuntu`.
    pub os_flavor: String,
    /// Operating system version.
    pub os_version: Option<String>,
    /// Whether rapid deploy is available.
    #[serde(default)]
    pub rapid_deploy: bool,
    /// Delete protection.
    pub protection: ImageProtection,
    /// When it became deprecated.
    #[serde(with = "time::serde::rfc3339::option")]
    pub deprecated: Option<OffsetDateTime>,
    /// When it was deleted.
    #[serde(with = "time::serde::rfc3339::option")]
    pub deleted: Option<OffsetDateTime>,
    /// User labels.
    pub labels: BTreeMap<String, String>,
    /// CPU architecture.
    pub architecture: Architecture,
}

/// An ISO attached to a server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Iso {
    /// Its id.
    pub id: IsoId,
    /// Unique name; only public ISOs have one.
    pub name: Option<String>,
    /// A description.
    pub description: String,
    /// `public` or `private`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Deprecation, if any.
    #[serde(default)]
    pub deprecation: Option<Deprecation>,
    /// Compatible architecture; `None` means any.
    #[serde(default)]
    pub architecture: Option<Architecture>,
}

/// A server's public IPv4 address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ipv4 {
    /// The primary IP's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<PrimaryIpId>,
    /// The address.
    pub ip: core::net::Ipv4Addr,
    /// Whether it is blocked by abuse handling.
    pub blocked: bool,
    /// Reverse DNS name.
    pub dns_ptr: String,
}

/// A reverse DNS entry of one IPv6 address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ipv6DnsPtr {
    /// The address.
    pub ip: String,
    /// Its reverse DNS name.
    pub dns_ptr: String,
}

/// A server's public IPv6 network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ipv6 {
    /// The primary IP's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<PrimaryIpId>,
    /// The network, such as `2001:db8::/64`.
    pub ip: String,
    /// Whether it is blocked by abuse handling.
    pub blocked: bool,
    /// Reverse DNS entries of single addresses.
    pub dns_ptr: Option<Vec<Ipv6DnsPtr>>,
}

/// A firewall applied to a server's public interface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicNetFirewall {
    /// The firewall's id.
    pub id: FirewallId,
    /// Whether its rules are in effect yet.
    pub status: FirewallStatus,
}

/// A server's public network interface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicNet {
    /// IPv4 address, unless disabled.
    pub ipv4: Option<Ipv4>,
    /// IPv6 network, unless disabled.
    pub ipv6: Option<Ipv6>,
    /// Floating IPs assigned to the server.
    pub floating_ips: Vec<FloatingIpId>,
    /// Firewalls on this interface.
    #[serde(default)]
    pub firewalls: Vec<PublicNetFirewall>,
}

/// A private network a server is attached to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateNet {
    /// The network's id.
    pub network: NetworkId,
    /// The server's address in it.
    pub ip: String,
    /// Additional addresses.
    #[serde(default)]
    pub alias_ips: Vec<String>,
    /// The interface's MAC address.
    #[serde(default)]
    pub mac_address: String,
}

/// Protection flags of a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerProtection {
    /// Whether deletion is blocked.
    pub delete: bool,
    /// Whether rebuilding is blocked.
    pub rebuild: bool,
}

/// A placement group a server belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementGroup {
    /// Its id.
    pub id: PlacementGroupId,
    /// Its name.
    pub name: String,
    /// User labels.
    pub labels: BTreeMap<String, String>,
    /// Its type, such as `spread`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// Its member servers.
    pub servers: Vec<ServerId>,
}

/// A server, as the API returns it. Fields the API adds later are ignored; fields it has
/// dropped (such as `datacenter`) are simply not read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Server {
    /// Its id.
    pub id: ServerId,
    /// Its name, unique per project.
    pub name: String,
    /// Its status.
    pub status: ServerStatus,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// The public interface.
    pub public_net: PublicNet,
    /// Attached private networks.
    pub private_net: Vec<PrivateNet>,
    /// Its server type.
    pub server_type: ServerType,
    /// Where it runs.
    pub location: Location,
    /// The image it was created from, unless that image is gone.
    pub image: Option<Image>,
    /// The attached ISO, if any.
    pub iso: Option<Iso>,
    /// Whether it boots into the rescue system next time.
    pub rescue_enabled: bool,
    /// Whether it is locked and unavailable to the user.
    pub locked: bool,
    /// The backup window; `None` when backups are off.
    pub backup_window: Option<BackupWindow>,
    /// Outbound traffic this billing period, in bytes.
    pub outgoing_traffic: Option<u64>,
    /// Inbound traffic this billing period, in bytes.
    pub ingoing_traffic: Option<u64>,
    /// Free traffic this billing period, in bytes.
    pub included_traffic: Option<u64>,
    /// Protection flags.
    pub protection: ServerProtection,
    /// User labels.
    pub labels: BTreeMap<String, String>,
    /// Attached volumes.
    #[serde(default)]
    pub volumes: Vec<VolumeId>,
    /// Load balancers targeting it.
    #[serde(default)]
    pub load_balancers: Vec<LoadBalancerId>,
    /// Size of the primary disk in GB.
    pub primary_disk_size: f64,
    /// Its placement group, if any.
    #[serde(default)]
    pub placement_group: Option<PlacementGroup>,
}

impl Server {
    /// Whether backups are enabled (the API signals this with a backup window).
    pub fn backups_enabled(&self) -> bool {
        self.backup_window.is_some()
    }
}

/// A root password. Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RootPassword(String);

impl RootPassword {
    /// The password itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for RootPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RootPassword(<redacted>)")
    }
}
