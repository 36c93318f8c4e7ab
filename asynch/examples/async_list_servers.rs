//! Lists every server, page by page, as a stream.
//!
//! ```sh
//! cargo run -p hcloud-async --example async_list_servers                 # in-process simulator
//! HCLOUD_TOKEN=... cargo run -p hcloud-async --example async_list_servers -- --live
//! cargo run -p hcloud-async --example async_list_servers -- --label env=prod
//! ```

mod common;

use hcloud_async::{ListServers, Sort, SortField};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(setup) = common::setup()? else { return Ok(()) };
    if let Some(sim) = &setup.sim {
        sim.with_simulator(|s| s.insert_servers(3));
    }
    let client = &setup.client;

    let args: Vec<String> = std::env::args().collect();
    let label_selector = args.iter().position(|a| a == "--label").and_then(|i| args.get(i + 1)).cloned();
    let filter = ListServers { label_selector, sort: vec![Sort::asc(SortField::Id)], ..ListServers::all() };

    let mut servers = client.servers().list(filter);
    let mut count = 0;
    while let Some(server) = servers.next().await {
        let server = server?;
        count += 1;
        let ipv4 = server.public_net.ipv4.as_ref().map(|ip| ip.ip.to_string()).unwrap_or_else(|| "-".into());
        println!(
            "{:>10}  {:<24} {:<12} {:<8} {:<6} {}",
            server.id, server.name, server.status, server.server_type.name, server.location.name, ipv4
        );
    }
    println!("{count} server(s)");
    if let Some(limit) = client.rate_limit() {
        println!("rate limit: {} of {} requests left", limit.remaining, limit.limit);
    }
    setup.finish();
    Ok(())
}
