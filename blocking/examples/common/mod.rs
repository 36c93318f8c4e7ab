//! What every example shares: choosing where to run.
//!
//! - No `HCLOUD_TOKEN`: an in-process simulator on 127.0.0.1 with short action durations.
//! - `HCLOUD_TOKEN` and `HCLOUD_ENDPOINT` (not the real API): that endpoint.
//! - `HCLOUD_TOKEN` and `--live`: the real API (or `HCLOUD_ENDPOINT`).
//! - `HCLOUD_TOKEN` alone: refuse, so an example never touches a real project by accident.

#![allow(dead_code)]

use std::time::Duration;

use hcloud_blocking::{Client, Config, WaitPolicy};
use hcloud_sim::{SimConfig, SimServer};

/// Where an example runs, and the simulator to stop when it is done.
pub struct Target {
    pub client: Client,
    pub simulated: bool,
    sim: Option<SimServer>,
}

impl Target {
    /// Seeds the simulator with `n` running servers (does nothing against a real API).
    pub fn seed_servers(&self, n: usize) {
        if let Some(sim) = &self.sim {
            sim.with_simulator(|sim| sim.insert_servers(n));
        }
    }

    /// Stops the simulator, if one was started.
    pub fn finish(self) {
        if let Some(sim) = self.sim {
            sim.shutdown();
        }
    }
}

/// Whether `flag` was passed on the command line.
pub fn flag(flag: &str) -> bool {
    std::env::args().skip(1).any(|arg| arg == flag)
}

/// The value after `--name` on the command line.
pub fn option(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    args.iter().position(|arg| arg == name).and_then(|i| args.get(i + 1).cloned())
}

/// Decides where to run; `None` means the example refused to run (and said why on stderr).
pub fn connect(example: &str) -> Result<Option<Target>, Box<dyn std::error::Error>> {
    let token = std::env::var("HCLOUD_TOKEN").ok().filter(|t| !t.is_empty());
    let endpoint = std::env::var("HCLOUD_ENDPOINT").ok().filter(|e| !e.is_empty());
    let live = flag("--live");
    if token.is_none() {
        return simulated().map(Some);
    }
    let real_api = endpoint.as_deref().is_none_or(|e| e.contains("api.hetzner.cloud"));
    if real_api && !live {
        eprintln!(
            "HCLOUD_TOKEN is set, but {example} only touches the real Hetzner Cloud API when asked to:\n\
             run it again with `-- --live` (it may create billable resources), unset HCLOUD_TOKEN to use\n\
             the built-in simulator, or point HCLOUD_ENDPOINT at a test endpoint."
        );
        return Ok(None);
    }
    let client = Client::from_env()?;
    println!("Using {} (HCLOUD_TOKEN from the environment)", client.config().endpoint());
    Ok(Some(Target { client, simulated: false, sim: None }))
}

fn simulated() -> Result<Target, Box<dyn std::error::Error>> {
    let config = SimConfig::default().with_seed(1).with_action_duration(Duration::from_millis(400));
    let token = config.token.clone();
    let sim = SimServer::start(config)?;
    let quick = WaitPolicy {
        interval: Duration::from_millis(100),
        max_interval: Duration::from_millis(200),
        max_attempts: Some(100),
        timeout: Some(Duration::from_secs(20)),
    };
    let client = Client::builder(Config::new(token)?.with_endpoint(sim.base_url())?)
        .action_wait_policy(quick.clone())
        .status_wait_policy(quick)
        .build()?;
    println!("No HCLOUD_TOKEN set: using the built-in simulator at {}", sim.base_url());
    Ok(Target { client, simulated: true, sim: Some(sim) })
}
