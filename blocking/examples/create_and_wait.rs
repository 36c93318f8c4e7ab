//! Creates a server, waits for its actions with progress and for it to run, then deletes it
//! again (pass `--keep` to keep it).
//!
//! `cargo run -p hcloud-blocking --example create_and_wait [-- --name NAME] [-- --keep] [-- --live]`

mod common;

use hcloud_blocking::{CreateServer, ServerStatus};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(target) = common::connect("create_and_wait")? else { return Ok(()) };
    let client = &target.client;

    let name = common::option("--name").unwrap_or_else(|| "example-server".to_owned());
    let request = CreateServer {
        location: Some("fsn1".into()),
        start_after_create: Some(true),
        ..CreateServer::new(name, "cpx22", "ubuntu-24.04")
    };
    let created = client.servers().create(request)?;
    println!(
        "created server {} ({}); root password: {:?}",
        created.server.id, created.server.name, created.root_password
    );

    let actions: Vec<_> = created.all_actions().cloned().collect();
    client.actions().wait_for_with_progress(actions, |action| {
        println!("  {} {}: {}%", action.command, action.status, action.progress);
    })?;
    let server = client.server(created.server.id).wait_until_status_is(ServerStatus::Running)?;
    println!("server {} is {}", server.name, server.status);

    if common::flag("--keep") {
        println!("kept server {}", server.id);
    } else {
        let deleted = client.server(server.id).delete()?;
        client.actions().wait_for([deleted])?;
        println!("deleted server {}", server.id);
    }
    target.finish();
    Ok(())
}
