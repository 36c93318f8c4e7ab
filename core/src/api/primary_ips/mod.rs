//! Primary IPs: the public addresses of servers, which can outlive the server and be
//! assigned to another.

mod generated;

pub use generated::*;

crate::recover::recoverable! {
    CreatePrimaryIp => PrimaryIp via ListPrimaryIps, "primary IP",
    name(asked) Some(&asked.name),
    created(output: CreatedPrimaryIp) &output.primary_ip,
    actions,
    running(primary_ip) primary_ip.id,
    differ(asked, found) {
        "type": Some(&asked.kind) => [found.kind],
        "location": asked.location.as_ref() => [found.location.name, found.location.id],
    },
}
