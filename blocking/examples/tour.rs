//! A tour of the whole story, step by step: create a server, wait for it, find it, rename it,
//! rescue mode on and off, backups on, delete it, and a typed error at the end.
//!
//! `cargo run -p hcloud-blocking --example tour`
//!
//! Without `HCLOUD_TOKEN` it runs against a simulator started in-process on 127.0.0.1, with
//! short action durations, and finishes in a few seconds. With `HCLOUD_TOKEN` set it refuses
//! to touch the real API unless `--live` is passed (it then creates and deletes a real,
//! billable server), or `HCLOUD_ENDPOINT` points at a test endpoint.
//!
//! Exit codes: 0 when every step did what it should, 1 when one failed (the error is printed
//! with its causes), 2 for a usage problem (an unknown argument, or a token without `--live`).

mod common;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use hcloud_blocking::{Client, CreateServer, ListServers, RescueType, RetryPolicy, ServerStatus};

const USAGE: &str = "usage: cargo run -p hcloud-blocking --example tour [-- --live]

  --live   run against the real Hetzner Cloud API when HCLOUD_TOKEN is set
           (creates and deletes a billable server)
  --help   show this text";

fn step(n: u32, text: &str) {
    println!("\n[{n}] {text}");
}

/// Why the tour stopped.
enum Stop {
    /// Asked for help: not a failure.
    Help,
    /// The command line asks for something the tour does not do.
    Usage(String),
    /// A token is set, but not `--live` (the reason is already on stderr).
    Refused,
    /// A step failed.
    Failed(Box<dyn std::error::Error>),
}

impl<E: std::error::Error + 'static> From<E> for Stop {
    fn from(error: E) -> Self {
        Stop::Failed(Box::new(error))
    }
}

fn main() -> ExitCode {
    match tour() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Stop::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(Stop::Usage(message)) => {
            eprintln!("{message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Stop::Refused) => ExitCode::from(2),
        Err(Stop::Failed(error)) => {
            eprintln!("\nerror: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

/// A failed expectation, as an error.
fn unexpected(what: String) -> Stop {
    Stop::Failed(what.into())
}

fn check_arguments() -> Result<(), Stop> {
    for argument in std::env::args().skip(1) {
        match argument.as_str() {
            "--live" => {}
            "--help" | "-h" => return Err(Stop::Help),
            other => return Err(Stop::Usage(format!("unknown argument {other:?}"))),
        }
    }
    Ok(())
}

/// Fails at once, naming the host, when the endpoint cannot be reached, rather than after
/// the retries of the first step.
fn check_reachable(client: &Client) -> Result<(), Stop> {
    let probe = Client::builder(client.config().clone())
        .retry_policy(RetryPolicy::none())
        .connect_timeout(Duration::from_secs(5))
        .build()?;
    match probe.execute(ListServers { per_page: Some(1), ..ListServers::all() }) {
        Err(error) if error.is_transport() => Err(error.into()),
        _ => Ok(()),
    }
}

fn tour() -> Result<(), Stop> {
    check_arguments()?;
    let started = Instant::now();
    let Some(target) = common::connect("the tour").map_err(Stop::Failed)? else { return Err(Stop::Refused) };
    let client = &target.client;
    check_reachable(client)?;

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
        Ok(server) => {
            return Err(unexpected(format!(
                "server {id} ({}) is still there after its deletion",
                server.name
            )))
        }
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
