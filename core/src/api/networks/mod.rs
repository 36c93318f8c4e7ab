//! Networks: private networks with subnets and routes that servers and load balancers
//! attach to.

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
