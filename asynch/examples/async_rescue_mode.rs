//! Enables rescue mode on a server, shows the rescue root password's length, and disables it
//! again.
//!
//! ```sh
//! cargo run -p hcloud-async --example async_rescue_mode                  # in-process simulator
//! HCLOUD_TOKEN=... cargo run -p hcloud-async --example async_rescue_mode -- --live --server 12345
//! ```

mod common;

use hcloud_async::{CreateServer, RescueType, ServerId, ServerStatus};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(setup) = common::setup()? else { return Ok(()) };
    let client = &setup.client;

    let args: Vec<String> = std::env::args().collect();
    let given = args.iter().position(|a| a == "--server").and_then(|i| args.get(i + 1));
    let id = match given {
        Some(id) => ServerId(id.parse()?),
        None if setup.simulated() => {
            let created =
                client.servers().create(CreateServer::new("rescue-demo", "cpx22", "ubuntu-24.04")).await?;
            client.actions().wait_for(created.all_actions().cloned()).await?;
            println!("created server {} to rescue", created.server.id);
            created.server.id
        }
        None => {
            println!("pass --server ID to choose the server to put into rescue mode");
            return Ok(());
        }
    };

    let server = client.server(id);
    let before = server.get().await?;
    println!(
        "server {} ({}) is {}, rescue enabled: {}",
        before.id, before.name, before.status, before.rescue_enabled
    );

    let rescue = server.enable_rescue_with(|rescue| rescue.rescue_type(RescueType::Linux64)).await?;
    client.actions().wait_for([rescue.action]).await?;
    let password_len = rescue.root_password.as_ref().map_or(0, |p| p.expose().len());
    println!("rescue mode enabled; rescue root password has {password_len} characters (not shown)");
    println!("rescue enabled now: {}", server.get().await?.rescue_enabled);

    let action = server.disable_rescue().await?;
    client.actions().wait_for([action]).await?;
    let after = server.wait_until_status_is(ServerStatus::Running).await?;
    println!("rescue mode disabled; rescue enabled now: {}", after.rescue_enabled);

    setup.finish();
    Ok(())
}
