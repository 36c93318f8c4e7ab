//! Walks every server of a (possibly huge) project lazily, one page in memory at a time.
//!
//! ```sh
//! HCLOUD_TOKEN=... HCLOUD_ENDPOINT=http://127.0.0.1:8080/v1 \
//!     cargo run --release -p hcloud-blocking --example list_all
//! HCLOUD_TOKEN=... cargo run --release -p hcloud-blocking --example list_all -- --live
//! ```
//!
//! `servers().list(..)` is an iterator that holds one page of 50 and fetches the next (on a
//! helper thread) while you work on this one, so memory stays at about two pages however many
//! servers there are, as long as you do not `collect()` them. Here we only count them and add up their ids, and print
//! `count=<n>` (the benchmark in `bench/` relies on that line). Without `HCLOUD_ENDPOINT` it
//! talks to the real API only when `--live` is passed.

use hcloud_blocking::{Client, ListServers};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("HCLOUD_ENDPOINT").is_none() && !std::env::args().any(|a| a == "--live") {
        eprintln!("set HCLOUD_ENDPOINT (e.g. a simulator), or pass --live for the real API");
        return Ok(());
    }
    let client = Client::from_env()?; // HCLOUD_TOKEN, HCLOUD_ENDPOINT

    let (mut count, mut id_sum) = (0u64, 0u64);
    for server in client.servers().list(ListServers::all()) {
        let server = server?; // an error ends the walk
        count += 1;
        id_sum = id_sum.wrapping_add(server.id.get());
    }
    println!("count={count} id_sum={id_sum}");
    Ok(())
}
