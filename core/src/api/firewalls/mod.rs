//! Firewalls: inbound and outbound rules, applied to servers directly or through label
//! selectors.

mod generated;

pub use generated::*;

crate::recover::recoverable! {
    CreateFirewall => Firewall via ListFirewalls, "firewall",
    name(asked) Some(&asked.name),
    created(output: CreatedFirewall) &output.firewall,
    actions,
    running(firewall) firewall.id,
}
