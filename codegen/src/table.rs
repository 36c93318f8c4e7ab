//! What the spec cannot say: names people would write, which inline shapes are one type,
//! which fields are secrets or typed references, and the rules that are ours. Everything else
//! comes from the document itself.

/// A field whose Rust type is chosen here rather than derived.
pub struct Override {
    /// The owning struct or operation (`*` for any).
    pub owner: &'static str,
    pub field: &'static str,
    /// The Rust type, as written in code (`Vec<FirewallId>`, `core::net::Ipv4Addr`).
    pub ty: crate::model::Ty,
    /// Extra serde attributes, such as `serialize_with = "..."`.
    pub serde: Option<&'static str>,
    pub required: Option<bool>,
    pub nullable: Option<bool>,
    /// Where the type comes from, when it needs an import.
    pub import: Option<&'static str>,
}

pub struct Table {
    pub tag_modules: &'static [(&'static str, &'static str)],
    /// Operation type names where `PascalCase(operationId)` does not read well.
    pub op_names: &'static [(&'static str, &'static str)],
    /// Operations whose constructors are written by hand.
    pub constructors: &'static [&'static str],
    /// Operations written by hand, with their path from the crate root.
    pub manual_ops: &'static [(&'static str, &'static str)],
    /// Types by position: owner (`*` for any), field, name.
    pub names: &'static [(&'static str, &'static str, &'static str)],
    /// Types by the spec's `title`.
    pub titles: &'static [(&'static str, &'static str)],
    /// Types of response members: operation (`*` for any), member, name.
    pub members: &'static [(&'static str, &'static str, &'static str)],
    /// Output structs of responses with several members.
    pub outputs: &'static [(&'static str, &'static str)],
    /// Shared types and the module they live in.
    pub type_modules: &'static [(&'static str, &'static str)],
    /// Modules of the API description written entirely by hand.
    pub manual_modules: &'static [&'static str],
    /// Types written by hand, and the module that has them.
    pub external: &'static [(&'static str, &'static str)],
    pub overrides: &'static [Override],
    /// Required fields read as empty when an older answer lacks them.
    pub tolerated: &'static [(&'static str, &'static str)],
    /// Fields always present in answers although the spec does not list them as required.
    pub required: &'static [(&'static str, &'static [&'static str])],
    /// Id types: the type whose `id` it is, the id type, and the path collection.
    pub ids: &'static [(&'static str, &'static str, &'static str)],
    /// Integer fields that reference a resource, by wire name.
    pub refs: &'static [(&'static str, &'static str)],
    /// Rust field names: owner (`*` for any), wire name, Rust name.
    pub field_names: &'static [(&'static str, &'static str, &'static str)],
    /// Hand-written input rules: owner, field, function.
    pub rules: &'static [(&'static str, &'static str, &'static str)],
    /// Variant names for values that are not identifiers: enum (`*` for any), value, variant.
    pub variants: &'static [(&'static str, &'static str, &'static str)],
    /// A line of our own about a type.
    pub type_docs: &'static [(&'static str, &'static str)],
    /// A line of our own about fields that recur everywhere.
    pub field_docs: &'static [(&'static str, &'static str)],
}

use crate::model::Ty;

const fn over(owner: &'static str, field: &'static str, ty: Ty) -> Override {
    Override { owner, field, ty, serde: None, required: None, nullable: None, import: None }
}

impl Override {
    const fn import(mut self, path: &'static str) -> Self {
        self.import = Some(path);
        self
    }

    const fn serde(mut self, attrs: &'static str) -> Self {
        self.serde = Some(attrs);
        self
    }

    const fn required(mut self, required: bool) -> Self {
        self.required = Some(required);
        self
    }
}

pub static TABLE: Table = Table {
    tag_modules: &[
        ("Actions", "actions"),
        ("Certificates", "certificates"),
        ("Certificate Actions", "certificates"),
        ("Data Centers", "datacenters"),
        ("Firewalls", "firewalls"),
        ("Firewall Actions", "firewalls"),
        ("Floating IPs", "floating_ips"),
        ("Floating IP Actions", "floating_ips"),
        ("Images", "images"),
        ("Image Actions", "images"),
        ("ISOs", "isos"),
        ("Load Balancers", "load_balancers"),
        ("Load Balancer Actions", "load_balancers"),
        ("Load Balancer Types", "load_balancer_types"),
        ("Locations", "locations"),
        ("Networks", "networks"),
        ("Network Actions", "networks"),
        ("Placement Groups", "placement_groups"),
        ("Pricing", "pricing"),
        ("Primary IPs", "primary_ips"),
        ("Primary IP Actions", "primary_ips"),
        ("Servers", "servers"),
        ("Server Actions", "servers"),
        ("Server Types", "server_types"),
        ("SSH Keys", "ssh_keys"),
        ("Volumes", "volumes"),
        ("Volume Actions", "volumes"),
        ("Zones", "zones"),
        ("Zone Actions", "zones"),
        ("Zone RRSets", "zones"),
        ("Zone RRSet Actions", "zones"),
    ],
    op_names: &[
        ("enable_server_rescue", "EnableRescue"),
        ("disable_server_rescue", "DisableRescue"),
        ("enable_server_backup", "EnableBackup"),
        ("disable_server_backup", "DisableBackup"),
        ("poweron_server", "PowerOnServer"),
        ("poweroff_server", "PowerOffServer"),
        ("get_actions", "ListActionsByIds"),
    ],
    constructors: &[],
    manual_ops: &[("get_actions", "actions::ListActionsByIds")],
    names: &[
        ("Server", "public_net", "PublicNet"),
        ("PublicNet", "ipv4", "Ipv4"),
        ("PublicNet", "ipv6", "Ipv6"),
        ("Server", "private_net", "PrivateNet"),
        ("PublicNetFirewall", "status", "FirewallStatus"),
        ("*", "server_type", "ServerType"),
        ("*", "location", "Location"),
        ("*", "home_location", "Location"),
        ("Server", "image", "Image"),
        ("*", "iso", "Iso"),
        ("Server", "placement_group", "PlacementGroup"),
        ("*", "load_balancer_type", "LoadBalancerType"),
        ("*", "price_hourly", "Price"),
        ("*", "price_monthly", "Price"),
        ("*", "price_per_tb_traffic", "Price"),
        ("*", "price_per_gb_month", "Price"),
        ("*", "architecture", "Architecture"),
        ("ServerType", "storage_type", "StorageType"),
        ("ServerType", "cpu_type", "CpuType"),
        ("Image", "os_flavor", "OsFlavor"),
        ("UpdateImage", "type", "ImageType"),
        ("CreateServerImage", "type", "ImageType"),
        ("CreateServer", "public_net", "CreatePublicNet"),
        // Firewalls: rules and the resources a firewall applies to read the same in requests
        // and answers.
        ("Firewall", "rules", "FirewallRule"),
        ("CreateFirewall", "rules", "FirewallRule"),
        ("SetFirewallRules", "rules", "FirewallRule"),
        ("Firewall", "applied_to", "FirewallResource"),
        ("CreateFirewall", "apply_to", "FirewallResource"),
        ("ApplyFirewallToResources", "apply_to", "FirewallResource"),
        ("RemoveFirewallFromResources", "remove_from", "FirewallResource"),
        ("FirewallResource", "applied_to_resources", "FirewallAppliedResource"),
        ("FirewallAppliedResource", "server", "FirewallResourceServer"),
        ("FirewallAppliedResource", "type", "FirewallResourceType"),
        // Load balancers.
        ("LoadBalancerPublicNet", "ipv4", "LoadBalancerIpv4"),
        ("LoadBalancerPublicNet", "ipv6", "LoadBalancerIpv6"),
        ("CreateLoadBalancer", "services", "LoadBalancerService"),
        ("CreateLoadBalancer", "targets", "LoadBalancerTarget"),
        ("LoadBalancerTarget", "targets", "LoadBalancerTarget"),
        ("*", "algorithm", "LoadBalancerAlgorithm"),
        ("ChangeLoadBalancerAlgorithm", "type", "LoadBalancerAlgorithmType"),
        ("LoadBalancerServiceHealthCheck", "http", "HealthCheckHttp"),
        ("LoadBalancerServiceHealthCheck", "protocol", "HealthCheckProtocol"),
        ("UpdateLoadBalancerServiceHealthCheck", "protocol", "HealthCheckProtocol"),
        ("AddLoadBalancerService", "protocol", "LoadBalancerServiceProtocol"),
        ("UpdateLoadBalancerService", "protocol", "LoadBalancerServiceProtocol"),
        ("AddLoadBalancerServiceHealthCheck", "protocol", "HealthCheckProtocol"),
        ("AddLoadBalancerTarget", "type", "LoadBalancerTargetType"),
        ("AddLoadBalancerTarget", "server", "LoadBalancerTargetServer"),
        ("AddLoadBalancerTarget", "label_selector", "LoadBalancerTargetLabelSelector"),
        ("AddLoadBalancerTarget", "ip", "LoadBalancerTargetIp"),
        ("RemoveLoadBalancerTarget", "type", "LoadBalancerTargetType"),
        ("RemoveLoadBalancerTarget", "server", "LoadBalancerTargetServer"),
        ("RemoveLoadBalancerTarget", "label_selector", "LoadBalancerTargetLabelSelector"),
        ("RemoveLoadBalancerTarget", "ip", "LoadBalancerTargetIp"),
        ("GetLoadBalancerMetrics", "type", "LoadBalancerMetricType"),
        ("GetServerMetrics", "type", "ServerMetricType"),
        // Networks.
        ("CreateNetwork", "routes", "NetworkRoute"),
        ("AddNetworkSubnet", "type", "NetworkSubnetType"),
        // IPs.
        ("CreatePrimaryIp", "type", "PrimaryIpType"),
        ("CreatePrimaryIp", "assignee_type", "PrimaryIpAssigneeType"),
        ("AssignPrimaryIp", "assignee_type", "PrimaryIpAssigneeType"),
        ("CreateFloatingIp", "type", "FloatingIpType"),
        ("Pricing", "floating_ips", "FloatingIpPricing"),
        ("Pricing", "primary_ips", "PrimaryIpPricing"),
        ("Pricing", "server_types", "ServerTypePricing"),
        ("Pricing", "load_balancer_types", "LoadBalancerTypePricing"),
        ("Pricing", "image", "ImagePricing"),
        ("Pricing", "volume", "VolumePricing"),
        ("Pricing", "server_backup", "ServerBackupPricing"),
        ("PrimaryIpPricing", "type", "PrimaryIpType"),
        ("FloatingIpPricing", "type", "FloatingIpType"),
        // Zones.
        ("*", "records", "RrsetRecord"),
        ("*", "rr_type", "RrsetType"),
        ("CreateZoneRrset", "type", "RrsetType"),
        ("CreateZoneRrset", "records", "RrsetRecord"),
        ("CreateZone", "mode", "ZoneMode"),
        ("CreateZone", "rrsets", "NewRrset"),
        ("*", "primary_nameservers", "ZonePrimaryNameserver"),
        ("CreatePlacementGroup", "type", "PlacementGroupType"),
        ("CreateCertificate", "type", "CertificateType"),
        ("CreateVolume", "format", "VolumeFormat"),
    ],
    titles: &[("DeprecationInfo", "Deprecation")],
    members: &[
        ("*", "meta", "ListMeta"),
        ("*", "next_actions", "Action"),
        ("get_server_metrics", "metrics", "Metrics"),
        ("get_load_balancer_metrics", "metrics", "Metrics"),
    ],
    outputs: &[
        ("create_server", "CreatedServer"),
        ("enable_server_rescue", "RescueEnabled"),
        ("rebuild_server", "ServerRebuilt"),
        ("reset_server_password", "PasswordReset"),
        ("request_server_console", "Console"),
        ("create_server_image", "CreatedImage"),
        ("create_certificate", "CreatedCertificate"),
        ("create_firewall", "CreatedFirewall"),
        ("create_floating_ip", "CreatedFloatingIp"),
        ("create_load_balancer", "CreatedLoadBalancer"),
        ("create_placement_group", "CreatedPlacementGroup"),
        ("create_primary_ip", "CreatedPrimaryIp"),
        ("create_volume", "CreatedVolume"),
        ("create_zone", "CreatedZone"),
        ("create_zone_rrset", "CreatedRrset"),
    ],
    type_modules: &[("Deprecation", "common"), ("Architecture", "common"), ("Price", "pricing")],
    manual_modules: &["catalog", "dynamic", "metrics"],
    external: &[("ListMeta", "meta"), ("Metrics", "metrics")],
    overrides: &[
        over("*", "root_password", Ty::Custom("RootPassword")).import("crate::secret::RootPassword"),
        over("Console", "password", Ty::Custom("Secret")).import("crate::secret::Secret"),
        over("CreateCertificate", "private_key", Ty::Custom("Secret")).import("crate::secret::Secret"),
        over("RescueEnabled", "root_password", Ty::Custom("RootPassword"))
            .import("crate::secret::RootPassword")
            .required(false),
        over("Server", "backup_window", Ty::Custom("BackupWindow")).import("super::BackupWindow"),
        over("EnableRescue", "type", Ty::Custom("RescueType")).import("super::RescueType"),
        over("Ipv4", "ip", Ty::Custom("core::net::Ipv4Addr")),
        over("ServerType", "cores", Ty::Int("u32")),
        over("ServerType", "deprecated", Ty::Bool).required(false),
        over("Action", "progress", Ty::Int("u8")),
        over("Iso", "type", Ty::Str),
        over("PlacementGroup", "type", Ty::Str),
        over("PrivateNet", "mac_address", Ty::Str).serde("default").required(true),
        over("CreateServer", "firewalls", Ty::Custom("Vec<FirewallId>"))
            .serde("serialize_with = \"super::firewall_refs\", deserialize_with = \"super::firewall_ids\""),
        over("GetServerMetrics", "start", Ty::DateTime),
        over("GetServerMetrics", "end", Ty::DateTime),
        over("GetServerMetrics", "step", Ty::Int("u64")),
        over("GetLoadBalancerMetrics", "start", Ty::DateTime),
        over("GetLoadBalancerMetrics", "end", Ty::DateTime),
        over("GetLoadBalancerMetrics", "step", Ty::Int("u64")),
        over("DatacenterServerTypes", "supported", Ty::Custom("Vec<ServerTypeId>")),
        over("DatacenterServerTypes", "available", Ty::Custom("Vec<ServerTypeId>")),
        over("DatacenterServerTypes", "available_for_migration", Ty::Custom("Vec<ServerTypeId>")),
        over("DatacenterPage", "recommendation", Ty::Custom("DatacenterId")),
    ],
    tolerated: &[("ServerType", "locations")],
    required: &[("PrivateNet", &["network", "ip"]), ("PublicNetFirewall", &["id", "status"])],
    ids: &[
        ("Action", "ActionId", "actions"),
        ("Certificate", "CertificateId", "certificates"),
        ("Datacenter", "DatacenterId", "datacenters"),
        ("Firewall", "FirewallId", "firewalls"),
        ("FloatingIp", "FloatingIpId", "floating_ips"),
        ("Image", "ImageId", "images"),
        ("Iso", "IsoId", "isos"),
        ("LoadBalancer", "LoadBalancerId", "load_balancers"),
        ("LoadBalancerType", "LoadBalancerTypeId", "load_balancer_types"),
        ("Location", "LocationId", "locations"),
        ("Network", "NetworkId", "networks"),
        ("PlacementGroup", "PlacementGroupId", "placement_groups"),
        ("PrimaryIp", "PrimaryIpId", "primary_ips"),
        ("Server", "ServerId", "servers"),
        ("ServerType", "ServerTypeId", "server_types"),
        ("SshKey", "SshKeyId", "ssh_keys"),
        ("Volume", "VolumeId", "volumes"),
        ("Zone", "ZoneId", "zones"),
        // Nested objects that carry another resource's id.
        ("ServerTypeLocation", "LocationId", ""),
        ("Ipv4", "PrimaryIpId", ""),
        ("Ipv6", "PrimaryIpId", ""),
        ("PublicNetFirewall", "FirewallId", ""),
        ("ImageCreatedFrom", "ServerId", ""),
        ("FirewallResourceServer", "ServerId", ""),
        ("LoadBalancerTargetServer", "ServerId", ""),
        ("ServerTypePricing", "ServerTypeId", ""),
        ("LoadBalancerTypePricing", "LoadBalancerTypeId", ""),
    ],
    refs: &[
        ("server", "ServerId"),
        ("servers", "ServerId"),
        ("bound_to", "ServerId"),
        ("network", "NetworkId"),
        ("networks", "NetworkId"),
        ("volumes", "VolumeId"),
        ("floating_ips", "FloatingIpId"),
        ("load_balancers", "LoadBalancerId"),
        ("certificates", "CertificateId"),
        ("firewall", "FirewallId"),
        ("ssh_keys", "SshKeyId"),
        ("placement_group", "PlacementGroupId"),
        ("ipv4", "PrimaryIpId"),
        ("ipv6", "PrimaryIpId"),
        ("zone", "ZoneId"),
        ("location", "LocationId"),
        ("home_location", "LocationId"),
    ],
    field_names: &[("EnableRescue", "type", "rescue_type")],
    rules: &[
        ("CreateServer", "name", "validate::server_name"),
        ("UpdateServer", "name", "validate::server_name"),
        ("CreateServer", "server_type", "validate::not_empty"),
        ("CreateServer", "image", "validate::not_empty"),
        ("*", "user_data", "validate::user_data"),
        ("CreateServer", "firewalls", "validate::ids"),
    ],
    variants: &[
        // `Other(String)` holds values this SDK does not know; the API's own `other` is named.
        ("*", "other", "OtherValue"),
        ("BackupWindow", "22-02", "W22To02"),
        ("BackupWindow", "02-06", "W02To06"),
        ("BackupWindow", "06-10", "W06To10"),
        ("BackupWindow", "10-14", "W10To14"),
        ("BackupWindow", "14-18", "W14To18"),
        ("BackupWindow", "18-22", "W18To22"),
    ],
    type_docs: &[],
    field_docs: &[],
};
