//! A fleet: a network and a firewall, twenty servers in both (created concurrently as tokio
//! tasks, waited for together), a look at them through a label selector, and everything torn
//! down again.
//!
//! `cargo run -p hcloud-async --example async_fleet [-- --count N] [-- --live]`

mod common;

use hcloud_async::firewalls::{CreateFirewall, FirewallRule, FirewallRuleProtocol};
use hcloud_async::networks::{CreateNetwork, CreateNetworkSubnet};
use hcloud_async::{CreateServer, LabelSelector, ListServers, ServerStatus};
use tokio::task::JoinSet;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(setup) = common::setup()? else { return Ok(()) };
    let client = &setup.client;
    let args: Vec<String> = std::env::args().collect();
    let count: usize = match args.iter().position(|a| a == "--count") {
        Some(i) => args.get(i + 1).ok_or("--count needs a number")?.parse()?,
        None => 20,
    };

    let network = client
        .networks()
        .create(
            CreateNetwork::new("fleet-net", "10.0.0.0/16")
                .subnet(CreateNetworkSubnet::cloud("eu-central", "10.0.0.0/24")),
        )
        .await?;
    let firewall = client
        .firewalls()
        .create(CreateFirewall::new("fleet-fw").rule(FirewallRule::inbound(
            FirewallRuleProtocol::Tcp,
            Some("22"),
            ["0.0.0.0/0", "::/0"],
        )))
        .await?;
    client.wait(&firewall).await?;
    println!("network {} and firewall {} ready", network.id, firewall.firewall.id);

    // Each create is a task of its own: the futures own what they need.
    let mut creates = JoinSet::new();
    for n in 1..=count {
        let request = CreateServer::new(format!("fleet-{n}"), "cpx22", "ubuntu-24.04")
            .location("fsn1")
            .network(network.id)
            .firewall(firewall.firewall.id)
            .label("fleet", "example");
        creates.spawn(client.servers().create(request));
    }
    let mut actions = Vec::new();
    while let Some(created) = creates.join_next().await {
        actions.extend(created??.all_actions().cloned());
    }
    println!("created {count} servers; waiting for {} actions", actions.len());
    client.actions().wait_for(actions).await?;

    let selector = LabelSelector::new().eq("fleet", "example");
    let fleet = client.servers().list_all(ListServers::all().label_selector(selector)).await?;
    let running = fleet.iter().filter(|s| s.status == ServerStatus::Running).count();
    println!("{} servers labelled fleet=example, {running} running", fleet.len());

    let mut deletes = JoinSet::new();
    for server in &fleet {
        deletes.spawn(client.server(server.id).delete());
    }
    let mut deleted = Vec::new();
    while let Some(action) = deletes.join_next().await {
        deleted.push(action??);
    }
    client.actions().wait_for(deleted).await?;
    client.firewall(firewall.firewall.id).delete().await?;
    client.network(network.id).delete().await?;
    println!("tore down {} servers, the firewall and the network", fleet.len());
    setup.finish();
    Ok(())
}
