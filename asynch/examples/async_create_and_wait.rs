//! Creates a server, waits for its actions with progress and for it to run, then deletes it
//! again (pass `--keep` to keep it).
//!
//! ```sh
//! cargo run -p hcloud-async --example async_create_and_wait              # in-process simulator
//! HCLOUD_TOKEN=... cargo run -p hcloud-async --example async_create_and_wait -- --live [--keep]
//! ```

mod common;

use hcloud_async::hcloud_core::catalog::{images, locations, server_types};
use hcloud_async::{CreateServer, ServerStatus};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(setup) = common::setup()? else { return Ok(()) };
    let client = &setup.client;
    let keep = std::env::args().any(|a| a == "--keep");
    let name = format!("example-{}", std::process::id());

    let created = client
        .servers()
        .create(CreateServer {
            location: Some(locations::FSN1.into()),
            labels: [("created-by".to_owned(), "hcloud-async-example".to_owned())].into(),
            ..CreateServer::new(&name, server_types::CPX22, images::UBUNTU_24_04)
        })
        .await?;
    println!(
        "created server {} ({}), status {}",
        created.server.id, created.server.name, created.server.status
    );
    if let Some(password) = &created.root_password {
        println!("root password: {} characters (not shown)", password.expose().len());
    }

    let actions = client
        .actions()
        .wait_for_with_progress(created.all_actions().cloned(), |action| {
            println!("  {} {}: {}%", action.command, action.status, action.progress)
        })
        .await?;
    println!("{} action(s) finished", actions.len());

    let server = client.server(created.server.id).wait_until_status_is(ServerStatus::Running).await?;
    let ipv4 = server.public_net.ipv4.as_ref().map(|ip| ip.ip.to_string()).unwrap_or_else(|| "-".into());
    println!("server {} is {} at {}", server.name, server.status, ipv4);

    if keep {
        println!("kept (--keep)");
    } else {
        let deleting = client.server(server.id).delete().await?;
        client.actions().wait_for([deleting]).await?;
        println!("deleted server {}", server.id);
    }
    setup.finish();
    Ok(())
}
