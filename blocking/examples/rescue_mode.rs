//! Enables rescue mode on a server (showing that a root password came back, redacted), then
//! disables it again.
//!
//! `cargo run -p hcloud-blocking --example rescue_mode [-- --server ID] [-- --live]`
//! Against the simulator a server is created first; against a real API pass `--server ID`.

mod common;

use hcloud_blocking::{CreateServer, RescueType, ServerId};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(target) = common::connect("rescue_mode")? else { return Ok(()) };
    let client = &target.client;

    let id = match common::option("--server") {
        Some(id) => ServerId(id.parse()?),
        None if target.simulated => {
            let created = client.servers().create(CreateServer::new("rescue-me", "cpx22", "ubuntu-24.04"))?;
            client.actions().wait_for(created.all_actions().cloned())?;
            created.server.id
        }
        None => {
            println!("pass --server ID to choose the server whose rescue mode to toggle");
            target.finish();
            return Ok(());
        }
    };
    let server = client.server(id);

    let rescue = server.enable_rescue_with(|rescue| rescue.rescue_type(RescueType::Linux64))?;
    println!("rescue enabled on {id}; root password: {:?}", rescue.root_password);
    client.actions().wait_for([rescue.action])?;
    println!("rescue_enabled = {}", server.get()?.rescue_enabled);

    let action = server.disable_rescue()?;
    client.actions().wait_for([action])?;
    println!("rescue disabled; rescue_enabled = {}", server.get()?.rescue_enabled);
    target.finish();
    Ok(())
}
