//! Serves the Hetzner Cloud API simulator on 127.0.0.1 until killed.
//!
//! ```text
//! hcloud-sim [--port N] [--token T] [--action-seconds S] [--seed N] [--prefix P]
//!            [--rate-limit CAPACITY[/REFILL_PER_SEC]] [--servers N]
//! ```
//!
//! `--rate-limit` sizes the token bucket (`--rate-limit 3/0.5`: three requests, then one
//! every two seconds); `--servers` starts with that many servers already running.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use hcloud_sim::{ServerOptions, SimConfig, SimServer};

const USAGE: &str = "usage: hcloud-sim [--port N] [--token T] [--action-seconds S] [--seed N] [--prefix P] \
                     [--rate-limit CAPACITY[/REFILL_PER_SEC]] [--servers N]";

fn parse_rate_limit(value: &str) -> Result<(u32, f64), String> {
    let bad = || format!("bad rate limit '{value}' (want CAPACITY or CAPACITY/REFILL_PER_SEC)");
    let (capacity, refill) = match value.split_once('/') {
        Some((c, r)) => (c, Some(r)),
        None => (value, None),
    };
    let capacity: u32 = capacity.parse().map_err(|_| bad())?;
    let refill = match refill {
        Some(r) => r.parse::<f64>().ok().filter(|r| r.is_finite() && *r >= 0.0).ok_or_else(bad)?,
        None => SimConfig::default().rate_limit_refill_per_sec,
    };
    Ok((capacity, refill))
}

fn parse(args: &[String]) -> Result<(SimConfig, ServerOptions, usize), String> {
    let mut config = SimConfig::default();
    let mut servers = 0;
    let mut options = ServerOptions::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--port" => options.port = value.parse().map_err(|_| format!("bad port '{value}'"))?,
            "--token" => config.token = value.clone(),
            "--action-seconds" => {
                let secs: f64 = value
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s >= 0.0)
                    .ok_or_else(|| format!("bad duration '{value}'"))?;
                config.action_duration = Duration::from_secs_f64(secs);
            }
            "--seed" => config.seed = value.parse().map_err(|_| format!("bad seed '{value}'"))?,
            "--prefix" => config.api_prefix = value.clone(),
            "--rate-limit" => {
                let (capacity, refill) = parse_rate_limit(value)?;
                config = config.with_rate_limit(capacity, refill);
            }
            "--servers" => servers = value.parse().map_err(|_| format!("bad server count '{value}'"))?,
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    Ok((config, options, servers))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (config, options, servers) = match parse(&args) {
        Ok(c) => c,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("hcloud-sim: {msg}");
            }
            eprintln!("{USAGE}");
            return if msg.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) };
        }
    };
    let server = match SimServer::start_with(config, options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("hcloud-sim: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    if servers > 0 {
        server.with_simulator(|sim| sim.insert_servers(servers));
    }
    let mut out = std::io::stdout();
    let _ = writeln!(out, "listening on {}", server.base_url());
    let _ = out.flush();
    // Serve until the process is killed.
    loop {
        std::thread::park();
    }
}
