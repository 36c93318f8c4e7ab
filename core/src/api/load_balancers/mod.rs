//! Load balancers: services that spread traffic over targets (servers, label selectors or
//! IPs), with health checks, certificates and private networks.

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
