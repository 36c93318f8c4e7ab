//! Networks: private networks with subnets and routes that servers and load balancers
//! attach to.
//!
//! ```
//! use hcloud_core::networks::{CreateNetwork, CreateNetworkSubnet, NetworkRoute};
//!
//! let create = CreateNetwork::new("backend", "10.0.0.0/16")
//!     .subnet(CreateNetworkSubnet::cloud("eu-central", "10.0.1.0/24"))
//!     .route(NetworkRoute::new("10.100.1.0/24", "10.0.1.1"));
//! assert_eq!(create.subnets.len(), 1);
//! ```

mod generated;

pub use generated::*;

crate::recover::recoverable! {
    CreateNetwork => Network via ListNetworks, "network",
    name(asked) Some(&asked.name),
    created(output: Network) output,
    running(network) network.id,
    differ(asked, found) {
        "ip_range": Some(&asked.ip_range) => [found.ip_range],
    },
}

impl CreateNetworkSubnet {
    /// A subnet of cloud servers in `network_zone` (such as `eu-central`), covering
    /// `ip_range`.
    pub fn cloud(network_zone: impl Into<String>, ip_range: impl Into<String>) -> Self {
        Self {
            kind: NetworkSubnetType::Cloud,
            ip_range: Some(ip_range.into()),
            network_zone: network_zone.into(),
            vswitch_id: None,
        }
    }
}

impl NetworkRoute {
    /// Traffic to `destination` goes through `gateway`.
    pub fn new(destination: impl Into<String>, gateway: impl Into<String>) -> Self {
        Self { destination: destination.into(), gateway: gateway.into() }
    }
}
