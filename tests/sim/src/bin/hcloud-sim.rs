//! Serves the Hetzner Cloud API simulator on 127.0.0.1 until killed.
//!
//! ```text
//! hcloud-sim [--port N] [--token T] [--action-seconds S] [--seed N] [--prefix P]
//! ```

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use hcloud_sim::{ServerOptions, SimConfig, SimServer};

const USAGE: &str = "usage: hcloud-sim [--port N] [--token T] [--action-seconds S] [--seed N] [--prefix P]";

fn parse(args: &[String]) -> Result<(SimConfig, ServerOptions), String> {
    let mut config = SimConfig::default();
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
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    Ok((config, options))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (config, options) = match parse(&args) {
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
    let mut out = std::io::stdout();
    let _ = writeln!(out, "listening on {}", server.base_url());
    let _ = out.flush();
    // Serve until the process is killed.
    loop {
        std::thread::park();
    }
}
