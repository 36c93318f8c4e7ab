//! Networks: creates a private network with a subnet, attaches a server at a chosen
//! address, adds a route, then takes it all down again.
//!
//! `cargo run -p hcloud-blocking --example networks [-- --live]`

mod common;

use hcloud_blocking::networks::{CreateNetwork, CreateNetworkSubnet, NetworkRoute};
use hcloud_blocking::CreateServer;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(target) = common::connect("networks")? else { return Ok(()) };
    let client = &target.client;

    let network = client.networks().create(
        CreateNetwork::new("example-backend", "10.0.0.0/16")
            .subnet(CreateNetworkSubnet::cloud("eu-central", "10.0.1.0/24"))
            .label("env", "example"),
    )?;
    println!("created network {} ({})", network.id, network.ip_range);

    let server = client
        .servers()
        .create(CreateServer::new("network-member", "cpx22", "ubuntu-24.04").location("fsn1"))?;
    client.wait(&server)?;
    let id = server.server.id;
    let attached = client.server(id).attach_to_network_with(network.id, |attach| attach.ip("10.0.1.5"))?;
    client.wait(&attached)?;
    let private = client.server(id).get()?.private_net;
    println!("server {id} is in the network at {:?}", private.iter().map(|p| &p.ip).collect::<Vec<_>>());

    client.wait(&client.network(network.id).add_route("10.100.1.0/24", "10.0.1.1")?)?;
    let routes: Vec<NetworkRoute> = client.network(network.id).get()?.routes;
    println!("routes: {routes:?}");

    client.wait(&client.server(id).detach_from_network(network.id)?)?;
    client.wait(&client.server(id).delete()?)?;
    client.network(network.id).delete()?;
    println!("detached and deleted the server, deleted the network");
    target.finish();
    Ok(())
}
