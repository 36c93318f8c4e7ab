//! Load balancers: services that spread traffic over targets (servers, label selectors or
//! IPs), with health checks, certificates and private networks.
//!
//! ```
//! use hcloud_core::load_balancers::{CreateLoadBalancer, LoadBalancerService, LoadBalancerTarget};
//! use hcloud_core::ServerId;
//!
//! let create = CreateLoadBalancer::new("web", "lb11")
//!     .location("fsn1")
//!     .service(LoadBalancerService::http(80, 8080))
//!     .target(LoadBalancerTarget::server(ServerId(42)))
//!     .target(LoadBalancerTarget::label_selector("role=web"));
//! assert_eq!(create.services[0].health_check.port, 8080);
//! ```

mod generated;

pub use generated::*;

crate::recover::recoverable! {
    CreateLoadBalancer => LoadBalancer via ListLoadBalancers, "load balancer",
    name(asked) Some(&asked.name),
    created(output: CreatedLoadBalancer) &output.load_balancer,
    actions,
    running(load_balancer) load_balancer.id,
    differ(asked, found) {
        "load_balancer_type": Some(&asked.load_balancer_type) => [found.load_balancer_type.name, found.load_balancer_type.id],
        "location": asked.location.as_ref() => [found.location.name, found.location.id],
    },
}

use crate::ids::ServerId;

impl LoadBalancerService {
    /// Plain TCP from `listen_port` to `destination_port`, with a TCP health check on the
    /// destination port (every 15 s, 10 s timeout, 3 retries).
    pub fn tcp(listen_port: u64, destination_port: u64) -> Self {
        Self::new(LoadBalancerServiceProtocol::Tcp, listen_port, destination_port)
    }

    /// HTTP from `listen_port` to `destination_port`, with the same TCP health check.
    pub fn http(listen_port: u64, destination_port: u64) -> Self {
        Self::new(LoadBalancerServiceProtocol::Http, listen_port, destination_port)
    }

    fn new(protocol: LoadBalancerServiceProtocol, listen_port: u64, destination_port: u64) -> Self {
        Self {
            protocol,
            listen_port,
            destination_port,
            proxyprotocol: false,
            health_check: LoadBalancerServiceHealthCheck {
                protocol: HealthCheckProtocol::Tcp,
                port: destination_port,
                interval: 15,
                timeout: 10,
                retries: 3,
                http: None,
            },
            http: None,
        }
    }
}

impl LoadBalancerTarget {
    /// One server, by its public address.
    pub fn server(id: ServerId) -> Self {
        Self::of(LoadBalancerTargetType::Server, |t| {
            t.server = Some(LoadBalancerTargetServer { id, ip: None })
        })
    }

    /// Every server whose labels match `selector` (a string or a
    /// [`LabelSelector`](crate::LabelSelector)), now and later.
    pub fn label_selector(selector: impl Into<String>) -> Self {
        let selector = LoadBalancerTargetLabelSelector { selector: selector.into() };
        Self::of(LoadBalancerTargetType::LabelSelector, |t| t.label_selector = Some(selector))
    }

    /// An IP address outside the project.
    pub fn ip(ip: impl Into<String>) -> Self {
        let ip = LoadBalancerTargetIp { ip: ip.into() };
        Self::of(LoadBalancerTargetType::Ip, |t| t.ip = Some(ip))
    }

    fn of(kind: LoadBalancerTargetType, set: impl FnOnce(&mut Self)) -> Self {
        let mut target = Self {
            kind,
            server: None,
            health_status: Vec::new(),
            use_private_ip: None,
            label_selector: None,
            targets: Vec::new(),
            ip: None,
        };
        set(&mut target);
        target
    }
}
