//! Streams every server of a (possibly huge) project lazily, one page in memory at a time.
//!
//! ```sh
//! HCLOUD_TOKEN=... HCLOUD_ENDPOINT=http://127.0.0.1:8080/v1 \
//!     cargo run --release -p hcloud-async --example async_list_all
//! HCLOUD_TOKEN=... cargo run --release -p hcloud-async --example async_list_all -- --live
//! ```
//!
//! `servers().list(..)` is a `Stream` that holds one page of 50 and fetches the next while
//! you work on this one, so memory stays at about two pages however many servers there are,
//! as long as you do not collect them. Here we only count them and add up their ids, and
//! print `count=<n>` (the benchmark in `bench/` relies on that line). Without
//! `HCLOUD_ENDPOINT` it talks to the real API only when `--live` is passed.
//!
//! A walk is one sequence of requests, so a current-thread runtime is all it needs: it spends
//! less CPU and memory than a multi-thread one on the same walk (no hand-over between worker
//! threads, one allocator arena).

use futures_util::StreamExt;
use hcloud_async::{Client, ListServers};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("HCLOUD_ENDPOINT").is_none() && !std::env::args().any(|a| a == "--live") {
        eprintln!("set HCLOUD_ENDPOINT (e.g. a simulator), or pass --live for the real API");
        return Ok(());
    }
    let client = Client::from_env()?; // HCLOUD_TOKEN, HCLOUD_ENDPOINT

    let (mut count, mut id_sum) = (0u64, 0u64);
    let mut servers = std::pin::pin!(client.servers().list(ListServers::all()));
    while let Some(server) = servers.next().await {
        let server = server?; // an error ends the stream
        count += 1;
        id_sum = id_sum.wrapping_add(server.id.get());
    }
    println!("count={count} id_sum={id_sum}");
    Ok(())
}
