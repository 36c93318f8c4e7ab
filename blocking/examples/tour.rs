//! A tour of the whole story, step by step: create a server, wait for it, find it, rename it,
//! rescue mode on and off, backups on, delete it, and a typed error at the end.
//!
//! `cargo run -p hcloud-blocking --example tour`
//!
//! Without `HCLOUD_TOKEN` it runs against a simulator started in-process on 127.0.0.1, with
//! short action durations, and finishes in a few seconds. With `HCLOUD_TOKEN` set it refuses
//! to touch the real API unless `--live` is passed (it then creates and deletes a real,
//! billable server), or `HCLOUD_ENDPOINT` points at a test endpoint.

mod common;

use std::time::Instant;

use hcloud_blocking::{CreateServer, ListServers, RescueType, ServerStatus};

fn step(n: u32, text: &str) {
    println!("\n[{n}] {text}");
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let Some(target) = common::connect("the tour")? else { return Ok(()) };
    let client = &target.client;

    step(1, "Create a server (no SSH key, so the API returns a root password)");
    let request = CreateServer {
        location: Some("fsn1".into()),
        start_after_create: Some(true),
        labels: [("purpose".to_owned(), "tour".to_owned())].into(),
        ..CreateServer::new("tour-server", "cpx22", "ubuntu-24.04")
    };
    let created = client.servers().create(request)?;
    let id = created.server.id;
    println!("    created server {id} '{}', status {}", created.server.name, created.server.status);
    println!("    root password (Debug): {:?}", created.root_password);
    println!("    a root password came back: {}", created.root_password.is_some());
    let commands: Vec<&str> = created.all_actions().map(|a| a.command.as_str()).collect();
    println!("    actions to wait for: {commands:?}");

    step(2, "Wait for its actions, with progress, then until it is running");
    client.actions().wait_for_with_progress(created.all_actions().cloned(), |action| {
        println!(
            "    action {} {:<14} {:>3}%  {}",
            action.id, action.command, action.progress, action.status
        );
    })?;
    let server = client.server(id).wait_until_status_is(ServerStatus::Running)?;
    println!("    server {id} is {}", server.status);

    step(3, "Find it by name");
    for found in client.servers().list(ListServers::by_name("tour-server")) {
        let found = found?;
        println!(
            "    {} '{}' {} in {}, labels {:?}",
            found.id, found.name, found.status, found.location.name, found.labels
        );
    }

    step(4, "Rename it");
    let renamed = client.server(id).rename("tour-server-renamed")?;
    println!("    now called '{}'", renamed.name);

    step(5, "Enable rescue mode");
    let rescue = client.server(id).enable_rescue_with(|rescue| rescue.rescue_type(RescueType::Linux64))?;
    println!("    rescue root password (Debug): {:?}", rescue.root_password);
    println!("    a rescue root password came back: {}", rescue.root_password.is_some());
    client.actions().wait_for([rescue.action])?;
    println!("    rescue_enabled = {}", client.server(id).get()?.rescue_enabled);

    step(6, "Disable rescue mode");
    let action = client.server(id).disable_rescue()?;
    client.actions().wait_for([action])?;
    println!("    rescue_enabled = {}", client.server(id).get()?.rescue_enabled);

    step(7, "Enable backups");
    let action = client.server(id).enable_backup()?;
    client.actions().wait_for([action])?;
    let server = client.server(id).get()?;
    println!(
        "    backups enabled = {}, window {:?}",
        server.backups_enabled(),
        server.backup_window.map(|w| w.as_str().to_owned())
    );

    step(8, "Delete it and wait for the action");
    let action = client.server(id).delete()?;
    let done = client.actions().wait_for([action])?;
    println!("    {} finished: {}", done[0].command, done[0].status);

    step(9, "A typed error: get the deleted server");
    match client.server(id).get() {
        Ok(server) => println!("    unexpectedly still there: {}", server.name),
        Err(error) if error.is_not_found() => {
            println!("    is_not_found() = true: {error}");
            println!(
                "    code {:?}, correlation id {:?}",
                error.code().map(|c| c.as_str()),
                error.correlation_id()
            );
        }
        Err(error) => return Err(error.into()),
    }

    if let Some(limit) = client.rate_limit() {
        println!("\nrate limit: {} of {} requests left", limit.remaining, limit.limit);
    }
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
    target.finish();
    Ok(())
}
