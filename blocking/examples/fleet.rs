//! A fleet: a network and a firewall, twenty servers in both (created together, waited for
//! together), a look at them through a label selector, and everything torn down again.
//!
//! `cargo run -p hcloud-blocking --example fleet [-- --count N] [-- --live]`

mod common;

use std::thread;

use hcloud_blocking::firewalls::{CreateFirewall, FirewallRule, FirewallRuleProtocol};
use hcloud_blocking::networks::{CreateNetwork, CreateNetworkSubnet};
use hcloud_blocking::{CreateServer, LabelSelector, ListServers};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(target) = common::connect("fleet")? else { return Ok(()) };
    let client = &target.client;
    let count: usize = common::option("--count").map_or(Ok(20), |n| n.parse())?;

    let network = client.networks().create(
        CreateNetwork::new("fleet-net", "10.0.0.0/16")
            .subnet(CreateNetworkSubnet::cloud("eu-central", "10.0.0.0/24")),
    )?;
    let firewall = client.firewalls().create(CreateFirewall::new("fleet-fw").rule(FirewallRule::inbound(
        FirewallRuleProtocol::Tcp,
        Some("22"),
        ["0.0.0.0/0", "::/0"],
    )))?;
    client.wait(&firewall)?;
    println!("network {} and firewall {} ready", network.id, firewall.firewall.id);

    // Every create on its own thread; the client is shared.
    let created: Vec<_> = thread::scope(|scope| {
        let handles: Vec<_> = (1..=count)
            .map(|n| {
                let request = CreateServer::new(format!("fleet-{n}"), "cpx22", "ubuntu-24.04")
                    .location("fsn1")
                    .network(network.id)
                    .firewall(firewall.firewall.id)
                    .label("fleet", "example");
                scope.spawn(move || client.servers().create(request))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a create thread")).collect::<Result<Vec<_>, _>>()
    })?;
    let actions: Vec<_> = created.iter().flat_map(|c| c.all_actions().cloned()).collect();
    println!("created {} servers; waiting for {} actions", created.len(), actions.len());
    client.actions().wait_for(actions)?;

    let fleet = client
        .servers()
        .list_all(ListServers::all().label_selector(LabelSelector::new().eq("fleet", "example")))?;
    let running = fleet.iter().filter(|s| s.status == hcloud_blocking::ServerStatus::Running).count();
    println!("{} servers labelled fleet=example, {running} running", fleet.len());

    let deletes: Vec<_> = fleet.iter().map(|s| client.server(s.id).delete()).collect::<Result<_, _>>()?;
    client.actions().wait_for(deletes)?;
    client.firewall(firewall.firewall.id).delete()?;
    client.network(network.id).delete()?;
    println!("tore down {} servers, the firewall and the network", fleet.len());
    target.finish();
    Ok(())
}
