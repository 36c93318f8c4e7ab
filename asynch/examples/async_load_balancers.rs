//! Load balancers: creates two servers and a load balancer with an HTTP service that
//! targets one server directly and both through a label selector, then deletes all three.
//!
//! `cargo run -p hcloud-async --example async_load_balancers [-- --live]`

mod common;

use hcloud_async::load_balancers::{
    CreateLoadBalancer, LoadBalancerAlgorithmType, LoadBalancerService, LoadBalancerTarget,
};
use hcloud_async::CreateServer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(setup) = common::setup()? else { return Ok(()) };
    let client = &setup.client;

    let mut servers = Vec::new();
    for name in ["backend-1", "backend-2"] {
        let created = client
            .servers()
            .create(
                CreateServer::new(name, "cpx22", "ubuntu-24.04").location("fsn1").label("role", "backend"),
            )
            .await?;
        client.wait(&created).await?;
        servers.push(created.server.id);
    }

    let created = client
        .load_balancers()
        .create(
            CreateLoadBalancer::new("example-lb", "lb11")
                .location("fsn1")
                .service(LoadBalancerService::http(80, 8080))
                .target(LoadBalancerTarget::server(servers[0]))
                .target(LoadBalancerTarget::label_selector("role=backend")),
        )
        .await?;
    client.wait(&created).await?;
    let lb = client.load_balancer(created.load_balancer.id).get().await?;
    println!(
        "load balancer {} listens on {:?} with {} target(s)",
        lb.name,
        lb.services.iter().map(|s| s.listen_port).collect::<Vec<_>>(),
        lb.targets.len()
    );

    let changed =
        client.load_balancer(lb.id).change_algorithm(LoadBalancerAlgorithmType::LeastConnections).await?;
    client.wait(&changed).await?;
    println!("algorithm now {}", client.load_balancer(lb.id).get().await?.algorithm.kind);

    client.load_balancer(lb.id).delete().await?;
    for id in servers {
        client.wait(&client.server(id).delete().await?).await?;
    }
    println!("deleted the load balancer and its servers");
    setup.finish();
    Ok(())
}
