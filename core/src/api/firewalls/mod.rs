//! Firewalls: inbound and outbound rules, applied to servers directly or through label
//! selectors.
//!
//! ```
//! use hcloud_core::firewalls::{CreateFirewall, FirewallResource, FirewallRule, FirewallRuleProtocol};
//! use hcloud_core::ServerId;
//!
//! let firewall = CreateFirewall::new("web")
//!     .rule(FirewallRule::inbound(FirewallRuleProtocol::Tcp, Some("443"), ["0.0.0.0/0", "::/0"]))
//!     .rule(FirewallRule::inbound(FirewallRuleProtocol::Icmp, None, ["0.0.0.0/0"]))
//!     .apply_to(FirewallResource::server(ServerId(42)))
//!     .apply_to(FirewallResource::label_selector("role=web"));
//! assert_eq!(firewall.rules.len(), 2);
//! ```

mod generated;

pub use generated::*;

crate::recover::recoverable! {
    CreateFirewall => Firewall via ListFirewalls, "firewall",
    name(asked) Some(&asked.name),
    created(output: CreatedFirewall) &output.firewall,
    actions,
    running(firewall) firewall.id,
}

use crate::ids::ServerId;

impl FirewallRule {
    /// Allows traffic in from `sources` (networks in CIDR notation, such as `0.0.0.0/0`) to
    /// `port` (a port or a range like `80-85`; `None` for protocols without ports).
    pub fn inbound<S: Into<String>>(
        protocol: FirewallRuleProtocol,
        port: Option<&str>,
        sources: impl IntoIterator<Item = S>,
    ) -> Self {
        let sources = sources.into_iter().map(Into::into).collect();
        Self::rule(FirewallRuleDirection::In, protocol, port, sources, Vec::new())
    }

    /// Allows traffic out to `destinations` on `port`.
    pub fn outbound<S: Into<String>>(
        protocol: FirewallRuleProtocol,
        port: Option<&str>,
        destinations: impl IntoIterator<Item = S>,
    ) -> Self {
        let destinations = destinations.into_iter().map(Into::into).collect();
        Self::rule(FirewallRuleDirection::Out, protocol, port, Vec::new(), destinations)
    }

    fn rule(
        direction: FirewallRuleDirection,
        protocol: FirewallRuleProtocol,
        port: Option<&str>,
        source_ips: Vec<String>,
        destination_ips: Vec<String>,
    ) -> Self {
        Self {
            description: None,
            direction,
            source_ips,
            destination_ips,
            protocol,
            port: port.map(str::to_owned),
        }
    }

    /// The same rule, described.
    pub fn described(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl FirewallResource {
    /// One server.
    pub fn server(id: ServerId) -> Self {
        Self {
            kind: FirewallResourceType::Server,
            server: Some(FirewallResourceServer { id }),
            label_selector: None,
            applied_to_resources: Vec::new(),
        }
    }

    /// Every server whose labels match `selector` (a string or a
    /// [`LabelSelector`](crate::LabelSelector)), now and later.
    pub fn label_selector(selector: impl Into<String>) -> Self {
        Self {
            kind: FirewallResourceType::LabelSelector,
            server: None,
            label_selector: Some(FirewallResourceLabelSelector { selector: selector.into() }),
            applied_to_resources: Vec::new(),
        }
    }
}
