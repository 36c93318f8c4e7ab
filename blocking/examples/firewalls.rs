//! Firewalls: creates a firewall that admits SSH and HTTPS, applies it to a server and to
//! every server labelled `role=web`, replaces its rules, and removes it again.
//!
//! `cargo run -p hcloud-blocking --example firewalls [-- --live]`

mod common;

use hcloud_blocking::firewalls::{CreateFirewall, FirewallResource, FirewallRule, FirewallRuleProtocol};
use hcloud_blocking::{CreateServer, LabelSelector};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(target) = common::connect("firewalls")? else { return Ok(()) };
    let client = &target.client;
    let anywhere = ["0.0.0.0/0", "::/0"];

    let server = client.servers().create(
        CreateServer::new("firewalled", "cpx22", "ubuntu-24.04").location("fsn1").label("role", "web"),
    )?;
    client.wait(&server)?;

    let created = client.firewalls().create(
        CreateFirewall::new("example-web")
            .rule(FirewallRule::inbound(FirewallRuleProtocol::Tcp, Some("22"), anywhere).described("ssh"))
            .rule(FirewallRule::inbound(FirewallRuleProtocol::Tcp, Some("443"), anywhere).described("https")),
    )?;
    client.wait(&created)?;
    let id = created.firewall.id;
    println!("created firewall {id} with {} rules", created.firewall.rules.len());

    let applied = client.firewall(id).apply_to(vec![
        FirewallResource::server(server.server.id),
        FirewallResource::label_selector(LabelSelector::new().eq("role", "web")),
    ])?;
    client.wait(&applied)?;
    println!("applied to {} resource(s)", client.firewall(id).get()?.applied_to.len());

    let rules = vec![FirewallRule::inbound(FirewallRuleProtocol::Icmp, None, anywhere)];
    client.wait(&client.firewall(id).set_rules(rules)?)?;
    println!("rules now: {:?}", client.firewall(id).get()?.rules);

    let applied_to = client.firewall(id).get()?.applied_to;
    client.wait(&client.firewall(id).remove_from(applied_to)?)?;
    client.firewall(id).delete()?;
    client.wait(&client.server(server.server.id).delete()?)?;
    println!("removed and deleted the firewall, deleted the server");
    target.finish();
    Ok(())
}
