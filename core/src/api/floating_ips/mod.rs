//! Floating IPs: addresses that can be moved between servers of one network zone.

mod generated;

pub use generated::*;

crate::recover::recoverable! {
    CreateFloatingIp => FloatingIp via ListFloatingIps, "floating IP",
    name(asked) asked.name.as_deref(),
    created(output: CreatedFloatingIp) &output.floating_ip,
    actions,
    running(floating_ip) floating_ip.id,
    differ(asked, found) {
        "type": Some(&asked.kind) => [found.kind],
        "home_location": asked.home_location.as_ref() => [found.home_location.name, found.home_location.id],
    },
}
