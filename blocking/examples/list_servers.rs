//! Lists the project's servers, page by page, lazily.
//!
//! `cargo run -p hcloud-blocking --example list_servers [-- --name NAME] [-- --live]`

mod common;

use hcloud_blocking::ListServers;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(target) = common::connect("list_servers")? else { return Ok(()) };
    target.seed_servers(3);
    let client = &target.client;

    let filter = match common::option("--name") {
        Some(name) => ListServers::by_name(name),
        None => ListServers::all(),
    };
    let mut count = 0;
    for server in client.servers().list(filter) {
        let server = server?;
        count += 1;
        println!(
            "{:>10}  {:<24} {:<12} {} in {}",
            server.id, server.name, server.status, server.server_type.name, server.location.name
        );
    }
    println!("{count} server(s)");
    if let Some(limit) = client.rate_limit() {
        println!("rate limit: {} of {} requests left", limit.remaining, limit.limit);
    }
    target.finish();
    Ok(())
}
