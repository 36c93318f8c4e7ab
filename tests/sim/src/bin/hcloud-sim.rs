//! Serves the Hetzner Cloud API simulator on 127.0.0.1 until killed.
//! `hcloud-sim --help` lists every option with its default.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use hcloud_sim::{Clock, ServerOptions, SimConfig, SimServer, Simulator, CONTROL_PREFIX};

const HELP: &str = "\
hcloud-sim: a stateful simulator of the Hetzner Cloud API on 127.0.0.1

usage: hcloud-sim [OPTIONS]

options (default in brackets):
  --port N                      port on 127.0.0.1; 0 picks a free one [0]
  --token T                     the only accepted bearer token [sim-token]
  --prefix P                    path prefix of the API [/v1]
  --action-seconds S            how long every action runs [2]
  --command-seconds CMD=S       duration of actions with one command, e.g.
                                create_server=5; repeatable [none]
  --fail-command CMD            actions with this command end in error, e.g.
                                start_server; repeatable [none]
  --rate-limit CAP[/REFILL]     rate-limit bucket size and refill per second [3600/1]
  --seed N                      seed of passwords and correlation ids [0]
  --servers N                   start with N running servers named server-<id> [0]
  --seed-file PATH              create resources from a JSON file at start, as
                                POST /_sim/seed takes it [none]
  --epoch TIME                  wall-clock time of the start, as UNIX seconds or
                                RFC 3339; timestamps follow it [the real time]
  --manual-clock                time stands still until POST /_sim/clock
                                advances it [off: time runs]
  --max-connections N           connections served at once [64]
  --idle-timeout S              idle keep-alive connections close after S [30]
  -h, --help                    print this help and exit

The first line on stdout is `listening on <base url>`.

control endpoint (outside the API prefix, no token needed):
  GET    /_sim            settings, virtual time, resource counts, faults
  PUT    /_sim/config     {\"action_seconds\", \"command_seconds\": {cmd: s},
                           \"fail_commands\": [cmd], \"rate_limit\": {\"capacity\", \"refill_per_sec\"}}
  GET    /_sim/faults     active fault rules
  POST   /_sim/faults     {\"kind\": bad_gateway|unavailable|timeout|error|delay|truncate|
                           drop|drop_after_processing, \"method\", \"path\", \"after\", \"times\",
                           \"status\", \"code\", \"message\", \"delay_seconds\"}
  DELETE /_sim/faults     remove every fault rule
  POST   /_sim/seed       {\"<collection>\": [create bodies], \"servers\": N}
  GET    /_sim/clock      virtual time; POST {\"advance_seconds\": s} skips ahead
";

/// Everything the command line sets.
struct Options {
    config: SimConfig,
    server: ServerOptions,
    servers: usize,
    seed_file: Option<String>,
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("{flag}: bad value '{value}'"))
}

fn secs(flag: &str, value: &str) -> Result<Duration, String> {
    let s: f64 = number(flag, value)?;
    if s.is_finite() && s >= 0.0 {
        Ok(Duration::from_secs_f64(s))
    } else {
        Err(format!("{flag}: bad duration '{value}'"))
    }
}

fn parse_rate_limit(value: &str) -> Result<(u32, f64), String> {
    let bad = || format!("--rate-limit: bad value '{value}' (want CAPACITY or CAPACITY/REFILL_PER_SEC)");
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

fn parse_epoch(value: &str) -> Result<i64, String> {
    if let Ok(n) = value.parse::<i64>() {
        return Ok(n);
    }
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp())
        .map_err(|_| format!("--epoch: '{value}' is neither UNIX seconds nor RFC 3339"))
}

/// `Ok(None)` means: help was asked for.
fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options {
        config: SimConfig::default(),
        server: ServerOptions::default(),
        servers: 0,
        seed_file: None,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--manual-clock" => {
                o.server.clock = Clock::manual();
                continue;
            }
            _ => {}
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--port" => o.server.port = number(flag, value)?,
            "--token" => o.config.token = value.clone(),
            "--prefix" => o.config.api_prefix = value.clone(),
            "--action-seconds" => o.config.action_duration = secs(flag, value)?,
            "--command-seconds" => {
                let (cmd, s) = value
                    .split_once('=')
                    .ok_or_else(|| format!("{flag}: want CMD=SECONDS, got '{value}'"))?;
                o.config.command_durations.insert(cmd.to_owned(), secs(flag, s)?);
            }
            "--fail-command" => o.config.fail_commands.push(value.clone()),
            "--rate-limit" => {
                let (capacity, refill) = parse_rate_limit(value)?;
                o.config = o.config.with_rate_limit(capacity, refill);
            }
            "--seed" => o.config.seed = number(flag, value)?,
            "--servers" => o.servers = number(flag, value)?,
            "--seed-file" => o.seed_file = Some(value.clone()),
            "--epoch" => o.config.epoch_unix = Some(parse_epoch(value)?),
            "--max-connections" => o.server.max_connections = number(flag, value)?,
            "--idle-timeout" => o.server.idle_timeout = secs(flag, value)?,
            other => return Err(format!("unknown option '{other}' (see --help)")),
        }
    }
    Ok(Some(o))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(Some(o)) => o,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("hcloud-sim: {msg}");
            return ExitCode::from(2);
        }
    };
    let mut sim = Simulator::new(options.config);
    sim.insert_servers(options.servers);
    if let Some(path) = &options.seed_file {
        let seeded = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
            .and_then(|spec| sim.seed(&spec));
        if let Err(e) = seeded {
            eprintln!("hcloud-sim: --seed-file {path}: {e}");
            return ExitCode::from(2);
        }
    }
    let server = match SimServer::from_simulator(sim, options.server) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("hcloud-sim: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "listening on {}", server.base_url());
    let _ = writeln!(out, "control endpoint on http://{}{CONTROL_PREFIX}", server.addr());
    let _ = out.flush();
    // Serve until the process is killed.
    loop {
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn options_and_their_errors() {
        let o = parse(&args(
            "--port 9 --action-seconds 0.5 --command-seconds create_server=3 --fail-command start_server --rate-limit 5/0.5 --epoch 2030-01-01T00:00:00Z --manual-clock",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(o.server.port, 9);
        assert_eq!(o.config.action_duration, Duration::from_millis(500));
        assert_eq!(o.config.duration_of("create_server"), Duration::from_secs(3));
        assert!(o.config.fails("start_server"));
        assert_eq!((o.config.rate_limit_capacity, o.config.rate_limit_refill_per_sec), (5, 0.5));
        assert_eq!(o.config.epoch_unix, Some(1_893_456_000));
        assert!(o.server.clock.is_manual());
        assert!(parse(&args("--help")).unwrap().is_none());
        for bad in [
            "--port x",
            "--action-seconds -1",
            "--command-seconds nope",
            "--epoch tomorrow",
            "--bogus 1",
            "--port",
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad}");
        }
        for flag in [
            "--port",
            "--token",
            "--prefix",
            "--action-seconds",
            "--command-seconds",
            "--fail-command",
            "--rate-limit",
            "--seed ",
            "--servers",
            "--seed-file",
            "--epoch",
            "--manual-clock",
            "--max-connections",
            "--idle-timeout",
            "--help",
        ] {
            assert!(HELP.contains(flag), "--help must list {flag}");
        }
    }
}
