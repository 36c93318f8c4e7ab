//! Typed identifiers of API resources.
//!
//! Every resource id in the Hetzner Cloud API is a positive 64-bit integer. Distinct types keep
//! a server id from being passed where an action id is expected.

macro_rules! typed_id {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl $name {
            /// The raw integer value.
            pub const fn get(self) -> u64 {
                self.0
            }
        }

        impl From<u64> for $name {
            fn from(raw: u64) -> Self {
                Self(raw)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }
    )*};
}

typed_id!(
    /// Id of a server.
    ServerId,
    /// Id of an action.
    ActionId,
    /// Id of an image.
    ImageId,
    /// Id of an ISO.
    IsoId,
    /// Id of a location.
    LocationId,
    /// Id of a server type.
    ServerTypeId,
    /// Id of an SSH key.
    SshKeyId,
    /// Id of a network.
    NetworkId,
    /// Id of a firewall.
    FirewallId,
    /// Id of a volume.
    VolumeId,
    /// Id of a placement group.
    PlacementGroupId,
    /// Id of a primary IP.
    PrimaryIpId,
    /// Id of a floating IP.
    FloatingIpId,
    /// Id of a load balancer.
    LoadBalancerId,
);
