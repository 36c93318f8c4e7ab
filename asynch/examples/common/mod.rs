//! How every example finds an API: the real one only with a token AND `--live` (or an
//! explicit `HCLOUD_ENDPOINT`), the in-process simulator when no token is set.

#![allow(dead_code)]

use std::time::Duration;

use hcloud_async::{Client, Config};
use hcloud_sim::{SimConfig, SimServer};

/// The client an example runs with, and the simulator behind it, if any.
pub struct Setup {
    pub client: Client,
    /// Kept alive for the example's duration; `None` against a real endpoint.
    pub sim: Option<SimServer>,
}

impl Setup {
    /// Whether the example runs against the in-process simulator.
    pub fn simulated(&self) -> bool {
        self.sim.is_some()
    }

    /// Stops the simulator, if one was started.
    pub fn finish(self) {
        if let Some(sim) = self.sim {
            sim.shutdown();
        }
    }
}

/// `Ok(None)` when the example should not run (a token but no endpoint and no `--live`).
pub fn setup() -> Result<Option<Setup>, Box<dyn std::error::Error>> {
    let live = std::env::args().any(|a| a == "--live");
    let has_token = std::env::var_os("HCLOUD_TOKEN").is_some();
    let has_endpoint = std::env::var_os("HCLOUD_ENDPOINT").is_some_and(|e| !e.is_empty());
    if has_token {
        if !has_endpoint && !live {
            println!(
                "HCLOUD_TOKEN is set, but this example only talks to the real API when you pass --live \
                 (or point HCLOUD_ENDPOINT somewhere). Nothing was done."
            );
            return Ok(None);
        }
        let client = Client::from_env()?;
        println!("using {}", client.config().endpoint());
        return Ok(Some(Setup { client, sim: None }));
    }
    let sim = SimServer::start(SimConfig::default().with_action_duration(Duration::from_millis(500)))?;
    println!("HCLOUD_TOKEN is not set: using the in-process simulator at {}", sim.base_url());
    let config =
        Config::new("sim-token")?.with_endpoint(sim.base_url())?.with_application("hcloud-example", "0");
    let client = Client::builder(config).build()?;
    Ok(Some(Setup { client, sim: Some(sim) }))
}
